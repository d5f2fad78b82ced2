// The numbers in the grids: seeded small integers for a new layer, or the values a person
// typed (kept while the input's or the weights' shape stays the same), how a typed entry is
// read and how a number is written in a cell.

import { weightShape } from "./engine.js";

export const VALUE_LIMIT = 1e6; // what a cell can show; a larger entry is refused
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

// Small integers from a seeded generator (mulberry32), so a layer's numbers stay put.
function randomInts(count, lo, hi, seed) {
  let a = seed >>> 0;
  return Array.from({ length: count }, () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return lo + (((t ^ (t >>> 14)) >>> 0) % (hi - lo + 1));
  });
}

// The shapes of the input (C_in, H, W) and of the weight (PyTorch's layout) of a layer.
export function shapes(layer) {
  return { x: [layer.cin, ...layer.size], w: weightShape(layer) };
}

const count = (shape) => shape.reduce((p, q) => p * q, 1);
const sameShape = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);

// The values of a layer, row-major: the edited ones ({x, w}: {shape, values} or null) where
// their shape still fits, else the seeded ones. `edited` says which are a person's.
export function layerValues(layer, custom = {}) {
  const want = shapes(layer);
  const seeded = { x: () => randomInts(count(want.x), 0, 9, 7), w: () => randomInts(count(want.w), -1, 2, 11) };
  const values = { edited: {} };
  for (const key of ["x", "w"]) {
    const own = custom[key];
    const fits = own && sameShape(own.shape, want[key]) && own.values.length === count(want[key]);
    values[key] = fits ? own.values.slice() : seeded[key]();
    values.edited[key] = Boolean(fits);
  }
  return values;
}

// A typed entry as a number: {value} or {error} saying what is accepted.
export function parseValue(text) {
  const trimmed = String(text).trim();
  const expected = `a number between -${VALUE_LIMIT} and ${VALUE_LIMIT} (such as 3, -1.5 or 0.25)`;
  if (!DECIMAL.test(trimmed)) return { error: `must be ${expected}, got '${trimmed}'` };
  const value = Number(trimmed);
  if (Math.abs(value) > VALUE_LIMIT) return { error: `must be ${expected}, got ${trimmed}` };
  return { value: value === 0 ? 0 : value }; // no -0
}

// A number as a cell shows it: integers whole, others to 5 significant digits (32.125).
export function formatValue(v) {
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(5)));
}

// A number as the readout shows it: up to 10 significant digits (no 0.30000000000000004).
export function formatExact(v) {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(10)));
}
