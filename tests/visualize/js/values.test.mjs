// js/values.js: typed entries, how cells show numbers, which values a layer keeps.

import assert from "node:assert/strict";
import { test } from "node:test";

import { buildLayer, DEFAULTS } from "../../../src/convolab/visualize/static/js/settings.js";
import {
  formatExact, formatValue, layerValues, parseValue,
} from "../../../src/convolab/visualize/static/js/values.js";

test("a typed number is read as written", () => {
  const cases = { "3": 3, "-1.5": -1.5, ".25": 0.25, "+2": 2, "1e3": 1000, " 4 ": 4, "-0": 0, "2.": 2 };
  for (const [text, value] of Object.entries(cases)) assert.deepEqual(parseValue(text), { value }, text);
  assert.ok(Object.is(parseValue("-0").value, 0)); // no -0 in a cell
});

test("anything else is refused, saying what is accepted and what was typed", () => {
  for (const text of ["", "abc", "1,5", "0x10", "Infinity", "NaN", "--1", "1e7", "2 3", "½"]) {
    const { value, error } = parseValue(text);
    assert.equal(value, undefined, text);
    assert.match(error, /^must be a number between -1000000 and 1000000 \(such as 3, -1.5 or 0.25\), got /);
    assert.ok(error.endsWith(text === "1e7" ? "got 1e7" : `got '${text.trim()}'`), error);
  }
});

test("cells show integers whole and others to 5 significant digits", () => {
  assert.equal(formatValue(12), "12");
  assert.equal(formatValue(-12.25), "-12.25");
  assert.equal(formatValue(1 / 3), "0.33333");
  assert.equal(formatValue(32.125), "32.125");
  assert.equal(formatValue(0.1 + 0.2), "0.3");
  assert.equal(formatExact(0.1 + 0.2), "0.3");
  assert.equal(formatExact(1 / 3), "0.3333333333");
});

test("typed values stay while their shape does; seeded values are the same every time", () => {
  const layer = buildLayer(DEFAULTS);
  const seeded = layerValues(layer);
  assert.deepEqual(layerValues(layer), seeded);
  assert.ok(seeded.x.every((v) => Number.isInteger(v) && v >= 0 && v <= 9));
  assert.ok(seeded.w.every((v) => Number.isInteger(v) && v >= -1 && v <= 2));
  const x = { shape: [1, 7, 7], values: Array(49).fill(0.5) };
  const kept = layerValues(layer, { x, w: null });
  assert.deepEqual(kept.edited, { x: true, w: false });
  assert.deepEqual(kept.x, x.values);
  assert.deepEqual(kept.w, seeded.w);
  const wider = buildLayer({ ...DEFAULTS, size: [7, 8] });
  assert.deepEqual(layerValues(wider, { x, w: null }).edited, { x: false, w: false });
});
