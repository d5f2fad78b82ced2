// js/filter.js against convolab.image.apply_kernel on tiles of real photos: every kernel of
// the bank, every boundary mode, uint8 (exactly) and float64.

import assert from "node:assert/strict";
import { test } from "node:test";

import { MODES, extend, filterRGBA, respond } from "../../../src/convolab/visualize/static/js/filter.js";
import { assertClose, golden } from "./golden.mjs";

const entry = (name) => golden.kernels.find((k) => k.name === name);

// A tile's samples as RGBA pixels, grey tiles in R = G = B.
function rgbaOf(tile) {
  const rgba = new Uint8ClampedArray(tile.height * tile.width * 4);
  for (let i = 0; i < tile.height * tile.width; i++) {
    for (let c = 0; c < 3; c++) rgba[i * 4 + c] = tile.values[i * tile.channels + (tile.channels === 1 ? 0 : c)];
    rgba[i * 4 + 3] = 255;
  }
  return rgba;
}

function channelsOfRGBA(rgba, channels) {
  const out = [];
  for (let i = 0; i < rgba.length; i += 4) for (let c = 0; c < channels; c++) out.push(rgba[i + c]);
  return out;
}

test("uint8 tiles: every kernel and mode, equal to convolab.image to the last unit", () => {
  const cases = golden.filters.filter((f) => golden.tiles[f.tile].dtype === "uint8");
  assert.ok(cases.length >= 100);
  for (const f of cases) {
    const tile = golden.tiles[f.tile];
    const got = filterRGBA(rgbaOf(tile), tile.width, tile.height, entry(f.kernel), f.mode, f.cval);
    assert.deepEqual(channelsOfRGBA(got, tile.channels), f.output, `${f.tile} ${f.kernel} ${f.mode}`);
  }
});

test("float64 tiles: the unrounded response", () => {
  const cases = golden.filters.filter((f) => golden.tiles[f.tile].dtype === "float64");
  assert.ok(cases.length >= 10);
  for (const f of cases) {
    const tile = golden.tiles[f.tile];
    const got = respond(Float64Array.from(tile.values), tile.width, tile.height, entry(f.kernel), f.mode, f.cval);
    assertClose(Array.from(got), f.output, `${f.tile} ${f.kernel} ${f.mode}`);
  }
});

test("every boundary mode and every kernel of the bank is covered", () => {
  assert.deepEqual(new Set(golden.filters.map((f) => f.mode)), new Set(MODES));
  assert.deepEqual(new Set(golden.filters.map((f) => f.kernel)), new Set(golden.kernels.map((k) => k.name)));
});

test("extend() reaches past the border by more than the axis, as scipy does", () => {
  // [a b c] = [0 1 2] extended by 4 on the left, from the table in js/filter.js
  const left = (mode) => [-4, -3, -2, -1].map((i) => extend(i, 3, mode));
  assert.deepEqual(left("reflect"), [2, 2, 1, 0]); // ... c b a | a b c
  assert.deepEqual(left("mirror"), [0, 1, 2, 1]); // ... b c b | a b c
  assert.deepEqual(left("nearest"), [0, 0, 0, 0]);
  assert.deepEqual(left("wrap"), [2, 0, 1, 2]);
  assert.deepEqual(left("constant"), [-1, -1, -1, -1]);
  assert.equal(extend(5, 1, "mirror"), 0); // one sample: every extension is that sample
});
