// Which input cells and weights make each output cell, and the values they make. One
// function, contributions(), describes a cell's window; the drawing, the numbers and the test
// hook all read it, so what is highlighted is what is summed. consumers() (the outputs an input
// feeds) and weightUses() (every product of one weight) are the reverse look-ups.
// tests/visualize/golden.json holds convolab.functional's outputs and PyTorch autograd's cells
// for these; tests/visualize/js/ checks them.
//
// Convolution (PyTorch's cross-correlation; true convolution flips the kernel):
//   y[co, oy, ox] = sum_{ci in group, ky, kx} w[co, ci', ky, kx] * xpad[ci, oy*s + ky*d, ...]
// Transposed convolution (the gradient of a convolution), output cropped by padding lo:
//   y[co, oy, ox] = sum over (ci, iy, ky) with iy*s + ky*d - lo = oy of x[ci, iy] * w[ci, co', ky]

// Index into an input of length n for position i of the padded input, -1 for a zero.
export function sourceIndex(i, n, mode) {
  if (i >= 0 && i < n) return i;
  if (mode === "replicate") return Math.min(Math.max(i, 0), n - 1);
  if (mode === "circular") return ((i % n) + n) % n;
  if (mode === "reflect") {
    const period = 2 * (n - 1);
    if (period === 0) return 0;
    const j = ((i % period) + period) % period; // torch 'reflect': the edge is not repeated
    return j < n ? j : period - j;
  }
  return -1;
}

function groupOf(layer, co) {
  return Math.floor(co / (layer.cout / layer.groups));
}

function kernelIndex(layer, ky, kx) {
  const [kh, kw] = layer.kernel;
  return layer.flip ? [kh - 1 - ky, kw - 1 - kx] : [ky, kx];
}

// Along dimension `dim`, the kernel taps that output position `o` sums: the tap k, the
// logical input position i (outside [0, n) in the padding) and the input cell it reads (-1
// for a zero). A convolution reads i = o*s + k*d - lo; a transposed one adds input i into
// every o = i*s + k*d - lo, so only real inputs appear. contributions() and forward() both
// enumerate a cell's products from these.
export function taps(layer, dim, o) {
  const [n, s, d, lo] = [layer.size[dim], layer.stride[dim], layer.dilation[dim], layer.pads[dim][0]];
  const found = [];
  for (let k = 0; k < layer.kernel[dim]; k++) {
    if (layer.transposed) {
      const t = o + lo - k * d;
      if (t % s === 0 && t >= 0 && t / s < n) found.push({ k, i: t / s, source: t / s });
    } else {
      const i = o * s + k * d - lo;
      found.push({ k, i, source: sourceIndex(i, n, layer.mode) });
    }
  }
  return found;
}

// Every product that the output cell y[co, oy, ox] sums: input channel ci, logical input
// position (iy, ix) (outside the input for padding), the input cell it reads (sy, sx; -1 for
// a zero) and the PyTorch index w of the weight.
export function contributions(layer, co, oy, ox) {
  const g = groupOf(layer, co);
  const cinG = layer.cin / layer.groups;
  const coutG = layer.cout / layer.groups;
  const rows = taps(layer, 0, oy);
  const cols = taps(layer, 1, ox);
  const terms = [];
  for (let c = 0; c < cinG; c++) {
    const ci = g * cinG + c;
    const pair = layer.transposed ? [ci, co - g * coutG] : [co, c];
    for (const r of rows) {
      for (const q of cols) {
        terms.push({ ci, iy: r.i, ix: q.i, ky: r.k, kx: q.k, sy: r.source, sx: q.source,
          w: [...pair, ...kernelIndex(layer, r.k, q.k)] });
      }
    }
  }
  return terms;
}

export function weightShape(layer) {
  const first = layer.transposed ? layer.cin : layer.cout;
  const second = layer.transposed ? layer.cout / layer.groups : layer.cin / layer.groups;
  return [first, second, ...layer.kernel];
}

export function inputAt(layer, values, ci, y, x) {
  return values.x[(ci * layer.size[0] + y) * layer.size[1] + x];
}

export function weightAt(layer, values, index) {
  const [, b, kh, kw] = weightShape(layer);
  const [i, j, ky, kx] = index;
  return values.w[((i * b + j) * kh + ky) * kw + kx];
}

// (C_out, H_out, W_out) output values, row-major: the products of contributions(), in its
// order, summed without building a term per product (a LeNet-5 redraw sums 400,000).
export function forward(layer, values) {
  const [ho, wo] = layer.out;
  const [h, w] = layer.size;
  const [kh, kw] = layer.kernel;
  const b = weightShape(layer)[1];
  const cinG = layer.cin / layer.groups;
  const coutG = layer.cout / layer.groups;
  const rows = Array.from({ length: ho }, (_, o) => taps(layer, 0, o).filter((t) => t.source >= 0));
  const cols = Array.from({ length: wo }, (_, o) => taps(layer, 1, o).filter((t) => t.source >= 0));
  const flat = new Int32Array(kh * kw); // kernel tap -> offset of its weight (flipped or not)
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      const [fy, fx] = kernelIndex(layer, ky, kx);
      flat[ky * kw + kx] = fy * kw + fx;
    }
  }
  const x = values.x, wt = values.w;
  const y = new Array(layer.cout * ho * wo);
  for (let co = 0; co < layer.cout; co++) {
    const g = groupOf(layer, co);
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++) {
        let sum = 0;
        for (let c = 0; c < cinG; c++) {
          const ci = g * cinG + c;
          const wBase = layer.transposed ? (ci * b + co - g * coutG) * kh * kw : (co * b + c) * kh * kw;
          for (const r of rows[oy]) {
            const xRow = (ci * h + r.source) * w;
            const tapRow = r.k * kw;
            for (const q of cols[ox]) sum += x[xRow + q.source] * wt[wBase + flat[tapRow + q.k]];
          }
        }
        y[(co * ho + oy) * wo + ox] = sum;
      }
    }
  }
  return y;
}

// Along one dimension, the (output, window position, input read) triples of kernel tap `tap`:
// every product that tap takes part in whose input is a real cell or its padding copy.
function tapRuns(layer, dim, tap) {
  const [n, s, d, lo] = [layer.size[dim], layer.stride[dim], layer.dilation[dim], layer.pads[dim][0]];
  const runs = [];
  if (layer.transposed) {
    for (let i = 0; i < n; i++) {
      const o = i * s + tap * d - lo; // input i times tap lands on output o
      if (o >= 0 && o < layer.out[dim]) runs.push([o, i, i]);
    }
    return runs;
  }
  for (let o = 0; o < layer.out[dim]; o++) {
    const i = o * s + tap * d - lo;
    const source = sourceIndex(i, n, layer.mode);
    if (source >= 0) runs.push([o, i, source]);
  }
  return runs;
}

// Every product that weight w[index] (PyTorch's index) takes part in, with a real input or
// a padding copy of one: the output cell it feeds, the window position (padded grid) and
// the input cell read. The reverse of contributions() for a weight.
export function weightUses(layer, index) {
  const [a, b, wy, wx] = index;
  const [ky, kx] = kernelIndex(layer, wy, wx); // a true convolution flips the kernel
  const cinG = layer.cin / layer.groups;
  const coutG = layer.cout / layer.groups;
  const [ci, co] = layer.transposed
    ? [a, Math.floor(a / cinG) * coutG + b]
    : [groupOf(layer, a) * cinG + b, a];
  const uses = [];
  for (const [oy, iy, sy] of tapRuns(layer, 0, ky)) {
    for (const [ox, ix, sx] of tapRuns(layer, 1, kx)) {
      uses.push({ output: [co, oy, ox], window: [ci, iy, ix], source: [ci, sy, sx] });
    }
  }
  return uses;
}

// Output positions along one dimension whose windows read input position `index`.
function readers(layer, dim, index) {
  const [lo, hi] = layer.pads[dim];
  const [n, s, d, k] = [layer.size[dim], layer.stride[dim], layer.dilation[dim], layer.kernel[dim]];
  const found = new Set();
  for (let tap = 0; tap < k; tap++) {
    if (layer.transposed) {
      const o = index * s + tap * d - lo;
      if (o >= 0 && o < layer.out[dim]) found.add(o);
      continue;
    }
    for (let i = -lo; i < n + hi; i++) {
      const t = i + lo - tap * d;
      if (sourceIndex(i, n, layer.mode) === index && t >= 0 && t % s === 0 && t / s < layer.out[dim]) {
        found.add(t / s);
      }
    }
  }
  return [...found].sort((a, b) => a - b);
}

// The reverse look-up: output cells [co, oy, ox] whose sums read input cell (ci, y, x).
export function consumers(layer, ci, y, x) {
  const cells = [];
  const group = Math.floor(ci / (layer.cin / layer.groups));
  const coutG = layer.cout / layer.groups;
  const ys = readers(layer, 0, y);
  const xs = readers(layer, 1, x);
  for (let co = group * coutG; co < (group + 1) * coutG; co++) {
    for (const oy of ys) for (const ox of xs) cells.push([co, oy, ox]);
  }
  return cells;
}
