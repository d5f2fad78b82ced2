// The explain page's input: a canvas to draw on at the size of the images the model was
// trained on (8x8 for scikit-learn's digits, 28x28 for MNIST: drawn large, each cell the mean
// of its block), light ink on a dark canvas for digit models; the run's bundled held-out
// images; an uploaded file. Every change hands the pixels {height, width, channels, data}
// (uint8, row-major (H, W, C)) to `onImage`.

import { decodeBytes } from "./explain_maps.js";
import { inverted, lightBackground } from "./explain_prep.js";

const DRAWN = 256; // CSS pixels of the canvas side
const BRUSH = 0.09; // brush diameter, as a share of the canvas side (MNIST strokes: 2-3 of 28)
const BRUSH_CELLS = 1.6; // and at least this many cells (the 8x8 digits' strokes)
const MAX_UPLOAD = 2048; // pixels a side of an uploaded image; larger ones are scaled down

export class InputPanel {
  constructor(root, input, onImage) {
    this.input = input;
    this.onImage = onImage;
    const [h, w] = input.canvas;
    this.size = [h, w];
    this.factor = Math.max(1, Math.ceil(DRAWN / Math.max(h, w)));
    this.canvas = root.querySelector("#draw");
    this.canvas.width = w * this.factor;
    this.canvas.height = h * this.factor;
    this.ctx = this.canvas.getContext("2d", { willReadFrequently: true });
    this.ink = input.dark ? "#ffffff" : "#000000";
    this.paper = input.dark ? "#000000" : "#ffffff";
    this.clear(false);
    this.wire(root);
  }

  wire(root) {
    let last = null;
    const at = (e) => {
      const r = this.canvas.getBoundingClientRect();
      return [(e.clientX - r.left) * (this.canvas.width / r.width), (e.clientY - r.top) * (this.canvas.height / r.height)];
    };
    this.canvas.addEventListener("pointerdown", (e) => {
      this.canvas.setPointerCapture(e.pointerId);
      last = at(e);
      this.stroke(last, last);
    });
    this.canvas.addEventListener("pointermove", (e) => {
      if (last === null) return;
      const next = at(e);
      this.stroke(last, next);
      last = next;
    });
    const end = () => { last = null; };
    this.canvas.addEventListener("pointerup", end);
    this.canvas.addEventListener("pointercancel", end);
    root.querySelector("#clear").addEventListener("click", () => this.clear(true));
    root.querySelector("#upload").addEventListener("change", (e) => this.upload(e.target.files[0]));
    const strip = root.querySelector("#examples");
    strip.replaceChildren(...this.input.examples.map((ex, k) => this.exampleButton(ex, k)));
  }

  exampleButton(example, k) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "example";
    button.title = example.label;
    const c = document.createElement("canvas");
    putPixels(c, example);
    button.append(c, Object.assign(document.createElement("span"), { textContent: example.label }));
    button.addEventListener("click", () => this.showExample(k));
    return button;
  }

  clear(notify) {
    this.ctx.fillStyle = this.paper;
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    if (notify) this.changed();
  }

  stroke([x1, y1], [x2, y2]) {
    const ctx = this.ctx;
    ctx.strokeStyle = this.ink;
    ctx.lineWidth = Math.max(BRUSH * this.canvas.width, BRUSH_CELLS * this.factor);
    ctx.lineCap = "round";
    ctx.beginPath();
    ctx.moveTo(x1, y1);
    ctx.lineTo(x2, y2);
    ctx.stroke();
    this.changed();
  }

  // The canvas at the training images' size: each cell the rounded mean of its block.
  pixels() {
    const [h, w] = this.size;
    const f = this.factor;
    const big = this.ctx.getImageData(0, 0, w * f, h * f).data;
    const c = this.input.channels;
    const data = new Uint8Array(h * w * c);
    for (let r = 0; r < h; r++) {
      for (let q = 0; q < w; q++) {
        const sums = [0, 0, 0];
        for (let y = r * f; y < (r + 1) * f; y++) {
          for (let x = q * f; x < (q + 1) * f; x++) for (let k = 0; k < 3; k++) sums[k] += big[4 * (y * w * f + x) + k];
        }
        const mean = sums.map((s) => s / (f * f));
        if (c === 1) data[r * w + q] = Math.round((mean[0] + mean[1] + mean[2]) / 3);
        else for (let k = 0; k < 3; k++) data[(r * w + q) * 3 + k] = Math.round(mean[k]);
      }
    }
    return { height: h, width: w, channels: c, data };
  }

  changed() {
    this.onImage(this.pixels(), "drawing");
  }

  // Show an image on the canvas (scaled to it) and hand its own pixels to the model.
  show(image, source) {
    const c = document.createElement("canvas");
    putPixels(c, image);
    this.clear(false);
    const s = Math.min(this.canvas.width / image.width, this.canvas.height / image.height);
    this.ctx.imageSmoothingEnabled = s < 1; // an 8x8 digit drawn large keeps its cells
    const [dw, dh] = [image.width * s, image.height * s];
    this.ctx.drawImage(c, (this.canvas.width - dw) / 2, (this.canvas.height - dh) / 2, dw, dh);
    this.onImage(image, source);
  }

  showExample(k) {
    const ex = this.input.examples[k];
    this.show({ ...ex, data: ex.bytes ?? (ex.bytes = decodeBytes(ex.data)) }, `example ${ex.label}`);
  }

  async upload(file) {
    if (!file) return;
    try {
      const bitmap = await createImageBitmap(file);
      const shrink = Math.min(1, MAX_UPLOAD / Math.max(bitmap.width, bitmap.height));
      const c = document.createElement("canvas");
      [c.width, c.height] = [Math.round(bitmap.width * shrink), Math.round(bitmap.height * shrink)];
      const ctx = c.getContext("2d");
      ctx.drawImage(bitmap, 0, 0, c.width, c.height);
      let image = fromRgba(ctx.getImageData(0, 0, c.width, c.height), this.input.channels);
      if (this.input.dark && lightBackground(image)) image = inverted(image); // as `predict` does
      this.show(image, file.name);
    } catch (err) {
      this.onImage(null, `${file.name} is not an image this browser can read`);
    }
  }
}

// RGBA image data -> pixels with 1 (BT.601 luma, as Pillow's "L") or 3 channels.
function fromRgba(imageData, channels) {
  const { width, height, data: rgba } = imageData;
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < width * height; i++) {
    const [r, g, b] = [rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2]];
    if (channels === 1) data[i] = Math.round((r * 299 + g * 587 + b * 114) / 1000);
    else data.set([r, g, b], 3 * i);
  }
  return { height, width, channels, data };
}

export function putPixels(canvas, image) {
  const bytes = image.bytes ?? image.data;
  const pixels = typeof bytes === "string" ? decodeBytes(bytes) : bytes;
  canvas.width = image.width;
  canvas.height = image.height;
  const ctx = canvas.getContext("2d");
  const out = ctx.createImageData(image.width, image.height);
  for (let i = 0; i < image.width * image.height; i++) {
    const px = image.channels === 1 ? [pixels[i], pixels[i], pixels[i]] : pixels.subarray(3 * i, 3 * i + 3);
    out.data.set([...px, 255], 4 * i);
  }
  ctx.putImageData(out, 0, 0);
}
