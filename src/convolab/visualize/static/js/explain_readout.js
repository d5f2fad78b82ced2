// The arithmetic of one cell, from its steps (explain_cells.js in a saved page, the server's
// convolab/explain/_cells.py otherwise): products and sums of a convolution per input
// channel, the winner or the mean of a pooling, the largest contributions of a dense layer,
// batch norm and the activation, each beside the value the network computed. arithmetic()
// gives the numbers (the test hook reads them), readoutHtml() the page's tables.

import { colour } from "./explain_maps.js";
import { elementwise } from "./explain_net.js";

const SHOWN_CHANNELS = 4; // input channels of a convolution drawn in full; the rest as sums
const SHOWN_TERMS = 10; // largest products of a dense layer listed

export function fmt(v) {
  if (v === null || v === undefined) return "·";
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e-4 && a < 1e6 ? String(Number(v.toPrecision(6))) : v.toExponential(5);
}

// An element-wise step recomputed by the network's own formulas (explain_net.js); a step
// holds one channel's batch-norm numbers; null for an operator the page cannot compute.
function elementwiseValue(s) {
  const params = s.op === "bn"
    ? { mean: [s.mean], var: [s.var], eps: s.eps, weight: [s.weight], bias: [s.bias] }
    : s;
  try {
    return elementwise(s.op, s.in, params, 0);
  } catch {
    return null;
  }
}

function convArithmetic(s) {
  const channels = s.channels.map((ci, j) => {
    const products = s.window[j].map((row, ky) => row.map((v, kx) => v * s.kernel[j][ky][kx]));
    const sum = products.flat().reduce((a, b) => a + b, 0);
    return { channel: ci, window: s.window[j], kernel: s.kernel[j], products, sum };
  });
  const total = channels.reduce((a, c) => a + c.sum, 0);
  return { channels, total, bias: s.bias, value: total + (s.bias ?? 0) };
}

function poolArithmetic(s) {
  const cells = [];
  s.window.forEach((row, ky) => row.forEach((v, kx) => { if (v !== null) cells.push({ v, ky, kx }); }));
  if (s.op === "max pool") {
    const winner = cells.reduce((best, c) => (c.v > best.v ? c : best), cells[0]);
    return { winner: [s.rows[winner.ky], s.cols[winner.kx]], value: winner.v };
  }
  const total = cells.reduce((a, c) => a + c.v, 0);
  return { total, divisor: s.divisor, value: total / s.divisor };
}

function denseArithmetic(s) {
  const products = s.x.map((v, i) => ({ index: i, x: v, w: s.w[i], product: v * s.w[i] }));
  const total = products.reduce((a, p) => a + p.product, 0);
  const largest = [...products].sort((a, b) => Math.abs(b.product) - Math.abs(a.product))
    .slice(0, SHOWN_TERMS);
  return { largest, terms: products.length, total, bias: s.bias, value: total + (s.bias ?? 0) };
}

// The numbers of each step: what the page computes from what the step read, and `out`,
// the value the network computed.
export function arithmetic(steps) {
  return steps.map((s) => {
    let numbers;
    if (s.op === "conv") numbers = convArithmetic(s);
    else if (["max pool", "avg pool", "adaptive avg pool", "mean"].includes(s.op)) numbers = poolArithmetic(s);
    else if (s.op === "dense") numbers = denseArithmetic(s);
    else if (s.op === "add") numbers = { value: s.a + s.b };
    else numbers = { value: s.opaque ? null : elementwiseValue(s) };
    return { op: s.op, ...numbers, out: s.out };
  });
}

// ---- HTML -------------------------------------------------------------------------------

function esc(text) {
  return String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

// A short form for the cells of a grid (4 significant digits); the full value on hover.
function short(v) {
  if (v === null || v === undefined) return "·";
  const a = Math.abs(v);
  return v === 0 ? "0" : a >= 1e-3 && a < 1e4 ? String(Number(v.toPrecision(4))) : v.toExponential(2);
}

// A cell coloured as the maps are (blue < 0 < red) on the scale [-m, m].
function cell(v, m) {
  if (v === null || v === undefined) return `<td class="pad">·</td>`;
  const t = m > 0 ? Math.max(-1, Math.min(1, v / m)) : 0;
  const [r, g, b] = colour(Math.round((t + 1) * 127.5)).map(Math.round);
  const ink = Math.abs(t) > 0.6 ? "#fff" : "#0f172a";
  return `<td title="${fmt(v)}" style="background: rgb(${r}, ${g}, ${b}); color: ${ink}">${short(v)}</td>`;
}

function largest(values) {
  return values.flat(2).reduce((m, v) => (v === null ? m : Math.max(m, Math.abs(v))), 0);
}

// A table of numbers, each cell coloured on the scale `m` (default: its largest |value|).
function grid(values, cls = "", m = largest(values)) {
  const rows = values.map((row) => `<tr>${row.map((v) => cell(v, m)).join("")}</tr>`);
  return `<table class="nums ${cls}">${rows.join("")}</table>`;
}

function checked(computed, out) {
  return `<b>${fmt(computed)}</b> <span class="torch" title="the value the network computed">` +
    `(network: ${fmt(out)})</span>`;
}

function convHtml(a, s, name) {
  const order = [...a.channels].sort((p, q) => Math.abs(q.sum) - Math.abs(p.sum));
  const [mw, mk, mp] = ["window", "kernel", "products"].map((key) => largest(a.channels.map((c) => c[key])));
  const full = order.slice(0, SHOWN_CHANNELS).map((c) => `<div class="channel-sum">
    <div class="cap">input channel ${c.channel} of ${esc(name(s.from))}: window ⊙ kernel = products, sum ${fmt(c.sum)}</div>
    <div class="triple">${grid(c.window, "window", mw)}<span>⊙</span>${grid(c.kernel, "kernel", mk)}<span>=</span>${grid(c.products, "products", mp)}</div></div>`);
  const rest = order.slice(SHOWN_CHANNELS);
  const restHtml = rest.length ? `<details><summary>${rest.length} more input channels (their sums)</summary>
    <p class="sums">${rest.map((c) => `ch ${c.channel}: ${fmt(c.sum)}`).join(" · ")}</p></details>` : "";
  return `${full.join("")}${restHtml}<p class="total">Σ over ${a.channels.length} input channels = ${fmt(a.total)}` +
    `${a.bias === null ? "" : ` + bias ${fmt(a.bias)}`} = ${checked(a.value, a.out)}</p>`;
}

function poolHtml(a, s, name) {
  const table = grid(s.window, "window");
  if (s.op === "max pool") {
    return `<p>window of ${esc(name(s.from))} (· = padding)</p>${table}` +
      `<p class="total">largest, at (${a.winner.join(", ")}) = ${checked(a.value, a.out)}</p>`;
  }
  return `<p>window of ${esc(name(s.from))} (· = padding)</p>${table}` +
    `<p class="total">sum ${fmt(a.total)} / ${a.divisor} = ${checked(a.value, a.out)}</p>`;
}

function denseHtml(a, s, name) {
  const rows = a.largest.map((p) => `<tr><td>${esc(name(s.from))}[${p.index}]</td><td>${fmt(p.x)}</td>` +
    `<td>${fmt(p.w)}</td><td>${fmt(p.product)}</td></tr>`);
  return `<table class="nums dense"><tr><th>input</th><th>x</th><th>w</th><th>x·w</th></tr>${rows.join("")}</table>` +
    `<p class="total">the ${a.largest.length} largest of ${a.terms} products; Σ all = ${fmt(a.total)}` +
    `${a.bias === null ? "" : ` + bias ${fmt(a.bias)}`} = ${checked(a.value, a.out)}</p>`;
}

function elementwiseHtml(a, s) {
  if (s.op === "bn") {
    return `<p class="total">batch norm: (${fmt(s.in)} − ${fmt(s.mean)}) / √(${fmt(s.var)} + ${fmt(s.eps)})` +
      ` × ${fmt(s.weight)} + ${fmt(s.bias)} = ${checked(a.value, a.out)}</p>`;
  }
  const extra = s.op === "hardtanh" ? `, ${fmt(s.min)}, ${fmt(s.max)}` : s.op === "leaky relu" ? `, ${fmt(s.slope)}`
    : s.op === "elu" ? `, ${fmt(s.alpha)}` : "";
  return `<p class="total">${esc(s.op)}(${fmt(s.in)}${extra}) = ${checked(a.value, a.out)}</p>`;
}

// The readout of one cell as HTML; `name(i)` names layer i (INPUT: "the input").
export function readoutHtml(steps, name) {
  const numbers = arithmetic(steps);
  return steps.map((s, k) => {
    const a = numbers[k];
    let body;
    if (s.opaque) body = `<p>${esc(s.op)} is opaque to this page: its value is ${fmt(s.out)}.</p>`;
    else if (s.op === "conv") body = convHtml(a, s, name);
    else if (a.winner || a.divisor !== undefined) body = poolHtml(a, s, name);
    else if (s.op === "dense") body = denseHtml(a, s, name);
    else if (s.op === "add") {
      body = `<p class="total">${esc(name(s.from[0]))} ${fmt(s.a)} + ${esc(name(s.from[1]))} ${fmt(s.b)} = ${checked(a.value, a.out)}</p>`;
    } else body = elementwiseHtml(a, s);
    return `<section class="step"><h4>${k + 1}. ${esc(s.op)}</h4>${body}</section>`;
  }).join("");
}

// The input rows and columns one cell sees: [[first, last] per dimension], cut to the input,
// from its layer's receptive field [[size, jump, start] per dimension].
export function receptiveBox(field, cell, inputSize) {
  if (!field) return null;
  const [y, x] = cell.slice(-2);
  return field.map(([size, jump, start], d) => {
    const first = start + [y, x][d] * jump;
    return [Math.max(0, first), Math.min(inputSize[d] - 1, first + size - 1)];
  });
}

// The box of cell `cell` of layer `index`, and how it is known: "field" (its layer's
// receptive field), "window" (an adaptive pooling with uneven windows: the union of the boxes
// of the cells its window reads), "whole" (a dense layer or a global mean sees everything),
// or "unknown" (an operator without a fixed window on the way; box null).
export function cellBox(layers, index, cell, inputSize) {
  const layer = layers[index];
  const whole = [[0, inputSize[0] - 1], [0, inputSize[1] - 1]];
  if (layer.field) return { box: receptiveBox(layer.field, cell, inputSize), how: "field" };
  if (layer.kind === "dense" || layer.kind === "mean") return { box: whole, how: "whole" };
  const from = layer.inputs[0];
  if (layer.kind !== "adaptive" || from < 0) return { box: from < 0 ? whole : null, how: from < 0 ? "whole" : "unknown" };
  const [c, oy, ox] = cell;
  const [, h, w] = layers[from].shape;
  const [, ho, wo] = layer.shape;
  const span = (i, n, out) => [Math.floor((i * n) / out), Math.ceil(((i + 1) * n) / out) - 1];
  const [r0, r1] = span(oy, h, ho), [q0, q1] = span(ox, w, wo);
  const a = cellBox(layers, from, [c, r0, q0], inputSize), b = cellBox(layers, from, [c, r1, q1], inputSize);
  if (!a.box || !b.box) return { box: null, how: "unknown" };
  return { box: [0, 1].map((d) => [Math.min(a.box[d][0], b.box[d][0]), Math.max(a.box[d][1], b.box[d][1])]), how: "window" };
}
