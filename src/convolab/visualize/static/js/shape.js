// The formulas of convolab.shape (src/convolab/shape/*.py), line for line, with the same
// argument checks and error messages. Arguments take the forms Python accepts (an int for a
// 1-D call, arrays for tuples); results are always arrays, one entry per dimension.
//
//   conv:       out = floor((W + lo + hi - d*(k-1) - 1) / s) + 1
//   transposed: out = (W - 1)*s - lo - hi + d*(k-1) + output_padding + 1
//   'same':     out = ceil(W / s), total = max((out-1)*s + d*(k-1) + 1 - W, 0),
//               before = total // 2, after = total - before   (TensorFlow 'SAME')

import { asPaddingPairs, asTuple, inferNdim, invalid, isSequence } from "./pyargs.js";

const PADDING_STRINGS = ["valid", "same"];

function floorDiv(a, b) {
  return Math.floor(a / b);
}

export function windowSpec(size, kernelSize, stride, dilation, ...extra) {
  const args = [size, kernelSize, stride, dilation, ...extra];
  const ndim = inferNdim(args);
  const spec = {
    size: asTuple(size, ndim, "size", 1),
    kernelSize: asTuple(kernelSize, ndim, "kernel_size", 1),
    stride: asTuple(stride, ndim, "stride", 1),
    dilation: asTuple(dilation, ndim, "dilation", 1),
    scalar: !args.some(isSequence),
    ndim,
  };
  spec.span = spec.kernelSize.map((k, i) => spec.dilation[i] * (k - 1) + 1);
  return spec;
}

function paddingNdimHint(padding) {
  return isSequence(padding) ? padding : null;
}

function checkFits(spec, pads) {
  spec.size.forEach((w, dim) => {
    const [lo, hi] = pads[dim];
    const span = spec.span[dim];
    if (span > w + lo + hi) {
      const k = spec.scalar ? spec.kernelSize[0] : spec.kernelSize;
      throw invalid(
        "kernel_size",
        k,
        `a kernel whose dilated span d*(k-1)+1 = ${span} fits in the padded input ` +
          `${w} + ${lo} + ${hi} = ${w + lo + hi} (dimension ${dim}; dilation ` +
          `${spec.dilation[dim]})`,
      );
    }
  });
}

export function explicitPairs(padding, ndim) {
  if (typeof padding === "string") {
    if (padding === "valid") return Array.from({ length: ndim }, () => [0, 0]);
    throw invalid("padding", padding, "an int, a tuple, per-side pairs, or 'valid' here");
  }
  return asPaddingPairs(padding, ndim);
}

function samePair(w, k, s, d) {
  const out = Math.ceil(w / s);
  const total = Math.max((out - 1) * s + d * (k - 1) + 1 - w, 0);
  return [floorDiv(total, 2), total - floorDiv(total, 2)];
}

export function resolvePadding(padding, size, kernelSize, stride = 1, dilation = 1) {
  const spec = windowSpec(size, kernelSize, stride, dilation, paddingNdimHint(padding));
  if (typeof padding === "string" && !PADDING_STRINGS.includes(padding)) {
    throw invalid("padding", padding, "an int, a tuple, per-side pairs, 'valid' or 'same'");
  }
  if (padding === "same") {
    return spec.size.map((w, i) =>
      samePair(w, spec.kernelSize[i], spec.stride[i], spec.dilation[i]),
    );
  }
  return explicitPairs(padding, spec.ndim);
}

export function convOutputSize(size, kernelSize, stride = 1, padding = 0, dilation = 1) {
  const spec = windowSpec(size, kernelSize, stride, dilation, paddingNdimHint(padding));
  const pads = resolvePadding(padding, spec.size, spec.kernelSize, spec.stride, spec.dilation);
  checkFits(spec, pads);
  return spec.size.map(
    (w, i) => floorDiv(w + pads[i][0] + pads[i][1] - spec.span[i], spec.stride[i]) + 1,
  );
}

export function convTransposeOutputSize(
  size, kernelSize, stride = 1, padding = 0, outputPadding = 0, dilation = 1,
) {
  const hint = paddingNdimHint(padding) ?? (isSequence(outputPadding) ? outputPadding : null);
  const spec = windowSpec(size, kernelSize, stride, dilation, hint);
  const pads = explicitPairs(padding, spec.ndim);
  const extra = asTuple(outputPadding, spec.ndim, "output_padding", 0);
  extra.forEach((op, dim) => {
    const limit = Math.max(spec.stride[dim], spec.dilation[dim]);
    if (op >= limit) {
      throw invalid(
        "output_padding",
        outputPadding,
        `smaller than max(stride, dilation) = ${limit} in dimension ${dim}`,
      );
    }
  });
  const out = spec.size.map(
    (w, i) => (w - 1) * spec.stride[i] - pads[i][0] - pads[i][1] + spec.span[i] + extra[i],
  );
  out.forEach((o, dim) => {
    if (o < 1) {
      throw invalid(
        "padding",
        padding,
        `padding that leaves a positive output; dimension ${dim} would have size ${o}`,
      );
    }
  });
  return out;
}

// The lines of convolab.shape.explain(kind='conv' | 'transpose'): the formula per dimension
// with the numbers put in.
export function explain(size, kernelSize, stride, padding, dilation, transposed, outputPadding) {
  const spec = windowSpec(size, kernelSize, stride, dilation, paddingNdimHint(padding));
  let out, pads, extra;
  if (transposed) {
    out = convTransposeOutputSize(size, kernelSize, stride, padding, outputPadding, dilation);
    pads = explicitPairs(padding, spec.ndim);
    extra = asTuple(outputPadding, spec.ndim, "output_padding", 0);
  } else {
    out = convOutputSize(size, kernelSize, stride, padding, dilation);
    pads = resolvePadding(padding, size, kernelSize, stride, dilation);
  }
  return spec.size.map((w, i) => {
    const [lo, hi] = pads[i];
    const [d, k, s] = [spec.dilation[i], spec.kernelSize[i], spec.stride[i]];
    if (transposed) {
      return `(${w} - 1)*${s} - ${lo} - ${hi} + ${d}*(${k}-1) + ${extra[i]} + 1 = ${out[i]}`;
    }
    return `floor((${w} + ${lo} + ${hi} - ${d}*(${k}-1) - 1) / ${s}) + 1 = ${out[i]}`;
  });
}
