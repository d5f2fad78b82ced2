// js/settings.js and js/engine.js against convolab.shape, convolab.functional and PyTorch's
// autograd: the page's messages, sizes and formulas, its output values, the cells a product
// reads, the outputs an input feeds and every use of a weight.

import assert from "node:assert/strict";
import { test } from "node:test";

import {
  consumers, contributions, forward, weightUses,
} from "../../../src/convolab/visualize/static/js/engine.js";
import { buildLayer } from "../../../src/convolab/visualize/static/js/settings.js";
import { assertClose, cellSet, golden, messageOf } from "./golden.mjs";

const valid = golden.layers.filter((c) => !("error" in c));
const describe = (c) => JSON.stringify(c.settings);

test("refused settings: convolab's message", () => {
  const refused = golden.layers.filter((c) => "error" in c);
  assert.ok(refused.length >= 10);
  for (const c of refused) assert.equal(messageOf(() => buildLayer(c.settings)), c.error, describe(c));
});

test("valid settings: output size, padding pairs and formula", () => {
  assert.ok(valid.length >= 50);
  for (const c of valid) {
    const layer = buildLayer(c.settings);
    assert.deepEqual(layer.outSize, c.out, describe(c));
    assert.deepEqual(layer.padPairs, c.pads, describe(c));
    assert.deepEqual(layer.formula, c.formula, describe(c));
  }
});

test("the forward pass equals convolab.functional's output", () => {
  for (const c of valid) {
    const layer = buildLayer(c.settings);
    const values = { x: c.x, w: c.w };
    assertClose(forward(layer, values), c.y, describe(c));
  }
});

test("an output cell reads what autograd says it depends on", () => {
  for (const c of valid) {
    const layer = buildLayer(c.settings);
    for (const { output, inputs, weights } of c.support) {
      const reads = contributions(layer, ...output).filter((t) => t.sy >= 0 && t.sx >= 0);
      assert.deepEqual(cellSet(reads.map((t) => [t.ci, t.sy, t.sx])), cellSet(inputs), describe(c));
      assert.deepEqual(cellSet(reads.map((t) => t.w)), cellSet(weights), describe(c));
    }
  }
});

test("an input cell feeds the outputs that change with it", () => {
  for (const c of valid) {
    const layer = buildLayer(c.settings);
    for (const { input, outputs } of c.readers) {
      assert.deepEqual(cellSet(consumers(layer, ...input)), cellSet(outputs), describe(c));
    }
  }
});

test("a weight multiplies and feeds the cells autograd finds", () => {
  for (const c of valid) {
    const layer = buildLayer(c.settings);
    for (const { weight, outputs, inputs } of c.weights) {
      const uses = weightUses(layer, weight);
      const where = `${describe(c)} w${JSON.stringify(weight)}`;
      assert.deepEqual(cellSet(uses.map((u) => u.output)), cellSet(outputs), where);
      assert.deepEqual(cellSet(uses.map((u) => u.source)), cellSet(inputs), where);
    }
  }
});

test("the golden layers cover every padding form and mode", () => {
  const kinds = new Set(valid.map((c) => c.settings.paddingKind));
  for (const kind of ["symmetric", "per-side", "same", "valid", "causal"]) assert.ok(kinds.has(kind), kind);
  const modes = new Set(valid.map((c) => c.settings.paddingMode));
  for (const mode of ["zeros", "reflect", "replicate", "circular"]) assert.ok(modes.has(mode), mode);
  assert.ok(valid.some((c) => c.settings.transposed));
  assert.ok(valid.some((c) => c.settings.ndim === 1));
});
