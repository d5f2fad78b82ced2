// The grids of a layer (input, weights, output) and the marks that a selection puts on them.
// A mark's key is "<grid id>:<row>:<col>"; `drawn` lists the same cells in the layer's own
// coordinates, so the test hook reports exactly what is drawn.

import {
  consumers, contributions, inputAt, sourceIndex, weightAt, weightShape,
} from "./engine.js";

const sub = (i) => String(i);

function label(layer, name, indices) {
  return `${name}[${indices.map(sub).join(", ")}]`;
}

export function inputGrids(layer, values) {
  const [[top, bottom], [left, right]] = layer.transposed ? [[0, 0], [0, 0]] : layer.pads;
  const [h, w] = layer.size;
  return Array.from({ length: layer.cin }, (_, ci) => ({
    id: `x${ci}`, label: label(layer, "x", [ci]),
    rows: h + top + bottom, cols: w + left + right, top, left,
    kind: (r, c) => (r < top || r >= top + h || c < left || c >= left + w ? "margin" : "cell"),
    text: (r, c) => {
      const y = sourceIndex(r - top, h, layer.mode);
      const x = sourceIndex(c - left, w, layer.mode);
      return y < 0 || x < 0 ? "0" : String(inputAt(layer, values, ci, y, x)); // padding: its copy
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
        id: `w${i}_${j}`, label: label(layer, "w", [i, j]),
        rows: dh * (kh - 1) + 1, cols: dw * (kw - 1) + 1, dh, dw,
        kind: (r, c) => (r % dh === 0 && c % dw === 0 ? "cell" : "gap"),
        text: (r, c) => (r % dh === 0 && c % dw === 0
          ? String(weightAt(layer, values, [i, j, r / dh, c / dw])) : null),
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
    id: `y${co}`, label: label(layer, "y", [co]),
    rows: ho + top + bottom, cols: wo + left + right, top, left,
    kind: (r, c) => (r < top || r >= top + ho || c < left || c >= left + wo ? "margin" : "cell"),
    text: (r, c) => {
      const [y, x] = [r - top, c - left];
      return y >= 0 && y < ho && x >= 0 && x < wo ? String(output[(co * ho + y) * wo + x]) : null;
    },
  }));
}

function offsets(layer, grids, prefix) {
  const g = grids.find((item) => item.id.startsWith(prefix));
  return g ? [g.top, g.left] : [0, 0];
}

// Marks for a selected output cell: the cell, its window on the input (padding included),
// the input cells that padding copies from, and the weights it multiplies. `drawn` lists,
// per product, the window position, the weight and whether it reads a real cell (not a
// zero), and the real cells read.
export function outputMarks(layer, grids, cell) {
  const [co, oy, ox] = cell;
  const marks = new Map();
  const drawn = { output: cell, window: [], weights: [], reads: [], sources: [] };
  const [yt, yl] = offsets(layer, grids.output, "y");
  marks.set(`y${co}:${oy + yt}:${ox + yl}`, "selected");
  const [xt, xl] = offsets(layer, grids.input, "x");
  const { dilation: [dh, dw] } = layer;
  const terms = contributions(layer, co, oy, ox);
  for (const t of terms) {
    marks.set(`x${t.ci}:${t.iy + xt}:${t.ix + xl}`, "window");
    marks.set(`w${t.w[0]}_${t.w[1]}:${t.w[2] * dh}:${t.w[3] * dw}`, "window");
    drawn.window.push([t.ci, t.iy, t.ix]);
    drawn.weights.push(t.w);
    drawn.reads.push(t.sy >= 0 && t.sx >= 0);
  }
  for (const t of terms) {
    const key = `x${t.ci}:${t.sy + xt}:${t.sx + xl}`;
    if (t.sy >= 0 && t.sx >= 0 && !marks.has(key)) marks.set(key, "source");
  }
  for (const t of terms) if (t.sy >= 0 && t.sx >= 0) drawn.sources.push([t.ci, t.sy, t.sx]);
  return { marks, drawn, terms };
}

// Marks for a selected input cell: the cell and every output cell whose sum reads it.
export function inputMarks(layer, grids, cell) {
  const [ci, y, x] = cell;
  const marks = new Map();
  const [xt, xl] = offsets(layer, grids.input, "x");
  const [yt, yl] = offsets(layer, grids.output, "y");
  marks.set(`x${ci}:${y + xt}:${x + xl}`, "selected");
  const readers = consumers(layer, ci, y, x);
  for (const [co, oy, ox] of readers) marks.set(`y${co}:${oy + yt}:${ox + yl}`, "reader");
  return { marks, drawn: { input: cell, readers } };
}
