// The image filter of convolab.image.filter_image / apply_kernel, for the page's Image tab:
// cross-correlation with the anchor at (kh // 2, kw // 2),
//   out[y, x] = sum_{a, b} k[a, b] * img[y + a - kh//2, x + b - kw//2],
// the image extended past its border as scipy.ndimage extends it (any width, periodically):
//   reflect  d c b a | a b c d | d c b a      mirror  d c b | a b c d | c b a
//   nearest  a a a | a b c d | d d d          wrap    b c d | a b c d | a b c
//   constant k k k | a b c d | k k k  (k = cval)
// A gradient-magnitude entry (an x/y pair) gives sqrt(gx^2 + gy^2). Integer images are then
// rounded half to even and clipped to 0..255. Each sum runs over the kernel's non-zero
// weights in row-major order from 0, as scipy.ndimage's NI_Correlate adds them, so a uint8
// result equals convolab's (its contract: scipy's float64 sum, rounded) to the last tie.
// tests/visualize/golden.json holds convolab's answers; tests/visualize/js/ checks these.

export const MODES = ["reflect", "constant", "nearest", "mirror", "wrap"];

// The sample that position i of an axis of n samples reads, -1 for cval ('constant').
export function extend(i, n, mode) {
  if (i >= 0 && i < n) return i;
  if (mode === "nearest") return Math.min(Math.max(i, 0), n - 1);
  if (mode === "wrap") return ((i % n) + n) % n;
  if (mode === "constant") return -1;
  const period = mode === "reflect" ? 2 * n : Math.max(2 * n - 2, 1);
  const m = ((i % period) + period) % period;
  if (m < n) return m;
  return mode === "reflect" ? period - 1 - m : period - m;
}

// Per tap row (or column) a, the sample each output position reads.
function indexTable(taps, n, mode) {
  const anchor = Math.floor(taps / 2);
  return Array.from({ length: taps }, (_, a) =>
    Int32Array.from({ length: n }, (_, i) => extend(i + a - anchor, n, mode)));
}

// The non-zero taps in row-major order: scipy skips weights with |w| <= DBL_EPSILON.
function nonZeroTaps(kernel) {
  const taps = [];
  kernel.forEach((row, a) => row.forEach((w, b) => {
    if (Math.abs(w) > Number.EPSILON) taps.push([a, b, w]);
  }));
  return taps;
}

// The float64 response of one plane (Float64Array, row-major height x width) to a kernel.
export function correlate(plane, width, height, kernel, mode = "reflect", cval = 0) {
  const rows = indexTable(kernel.length, height, mode);
  const cols = indexTable(kernel[0].length, width, mode);
  const taps = nonZeroTaps(kernel);
  const out = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (const [a, b, w] of taps) {
        const [r, c] = [rows[a][y], cols[b][x]];
        sum += (r < 0 || c < 0 ? cval : plane[r * width + c]) * w;
      }
      out[y * width + x] = sum;
    }
  }
  return out;
}

// The response of a plane to a bank entry: {weights} as is, {pair} as sqrt(gx^2 + gy^2).
export function respond(plane, width, height, entry, mode = "reflect", cval = 0) {
  if (!entry.pair) return correlate(plane, width, height, entry.weights, mode, cval);
  const [gx, gy] = entry.pair.map((k) => correlate(plane, width, height, k, mode, cval));
  return gx.map((v, i) => Math.hypot(v, gy[i]));
}

// Round half to even, as NumPy's rint does.
export function rint(v) {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

// Channels of RGBA pixels to filter: 1 for a grey image (R = G = B everywhere), else 3.
export function channelsOf(rgba) {
  for (let i = 0; i < rgba.length; i += 4) {
    if (rgba[i] !== rgba[i + 1] || rgba[i] !== rgba[i + 2]) return 3;
  }
  return 1;
}

// The filtered RGBA pixels (Uint8ClampedArray) for a bank entry; alpha becomes opaque.
export function filterRGBA(rgba, width, height, entry, mode = "reflect", cval = 0) {
  const channels = channelsOf(rgba);
  const out = new Uint8ClampedArray(rgba.length);
  const plane = new Float64Array(width * height);
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < plane.length; i++) plane[i] = rgba[i * 4 + c];
    const response = respond(plane, width, height, entry, mode, cval);
    response.forEach((v, i) => (out[i * 4 + c] = rint(v))); // Uint8ClampedArray clips
  }
  for (let i = 0; i < out.length; i += 4) {
    if (channels === 1) out[i + 1] = out[i + 2] = out[i];
    out[i + 3] = 255;
  }
  return out;
}
