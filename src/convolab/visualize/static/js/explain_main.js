// The explain page: see inside a trained CNN. Served by `convolab explain` it asks the server
// (torch) for every pass, cell and kernel; saved, a small model computes in the page
// (explain_net.js on the visualizer's engine) and a large one shows the passes of its bundled
// images. window.convolabExplain is the browser tests' hook.

import { InputPanel, putPixels } from "./explain_canvas.js";
import { cellSteps } from "./explain_cells.js";
import { decodeBytes, drawMap, isVector, mapsOf, toBytes } from "./explain_maps.js";
import { INPUT, buildNet, run, softmax } from "./explain_net.js";
import { Overview } from "./explain_overview.js";
import { modelInput } from "./explain_prep.js";
import { arithmetic, cellBox, readoutHtml } from "./explain_readout.js";

const $ = (sel) => document.querySelector(sel);
const TOP = 5;

function decodeMaps(m) {
  return { ...m, bytes: decodeBytes(m.data) };
}

function decodeResult(r) {
  return { ...r, input: { ...r.input, bytes: decodeBytes(r.input.data) }, maps: r.maps.map(decodeMaps) };
}

async function getJson(url, options) {
  const response = await fetch(url, options);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ?? response.statusText);
  return body;
}

// The served page: torch on the server does the work.
function servedBackend() {
  return {
    drawing: true,
    async run(image) {
      const bytes = Array.from(image.data, (b) => String.fromCharCode(b)).join("");
      const pixels = { height: image.height, width: image.width, channels: image.channels, data: btoa(bytes) };
      return decodeResult(await getJson("forward", { method: "POST", body: JSON.stringify({ pixels }) }));
    },
    cell: (layer, cell) => getJson(`cell?layer=${layer}&cell=${cell.join(",")}`).then((r) => r.steps),
    channel: (layer, c) => getJson(`channel?layer=${layer}&channel=${c}`).then(decodeMaps),
    all: (layer) => getJson(`channels?layer=${layer}`).then(decodeMaps),
    kernels: (layer) => getJson(`kernels?layer=${layer}`).then(decodeMaps),
  };
}

function topOf(probabilities, classes) {
  return [...probabilities.keys()].sort((a, b) => probabilities[b] - probabilities[a]).slice(0, TOP)
    .map((k) => ({ class: k, name: classes[k] }));
}

function inputBytes(x) {
  let lo = Infinity, hi = -Infinity;
  for (const v of x) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  return Uint8Array.from(x, (v) => (hi > lo ? Math.round(((v - lo) / (hi - lo)) * 255) : 127));
}

// A saved page that computes itself.
function pageBackend(spec) {
  const net = buildNet(spec);
  let last = null;
  return {
    drawing: true,
    async run(image) {
      const x = modelInput(image, spec.input.preprocess);
      const outputs = run(net, x);
      const probabilities = softmax(outputs[spec.output].at(-1));
      last = { x, outputs };
      return {
        input: { shape: spec.input.shape, bytes: inputBytes(x) },
        maps: spec.layers.map((l, i) => mapsOf(outputs[i].at(-1), l.shape)),
        probabilities, top: topOf(probabilities, spec.classes),
      };
    },
    async cell(layer, cell) { return cellSteps(net, last.outputs, last.x, layer, cell); },
    async channel(layer) { return mapsOf(last.outputs[layer].at(-1), net.layers[layer].shape); },
    async all(layer) { return mapsOf(last.outputs[layer].at(-1), net.layers[layer].shape); },
    async kernels(layer) {
      const w = net.layers[layer].params[0].weight;
      let m = 0;
      for (const v of w) m = Math.max(m, Math.abs(v));
      const shape = net.layers[layer].weight_shape;
      return { scale: m, range: [Math.min(...w), Math.max(...w)], shape, shown: shape, bytes: toBytes(w, m || 1) };
    },
  };
}

// A saved page of a large model: the passes of the bundled images, computed by torch.
function staticBackend(spec) {
  const results = spec.results.map(decodeResult);
  const unavailable = async () => { throw new Error(spec.static_note); };
  return {
    drawing: false,
    async run(image, source) {
      const k = spec.input.examples.findIndex((ex) => `example ${ex.label}` === source);
      if (k < 0) throw new Error(spec.static_note);
      return results[k];
    },
    cell: unavailable, channel: unavailable, kernels: unavailable,
    async all(layer) { return results[0].maps[layer]; },
  };
}

function loadSpec() {
  const inline = document.getElementById("convolab-explain");
  return inline ? Promise.resolve(JSON.parse(inline.textContent)) : getJson("model.json");
}

class Page {
  constructor(spec) {
    this.spec = spec;
    this.backend = spec.mode === "served" ? servedBackend() : spec.mode === "page" ? pageBackend(spec) : staticBackend(spec);
    this.busy = null;
    this.pending = null;
    this.result = null;
    this.selected = null;
    this.timings = [];
    $("#title").textContent = spec.title;
    $("#mode").textContent = spec.mode_note;
    this.overview = new Overview($("#net"), spec, {
      onCell: (layer, cell) => this.select(layer, cell),
      onLayer: (layer) => this.showLayer(layer),
      onAll: (layer) => this.showAll(layer),
    });
    this.input = new InputPanel(document, spec.input, (image, source) => this.feed(image, source));
    if (!this.backend.drawing) $("#draw-box").classList.add("no-drawing");
  }

  // A new image: one pass at a time; while one runs, only the newest image waits.
  feed(image, source) {
    if (image === null) return this.error(source);
    this.pending = { image, source, at: performance.now() };
    if (!this.busy) this.busy = this.next();
    return this.busy;
  }

  async next() {
    while (this.pending) {
      const { image, source, at } = this.pending;
      this.pending = null;
      try {
        const result = await this.backend.run(image, source);
        this.image = image;
        this.result = result;
        this.overview.update(result);
        this.error(null);
        if (this.selected) await this.select(...this.selected);
        this.timings.push(performance.now() - at);
      } catch (err) {
        this.error(err.message);
      }
    }
    this.busy = null;
  }

  error(message) {
    const box = $("#error");
    box.hidden = !message;
    box.textContent = message ?? "";
  }

  name(i) {
    return i === INPUT ? "the input" : this.spec.layers[i].name;
  }

  // Show what made `cell` of `layer`; page.selecting is the promise of the last one.
  select(layer, cell) {
    this.selecting = this.showCell(layer, cell);
    return this.selecting;
  }

  async showCell(layer, cell) {
    this.selected = [layer, cell];
    this.overview.select(layer);
    const spec = this.spec.layers[layer];
    $("#detail").hidden = false;
    $("#cell-title").textContent = `${spec.name} · ${spec.ops.join(" · ")} · cell (${cell.join(", ")})`;
    this.drawField(layer, cell);
    try {
      this.steps = await this.backend.cell(layer, cell);
      this.numbers = arithmetic(this.steps);
      $("#readout").innerHTML = readoutHtml(this.steps, (i) => this.name(i));
    } catch (err) {
      this.steps = null;
      $("#readout").textContent = err.message;
    }
    await this.drawChannel(layer, cell);
  }

  // The receptive field of the cell, lit on the model's input.
  drawField(layer, cell) {
    const [c, h, w] = this.spec.input.shape;
    const canvas = $("#field");
    drawInputPicture(canvas, this.result.input.bytes, [c, h, w]);
    const { box, how } = cellBox(this.spec.layers, layer, cell, [h, w]);
    this.box = box;
    const frame = $("#field-box");
    frame.hidden = !box;
    $("#field-text").textContent = box === null
      ? "receptive field unknown: an operator on the way has no fixed window"
      : `receptive field${how === "whole" ? " (a dense layer or a mean sees it all)" : ""}: rows ` +
        `${box[0][0]}–${box[0][1]}, columns ${box[1][0]}–${box[1][1]} of the ${h}×${w} input`;
    if (!box) return;
    const scale = canvas.getBoundingClientRect().width / w;
    Object.assign(frame.style, {
      left: `${box[1][0] * scale}px`, top: `${box[0][0] * scale}px`,
      width: `${(box[1][1] - box[1][0] + 1) * scale}px`, height: `${(box[0][1] - box[0][0] + 1) * scale}px`,
    });
  }

  async drawChannel(layer, cell) {
    const spec = this.spec.layers[layer];
    const canvas = $("#channel");
    if (isVector(spec.shape)) {
      canvas.hidden = true;
      return;
    }
    canvas.hidden = false;
    const m = await this.backend.channel(layer, cell[0]).catch(() => null);
    if (!m) return;
    const [h, w] = spec.shape.slice(1);
    drawMap(canvas, m.bytes, m.bytes.length === h * w ? 0 : cell[0], h, w);
    const ctx = canvas.getContext("2d");
    ctx.strokeStyle = "#111";
    ctx.lineWidth = Math.max(0.15, w / 120);
    ctx.strokeRect(cell[2] + 0.05, cell[1] + 0.05, 0.9, 0.9);
    canvas.onclick = (e) => {
      const r = canvas.getBoundingClientRect();
      this.select(layer, [cell[0], Math.floor(((e.clientY - r.top) / r.height) * h), Math.floor(((e.clientX - r.left) / r.width) * w)]);
    };
  }

  async showLayer(layer) {
    const spec = this.spec.layers[layer];
    const panel = $("#layer-panel");
    panel.hidden = false;
    $("#layer-title").textContent = `${spec.name}: ${spec.ops.join(" · ")}, output ${spec.shape.join(" × ")}`;
    const holder = $("#kernels");
    holder.replaceChildren();
    if (spec.kind !== "conv") {
      $("#kernel-note").textContent = spec.kind === "opaque"
        ? `${spec.ops[0]} is opaque to this page: its maps are drawn, its cells not explained.`
        : "Only convolutions have kernels; click a cell of a map to see its arithmetic.";
      return;
    }
    try {
      $("#kernel-note").textContent = "";
      const rgb = spec.inputs[0] === INPUT && spec.weight_shape[1] === 3;
      drawKernels(holder, await this.backend.kernels(layer), rgb);
    } catch (err) {
      $("#kernel-note").textContent = err.message;
    }
  }

  async showAll(layer) {
    const m = await this.backend.all(layer);
    const holder = $("#all-maps");
    $("#all-panel").hidden = false;
    $("#all-title").textContent = `${this.spec.layers[layer].name}: all ${m.channels} channels`;
    holder.replaceChildren(...Array.from({ length: m.channels }, (_, k) => {
      const c = document.createElement("canvas");
      c.className = "map";
      drawMap(c, m.bytes, k, m.size[0], m.size[1]);
      c.title = `channel ${k}`;
      c.addEventListener("click", () => this.select(layer, [k, 0, 0]));
      return c;
    }));
  }
}

function drawInputPicture(canvas, bytes, shape) {
  const [c, h, w] = shape;
  const data = new Uint8Array(h * w * c);
  for (let i = 0; i < h * w; i++) for (let k = 0; k < c; k++) data[i * c + k] = bytes[k * h * w + i];
  putPixels(canvas, { height: h, width: w, channels: c, data });
}

// The kernels as pictures: a row per output channel, a tile per input channel (RGB
// composites for a colour first layer), on one symmetric scale.
function drawKernels(holder, k, rgb) {
  const [o, i, kh, kw] = k.shown;
  const rows = Math.min(o, 16), cols = rgb ? 1 : Math.min(i, 16);
  for (let r = 0; r < rows; r++) {
    const row = document.createElement("div");
    row.className = "kernel-row";
    for (let c = 0; c < cols; c++) {
      const canvas = document.createElement("canvas");
      canvas.className = "kernel";
      if (rgb) {
        const data = new Uint8Array(kh * kw * 3);
        for (let p = 0; p < kh * kw; p++) for (let ch = 0; ch < 3; ch++) data[p * 3 + ch] = k.bytes[((r * i + ch) * kh * kw) + p];
        putPixels(canvas, { height: kh, width: kw, channels: 3, data });
      } else {
        drawMap(canvas, k.bytes, r * i + c, kh, kw);
      }
      canvas.title = rgb ? `kernel ${r} (RGB)` : `kernel ${r}, input channel ${c}`;
      row.append(canvas);
    }
    holder.append(row);
  }
  const note = document.createElement("p");
  note.className = "hint";
  note.textContent = `${o} × ${i} kernels of ${kh} × ${kw}` + (rows < o || cols < i ? ` (the first ${rows} × ${cols} shown)` : "") +
    `; values from ${k.range[0].toPrecision(4)} to ${k.range[1].toPrecision(4)}, blue < 0 < red` + (rgb ? " (RGB: grey is 0)" : "");
  holder.append(note);
}

async function boot() {
  const spec = await loadSpec();
  const page = new Page(spec);
  $("#boot").hidden = true;
  window.convolabExplain = {
    spec, page,
    settled: async () => { while (page.busy) await page.busy; },
    image: () => page.image && { ...page.image, data: Array.from(page.image.data) },
    result: () => page.result && { probabilities: Array.from(page.result.probabilities), top: page.result.top },
    selection: async () => {
      await page.selecting;
      const [layer, cell] = page.selected ?? [null, null];
      return { layer, cell, steps: page.steps, numbers: page.numbers, box: page.box };
    },
    select: async (layer, cell) => { await page.select(layer, cell); return window.convolabExplain.selection(); },
    feed: (image) => page.feed({ ...image, data: Uint8Array.from(image.data) }, "test"),
    timings: () => page.timings,
  };
  if (spec.input.examples.length) page.input.showExample(0);
  else page.input.clear(true);
  await window.convolabExplain.settled();
  document.body.dataset.ready = "1";
}

boot().catch((err) => {
  const box = document.getElementById("error");
  box.hidden = false;
  box.textContent = `the page could not start: ${err.message}`;
});
