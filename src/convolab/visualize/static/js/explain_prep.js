// The explain page's images as the model takes them: convolab.data.model_input in the page.
// uint8 pixels (H, W, C) -> floats in [0, 1] -> channels adapted (gray repeated to RGB, RGB
// to ITU-R 601-2 luma) -> centred on a black canvas ("pad") or resized (torchvision's
// bilinear resize with antialias, PIL's triangle filter) -> normalised per channel.
// tests/explain/js/ checks it against Python's model_input (golden vectors).

const LUMA = [0.2989, 0.587, 0.114];
const LIGHT = 127.5; // cli/_polarity.py: a border brighter than mid-grey is a light background

// {height, width, channels, data: Uint8Array (H, W, C)} -> Float64Array (C, H, W) in [0, 1].
function planes(image) {
  const { height: h, width: w, channels: c, data } = image;
  const x = new Float64Array(c * h * w);
  for (let i = 0; i < h * w; i++) {
    for (let k = 0; k < c; k++) x[k * h * w + i] = data[i * c + k] / 255;
  }
  return x;
}

function adaptChannels(x, c, size, want) {
  if (c === want) return x;
  const out = new Float64Array(want * size);
  if (c === 1 && want === 3) {
    for (let k = 0; k < 3; k++) out.set(x.subarray(0, size), k * size);
  } else if (c === 3 && want === 1) {
    for (let i = 0; i < size; i++) {
      out[i] = x[i] * LUMA[0] + x[size + i] * LUMA[1] + x[2 * size + i] * LUMA[2];
    }
  } else {
    throw new Error(`images must have 1 or 3 channels for a ${want}-channel model, got ${c}`);
  }
  return out;
}

// Weights of torch's antialiased bilinear resize along one axis (aten's upsample aa kernel):
// output i averages the inputs within `support` of its centre with a triangle filter.
export function resizeWeights(inSize, outSize) {
  const scale = inSize / outSize;
  const support = scale >= 1 ? scale : 1;
  const invscale = scale >= 1 ? 1 / scale : 1;
  const rows = [];
  for (let i = 0; i < outSize; i++) {
    const centre = scale * (i + 0.5);
    const first = Math.max(Math.trunc(centre - support + 0.5), 0);
    const count = Math.min(Math.trunc(centre + support + 0.5), inSize) - first;
    const weights = [];
    let total = 0;
    for (let j = 0; j < count; j++) {
      const t = Math.abs((j + first - centre + 0.5) * invscale);
      const v = t < 1 ? 1 - t : 0;
      weights.push(v);
      total += v;
    }
    rows.push({ first, weights: weights.map((v) => (total > 0 ? v / total : 0)) });
  }
  return rows;
}

// (C, h, w) -> (C, H, W): along the width, then along the height.
function resize(x, c, h, w, H, W) {
  const across = resizeWeights(w, W);
  const down = resizeWeights(h, H);
  const mid = new Float64Array(c * h * W);
  for (let k = 0; k < c; k++) {
    for (let r = 0; r < h; r++) {
      for (let o = 0; o < W; o++) {
        const { first, weights } = across[o];
        let sum = 0;
        weights.forEach((v, j) => { sum += v * x[(k * h + r) * w + first + j]; });
        mid[(k * h + r) * W + o] = sum;
      }
    }
  }
  const out = new Float64Array(c * H * W);
  for (let k = 0; k < c; k++) {
    for (let o = 0; o < H; o++) {
      const { first, weights } = down[o];
      for (let q = 0; q < W; q++) {
        let sum = 0;
        weights.forEach((v, j) => { sum += v * mid[(k * h + first + j) * W + q]; });
        out[(k * H + o) * W + q] = sum;
      }
    }
  }
  return out;
}

function pad(x, c, h, w, H, W) {
  const out = new Float64Array(c * H * W);
  const top = Math.floor((H - h) / 2);
  const left = Math.floor((W - w) / 2);
  for (let k = 0; k < c; k++) {
    for (let r = 0; r < h; r++) {
      out.set(x.subarray((k * h + r) * w, (k * h + r + 1) * w), (k * H + top + r) * W + left);
    }
  }
  return out;
}

// The model's input (C, H', W') for an image, as `prep` (a convolab.data.Preprocess) says.
export function modelInput(image, prep) {
  const [H, W] = prep.input_size;
  const c = prep.in_channels;
  const { height: h, width: w } = image;
  let x = adaptChannels(planes(image), image.channels, h * w, c);
  if ((h !== H || w !== W) && prep.fit === "pad" && h <= H && w <= W) x = pad(x, c, h, w, H, W);
  else if (h !== H || w !== W) x = resize(x, c, h, w, H, W);
  for (let k = 0; k < c; k++) {
    for (let i = k * H * W; i < (k + 1) * H * W; i++) x[i] = (x[i] - prep.mean[k]) / prep.std[k];
  }
  return x;
}

// True when the one-pixel border of an image is brighter than mid-grey on average.
export function lightBackground(image) {
  const { height: h, width: w, channels: c, data } = image;
  let sum = 0, count = 0;
  for (let r = 0; r < h; r++) {
    for (let q = 0; q < w; q++) {
      if (r !== 0 && r !== h - 1 && q !== 0 && q !== w - 1) continue;
      const weight = (r === 0 || r === h - 1) && (q === 0 || q === w - 1) ? 2 : 1;
      for (let k = 0; k < c; k++) sum += weight * data[(r * w + q) * c + k];
      count += weight * c;
    }
  }
  return sum / count > LIGHT;
}

// 255 - v for every pixel.
export function inverted(image) {
  return { ...image, data: image.data.map((v) => 255 - v) };
}
