// The grids of a layer (input, weights, output) and the marks that a selection puts on them.
// A mark's key is "<grid id>:<row>:<col>" and its value {kind, fill?}; `drawn` lists the same
// cells in the layer's own coordinates, so the test hook reports exactly what is drawn.
// Each kernel position has its own colour, the same on the weight and on every input cell
// it multiplies: the hue follows the kernel's column, the lightness its row.

import {
  consumers, contributions, inputAt, sourceIndex, weightAt, weightShape, weightUses,
} from "./engine.js";
import { formatValue } from "./values.js";

function label(name, indices) {
  return `${name}[${indices.join(", ")}]`;
}

// The colour of kernel position (wy, wx) (PyTorch's weight index) in a kh x kw kernel.
export function tapColour(layer, wy, wx) {
  const [kh, kw] = layer.kernel;
  const hue = Math.round((205 + (360 * wx) / kw) % 360);
  const light = kh === 1 ? 68 : Math.round(80 - (24 * wy) / (kh - 1));
  return `hsl(${hue} 80% ${light}%)`;
}

export function inputGrids(layer, values) {
  const [[top, bottom], [left, right]] = layer.transposed ? [[0, 0], [0, 0]] : layer.pads;
  const [h, w] = layer.size;
  return Array.from({ length: layer.cin }, (_, ci) => ({
    id: `x${ci}`, label: label("x", [ci]),
    rows: h + top + bottom, cols: w + left + right, top, left,
    kind: (r, c) => (r < top || r >= top + h || c < left || c >= left + w ? "margin" : "cell"),
    text: (r, c) => {
      const y = sourceIndex(r - top, h, layer.mode);
      const x = sourceIndex(c - left, w, layer.mode);
      return y < 0 || x < 0 ? "0" : formatValue(inputAt(layer, values, ci, y, x)); // padding: its copy
    },
  }));
}

export function weightGrids(layer, values) {
  const [a, b, kh, kw] = weightShape(layer);
  const [dh, dw] = layer.dilation;
  const grids = [];
  for (let i = 0; i < a; i++) {
    for (let j = 0; j < b; j++) {
      grids.push({
        id: `w${i}_${j}`, label: label("w", [i, j]),
        rows: dh * (kh - 1) + 1, cols: dw * (kw - 1) + 1, dh, dw,
        kind: (r, c) => (r % dh === 0 && c % dw === 0 ? "cell" : "gap"),
        text: (r, c) => (r % dh === 0 && c % dw === 0
          ? formatValue(weightAt(layer, values, [i, j, r / dh, c / dw])) : null),
      });
    }
  }
  return grids;
}

// Transposed convolutions draw the full result with the cells that padding crops hatched.
export function outputGrids(layer, output) {
  const [[top, bottom], [left, right]] = layer.transposed ? layer.pads : [[0, 0], [0, 0]];
  const [ho, wo] = layer.out;
  return Array.from({ length: layer.cout }, (_, co) => ({
    id: `y${co}`, label: label("y", [co]),
    rows: ho + top + bottom, cols: wo + left + right, top, left,
    kind: (r, c) => (r < top || r >= top + ho || c < left || c >= left + wo ? "margin" : "cell"),
    text: (r, c) => {
      const [y, x] = [r - top, c - left];
      return y >= 0 && y < ho && x >= 0 && x < wo ? formatValue(output[(co * ho + y) * wo + x]) : null;
    },
  }));
}

// The key of a cell, given in the layer's coordinates (margins counted away).
function keyer(grids) {
  const offsets = new Map();
  for (const g of [...grids.input, ...grids.output]) offsets.set(g.id, [g.top, g.left]);
  return (id, r, c) => {
    const [top, left] = offsets.get(id) ?? [0, 0];
    return `${id}:${r + top}:${c + left}`;
  };
}

function weightKey(layer, [i, j, wy, wx]) {
  return `w${i}_${j}:${wy * layer.dilation[0]}:${wx * layer.dilation[1]}`;
}

const byPosition = (a, b) => a.join() < b.join() ? -1 : a.join() > b.join() ? 1 : 0;
const unique = (cells) => [...new Map(cells.map((c) => [c.join(), c])).values()].sort(byPosition);

// Marks for a selected output cell: the cell, its window on the input (padding included) and
// the weights it multiplies, each product in its kernel position's colour, and the input cells
// that padding copies from. `drawn` lists, per product, the window position, the weight and
// whether it reads a real cell (not a zero), and the real cells read.
export function outputMarks(layer, grids, cell) {
  const [co, oy, ox] = cell;
  const key = keyer(grids);
  const marks = new Map([[key(`y${co}`, oy, ox), { kind: "selected" }]]);
  const drawn = { output: cell, window: [], weights: [], reads: [], sources: [] };
  const terms = contributions(layer, co, oy, ox);
  for (const t of terms) {
    const fill = tapColour(layer, t.w[2], t.w[3]);
    marks.set(key(`x${t.ci}`, t.iy, t.ix), { kind: "window", fill });
    marks.set(weightKey(layer, t.w), { kind: "window", fill });
    drawn.window.push([t.ci, t.iy, t.ix]);
    drawn.weights.push(t.w);
    drawn.reads.push(t.sy >= 0 && t.sx >= 0);
    if (t.sy >= 0 && t.sx >= 0) drawn.sources.push([t.ci, t.sy, t.sx]);
  }
  for (const [ci, y, x] of drawn.sources) {
    if (!marks.has(key(`x${ci}`, y, x))) marks.set(key(`x${ci}`, y, x), { kind: "source" });
  }
  return { marks, drawn, terms };
}

// Marks for a selected input cell: the cell and every output cell whose sum reads it.
export function inputMarks(layer, grids, cell) {
  const [ci, y, x] = cell;
  const key = keyer(grids);
  const marks = new Map([[key(`x${ci}`, y, x), { kind: "selected" }]]);
  const readers = consumers(layer, ci, y, x);
  for (const [co, oy, ox] of readers) marks.set(key(`y${co}`, oy, ox), { kind: "reader" });
  return { marks, drawn: { input: cell, readers } };
}

// Marks for a selected weight: the weight, every input cell it multiplies (window positions,
// padding copies included, and the cells these copy) and every output cell it feeds, all in
// its kernel position's colour.
export function weightMarks(layer, grids, index) {
  const key = keyer(grids);
  const fill = tapColour(layer, index[2], index[3]);
  const uses = weightUses(layer, index);
  const drawn = {
    weight: index, outputs: unique(uses.map((u) => u.output)),
    window: unique(uses.map((u) => u.window)), sources: unique(uses.map((u) => u.source)),
  };
  const marks = new Map([[weightKey(layer, index), { kind: "selected", fill }]]);
  for (const [co, oy, ox] of drawn.outputs) marks.set(key(`y${co}`, oy, ox), { kind: "reader", fill });
  for (const [ci, y, x] of drawn.window) marks.set(key(`x${ci}`, y, x), { kind: "window", fill });
  for (const [ci, y, x] of drawn.sources) {
    if (!marks.has(key(`x${ci}`, y, x))) marks.set(key(`x${ci}`, y, x), { kind: "source" });
  }
  return { marks, drawn };
}
