// The geometry of convolab.shape (src/convolab/shape/_geometry.py and _explain.py), line for
// line, with the same argument checks in the same order and the same error messages.
// Arguments take the forms Python accepts (an int for a 1-D call, arrays for tuples); a
// geometry holds arrays, one entry per dimension. tests/visualize/golden.json holds Python's
// answers (sizes, padding pairs, explain lines, messages); tests/visualize/js/ checks these.
//
//   span:        d*(k-1) + 1
//   conv:        out = floor((W + lo + hi - span) / s) + 1
//   transposed:  out = (W - 1)*s - lo - hi + span + output_padding
//   'same':      out = ceil(W / s), total = max((out-1)*s + span - W, 0),
//                (lo, hi) = (total // 2, total - total // 2)   (TensorFlow 'SAME')
//   'causal':    (lo, hi) = (span - 1, 0): output i sees inputs up to i*s only (WaveNet)

import { asPaddingPairs, asTuple, inferNdim, invalid, isSequence } from "./pyargs.js";

export const PADDING_STRINGS = ["valid", "same", "causal"];
const EXPECTED_PADDING = "an int, a tuple, per-side pairs, 'valid', 'same' or 'causal'";

function floorDiv(a, b) {
  return Math.floor(a / b);
}

function sequenceOrNull(value) {
  return isSequence(value) ? value : null;
}

function windowTuples(ndim, size, kernelSize, stride, dilation) {
  return [
    asTuple(size, ndim, "size", 1),
    asTuple(kernelSize, ndim, "kernel_size", 1),
    asTuple(stride, ndim, "stride", 1),
    asTuple(dilation, ndim, "dilation", 1),
  ];
}

function geometry(kind, size, kernel, stride, dilation, pads, out, outputPadding = []) {
  const span = kernel.map((k, i) => dilation[i] * (k - 1) + 1);
  return { kind, ndim: size.length, size, kernel, stride, dilation, pads, out, outputPadding, span };
}

// TensorFlow 'SAME' padding of one dimension: ceil(W / s) outputs, the odd cell after.
function samePair(w, k, s, d) {
  const total = Math.max((Math.ceil(w / s) - 1) * s + d * (k - 1) + 1 - w, 0);
  return [floorDiv(total, 2), total - floorDiv(total, 2)];
}

function convPads(padding, size, kernel, stride, dilation) {
  if (typeof padding === "string") {
    if (padding === "valid") return size.map(() => [0, 0]);
    if (padding === "same") return size.map((w, i) => samePair(w, kernel[i], stride[i], dilation[i]));
    if (padding === "causal") return kernel.map((k, i) => [dilation[i] * (k - 1), 0]);
    throw invalid("padding", padding, EXPECTED_PADDING);
  }
  return asPaddingPairs(padding, size.length);
}

function doesNotFit(kernelSize, dim, span, w, lo, hi, d) {
  return invalid(
    "kernel_size",
    kernelSize,
    `a kernel whose dilated span d*(k-1)+1 = ${span} fits in the padded input ` +
      `${w} + ${lo} + ${hi} = ${w + lo + hi} (dimension ${dim}; dilation ${d})`,
  );
}

// The validated geometry of a convolution (any padding form), convolab.shape.conv_geometry.
export function convGeometry(size, kernelSize, stride = 1, padding = 0, dilation = 1) {
  const ndim = inferNdim([size, kernelSize, stride, dilation, sequenceOrNull(padding)]);
  const [w, k, s, d] = windowTuples(ndim, size, kernelSize, stride, dilation);
  const pads = convPads(padding, w, k, s, d);
  const out = w.map((wi, dim) => {
    const [lo, hi] = pads[dim];
    const span = d[dim] * (k[dim] - 1) + 1;
    if (span > wi + lo + hi) throw doesNotFit(kernelSize, dim, span, wi, lo, hi, d[dim]);
    return floorDiv(wi + lo + hi - span, s[dim]) + 1;
  });
  return geometry("conv", w, k, s, d, pads, out);
}

// The validated geometry of a transposed convolution, convolab.shape.transpose_geometry.
export function transposeGeometry(
  size, kernelSize, stride = 1, padding = 0, outputPadding = 0, dilation = 1,
) {
  const hints = [sequenceOrNull(padding), sequenceOrNull(outputPadding)];
  const ndim = inferNdim([size, kernelSize, stride, dilation, ...hints]);
  const [w, k, s, d] = windowTuples(ndim, size, kernelSize, stride, dilation);
  if (typeof padding === "string" && padding !== "valid") {
    throw invalid("padding", padding, "an int, a tuple, per-side pairs, or 'valid' here");
  }
  const pads = padding === "valid" ? w.map(() => [0, 0]) : asPaddingPairs(padding, ndim);
  const extra = asTuple(outputPadding, ndim, "output_padding", 0);
  const out = w.map((wi, dim) => {
    const limit = Math.max(s[dim], d[dim]);
    if (extra[dim] >= limit) {
      throw invalid(
        "output_padding",
        outputPadding,
        `smaller than max(stride, dilation) = ${limit} in dimension ${dim}`,
      );
    }
    const [lo, hi] = pads[dim];
    const o = (wi - 1) * s[dim] - lo - hi + d[dim] * (k[dim] - 1) + 1 + extra[dim];
    if (o < 1) {
      throw invalid(
        "padding",
        padding,
        `padding that leaves a positive output; dimension ${dim} would have size ${o}`,
      );
    }
    return o;
  });
  return geometry("transpose", w, k, s, d, pads, out, extra);
}

// The lines of convolab.shape.explain_geometry: the formula per dimension, numbers put in.
export function explainGeometry(g) {
  return g.size.map((w, i) => {
    const [lo, hi] = g.pads[i];
    const [d, k, s, o] = [g.dilation[i], g.kernel[i], g.stride[i], g.out[i]];
    if (g.kind === "transpose") {
      return `(${w} - 1)*${s} - ${lo} - ${hi} + ${d}*(${k}-1) + ${g.outputPadding[i]} + 1 = ${o}`;
    }
    return `floor((${w} + ${lo} + ${hi} - ${d}*(${k}-1) - 1) / ${s}) + 1 = ${o}`;
  });
}
