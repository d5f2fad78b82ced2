// The line under the grids: what the selected cell is made of, in numbers.

import { contributions, inputAt, weightAt } from "./engine.js";
import { formatExact } from "./values.js";

const SYMBOL = { input: "x", weight: "w", output: "y" };

// "x[1, 2]" in 1-D, "x[0, 1, 2]" in 2-D: an index without the height of a 1-D layer.
export function cellName(layer, kind, cell) {
  const shown = layer.ndim === 1 ? cell.filter((_, i) => i !== cell.length - 2) : cell;
  return `${SYMBOL[kind]}[${shown.join(", ")}]`;
}

function describeOutput(layer, values, output, [co, oy, ox]) {
  const terms = contributions(layer, co, oy, ox).map((t) => {
    const x = t.sy < 0 || t.sx < 0 ? 0 : inputAt(layer, values, t.ci, t.sy, t.sx);
    const w = weightAt(layer, values, t.w);
    return `${formatExact(x)}·${w < 0 ? `(${formatExact(w)})` : formatExact(w)}`;
  });
  const shown = terms.length > 12 ? [...terms.slice(0, 12), "…"] : terms;
  const [ho, wo] = layer.out;
  const value = output[(co * ho + oy) * wo + ox];
  return `${cellName(layer, "output", [co, oy, ox])} = ${shown.join(" + ") || "0"} = ` +
    `${formatExact(value)} (${terms.length} products)`;
}

// The readout for a selection of `kind` whose marks are `drawn` (see views.js).
export function describe(layer, values, output, kind, drawn) {
  if (kind === "input") {
    return `${cellName(layer, "input", drawn.input)} feeds ${drawn.readers.length} output cells`;
  }
  if (kind === "weight") {
    const w = formatExact(weightAt(layer, values, drawn.weight));
    return `${cellName(layer, "weight", drawn.weight)} = ${w} multiplies ${drawn.sources.length} ` +
      `input cells and feeds ${drawn.outputs.length} output cells`;
  }
  return describeOutput(layer, values, output, drawn.output);
}
