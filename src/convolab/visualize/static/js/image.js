// Image mode: a photo (served by convolab visualize, embedded in the saved page, or a local
// file) filtered in the page by a kernel of convolab's kernel bank, with a boundary mode, the
// way convolab.image.apply_kernel does it (see filter.js).

import { MODES, channelsOf, filterRGBA } from "./filter.js";

const $ = (id) => document.getElementById(id);

// The kernel bank and photos: inlined in the single-file page, else asked of the server.
// A photo is {name, url}: a data: URL when embedded, else the server's route.
async function loadData() {
  const inline = document.getElementById("convolab-data");
  if (inline) return JSON.parse(inline.textContent);
  if (!location.protocol.startsWith("http")) return { kernels: [], photos: [] };
  const [kernels, photos] = await Promise.all(
    ["kernels.json", "photos.json"].map((url) => fetch(url).then((r) => r.json())),
  );
  return { ...kernels, photos: photos.photos.map((name) => ({ name, url: `photos/${name}.png` })) };
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

// Weights with three significant digits at most, so a 9x9 kernel stays narrow.
function weightText(v) {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(3)));
}

function showKernel(kernel, caption) {
  const rows = kernel.map((row) => {
    const tr = document.createElement("tr");
    tr.append(...row.map((v) => Object.assign(document.createElement("td"), {
      textContent: weightText(v),
    })));
    return tr;
  });
  $("kernel-table").replaceChildren(...rows);
  $("kernel-caption").textContent = `${caption} (${kernel.length} × ${kernel[0].length})`;
}

function showError(message) {
  $("image-error").hidden = message === null;
  $("image-error").textContent = message ?? "";
}

const EDGES = {
  reflect: "edges by reflection (scipy.ndimage 'reflect': d c b a | a b c d)",
  constant: "zeros outside the image ('constant', cval 0)",
  nearest: "edges by repeating the border pixel ('nearest')",
  mirror: "edges mirrored about the border pixel ('mirror': d c b | a b c d)",
  wrap: "the image repeated periodically ('wrap')",
};

// Start the Image tab; `changed()` is called when a control changes what it shows.
export function startImageView(changed = () => {}) {
  const form = $("image-controls");
  const view = { data: null, source: null, result: null, ready: null };
  const kernelNamed = (name) => view.data.kernels.find((k) => k.name === name);
  fillSelect(form.elements.mode, MODES);

  function draw(image) {
    showError(null);
    $("image-empty").hidden = true;
    document.querySelector(".images").classList.remove("no-image");
    const input = $("image-in");
    [input.width, input.height] = [image.width, image.height];
    const ctx = input.getContext("2d", { willReadFrequently: true });
    ctx.drawImage(image, 0, 0);
    view.source = ctx.getImageData(0, 0, image.width, image.height);
    return refilter();
  }

  function refilter() {
    const entry = kernelNamed(form.elements.kernel.value);
    if (!entry) return null;
    const mode = form.elements.mode.value;
    showKernel(entry.pair ? entry.pair[0] : entry.weights, entry.pair ? "x kernel" : "kernel");
    $("kernel-summary").textContent = entry.pair
      ? `${entry.summary} (x kernel shown; y is its transpose)` : entry.summary;
    $("edges-hint").textContent = EDGES[mode];
    if (!view.source) return null;
    const { data, width, height } = view.source;
    const pixels = filterRGBA(data, width, height, entry, mode, 0);
    const out = $("image-out");
    [out.width, out.height] = [width, height];
    out.getContext("2d").putImageData(new ImageData(pixels, width, height), 0, 0);
    view.result = { width, height, channels: channelsOf(data), mode, input: data, output: pixels };
    return view.result;
  }

  function loadImage(src, label) {
    view.ready = new Promise((resolve, reject) => {
      const image = new Image();
      image.onload = () => resolve(draw(image));
      image.onerror = () => {
        showError(`could not read the image ${label}`);
        reject(new Error("image did not load"));
      };
      image.src = src;
    }).catch(() => null);
    return view.ready;
  }

  const photoNamed = (name) => view.data.photos.find((p) => p.name === name);
  const loadPhoto = (name) => loadImage(photoNamed(name).url, name);
  form.elements.photo.addEventListener("change", () => {
    loadPhoto(form.elements.photo.value);
    changed();
  });
  for (const name of ["kernel", "mode"]) {
    form.elements[name].addEventListener("change", () => {
      view.ready = Promise.resolve(refilter());
      changed();
    });
  }
  form.elements.file.addEventListener("change", () => {
    const file = form.elements.file.files[0];
    if (file) loadImage(URL.createObjectURL(file), `file ${file.name}`);
  });
  const loaded = loadData().then((data) => {
    view.data = data;
    fillSelect(form.elements.kernel, data.kernels.map((k) => k.name));
    if (kernelNamed("edge_magnitude")) form.elements.kernel.value = "edge_magnitude";
    fillSelect(form.elements.photo, data.photos.map((p) => p.name));
    form.elements.photo.disabled = data.photos.length === 0;
    refilter();
    return data.photos.length ? loadPhoto(data.photos[0].name) : null;
  });
  view.ready = loaded;

  // Set what a link names ({photo, kernel, mode}, any may be null); returns what it could not.
  async function restore(wanted) {
    await loaded;
    const notes = [];
    const choose = (field, value, names) => {
      if (value === null) return;
      if (names.includes(value)) form.elements[field].value = value;
      else notes.push(`${field} '${value}' is not one of ${names.join(", ") || "(none here)"}`);
    };
    choose("kernel", wanted.kernel, view.data.kernels.map((k) => k.name));
    choose("mode", wanted.mode, MODES);
    const photos = view.data.photos.map((p) => p.name);
    choose("photo", wanted.photo, photos);
    if (wanted.photo !== null && photos.includes(wanted.photo)) await loadPhoto(wanted.photo);
    else view.ready = Promise.resolve(refilter());
    await view.ready;
    return notes;
  }
  return {
    restore,
    // What a link keeps: the photo (a bundled one; a picked file cannot travel), kernel, mode.
    state: () => ({
      photo: form.elements.photo.value || "", kernel: form.elements.kernel.value,
      mode: form.elements.mode.value,
    }),
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
    setMode(mode) {
      form.elements.mode.value = mode;
      refilter();
    },
    async setPhoto(name) {
      form.elements.photo.value = name;
      await loadPhoto(name);
    },
  };
}
