// A saved explain page's network, computed in the page: the layers Python described
// (convolab/explain/_spec.py), their parameters as float32, and one forward pass that keeps
// every operator's output. Convolutions run on the visualizer's engine (engine.js), windows
// of pooling come from its taps(); tests/explain/js/ checks every output against torch.

import { forward as convolve, taps } from "./engine.js";
import { decodeBytes } from "./explain_maps.js";

export const INPUT = -1;

export function decodeFloats(text) {
  if (text === null || text === undefined) return null;
  return new Float32Array(decodeBytes(text).buffer);
}

// The engine's layer for a convolution or pooling of the spec (a pooling is a depthwise
// window over each channel).
export function engineLayer(layer, channelsIn) {
  const g = layer.geometry;
  const cout = layer.kind === "conv" ? layer.weight_shape[0] : channelsIn;
  return {
    transposed: false, flip: false, mode: "zeros", cin: channelsIn, cout,
    groups: layer.kind === "conv" ? layer.groups : channelsIn,
    size: g.size, kernel: g.kernel, stride: g.stride, dilation: g.dilation, pads: g.pads, out: g.out,
  };
}

export function buildNet(spec) {
  const layers = spec.layers.map((layer, i) => ({
    ...layer,
    params: spec.parameters[i].map((p) => {
      const decoded = {};
      for (const [key, value] of Object.entries(p)) {
        decoded[key] = typeof value === "string" ? decodeFloats(value) : value;
      }
      return decoded;
    }),
  }));
  return { layers, input: spec.input };
}

function channelsOf(shape) {
  return shape.length === 3 ? shape[0] : 1;
}

function pool(layer, x, channels, op, params) {
  const e = engineLayer(layer, channels);
  const [ho, wo] = e.out;
  const [h, w] = e.size;
  const rows = Array.from({ length: ho }, (_, o) => taps(e, 0, o));
  const cols = Array.from({ length: wo }, (_, o) => taps(e, 1, o));
  const y = new Float64Array(channels * ho * wo);
  for (let c = 0; c < channels; c++) {
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++) {
        const inside = [];
        for (const r of rows[oy]) {
          for (const q of cols[ox]) {
            if (r.source >= 0 && q.source >= 0) inside.push(x[(c * h + r.source) * w + q.source]);
          }
        }
        y[(c * ho + oy) * wo + ox] = op === "max pool" ? Math.max(...inside)
          : inside.reduce((a, b) => a + b, 0) / avgDivisor(e, rows[oy], cols[ox], params);
      }
    }
  }
  return y;
}

// torch's divisor of an average: the window inside the padded input (count_include_pad, the
// default), inside the input only, or divisor_override.
export function avgDivisor(e, rowTaps, colTaps, params) {
  if (params.divisor) return params.divisor;
  const count = (list, dim) => list.filter((t) => (params.include_pad
    ? t.i >= -e.pads[dim][0] && t.i < e.size[dim] + e.pads[dim][1]
    : t.source >= 0)).length;
  return count(rowTaps, 0) * count(colTaps, 1);
}

// torch's adaptive window along one axis: floor(i*n/out) up to ceil((i+1)*n/out).
export function adaptiveRange(i, n, out) {
  const first = Math.floor((i * n) / out);
  const end = Math.ceil(((i + 1) * n) / out);
  return Array.from({ length: end - first }, (_, k) => first + k);
}

function adaptive(x, [c, h, w], [ho, wo]) {
  const y = new Float64Array(c * ho * wo);
  for (let k = 0; k < c; k++) {
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++) {
        const rows = adaptiveRange(oy, h, ho), cols = adaptiveRange(ox, w, wo);
        let sum = 0;
        for (const r of rows) for (const q of cols) sum += x[(k * h + r) * w + q];
        y[(k * ho + oy) * wo + ox] = sum / (rows.length * cols.length);
      }
    }
  }
  return y;
}

function mean(x, [c, h, w]) {
  const y = new Float64Array(c);
  for (let k = 0; k < c; k++) {
    let sum = 0;
    for (let i = k * h * w; i < (k + 1) * h * w; i++) sum += x[i];
    y[k] = sum / (h * w);
  }
  return y;
}

function dense(x, params) {
  const out = params.bias ? params.bias.length : params.weight.length / x.length;
  const n = x.length;
  const y = new Float64Array(out);
  for (let f = 0; f < out; f++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += x[i] * params.weight[f * n + i];
    y[f] = sum + (params.bias ? params.bias[f] : 0);
  }
  return y;
}

// value -> value of one element-wise operator (bn needs the channel).
export function elementwise(op, v, params, channel) {
  switch (op) {
    case "bn": return ((v - params.mean[channel]) / Math.sqrt(params.var[channel] + params.eps))
      * params.weight[channel] + params.bias[channel];
    case "relu": return Math.max(v, 0);
    case "tanh": return Math.tanh(v);
    case "sigmoid": return 1 / (1 + Math.exp(-v));
    case "silu": return v / (1 + Math.exp(-v));
    case "hardtanh": return Math.min(Math.max(v, params.min), params.max);
    case "leaky relu": return v >= 0 ? v : v * params.slope;
    case "elu": return v > 0 ? v : params.alpha * (Math.exp(v) - 1);
    default: throw new Error(`the page cannot compute ${op}`);
  }
}

function first(layer, inputs, shapes) {
  const [x] = inputs;
  const op = layer.ops[0];
  const params = layer.params[0];
  if (layer.kind === "conv") {
    const e = engineLayer(layer, channelsOf(shapes[0]));
    const y = convolve(e, { x, w: params.weight });
    const plane = e.out[0] * e.out[1];
    if (params.bias) y.forEach((v, i) => { y[i] = v + params.bias[Math.floor(i / plane)]; });
    return Float64Array.from(y);
  }
  if (op === "max pool" || op === "avg pool") return pool(layer, x, channelsOf(shapes[0]), op, params);
  if (layer.kind === "adaptive") return adaptive(x, shapes[0], layer.shape.slice(1));
  if (layer.kind === "mean") return mean(x, shapes[0]);
  if (layer.kind === "dense") return dense(x, params);
  if (layer.kind === "add") return x.map((v, i) => v + inputs[inputs.length - 1][i]);
  if (layer.kind === "act") return x.map((v, i) => elementwise(op, v, params, channelOf(shapes[0], i)));
  throw new Error(`the page cannot compute ${op}`);
}

function channelOf(shape, i) {
  return shape.length === 3 ? Math.floor(i / (shape[1] * shape[2])) : i;
}

// One pass: per layer, the output of each of its operators (the last is the layer's).
export function run(net, x) {
  const outputs = [];
  const valueOf = (index) => (index === INPUT ? x : outputs[index].at(-1));
  const shapeOf = (index) => (index === INPUT ? net.input.shape : net.layers[index].shape);
  for (const layer of net.layers) {
    const inputs = layer.inputs.map(valueOf);
    const shapes = layer.inputs.map(shapeOf);
    const steps = [first(layer, inputs, shapes)];
    layer.ops.slice(1).forEach((op, k) => {
      const before = steps.at(-1);
      steps.push(before.map((v, i) => elementwise(op, v, layer.params[k + 1], channelOf(layer.shape, i))));
    });
    outputs.push(steps);
  }
  return outputs;
}

// Class probabilities of the last layer's output (softmax, computed stably).
export function softmax(logits) {
  const top = Math.max(...logits);
  const e = Array.from(logits, (v) => Math.exp(v - top));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / total);
}
