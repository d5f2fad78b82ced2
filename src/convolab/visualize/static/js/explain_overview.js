// The network at a glance: the input, one column per layer with its feature maps, the class
// probabilities at the end. The longest path from the input to the output runs along the
// top row; a branch (a ResNet's downsampling shortcut) sits below the column before the layer
// it feeds; an edge between columns that are not neighbours (an identity shortcut) is drawn
// as an arc above them: the skip it is.

import { drawInput, drawMap, isVector } from "./explain_maps.js";
import { INPUT } from "./explain_net.js";

export const SHOWN = 8; // maps a column shows before "all channels"
const SHOWN_BELOW = 3; // maps of a branch column (below the main row)
const VECTOR_ROWS = 32; // cells of a vector column per strip
const VECTOR_CELL = 5; // CSS pixels of a vector cell

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

// Depth of each layer: the longest chain of layers from the input to it.
function depths(layers) {
  const depth = [];
  layers.forEach((l, i) => { depth[i] = 1 + Math.max(...l.inputs.map((j) => (j === INPUT ? 0 : depth[j]))); });
  return depth;
}

// {lane, column} of each layer: the output's longest path on lane 0, branches below.
export function placement(layers, output) {
  const depth = depths(layers);
  const main = new Set();
  for (let at = output; at !== INPUT; ) {
    main.add(at);
    at = layers[at].inputs.reduce((best, j) => ((j === INPUT ? 0 : depth[j]) > (best === INPUT ? 0 : depth[best]) ? j : best));
  }
  const place = [];
  [...main].sort((a, b) => a - b).forEach((i, k) => { place[i] = { lane: 0, column: k + 1 }; });
  const taken = new Set();
  for (let i = layers.length - 1; i >= 0; i--) {
    if (main.has(i)) continue;
    const consumer = layers.findIndex((l, j) => j > i && l.inputs.includes(i) && place[j]);
    const column = consumer >= 0 ? Math.max(1, place[consumer].column - 1) : place.filter(Boolean).length;
    let lane = 1;
    while (taken.has(`${lane}:${column}`)) lane += 1;
    taken.add(`${lane}:${column}`);
    place[i] = { lane, column };
  }
  return place;
}

function header(layer, onLayer) {
  const head = el("button", "col-head");
  head.type = "button";
  head.append(el("span", "col-name", layer.name), el("span", "col-ops", layer.ops.join(" · ")),
    el("span", "col-shape", layer.shape.join(" × ")));
  head.title = layer.kind === "conv" ? "show this layer's kernels" : "about this layer";
  head.addEventListener("click", () => onLayer(layer.index));
  if (layer.kind === "opaque") head.classList.add("opaque");
  return head;
}

// The cell under a click on a map canvas drawn at `size` cells for a layer of `shape`.
function cellAt(event, canvas, shape, size, channel) {
  const rect = canvas.getBoundingClientRect();
  const fx = (event.clientX - rect.left) / rect.width;
  const fy = (event.clientY - rect.top) / rect.height;
  if (isVector(shape)) {
    const rows = Math.min(VECTOR_ROWS, canvas.height);
    const index = Math.floor(fx * canvas.width) * rows + Math.floor(fy * rows);
    const count = shape.length === 1 ? shape[0] : shape[0];
    return index < count ? (shape.length === 1 ? [index] : [index, 0, 0]) : null;
  }
  const [h, w] = shape.slice(1);
  return [channel, Math.min(h - 1, Math.floor(fy * h)), Math.min(w - 1, Math.floor(fx * w))];
}

export class Overview {
  constructor(root, spec, handlers) {
    this.root = root;
    this.spec = spec;
    this.handlers = handlers;
    this.columns = [];
    this.build();
  }

  build() {
    const { layers } = this.spec;
    this.root.replaceChildren();
    this.grid = el("div", "net-grid");
    this.svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    this.svg.classList.add("edges");
    this.root.append(this.svg, this.grid);
    this.place = placement(layers, this.spec.output);
    const input = this.column({ lane: 0, column: 0 }, "net-col input-col");
    input.append(el("div", "col-head static", "input"));
    this.inputCanvas = el("canvas", "map input-map");
    input.append(this.inputCanvas, el("span", "col-shape", this.spec.input.shape.join(" × ")));
    layers.forEach((layer, i) => {
      const col = this.column(this.place[i], `net-col kind-${layer.kind}`);
      col.dataset.layer = i;
      col.append(header(layer, this.handlers.onLayer));
      const maps = el("div", "maps");
      col.append(maps, el("span", "col-scale"));
      this.columns[i] = { col, maps, canvases: [] };
    });
    const last = Math.max(...this.place.map((p) => p.column)) + 1;
    this.probs = this.column({ lane: 0, column: last }, "net-col probs-col");
    this.probs.append(el("div", "col-head static", "top 5"), el("ol", "top5"));
  }

  column({ lane, column }, cls) {
    const col = el("div", cls);
    col.style.gridColumn = String(column + 1);
    col.style.gridRow = String(lane + 1);
    this.grid.append(col);
    return col;
  }

  // Draw a pass: result = {input: {shape, bytes}, maps: [...], top, probabilities}.
  update(result) {
    drawInput(this.inputCanvas, result.input.bytes, result.input.shape);
    result.maps.forEach((m, i) => this.drawColumn(i, m));
    const list = this.probs.querySelector("ol");
    list.replaceChildren(...result.top.map(({ class: k, name }) => {
      const item = el("li");
      const p = result.probabilities[k];
      const bar = el("span", "bar");
      bar.style.width = `${Math.max(1, 100 * p)}%`;
      item.append(el("span", "cls", name), bar, el("span", "pct", `${(100 * p).toFixed(1)}%`));
      return item;
    }));
    requestAnimationFrame(() => this.drawEdges());
  }

  drawColumn(i, m) {
    const { col, maps } = this.columns[i];
    const layer = this.spec.layers[i];
    const vector = isVector(layer.shape);
    const count = vector ? 1 : Math.min(m.channels, this.place[i].lane ? SHOWN_BELOW : SHOWN);
    const cols = this.columns[i];
    if (cols.canvases.length !== count) {
      maps.replaceChildren();
      cols.canvases = Array.from({ length: count }, (_, k) => {
        const canvas = el("canvas", vector ? "map vector" : "map");
        canvas.dataset.channel = k;
        canvas.addEventListener("click", (e) => this.click(i, canvas, e));
        maps.append(canvas);
        return canvas;
      });
      if (!vector && layer.shape[0] > count) {
        const more = el("button", "more", `all ${layer.shape[0]} channels`);
        more.type = "button";
        more.addEventListener("click", () => this.handlers.onAll(i));
        maps.append(more);
      }
    }
    cols.size = m.size;
    if (vector) this.drawVector(cols.canvases[0], m);
    else cols.canvases.forEach((canvas, k) => drawMap(canvas, m.bytes, k, m.size[0], m.size[1]));
    col.querySelector(".col-scale").textContent = `±${m.scale.toPrecision(3)}`;
  }

  drawVector(canvas, m) {
    const n = m.bytes.length;
    const rows = Math.min(VECTOR_ROWS, n);
    const strips = Math.ceil(n / rows);
    const padded = new Uint8Array(rows * strips).fill(127);
    for (let i = 0; i < n; i++) padded[(i % rows) * strips + Math.floor(i / rows)] = m.bytes[i];
    drawMap(canvas, padded, 0, rows, strips);
    canvas.style.width = `${strips * VECTOR_CELL}px`;
    canvas.style.height = `${rows * VECTOR_CELL}px`;
  }

  click(i, canvas, event) {
    const layer = this.spec.layers[i];
    const cell = cellAt(event, canvas, layer.shape, this.columns[i].size, Number(canvas.dataset.channel));
    if (cell) this.handlers.onCell(i, cell);
  }

  // Lines between columns; arcs above the top row for skips.
  drawEdges() {
    const box = this.root.getBoundingClientRect();
    this.svg.setAttribute("width", this.grid.offsetLeft + this.grid.scrollWidth);
    this.svg.setAttribute("height", this.grid.offsetTop + this.grid.offsetHeight);
    const rect = (e) => {
      const r = e.getBoundingClientRect();
      return { x: r.left - box.left + this.root.scrollLeft, y: r.top - box.top, w: r.width, h: r.height };
    };
    const node = (j) => (j === INPUT ? this.grid.querySelector(".input-col") : this.columns[j].col);
    const paths = [];
    this.spec.layers.forEach((layer, i) => {
      for (const j of layer.inputs) {
        const a = rect(node(j)), b = rect(node(i));
        const from = j === INPUT ? { lane: 0, column: 0 } : this.place[j];
        const skip = from.lane === 0 && this.place[i].lane === 0 && this.place[i].column - from.column > 1;
        const to = this.place[i];
        if (skip) {
          const x1 = a.x + a.w / 2, x2 = b.x + b.w / 2, y = Math.min(a.y, b.y);
          paths.push(`<path class="skip" d="M${x1},${y} C${x1},${y - 40} ${x2},${y - 40} ${x2},${y}"/>`);
        } else if (to.lane > from.lane) { // down into a branch: from under the source
          const x1 = a.x + a.w / 2, y1 = a.y + a.h, x2 = b.x, y2 = b.y + 20;
          paths.push(`<path class="branch" d="M${x1},${y1} C${x1},${y2} ${x1},${y2} ${x2},${y2}"/>`);
        } else if (to.lane < from.lane) { // back up from a branch: into the bottom of the target
          const x1 = a.x + a.w, y1 = a.y + 20, x2 = b.x + b.w / 2, y2 = b.y + b.h;
          paths.push(`<path class="branch" d="M${x1},${y1} C${x2},${y1} ${x2},${y1} ${x2},${y2}"/>`);
        } else {
          const x1 = a.x + a.w, y1 = a.y + Math.min(a.h / 2, 40), x2 = b.x, y2 = b.y + Math.min(b.h / 2, 40);
          paths.push(`<path class="edge" d="M${x1},${y1} C${(x1 + x2) / 2},${y1} ${(x1 + x2) / 2},${y2} ${x2},${y2}"/>`);
        }
      }
    });
    this.svg.innerHTML = paths.join("");
  }

  // Mark the selected cell's column.
  select(i) {
    this.columns.forEach(({ col }, k) => col.classList.toggle("selected", k === i));
    const net = this.root.getBoundingClientRect(), col = this.columns[i].col.getBoundingClientRect();
    if (col.left < net.left || col.right > net.right) { // bring it into the scrolled row
      this.root.scrollLeft += col.left - net.left - (net.width - col.width) / 2;
    }
  }
}
