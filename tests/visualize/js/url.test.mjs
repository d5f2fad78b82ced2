// js/url.js: the page's state in the URL's fragment, and what a bad link is told.

import assert from "node:assert/strict";
import { test } from "node:test";

import { buildLayer, DEFAULTS } from "../../../src/convolab/visualize/static/js/settings.js";
import { decodeState, encodeState, fitToLayer } from "../../../src/convolab/visualize/static/js/url.js";

const CAUSAL = {
  ...DEFAULTS, ndim: 1, size: [12], kernel: [3], stride: [2], dilation: [2], padding: [0],
  paddingSides: [[0, 0]], outputPadding: [0], paddingKind: "causal", paddingMode: "replicate",
  inChannels: 2, outChannels: 2,
};

test("a state survives the round trip through the fragment", () => {
  for (const settings of [DEFAULTS, CAUSAL, { ...DEFAULTS, transposed: true, flip: true }]) {
    const fragment = encodeState({ settings });
    const back = decodeState(`#${fragment}`);
    assert.deepEqual(back.notes, []);
    assert.deepEqual({ ...settings, ...back.settings }, settings);
    for (const key of Object.keys(back.settings)) {
      assert.deepEqual(back.settings[key], settings[key], key);
    }
  }
  const full = {
    settings: CAUSAL, x: [1, 2.5, -3], w: [0.25], select: { kind: "weight", cell: [1, 0, 0, 2] },
    image: { photo: "camera", kernel: "sobel_x", mode: "wrap" },
  };
  const back = decodeState(encodeState(full));
  assert.deepEqual([back.x, back.w, back.select, back.image], [full.x, full.w, full.select, full.image]);
});

test("the fragment stays readable: commas and colons are not escaped", () => {
  const fragment = encodeState({ settings: DEFAULTS, select: { kind: "output", cell: [0, 1, 2] } });
  assert.match(fragment, /size=7,7&/);
  assert.match(fragment, /select=output:0,1,2$/);
  assert.doesNotMatch(fragment, /%2C|%3A/);
});

test("what a link cannot set is named; a number that does not parse stays as text", () => {
  const back = decodeState("#ndim=3&paddingKind=diagonal&kernel=3&size=abc,7&x=1,a&select=output:1,2");
  assert.deepEqual(back.settings.size, ["abc", 7]); // the page's checks name it, as if typed
  assert.equal(back.notes.length, 5, back.notes.join("\n"));
  assert.match(back.notes[0], /ndim must be 1 or 2, got '3'/);
  assert.match(back.notes[1], /paddingKind must be one of symmetric, .*, got 'diagonal'/);
  assert.match(back.notes[2], /kernel needs 2 values, got '3'/);
  assert.match(back.notes[3], /x must be numbers separated by commas/);
  assert.match(back.notes[4], /select must be output:c,y,x/);
  const stray = decodeState("#ndim=1&size=%E0%A4%A&&=&flip");
  assert.deepEqual(stray.settings, { ndim: 1, size: ["%E0%A4%A"], flip: false }); // no crash
});

test("values and a selection from a link fit the layer or are named", () => {
  const layer = buildLayer(DEFAULTS); // x (1, 7, 7), w (1, 1, 3, 3), y (1, 7, 7)
  const notes = [];
  const ok = fitToLayer({ x: Array(49).fill(1), w: Array(9).fill(2), select: { kind: "output", cell: [0, 6, 6] } }, layer, notes);
  assert.deepEqual(notes, []);
  assert.deepEqual(ok.custom.x.shape, [1, 7, 7]);
  assert.deepEqual(ok.custom.w.shape, [1, 1, 3, 3]);
  assert.deepEqual(ok.select.cell, [0, 6, 6]);
  const bad = fitToLayer({ x: [1, 2], w: null, select: { kind: "input", cell: [0, 7, 0] } }, layer, notes);
  assert.deepEqual(bad, { custom: { x: null, w: null }, select: null });
  assert.deepEqual(notes, ["x has 2 values, the layer needs 49", "select input:0,7,0 is outside the layer"]);
});
