// Image mode: a photo (bundled ones from the server, or a local file) filtered in the page
// by a kernel of convolab's kernel bank, the way convolab.image.filter_image does it:
// cross-correlation, out[y, x] = sum_{a, b} k[a, b] * img[y + a - kh//2, x + b - kw//2],
// edges by reflection (scipy.ndimage 'reflect': d c b a | a b c d | d c b a), then rounded
// and clipped to 0..255. Grey photos (R = G = B everywhere) are filtered as one channel. A
// gradient-magnitude entry (an x/y pair) gives sqrt(gx^2 + gy^2), as apply_kernel does.

const $ = (id) => document.getElementById(id);

// The kernel bank and photo list: inlined in the single-file page, else asked of the server.
async function loadData() {
  const inline = document.getElementById("convolab-data");
  if (inline) return JSON.parse(inline.textContent);
  if (!location.protocol.startsWith("http")) return { kernels: [], photos: [] };
  const [kernels, photos] = await Promise.all(
    ["kernels.json", "photos.json"].map((url) => fetch(url).then((r) => r.json())),
  );
  return { ...kernels, photos: photos.photos };
}

function reflect(i, n) {
  const period = 2 * n;
  const j = ((i % period) + period) % period;
  return j < n ? j : period - 1 - j;
}

// Channels of RGBA pixels to filter: 1 for a grey image, else 3.
export function channelsOf(rgba) {
  for (let i = 0; i < rgba.length; i += 4) {
    if (rgba[i] !== rgba[i + 1] || rgba[i] !== rgba[i + 2]) return 3;
  }
  return 1;
}

function reflectTable(size, offset, n) {
  return Array.from({ length: size }, (_, a) => Int32Array.from({ length: n }, (_, i) => reflect(i + a - offset, n)));
}

// The response of one channel c of RGBA pixels to a kernel: Float64Array of width * height.
function correlate(rgba, width, height, kernel, c) {
  const kh = kernel.length, kw = kernel[0].length;
  const rows = reflectTable(kh, Math.floor(kh / 2), height);
  const cols = reflectTable(kw, Math.floor(kw / 2), width);
  const out = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let a = 0; a < kh; a++) {
        const row = rows[a][y] * width;
        for (let b = 0; b < kw; b++) sum += kernel[a][b] * rgba[(row + cols[b][x]) * 4 + c];
      }
      out[y * width + x] = sum;
    }
  }
  return out;
}

// Round half to even, as NumPy's rint does.
function rint(v) {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

// The filtered RGBA pixels for a bank entry ({weights} or {pair}).
export function filterRGBA(rgba, width, height, entry) {
  const channels = channelsOf(rgba);
  const out = new Uint8ClampedArray(rgba.length);
  for (let c = 0; c < channels; c++) {
    let response;
    if (entry.pair) {
      const [gx, gy] = entry.pair.map((k) => correlate(rgba, width, height, k, c));
      response = gx.map((v, i) => Math.hypot(v, gy[i]));
    } else {
      response = correlate(rgba, width, height, entry.weights, c);
    }
    response.forEach((v, i) => (out[i * 4 + c] = rint(v))); // Uint8ClampedArray saturates
  }
  for (let i = 0; i < out.length; i += 4) {
    if (channels === 1) out[i + 1] = out[i + 2] = out[i];
    out[i + 3] = 255;
  }
  return out;
}

function base64(bytes) {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}

function fillSelect(select, names) {
  select.replaceChildren(...names.map((name) => new Option(name, name)));
}

function showKernel(kernel) {
  const rows = kernel.map((row) => {
    const tr = document.createElement("tr");
    tr.append(...row.map((v) => Object.assign(document.createElement("td"), {
      textContent: Number.isInteger(v) ? String(v) : v.toFixed(3),
    })));
    return tr;
  });
  $("kernel-table").replaceChildren(...rows);
}

function showError(message) {
  $("image-error").hidden = message === null;
  $("image-error").textContent = message ?? "";
}

export function startImageView() {
  const form = $("image-controls");
  const view = { data: null, source: null, result: null, ready: null };
  const kernelNamed = (name) => view.data.kernels.find((k) => k.name === name);

  function draw(image) {
    showError(null);
    const input = $("image-in");
    [input.width, input.height] = [image.width, image.height];
    const ctx = input.getContext("2d", { willReadFrequently: true });
    ctx.drawImage(image, 0, 0);
    view.source = ctx.getImageData(0, 0, image.width, image.height);
    return refilter();
  }

  function refilter() {
    const entry = kernelNamed(form.elements.kernel.value);
    if (!view.source || !entry) return null;
    showKernel(entry.pair ? entry.pair[0] : entry.weights);
    $("kernel-summary").textContent = entry.pair
      ? `${entry.summary} (x kernel shown; y is its transpose)` : entry.summary;
    const { data, width, height } = view.source;
    const pixels = filterRGBA(data, width, height, entry);
    const out = $("image-out");
    [out.width, out.height] = [width, height];
    out.getContext("2d").putImageData(new ImageData(pixels, width, height), 0, 0);
    view.result = { width, height, channels: channelsOf(data), input: data, output: pixels };
    return view.result;
  }

  function loadImage(src) {
    view.ready = new Promise((resolve, reject) => {
      const image = new Image();
      image.onload = () => resolve(draw(image));
      image.onerror = () => {
        showError(`could not read the image ${src.startsWith("blob:") ? "file" : src}`);
        reject(new Error("image did not load"));
      };
      image.src = src;
    }).catch(() => null);
    return view.ready;
  }

  form.elements.photo.addEventListener("change", () => loadImage(`photos/${form.elements.photo.value}.png`));
  form.elements.kernel.addEventListener("change", () => { view.ready = Promise.resolve(refilter()); });
  form.elements.file.addEventListener("change", () => {
    const file = form.elements.file.files[0];
    if (file) loadImage(URL.createObjectURL(file));
  });
  view.ready = loadData().then((data) => {
    view.data = data;
    fillSelect(form.elements.kernel, data.kernels.map((k) => k.name));
    if (kernelNamed("edge_magnitude")) form.elements.kernel.value = "edge_magnitude";
    fillSelect(form.elements.photo, data.photos);
    if (data.photos.length === 0) {
      form.elements.photo.replaceChildren(new Option("served by convolab visualize", ""));
      form.elements.photo.disabled = true;
    }
    return data.photos.length ? loadImage(`photos/${data.photos[0]}.png`) : null;
  });
  return {
    // The last result, RGBA pixels as base64 (quick to hand to a test).
    result: () => view.result && {
      ...view.result, input: base64(view.result.input), output: base64(view.result.output),
    },
    settled: async () => {
      await view.ready;
    },
    setKernel(name) {
      form.elements.kernel.value = name;
      refilter();
    },
    async setPhoto(name) {
      form.elements.photo.value = name;
      await loadImage(`photos/${name}.png`);
    },
  };
}
