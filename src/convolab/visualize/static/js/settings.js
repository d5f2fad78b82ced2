// From the page's settings to a checked layer. Settings hold one entry per spatial dimension
// (ndim of them); the layer always has two (a 1-D layer is a 2-D one of height 1), which is
// what the engine and the drawing use.

import { ArgError, asChoice, asInt, invalid, pyRepr } from "./pyargs.js";
import { PADDING_STRINGS, convGeometry, explainGeometry, transposeGeometry } from "./shape.js";

export const PADDING_MODES = ["zeros", "reflect", "replicate", "circular"];
export const PADDING_KINDS = ["symmetric", "per-side", "same", "valid", "causal"];
// What the page can draw legibly; convolab itself has no such limits.
export const LIMITS = { size: 64, channels: 8, output: 256 };

export const DEFAULTS = {
  ndim: 2, transposed: false, flip: false,
  size: [7, 7], inChannels: 1, outChannels: 1, groups: 1,
  kernel: [3, 3], stride: [1, 1], dilation: [1, 1],
  paddingKind: "symmetric", padding: [1, 1], paddingSides: [[1, 1], [1, 1]],
  paddingMode: "zeros", outputPadding: [0, 0],
};

// The value of a per-dimension setting as convolab.shape takes it: an int in 1-D, a tuple in 2-D.
function perDim(values, ndim) {
  return ndim === 1 ? values[0] : values.slice(0, ndim);
}

// The arguments the page hands to convolab.shape, in the forms Python accepts.
export function shapeArgs(s) {
  const padding =
    PADDING_STRINGS.includes(s.paddingKind) ? s.paddingKind
      : s.paddingKind === "per-side" ? s.paddingSides.slice(0, s.ndim).map((p) => p.slice())
        : perDim(s.padding, s.ndim);
  return {
    size: perDim(s.size, s.ndim),
    kernel_size: perDim(s.kernel, s.ndim),
    stride: perDim(s.stride, s.ndim),
    dilation: perDim(s.dilation, s.ndim),
    padding,
    output_padding: perDim(s.outputPadding, s.ndim),
  };
}

// The checks and messages of convolab.functional (check_groups, pad's limits).
function checkChannels(s) {
  const cin = asInt(s.inChannels, "in_channels", 1);
  const cout = asInt(s.outChannels, "out_channels", 1);
  const groups = asInt(s.groups, "groups", 1);
  if (cin % groups !== 0) throw invalid("groups", groups, `a divisor of the input channels ${cin}`);
  if (cout % groups !== 0) {
    throw invalid("groups", groups, `a divisor of the output channels ${cout}`);
  }
  return { cin, cout, groups };
}

const PAD_LIMITS = { reflect: (n) => n - 1, circular: (n) => n };

function checkPaddingMode(s, size, pads) {
  const mode = asChoice(s.paddingMode, "padding_mode", PADDING_MODES);
  if (s.transposed && mode !== "zeros") {
    throw invalid("padding_mode", mode, "'zeros' for a transposed convolution");
  }
  if (!(mode in PAD_LIMITS) || pads.every(([lo, hi]) => lo === 0 && hi === 0)) return mode;
  pads.forEach(([lo, hi], dim) => {
    const limit = PAD_LIMITS[mode](size[dim]);
    if (Math.max(lo, hi) > limit) {
      throw invalid("padding", pads, `at most ${limit} (input size ${size[dim]} in padded axis ` +
        `${dim + 2}) for mode '${mode}'`);
    }
  });
  return mode;
}

function checkLimits(size, cin, cout, out) {
  if (size.some((w) => w > LIMITS.size)) {
    throw invalid("size", size, `at most ${LIMITS.size} per dimension in the visualizer`);
  }
  if (Math.max(cin, cout) > LIMITS.channels) {
    throw new ArgError(`channels must be at most ${LIMITS.channels} in the visualizer, ` +
      `got in_channels = ${cin}, out_channels = ${cout}`);
  }
  if (out.some((o) => o > LIMITS.output)) {
    throw invalid("output size", out, `at most ${LIMITS.output} per dimension in the visualizer`);
  }
}

// Pad a per-dimension array to two dimensions, with `fill` for the missing height.
function to2d(values, fill) {
  return values.length === 2 ? values : [fill, ...values];
}

// Check the settings and return the layer, or throw an ArgError worded like convolab.
export function buildLayer(s) {
  const { cin, cout, groups } = checkChannels(s);
  const a = shapeArgs(s);
  const geometry = s.transposed
    ? transposeGeometry(a.size, a.kernel_size, a.stride, a.padding, a.output_padding, a.dilation)
    : convGeometry(a.size, a.kernel_size, a.stride, a.padding, a.dilation);
  const { out, pads } = geometry;
  const size = s.size.slice(0, s.ndim);
  const mode = checkPaddingMode(s, size, pads);
  checkLimits(size, cin, cout, out);
  return {
    ndim: s.ndim, transposed: s.transposed, flip: s.flip, mode, cin, cout, groups,
    paddingKind: s.paddingKind, args: a, formula: explainGeometry(geometry), outSize: out,
    padPairs: pads, size: to2d(size, 1), kernel: to2d(s.kernel.slice(0, s.ndim), 1),
    stride: to2d(s.stride.slice(0, s.ndim), 1), dilation: to2d(s.dilation.slice(0, s.ndim), 1),
    pads: to2d(pads, [0, 0]), outputPadding: to2d(s.outputPadding.slice(0, s.ndim), 0),
    out: to2d(out, 1),
  };
}

export function describePadding(layer) {
  return layer.padPairs.map((p) => pyRepr(p)).join(", ");
}
