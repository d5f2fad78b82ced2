// Feature maps as pictures. A layer's maps share one scale [-m, m] (m: its largest absolute
// value), stored as bytes round((v/m + 1) * 127.5) as convolab/explain/_maps.py writes them;
// a diverging colour map draws them: blue below 0, white at 0, red above.

const NEG = [37, 99, 235];
const POS = [220, 38, 38];

export function decodeBytes(text) {
  return Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
}

// Floats -> the bytes of the scale [-m, m] (the page's own pass, as Python's to_bytes).
export function toBytes(values, m) {
  return Uint8Array.from(values, (v) => Math.min(255, Math.max(0, Math.round((v / m + 1) * 127.5))));
}

export function scaleOf(values) {
  let m = 0;
  for (const v of values) m = Math.max(m, Math.abs(v));
  return m > 0 && Number.isFinite(m) ? m : 1;
}

export function colour(q) {
  const t = q / 127.5 - 1; // -1 .. 1
  const [r, g, b] = t < 0 ? NEG : POS;
  const a = Math.abs(t);
  return [255 + (r - 255) * a, 255 + (g - 255) * a, 255 + (b - 255) * a];
}

// Draw map `k` (h x w bytes starting at k*h*w) into `canvas`, one canvas pixel per cell (CSS
// scales it up without smoothing).
export function drawMap(canvas, bytes, k, h, w) {
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(w, h);
  for (let i = 0; i < h * w; i++) {
    const [r, g, b] = colour(bytes[k * h * w + i]);
    image.data.set([r, g, b, 255], 4 * i);
  }
  ctx.putImageData(image, 0, 0);
}

// Draw the model's input (C, H, W bytes, 0..255 = its smallest..largest value) as a grey or
// RGB picture.
export function drawInput(canvas, bytes, [c, h, w]) {
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(w, h);
  for (let i = 0; i < h * w; i++) {
    const rgb = c === 3 ? [bytes[i], bytes[h * w + i], bytes[2 * h * w + i]]
      : [bytes[i], bytes[i], bytes[i]];
    image.data.set([...rgb, 255], 4 * i);
  }
  ctx.putImageData(image, 0, 0);
}

// A layer's maps as the page draws them: {scale, shape, size [h, w] or [F], channels, bytes}.
// Flat outputs and maps of one cell (C, 1, 1) are vectors.
export function isVector(shape) {
  return shape.length === 1 || (shape[1] === 1 && shape[2] === 1);
}

// Maps from the page's own floats (a saved page that computes itself): every channel at full
// size (the thumbnails the server averages are for large maps only).
export function mapsOf(values, shape, channels = null) {
  const m = scaleOf(values);
  if (shape.length !== 3) return { scale: m, shape, size: [values.length], channels: 1, bytes: toBytes(values, m) };
  const count = channels === null ? shape[0] : Math.min(channels, shape[0]);
  const plane = shape[1] * shape[2];
  return { scale: m, shape, size: shape.slice(1), channels: count, bytes: toBytes(values.subarray(0, count * plane), m) };
}
