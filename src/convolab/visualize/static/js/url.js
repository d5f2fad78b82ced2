// The page's state in the URL's fragment, so that a link (or a reload) shows the same thing:
//   #ndim=2&transposed=0&flip=0&size=7,7&kernel=3,3&stride=1,1&dilation=1,1&inChannels=1
//    &outChannels=1&groups=1&paddingKind=symmetric&padding=1,1&paddingSides=1,1,1,1
//    &paddingMode=zeros&outputPadding=0,0[&x=..&w=..][&select=output:0,0,1]
//    [&view=image&photo=camera&filter=sobel_x&edges=reflect]
// The fragment never reaches a server, and a file:// page reads it too. A number that does
// not parse stays as its text, so the page's checks name it as they would a typed entry;
// what cannot be used at all (an unknown option, a wrong count) is listed in `notes`.

import { weightShape } from "./engine.js";
import { PADDING_KINDS, PADDING_MODES } from "./settings.js";
import { shapes } from "./values.js";

const DIMS = ["size", "kernel", "stride", "dilation", "padding", "outputPadding"];
const COUNTS = ["inChannels", "outChannels", "groups"];
const FLAGS = ["transposed", "flip"];
const CHOICES = { paddingKind: PADDING_KINDS, paddingMode: PADDING_MODES };
const SELECTIONS = { output: 3, input: 3, weight: 4 };
const SAFE = /[^\w.,:~-]/g; // what stays readable in the fragment; the rest is %-escaped

function number(text) {
  const n = Number(text);
  return text.trim() === "" || Number.isNaN(n) ? text : n;
}

function list(text) {
  return text.split(",").map(number);
}

// The fragment for a state: {settings, x, w (row-major arrays or null), select, image}.
export function encodeState({ settings: s, x = null, w = null, select = null, image = null }) {
  const pairs = [["ndim", s.ndim], ...FLAGS.map((f) => [f, s[f] ? 1 : 0])];
  for (const name of DIMS) pairs.push([name, s[name].slice(0, s.ndim).join(",")]);
  for (const name of COUNTS) pairs.push([name, s[name]]);
  pairs.push(["paddingKind", s.paddingKind], ["paddingMode", s.paddingMode]);
  pairs.push(["paddingSides", s.paddingSides.slice(0, s.ndim).flat().join(",")]);
  if (x) pairs.push(["x", x.join(",")]);
  if (w) pairs.push(["w", w.join(",")]);
  if (select) pairs.push(["select", `${select.kind}:${select.cell.join(",")}`]);
  if (image) {
    pairs.push(["view", "image"], ["photo", image.photo], ["filter", image.kernel]);
    pairs.push(["edges", image.mode]);
  }
  const escape = (v) => String(v).replace(SAFE, (c) => encodeURIComponent(c));
  return pairs.map(([k, v]) => `${k}=${escape(v)}`).join("&");
}

function readFields(fields, notes) {
  const settings = {};
  if ("ndim" in fields) {
    if (["1", "2"].includes(fields.ndim)) settings.ndim = Number(fields.ndim);
    else notes.push(`ndim must be 1 or 2, got '${fields.ndim}'`);
  }
  const ndim = settings.ndim ?? 2;
  for (const f of FLAGS) if (f in fields) settings[f] = fields[f] === "1" || fields[f] === "true";
  for (const name of COUNTS) if (name in fields) settings[name] = number(fields[name]);
  for (const [name, choices] of Object.entries(CHOICES)) {
    if (!(name in fields)) continue;
    if (choices.includes(fields[name])) settings[name] = fields[name];
    else notes.push(`${name} must be one of ${choices.join(", ")}, got '${fields[name]}'`);
  }
  for (const name of DIMS) {
    if (!(name in fields)) continue;
    const values = list(fields[name]);
    if (values.length === ndim) settings[name] = values;
    else notes.push(`${name} needs ${ndim} values, got '${fields[name]}'`);
  }
  if ("paddingSides" in fields) {
    const v = list(fields.paddingSides);
    if (v.length === 2 * ndim) settings.paddingSides = Array.from({ length: ndim }, (_, i) => v.slice(2 * i, 2 * i + 2));
    else notes.push(`paddingSides needs ${2 * ndim} values, got '${fields.paddingSides}'`);
  }
  return settings;
}

function readSelect(text, notes) {
  const [kind, cell = ""] = text.split(":");
  const numbers = cell.split(",").map(Number);
  if (kind in SELECTIONS && numbers.length === SELECTIONS[kind] && numbers.every(Number.isInteger)) {
    return { kind, cell: numbers };
  }
  notes.push(`select must be output:c,y,x, input:c,y,x or weight:i,j,y,x, got '${text}'`);
  return null;
}

function readValues(text, name, notes) {
  const values = text.split(",").map(Number);
  if (values.every(Number.isFinite)) return values;
  notes.push(`${name} must be numbers separated by commas`);
  return null;
}

// The state a fragment describes: {settings (the fields it has), x, w, select, image, notes}.
export function decodeState(fragment) {
  const fields = {};
  for (const part of fragment.replace(/^#/, "").split("&")) {
    if (!part) continue;
    const at = part.indexOf("=");
    const [key, value] = at < 0 ? [part, ""] : [part.slice(0, at), part.slice(at + 1)];
    try {
      fields[decodeURIComponent(key)] = decodeURIComponent(value);
    } catch {
      fields[key] = value; // a stray % is kept as typed
    }
  }
  const notes = [];
  const state = { settings: readFields(fields, notes), x: null, w: null, select: null, image: null };
  if ("x" in fields) state.x = readValues(fields.x, "x", notes);
  if ("w" in fields) state.w = readValues(fields.w, "w", notes);
  if ("select" in fields) state.select = readSelect(fields.select, notes);
  if (fields.view === "image") {
    const given = (name) => fields[name] || null;
    state.image = { photo: given("photo"), kernel: given("filter"), mode: given("edges") };
  }
  return { ...state, notes };
}

const fits = (cell, shape) => cell.every((v, i) => v >= 0 && v < shape[i]);

// What a decoded link sets on the layer its settings built: the values whose count fits
// ({x, w}: {shape, values} or null) and the selection if it lies inside the layer; what
// does not fit is said in `notes`.
export function fitToLayer(decoded, layer, notes) {
  const want = shapes(layer);
  const custom = { x: null, w: null };
  for (const key of ["x", "w"]) {
    const values = decoded[key];
    const needed = want[key].reduce((p, q) => p * q, 1);
    if (values && values.length === needed) custom[key] = { shape: want[key], values };
    else if (values) notes.push(`${key} has ${values.length} values, the layer needs ${needed}`);
  }
  const sel = decoded.select;
  if (!sel) return { custom, select: null };
  const shape = {
    output: [layer.cout, ...layer.out], input: [layer.cin, ...layer.size], weight: weightShape(layer),
  }[sel.kind];
  if (fits(sel.cell, shape)) return { custom, select: sel };
  notes.push(`select ${sel.kind}:${sel.cell.join(",")} is outside the layer`);
  return { custom, select: null };
}
