// The golden vectors Python wrote (tests/visualize/_visualize_golden.py) and a way to compare
// JavaScript numbers with them.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

export const golden = JSON.parse(
  readFileSync(new URL("../golden.json", import.meta.url), "utf-8"),
);

export const TOLERANCE = 1e-9; // the file keeps 10 decimals of a float

export function assertClose(actual, expected, message) {
  assert.equal(actual.length, expected.length, `${message}: length`);
  actual.forEach((v, i) => {
    const err = Math.abs(v - expected[i]);
    assert.ok(err <= TOLERANCE * Math.max(1, Math.abs(expected[i])),
      `${message}: [${i}] ${v} != ${expected[i]}`);
  });
}

// Cells ([a, b, ...] arrays) as a sorted list of strings, to compare as sets.
export function cellSet(cells) {
  return [...new Set(cells.map((c) => c.join(",")))].sort();
}

// The message a call throws, or null when it returns.
export function messageOf(call) {
  try {
    call();
  } catch (err) {
    return err.message;
  }
  return null;
}
