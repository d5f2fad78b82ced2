// "Copy as PyTorch" and "copy as convolab": the current layer as one line of Python.
// PyTorch pads both sides alike, so per-side padding becomes an explicit padding module in
// front (or, for a transposed convolution, a negative ZeroPad that crops behind), 'same'
// with a stride above 1 becomes convolab.nn.Conv1dSame / Conv2dSame (TensorFlow's 'SAME'), and
// 1-D 'causal' convolab.nn.CausalConv1d (2-D 'causal' is a padding module in front).

import { pyRepr } from "./pyargs.js";

const PAD_MODULES = {
  zeros: "ZeroPad", reflect: "ReflectionPad", replicate: "ReplicationPad", circular: "CircularPad",
};

function perDim(layer, values) {
  const v = values.slice(2 - layer.ndim);
  return pyRepr(layer.ndim === 1 ? v[0] : v);
}

// PyTorch's padding modules take (left, right, top, bottom): the last dimension first.
function padModule(layer, kind, sign) {
  const sides = layer.padPairs.slice().reverse().flatMap(([lo, hi]) => [sign * lo, sign * hi]);
  return `nn.${PAD_MODULES[kind]}${layer.ndim}d(${pyRepr(sides)})`;
}

function symmetric(layer) {
  return layer.padPairs.every(([lo, hi]) => lo === hi);
}

function common(layer) {
  return {
    k: perDim(layer, layer.kernel), s: perDim(layer, layer.stride),
    d: perDim(layer, layer.dilation), p: perDim(layer, layer.pads.map(([lo]) => lo)),
    op: perDim(layer, layer.outputPadding), zero: perDim(layer, [0, 0]),
  };
}

function transposeLine(layer, c) {
  const head = `nn.ConvTranspose${layer.ndim}d(${layer.cin}, ${layer.cout}, kernel_size=${c.k}, ` +
    `stride=${c.s}, padding=`;
  const tail = `, output_padding=${c.op}, groups=${layer.groups}, bias=False, dilation=${c.d})`;
  if (symmetric(layer)) return head + c.p + tail;
  return `nn.Sequential(${head}${c.zero}${tail}, ${padModule(layer, "zeros", -1)})`;
}

function convLine(layer, c) {
  const name = `nn.Conv${layer.ndim}d`;
  const head = `${layer.cin}, ${layer.cout}, kernel_size=${c.k}, stride=${c.s}`;
  const tail = `dilation=${c.d}, groups=${layer.groups}, bias=False, ` +
    `padding_mode=${pyRepr(layer.mode)})`;
  const strided = layer.stride.some((s) => s > 1);
  if (layer.paddingKind === "same" && !strided) return `${name}(${head}, padding='same', ${tail}`;
  if (layer.paddingKind === "same") return `convolab.nn.Conv${layer.ndim}dSame(${head}, ${tail}`;
  if (layer.paddingKind === "causal" && layer.ndim === 1) return `convolab.nn.CausalConv1d(${head}, ${tail}`;
  if (symmetric(layer)) return `${name}(${head}, padding=${c.p}, ${tail}`;
  const conv = `${name}(${head}, padding=${c.zero}, dilation=${c.d}, groups=${layer.groups}, ` +
    "bias=False)";
  return `nn.Sequential(${padModule(layer, layer.mode, 1)}, ${conv})`;
}

function flipNote(layer, expression) {
  return layer.flip ? `# true convolution: load the kernel flipped, ${expression}\n` : "";
}

export function pytorchCode(layer) {
  const c = common(layer);
  const flip = layer.ndim === 1 ? "weight.flip(-1)" : "weight.flip(-2, -1)";
  return flipNote(layer, flip) + (layer.transposed ? transposeLine(layer, c) : convLine(layer, c));
}

function shapeNote(layer) {
  const dims = layer.ndim === 1 ? ["W"] : ["H", "W"];
  const size = layer.size.slice(2 - layer.ndim);
  const w = layer.transposed ? "(C_in, C_out/groups, k...)" : "(C_out, C_in/groups, k...)";
  const x = `(N, C_in, ${dims.join(", ")}) = ${pyRepr([1, layer.cin, ...size])}`;
  return `# x: ${x}, w: ${w}\n`;
}

export function convolabCode(layer) {
  const c = common(layer);
  const weight = layer.flip ? (layer.ndim === 1 ? "w[..., ::-1]" : "w[..., ::-1, ::-1]") : "w";
  const a = layer.args;
  const padding = layer.paddingKind === "symmetric" ? c.p : pyRepr(a.padding);
  const call = layer.transposed
    ? `convolab.functional.conv_transpose${layer.ndim}d(x, ${weight}, stride=${c.s}, ` +
      `padding=${padding}, output_padding=${c.op}, groups=${layer.groups}, dilation=${c.d})`
    : `convolab.functional.conv${layer.ndim}d(x, ${weight}, stride=${c.s}, padding=${padding}, ` +
      `dilation=${c.d}, groups=${layer.groups}, padding_mode=${pyRepr(layer.mode)})`;
  return shapeNote(layer) + call;
}
