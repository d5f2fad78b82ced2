// What made one cell, in a saved page that computes itself: the same steps the server sends
// (convolab/explain/_cells.py: per operator what it read and the value it computed), taken
// from the page's own pass (explain_net.js). A convolution's window is the engine's
// contributions() of that cell; tests/explain/js/ checks these steps against Python's.

import { contributions, taps } from "./engine.js";
import { INPUT, adaptiveRange, avgDivisor, engineLayer } from "./explain_net.js";

function flatIndex(shape, cell) {
  if (cell.length === 1) return cell[0];
  return cell.reduce((index, i, d) => index * shape[d] + i, 0);
}

function conv(layer, x, cell, from) {
  const [c, oy, ox] = cell;
  const e = engineLayer(layer, layer.weight_shape[1] * layer.groups);
  const [cinG, kh, kw] = layer.weight_shape.slice(1);
  const w = layer.params[0].weight;
  const [h, wd] = e.size;
  const window = [], kernel = [], channels = [];
  for (const t of contributions(e, c, oy, ox)) {
    const j = t.ci - Math.floor(c / (e.cout / e.groups)) * cinG;
    if (t.ky === 0 && t.kx === 0) {
      channels.push(t.ci);
      window.push([]);
      kernel.push([]);
    }
    if (t.kx === 0) {
      window[j].push([]);
      kernel[j].push([]);
    }
    const inside = t.sy >= 0 && t.sx >= 0;
    window[j][t.ky].push(inside ? x[(t.ci * h + t.sy) * wd + t.sx] : 0);
    kernel[j][t.ky].push(w[((c * cinG + j) * kh + t.ky) * kw + t.kx]);
  }
  const bias = layer.params[0].bias;
  return {
    op: "conv", from, channels, window, kernel, bias: bias ? bias[c] : null,
    rows: taps(e, 0, oy).map((t) => t.i), cols: taps(e, 1, ox).map((t) => t.i),
  };
}

function pool(layer, x, cell, from, channels) {
  const [c, oy, ox] = cell;
  const e = engineLayer(layer, channels);
  const [h, w] = e.size;
  const rowTaps = taps(e, 0, oy), colTaps = taps(e, 1, ox);
  const window = rowTaps.map((r) => colTaps.map((q) => (r.source >= 0 && q.source >= 0
    ? x[(c * h + r.source) * w + q.source] : null)));
  const step = { op: layer.ops[0], from, rows: rowTaps.map((t) => t.i), cols: colTaps.map((t) => t.i), window };
  if (layer.ops[0] === "avg pool") step.divisor = avgDivisor(e, rowTaps, colTaps, layer.params[0]);
  return step;
}

function average(op, x, [, h, w], rows, cols, c, from) {
  const window = rows.map((r) => cols.map((q) => x[(c * h + r) * w + q]));
  return { op, from, rows, cols, window, divisor: rows.length * cols.length };
}

function firstStep(net, layer, values, cell) {
  const from = layer.inputs[0];
  const x = values(from);
  const shape = from === INPUT ? net.input.shape : net.layers[from].shape;
  const op = layer.ops[0];
  if (layer.kind === "conv") return conv(layer, x, cell, from);
  if (layer.kind === "pool") return pool(layer, x, cell, from, shape[0]);
  if (layer.kind === "adaptive") {
    const [, ho, wo] = layer.shape;
    return average(op, x, shape, adaptiveRange(cell[1], shape[1], ho),
      adaptiveRange(cell[2], shape[2], wo), cell[0], from);
  }
  if (layer.kind === "mean") {
    const all = (n) => Array.from({ length: n }, (_, i) => i);
    return average(op, x, shape, all(shape[1]), all(shape[2]), cell[0], from);
  }
  if (layer.kind === "dense") {
    const { weight, bias } = layer.params[0];
    const n = x.length;
    return { op, from, x: Array.from(x), w: Array.from(weight.subarray(cell[0] * n, (cell[0] + 1) * n)),
      bias: bias ? bias[cell[0]] : null };
  }
  const index = flatIndex(layer.shape, cell);
  if (layer.kind === "add") {
    const other = layer.inputs.at(-1);
    return { op, from: [from, other], a: x[index], b: values(other)[index] };
  }
  return elementwiseStep(op, x[index], layer.params[0], cell[0]);
}

function elementwiseStep(op, v, params, channel) {
  const step = { op, in: v };
  if (op === "bn") {
    for (const key of ["mean", "var", "weight", "bias"]) step[key] = params[key][channel];
    step.eps = params.eps;
  } else if (op === "hardtanh") Object.assign(step, { min: params.min, max: params.max });
  else if (op === "leaky relu") step.slope = params.slope;
  else if (op === "elu") step.alpha = params.alpha;
  return step;
}

// The steps of `cell` of layer `index`, from the page's pass `outputs` (run()'s result).
export function cellSteps(net, outputs, x, index, cell) {
  const layer = net.layers[index];
  const values = (i) => (i === INPUT ? x : outputs[i].at(-1));
  const flat = flatIndex(layer.shape, cell);
  const steps = [{ ...firstStep(net, layer, values, cell), out: outputs[index][0][flat] }];
  layer.ops.slice(1).forEach((op, k) => {
    const step = elementwiseStep(op, outputs[index][k][flat], layer.params[k + 1], cell[0]);
    steps.push({ ...step, out: outputs[index][k + 1][flat] });
  });
  return steps;
}
