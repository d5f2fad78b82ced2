// The saved explain page's in-page inference against Python's golden vectors
// (tests/explain/_explain_golden.py): preprocessing against convolab.data.model_input, every
// operator's output and the class probabilities against torch, each cell's steps against
// convolab.explain's (torch), the readout's arithmetic against the values torch computed, and
// the receptive fields against the support of autograd's input gradient.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { cellSteps } from "../../../src/convolab/visualize/static/js/explain_cells.js";
import { buildNet, decodeFloats, run, softmax } from "../../../src/convolab/visualize/static/js/explain_net.js";
import { modelInput } from "../../../src/convolab/visualize/static/js/explain_prep.js";
import { arithmetic, cellBox } from "../../../src/convolab/visualize/static/js/explain_readout.js";

const golden = JSON.parse(readFileSync(new URL("../golden.json", import.meta.url), "utf-8"));
const TOL = 1e-5; // float32 sums on torch's side, float64 in the page

function pixels(p) {
  return { ...p, data: Uint8Array.from(Buffer.from(p.data, "base64")) };
}

function assertClose(actual, expected, message, tol = TOL) {
  assert.equal(actual.length, expected.length, `${message}: length`);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    assert.ok(err <= tol * Math.max(1, Math.abs(expected[i])), `${message}: [${i}] ${actual[i]} != ${expected[i]}`);
  }
}

// Two JSON values equal in structure, numbers to TOL.
function assertSame(actual, expected, where) {
  if (typeof expected === "number") {
    assert.equal(typeof actual, "number", where);
    assert.ok(Math.abs(actual - expected) <= TOL * Math.max(1, Math.abs(expected)), `${where}: ${actual} != ${expected}`);
  } else if (Array.isArray(expected)) {
    assert.equal(actual.length, expected.length, `${where}: length`);
    expected.forEach((v, i) => assertSame(actual[i], v, `${where}[${i}]`));
  } else if (expected !== null && typeof expected === "object") {
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${where}: keys`);
    for (const key of Object.keys(expected)) assertSame(actual[key], expected[key], `${where}.${key}`);
  } else {
    assert.equal(actual, expected, where);
  }
}

test("preprocessing equals convolab.data.model_input (pad, resize up and down, channels)", () => {
  assert.ok(golden.preprocess.length >= 8);
  golden.preprocess.forEach((c, i) => {
    assertClose(modelInput(pixels(c.image), c.preprocess), decodeFloats(c.x), `case ${i}`);
  });
});

for (const net of golden.nets) {
  const model = buildNet(net.data);

  test(`${net.name}: every operator's output and the probabilities equal torch's`, () => {
    for (const [r, pass] of net.runs.entries()) {
      const x = modelInput(pixels(pass.image), net.data.input.preprocess);
      assertClose(x, decodeFloats(pass.x), `${net.name} run ${r} input`);
      const outputs = run(model, x);
      pass.layers.forEach((ops, l) => ops.forEach((expected, k) => {
        assertClose(outputs[l][k], decodeFloats(expected), `${net.name} run ${r} layer ${l} op ${k}`);
      }));
      assertClose(softmax(outputs[net.data.output].at(-1)), pass.probabilities, `${net.name} probabilities`, 1e-6);
    }
  });

  test(`${net.name}: each cell's steps equal convolab.explain's`, () => {
    for (const pass of net.runs) {
      const x = modelInput(pixels(pass.image), net.data.input.preprocess);
      const outputs = run(model, x);
      for (const { layer, cell, steps } of pass.cells) {
        assertSame(cellSteps(model, outputs, x, layer, cell), steps, `${net.name} layer ${layer} cell ${cell}`);
      }
    }
  });

  test(`${net.name}: the readout's arithmetic gives torch's value at every step`, () => {
    let checked = 0;
    for (const pass of net.runs) {
      for (const { steps } of pass.cells) {
        for (const a of arithmetic(steps)) {
          assert.ok(Math.abs(a.value - a.out) <= TOL * Math.max(1, Math.abs(a.out)), `${a.op}: ${a.value} != ${a.out}`);
          checked += 1;
        }
      }
    }
    assert.ok(checked >= 20);
  });

  test(`${net.name}: receptive fields equal the input gradient's support`, () => {
    assert.ok(net.fields.length >= 9);
    const [, h, w] = net.data.input.shape;
    for (const { layer, cell, box } of net.fields) {
      assert.deepEqual(cellBox(net.data.layers, layer, cell, [h, w]).box, box, `layer ${layer} cell ${cell}`);
    }
  });
}

test("the golden nets cover every operator the page computes", () => {
  const ops = new Set(golden.nets.flatMap((n) => n.data.layers.flatMap((l) => l.ops)));
  for (const op of ["conv", "bn", "tanh", "hardtanh", "leaky relu", "elu", "silu", "max pool", "avg pool",
    "adaptive avg pool", "mean", "dense", "add"]) assert.ok(ops.has(op), op);
});
