// The page: controls -> layer -> three grid panels, the player, the code lines, values a
// person types, the state in the URL, and the test hook window.convolabVis (the browser
// tests drive the page through it).

import { convolabCode, pytorchCode } from "./code.js";
import { contributions, forward, inputAt, weightAt, weightShape } from "./engine.js";
import { CellEditor } from "./editor.js";
import { readForm, syncVisibility, writeForm } from "./form.js";
import { GridPanel } from "./grid.js";
import { startImageView } from "./image.js";
import { wirePanel } from "./interact.js";
import { ArgError } from "./pyargs.js";
import { DEFAULTS, buildLayer, describePadding } from "./settings.js";
import { decodeState, encodeState } from "./url.js";
import { formatExact, layerValues, shapes } from "./values.js";
import {
  inputGrids, inputMarks, outputGrids, outputMarks, weightGrids, weightMarks,
} from "./views.js";

const $ = (id) => document.getElementById(id);
const form = $("controls");
const panels = {
  input: new GridPanel($("input-canvas")),
  weight: new GridPanel($("weight-canvas"), { maxCell: 30 }),
  output: new GridPanel($("output-canvas")),
};
const editor = new CellEditor($("cell-editor"), $("edit-error"));
const state = {
  layer: null, values: null, output: null, grids: null, step: 0, pinned: false,
  hover: null, focus: null, timer: null, drawn: null,
  custom: { x: null, w: null }, // values a person typed: {shape, values}
};
let imageView = null;

const stepCount = () => (state.layer ? state.layer.cout * state.layer.out[0] * state.layer.out[1] : 0);

function cellOfStep(t) {
  const [ho, wo] = state.layer.out;
  return [Math.floor(t / (ho * wo)), Math.floor(t / wo) % ho, t % wo];
}

function stepOfCell([co, oy, ox]) {
  const [ho, wo] = state.layer.out;
  return (co * ho + oy) * wo + ox;
}

// The controls behind each argument name that a message can start with.
const FIELDS = {
  size: "size", kernel_size: "kernel", stride: "stride", dilation: "dilation",
  padding: "padding", output_padding: "outputPadding", in_channels: "inChannels",
  out_channels: "outChannels", groups: "groups", padding_mode: "paddingMode",
};

function showError(message) {
  const box = $("error");
  box.hidden = message === null;
  box.textContent = message ?? "";
  document.querySelector(".stage").classList.toggle("invalid", message !== null);
  for (const button of document.querySelectorAll("[data-copy]")) button.disabled = message !== null;
  const field = message === null ? undefined : FIELDS[message.split(" ")[0]];
  for (const input of form.querySelectorAll("input, select")) {
    const name = input.name.split("-")[0];
    const blamed = name === field || (field === "padding" && name === "paddingSides");
    if (blamed) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }
}

function update() {
  syncVisibility(form);
  if (editor.active) editor.cancel();
  state.focus = null;
  try {
    state.layer = buildLayer(readForm(form));
  } catch (err) {
    if (!(err instanceof ArgError)) throw err;
    state.layer = null;
    stop();
    showError(err.message);
    for (const id of ["out-size", "pad-pairs", "code-torch", "code-convolab"]) $(id).textContent = "—";
    $("formula").replaceChildren();
    writeUrl();
    return;
  }
  showError(null);
  state.values = layerValues(state.layer, state.custom);
  refreshValues();
  state.step = Math.min(state.step, stepCount() - 1);
  showSummary(state.layer);
  layoutPanels();
  writeUrl();
}

// After the layer or its values changed: the output, the grids and what they show.
function refreshValues() {
  const { layer, values } = state;
  state.output = forward(layer, values);
  state.grids = {
    input: inputGrids(layer, values),
    weight: weightGrids(layer, values),
    output: outputGrids(layer, state.output),
  };
  for (const name of Object.keys(panels)) panels[name].setGrids(state.grids[name]);
  $("reset-values").hidden = !(values.edited.x || values.edited.w);
}

function showSummary(layer) {
  $("out-size").textContent = layer.outSize.join(" × ");
  $("pad-pairs").textContent = describePadding(layer);
  const names = layer.ndim === 1 ? ["width"] : ["height", "width"];
  $("formula").replaceChildren(...layer.formula.map((line, i) => {
    const item = document.createElement("li");
    const code = document.createElement("code");
    code.textContent = line;
    item.append(`${names[i]}: `, code);
    return item;
  }));
  $("code-torch").textContent = pytorchCode(layer);
  $("code-convolab").textContent = convolabCode(layer);
  $("output-hint").textContent = layer.transposed ? "hatched: cropped by padding" : "";
  $("step").max = String(stepCount() - 1);
}

function layoutPanels() {
  if (!state.layer) return;
  const maxHeight = Math.max(240, window.innerHeight - 260); // room for the summary above
  for (const panel of Object.values(panels)) {
    panel.layout(Math.max(120, panel.canvas.parentElement.clientWidth - 4), maxHeight);
  }
  render();
}

function selection() {
  return state.hover ?? state.focus ?? { kind: "output", cell: cellOfStep(state.step) };
}

const MARKS = { output: outputMarks, input: inputMarks, weight: weightMarks };

function render() {
  if (!state.layer) return;
  const sel = selection();
  const result = MARKS[sel.kind](state.layer, state.grids, sel.cell);
  state.drawn = result.drawn;
  for (const panel of Object.values(panels)) panel.draw(result.marks);
  $("step").value = String(state.step);
  $("step-label").textContent = `${state.step + 1} / ${stepCount()}${state.pinned ? " (pinned)" : ""}`;
  $("readout").textContent = describe(sel.kind, result.drawn);
}

// "x[1, 2]" in 1-D, "x[0, 1, 2]" in 2-D: an index without the height of a 1-D layer.
function name(kind, cell) {
  const oneD = state.layer.ndim === 1;
  const shown = oneD ? cell.filter((_, i) => i !== cell.length - 2) : cell;
  return `${{ input: "x", weight: "w", output: "y" }[kind]}[${shown.join(", ")}]`;
}

function describe(kind, drawn) {
  const { layer, values } = state;
  if (kind === "input") return `${name("input", drawn.input)} feeds ${drawn.readers.length} output cells`;
  if (kind === "weight") {
    const w = formatExact(weightAt(layer, values, drawn.weight));
    return `${name("weight", drawn.weight)} = ${w} multiplies ${drawn.sources.length} input ` +
      `cells and feeds ${drawn.outputs.length} output cells`;
  }
  const [co, oy, ox] = drawn.output;
  const terms = contributions(layer, co, oy, ox).map((t) => {
    const x = t.sy < 0 || t.sx < 0 ? 0 : inputAt(layer, values, t.ci, t.sy, t.sx);
    const w = weightAt(layer, values, t.w);
    return `${formatExact(x)}·${w < 0 ? `(${formatExact(w)})` : formatExact(w)}`;
  });
  const shown = terms.length > 12 ? [...terms.slice(0, 12), "…"] : terms;
  const value = state.output[stepOfCell(drawn.output)];
  return `${name("output", drawn.output)} = ${shown.join(" + ") || "0"} = ${formatExact(value)} ` +
    `(${terms.length} products)`;
}

// ---- the player: play / pause, speed, step scrubber ----

function stop() {
  clearInterval(state.timer);
  state.timer = null;
  $("play").textContent = "Play";
  $("play").setAttribute("aria-pressed", "false");
}

function play() {
  if (!state.layer) return;
  state.pinned = false;
  state.focus = null;
  const speed = Number($("speed").value);
  state.timer = setInterval(() => {
    state.step = (state.step + 1) % stepCount();
    render();
  }, 1000 / speed);
  $("play").textContent = "Pause";
  $("play").setAttribute("aria-pressed", "true");
}

// Pin a cell of `kind` (null lets go of an input or weight).
function pin(kind, cell) {
  stop();
  if (kind === "output") {
    state.step = stepOfCell(cell);
    state.pinned = true;
    state.focus = null;
  } else {
    state.focus = cell && { kind, cell };
  }
  render();
  writeUrl();
}

// ---- values a person types ----

function flatIndex(kind, cell) {
  const shape = shapes(state.layer)[kind === "input" ? "x" : "w"];
  return cell.reduce((index, v, i) => index * shape[i] + v, 0);
}

function setValue(kind, cell, value) {
  const key = kind === "input" ? "x" : "w";
  const values = state.values[key].slice();
  values[flatIndex(kind, cell)] = value;
  state.custom[key] = { shape: shapes(state.layer)[key], values };
  state.values = layerValues(state.layer, state.custom);
  refreshValues();
  layoutPanels(); // the panels hold the grids they laid out: lay out the new ones
  writeUrl();
}

function edit(kind, cell, typed) {
  if (!state.layer) return;
  pin(kind, cell);
  const panel = panels[kind];
  const [id, row, col] = kind === "input"
    ? [`x${cell[0]}`, cell[1], cell[2]]
    : [`w${cell[0]}_${cell[1]}`, cell[2] * state.layer.dilation[0], cell[3] * state.layer.dilation[1]];
  const centre = panel.centre(id, row, col);
  const box = $("panels").getBoundingClientRect();
  const size = panel.cell;
  const value = kind === "input"
    ? inputAt(state.layer, state.values, ...cell) : weightAt(state.layer, state.values, cell);
  editor.open({
    name: name(kind, cell), text: formatExact(value), typed,
    rect: {
      left: centre.x - window.scrollX - box.left - size / 2,
      top: centre.y - window.scrollY - box.top - size / 2, size,
    },
    commit: (v) => setValue(kind, cell, v),
    done: () => panel.canvas.focus(),
  });
}

function resetValues() {
  state.custom = { x: null, w: null };
  update();
}

// ---- the state in the URL ----

function currentState() {
  const image = $("image-view").hidden ? null : imageView?.state();
  const edited = state.layer ? state.values.edited : {};
  const pinned = state.focus ?? (state.pinned && state.layer
    ? { kind: "output", cell: cellOfStep(state.step) } : null);
  return {
    settings: readForm(form), image, select: pinned,
    x: edited.x ? state.values.x : null, w: edited.w ? state.values.w : null,
  };
}

function writeUrl() {
  const fragment = encodeState(currentState());
  if (location.hash.slice(1) === fragment) return;
  try {
    history.replaceState(null, "", `#${fragment}`);
  } catch {
    // a page without a URL of its own (an iframe's srcdoc) keeps its state in memory only
  }
}

function showNotes(notes) {
  $("url-note").hidden = notes.length === 0;
  $("url-note").textContent = notes.length ? `This link could not set: ${notes.join("; ")}.` : "";
}

const fits = (cell, shape) => cell.every((v, i) => v >= 0 && v < shape[i]);

// The layer's values and selection from a link, once its settings are in the controls.
function applyLinkValues(decoded, notes) {
  const want = shapes(state.layer);
  for (const key of ["x", "w"]) {
    const values = decoded[key];
    const needed = want[key].reduce((p, q) => p * q, 1);
    if (values && values.length === needed) state.custom[key] = { shape: want[key], values };
    else if (values) notes.push(`${key} has ${values.length} values, the layer needs ${needed}`);
  }
  update();
  const sel = decoded.select;
  if (!sel) return;
  const { layer } = state;
  const shape = { output: [layer.cout, ...layer.out], input: [layer.cin, ...layer.size],
    weight: weightShape(layer) }[sel.kind];
  if (fits(sel.cell, shape)) pin(sel.kind, sel.cell);
  else notes.push(`select ${sel.kind} ${sel.cell.join(",")} is outside the layer`);
}

async function applyLink(fragment) {
  const decoded = decodeState(fragment);
  const notes = [...decoded.notes];
  writeForm(form, { ...DEFAULTS, ...decoded.settings });
  state.custom = { x: null, w: null };
  update();
  if (state.layer) applyLinkValues(decoded, notes);
  showView(decoded.image ? "image" : "grid");
  showNotes(notes);
  if (decoded.image) notes.push(...(await imageView.restore(decoded.image)));
  showNotes(notes);
  writeUrl();
}

// ---- wiring ----

async function copy(id) {
  const text = $(id).textContent;
  try {
    await navigator.clipboard.writeText(text);
    $("copy-status").textContent = "Copied.";
  } catch {
    const range = document.createRange();
    range.selectNodeContents($(id));
    window.getSelection().removeAllRanges();
    window.getSelection().addRange(range);
    $("copy-status").textContent = "Selected: press Ctrl+C (or ⌘C) to copy.";
  }
}

function depthwise() {
  const el = form.elements;
  const cin = Number(el.inChannels.value) || 1;
  const cout = Number(el.outChannels.value) || cin;
  el.groups.value = String(cin);
  if (cout % cin !== 0) el.outChannels.value = String(cin);
  update();
}

const page = {
  view: () => ({ layer: state.layer, grids: state.grids, weightShape: state.layer && weightShape(state.layer) }),
  pinned: (kind) => (kind === "output" ? cellOfStep(state.step) : state.focus?.kind === kind ? state.focus.cell : null),
  hover(kind, cell) {
    if (!state.layer) return;
    state.hover = cell && { kind, cell };
    render();
  },
  pin,
  togglePin() {
    state.pinned = !state.pinned;
    render();
    writeUrl();
  },
  edit,
};

function wire() {
  form.addEventListener("input", () => update());
  form.addEventListener("submit", (event) => event.preventDefault());
  $("depthwise").addEventListener("click", depthwise);
  $("reset-values").addEventListener("click", resetValues);
  $("play").addEventListener("click", () => (state.timer ? stop() : play()));
  $("speed").addEventListener("input", () => {
    $("speed-label").textContent = $("speed").value;
    if (state.timer) { stop(); play(); }
  });
  $("step").addEventListener("input", () => {
    stop();
    state.step = Number($("step").value);
    state.focus = null;
    render();
  });
  for (const [kind, panel] of Object.entries(panels)) wirePanel(kind, panel, page);
  for (const button of document.querySelectorAll("[data-copy]")) {
    button.addEventListener("click", () => copy(button.dataset.copy));
  }
  $("copy-link").addEventListener("click", async () => {
    writeUrl();
    $("link").textContent = location.href;
    await copy("link");
  });
  new ResizeObserver(() => layoutPanels()).observe(document.querySelector(".panels"));
  window.addEventListener("hashchange", () => applyLink(location.hash));
}

function snapshot() {
  const error = $("error").hidden ? null : $("error").textContent;
  return {
    error,
    outSize: $("out-size").textContent,
    padding: $("pad-pairs").textContent,
    formula: [...$("formula").querySelectorAll("code")].map((c) => c.textContent),
    torch: $("code-torch").textContent,
    convolab: $("code-convolab").textContent,
    steps: stepCount(),
  };
}

function hook() {
  const select = (kind, cell) => {
    state.hover = null;
    pin(kind, cell);
    return state.drawn;
  };
  window.convolabVis = {
    apply(settings) {
      writeForm(form, settings);
      update();
      return snapshot();
    },
    snapshot,
    selectOutput: (co, oy, ox) => select("output", [co, oy, ox]),
    selectInput: (ci, y, x) => select("input", [ci, y, x]),
    selectWeight: (i, j, ky, kx) => select("weight", [i, j, ky, kx]),
    drawn: () => state.drawn,
    values: () => state.layer && {
      x: state.values.x, w: state.values.w, y: state.output, edited: state.values.edited,
    },
    // Where a cell of a panel ("input", "weight", "output") is drawn, for pointer tests.
    cellCentre: (panel, id, row, col) => panels[panel].centre(id, row, col),
  };
}

function showView(view) {
  document.querySelector(`input[name=view][value=${view}]`).checked = true;
  $("grid-view").hidden = view === "image";
  $("image-view").hidden = view !== "image";
  if (view === "grid") layoutPanels();
}

function start() {
  writeForm(form, DEFAULTS);
  wire();
  hook();
  for (const radio of document.querySelectorAll("input[name=view]")) {
    radio.addEventListener("change", () => {
      showView(radio.value);
      writeUrl();
    });
  }
  imageView = startImageView(() => writeUrl());
  window.convolabVis.image = imageView;
  $("boot").remove();
  window.convolabVis.ready = applyLink(location.hash);
}

start();
