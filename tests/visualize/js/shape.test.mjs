// js/shape.js and js/pyargs.js against convolab.shape: geometries and messages.

import assert from "node:assert/strict";
import { test } from "node:test";

import { ArgError } from "../../../src/convolab/visualize/static/js/pyargs.js";
import {
  convGeometry, explainGeometry, transposeGeometry,
} from "../../../src/convolab/visualize/static/js/shape.js";
import { golden, messageOf } from "./golden.mjs";

function build({ kind, args: a }) {
  return kind === "conv"
    ? convGeometry(a.size, a.kernel_size, a.stride, a.padding, a.dilation)
    : transposeGeometry(a.size, a.kernel_size, a.stride, a.padding, a.output_padding, a.dilation);
}

const describe = (c) => `${c.kind} ${JSON.stringify(c.args)}`;

test("every golden geometry: output size, padding pairs and explain lines", () => {
  const valid = golden.geometry.filter((c) => !("error" in c));
  assert.ok(valid.length >= 100, "enough valid cases");
  for (const c of valid) {
    const g = build(c);
    assert.deepEqual(g.out, c.out, describe(c));
    assert.deepEqual(g.pads, c.pads, describe(c));
    assert.deepEqual(explainGeometry(g), c.explain, describe(c));
  }
});

test("every golden refusal: Python's message, word for word", () => {
  const refused = golden.geometry.filter((c) => "error" in c);
  assert.ok(refused.length >= 100, "enough refused cases");
  for (const c of refused) {
    assert.equal(messageOf(() => build(c)), c.error, describe(c));
    assert.throws(() => build(c), ArgError);
  }
});

test("the padding forms the page offers all appear in the golden cases", () => {
  const forms = new Set(golden.geometry.map((c) => JSON.stringify(c.args.padding)));
  for (const form of ['"same"', '"valid"', '"causal"']) assert.ok(forms.has(form), form);
  const valid = golden.geometry.filter((c) => !("error" in c));
  assert.ok(valid.some((c) => c.args.padding === "causal" && c.args.dilation !== 1));
  assert.ok(valid.some((c) => Array.isArray(c.args.padding?.[0])), "per-side pairs");
  assert.ok(valid.some((c) => c.kind === "transpose"), "transposed");
});
