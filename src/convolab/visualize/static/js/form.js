// The controls <-> a settings object (see settings.js). Number fields read as numbers when
// they parse, else as the text typed, so a bad entry reaches the checks and their message.

const PAIRS = ["size", "kernel", "stride", "dilation", "outputPadding", "padding"];
const DIMS = ["h", "w"];

function readNumber(input) {
  const text = input.value.trim();
  const n = Number(text);
  return text === "" || Number.isNaN(n) ? text : n;
}

export function readForm(form) {
  const el = form.elements;
  const ndim = Number(form.querySelector("input[name=ndim]:checked").value);
  const dims = DIMS.slice(2 - ndim);
  const settings = {
    ndim,
    transposed: el.transposed.checked,
    flip: el.flip.value === "1",
    inChannels: readNumber(el.inChannels),
    outChannels: readNumber(el.outChannels),
    groups: readNumber(el.groups),
    paddingKind: el.paddingKind.value,
    paddingMode: el.paddingMode.value,
    paddingSides: dims.map((d) => [0, 1].map((i) => readNumber(el[`paddingSides-${d}-${i}`]))),
  };
  for (const name of PAIRS) settings[name] = dims.map((d) => readNumber(el[`${name}-${d}`]));
  return settings;
}

// Write the given settings (any subset) into the controls.
export function writeForm(form, settings) {
  const el = form.elements;
  const ndim = settings.ndim ?? Number(form.querySelector("input[name=ndim]:checked").value);
  const dims = DIMS.slice(2 - ndim);
  if ("ndim" in settings) form.querySelector(`input[name=ndim][value="${ndim}"]`).checked = true;
  if ("transposed" in settings) el.transposed.checked = settings.transposed;
  if ("flip" in settings) el.flip.value = settings.flip ? "1" : "0";
  for (const name of ["inChannels", "outChannels", "groups", "paddingKind", "paddingMode"]) {
    if (name in settings) el[name].value = settings[name];
  }
  for (const name of PAIRS) {
    if (name in settings) dims.forEach((d, i) => (el[`${name}-${d}`].value = settings[name][i]));
  }
  if ("paddingSides" in settings) {
    dims.forEach((d, i) => [0, 1].forEach((j) => {
      el[`paddingSides-${d}-${j}`].value = settings.paddingSides[i][j];
    }));
  }
}

// Show the fields that the current settings use.
export function syncVisibility(form) {
  const ndim = Number(form.querySelector("input[name=ndim]:checked").value);
  const kind = form.elements.paddingKind.value;
  for (const input of form.querySelectorAll("input[name$='-h']")) input.hidden = ndim === 1;
  for (const row of form.querySelectorAll("[data-kind]")) {
    const unusedDim = ndim === 1 && row.dataset.dim === "0";
    row.hidden = row.dataset.kind !== kind || unusedDim;
  }
  const transposed = form.elements.transposed.checked;
  for (const input of form.querySelectorAll("[data-field=outputPadding] input")) {
    input.disabled = !transposed;
  }
  form.querySelector("legend .hint").textContent = ndim === 1 ? "width" : "height × width";
}

// The controls behind each argument name that a message can start with.
const FIELDS = {
  size: "size", kernel_size: "kernel", stride: "stride", dilation: "dilation",
  padding: "padding", output_padding: "outputPadding", in_channels: "inChannels",
  out_channels: "outChannels", groups: "groups", padding_mode: "paddingMode",
};

// Mark the controls of the argument a message names (aria-invalid); null clears the marks.
export function markBlamed(form, message) {
  const field = message === null ? undefined : FIELDS[message.split(" ")[0]];
  for (const input of form.querySelectorAll("input, select")) {
    const name = input.name.split("-")[0];
    const blamed = name === field || (field === "padding" && name === "paddingSides");
    if (blamed) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }
}
