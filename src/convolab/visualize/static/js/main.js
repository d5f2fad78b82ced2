// The page: controls -> layer -> three grid panels, the player, the code lines, values a
// person types, the state in the URL, and the test hook window.convolabVis (the browser
// tests drive the page through it).

import { copyText } from "./clipboard.js";
import { convolabCode, pytorchCode } from "./code.js";
import { forward, inputAt, weightAt, weightShape } from "./engine.js";
import { CellEditor } from "./editor.js";
import { markBlamed, readForm, syncVisibility, writeForm } from "./form.js";
import { GridPanel } from "./grid.js";
import { startImageView } from "./image.js";
import { wirePanel } from "./interact.js";
import { ArgError } from "./pyargs.js";
import { cellName, describe } from "./readout.js";
import { DEFAULTS, buildLayer, describePadding } from "./settings.js";
import { decodeState, encodeState, fitToLayer } from "./url.js";
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

function showError(message) {
  const box = $("error");
  box.hidden = message === null;
  box.textContent = message ?? "";
  document.querySelector(".stage").classList.toggle("invalid", message !== null);
  for (const button of document.querySelectorAll("[data-copy]")) button.disabled = message !== null;
  markBlamed(form, message);
}

function update() {
  syncVisibility(form);
  if (editor.active) editor.cancel();
  state.focus = null; // a cell of the old layer may not exist in the new one
  state.hover = null;
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
  $("readout").textContent = describe(state.layer, state.values, state.output, sel.kind, result.drawn);
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
  if (editor.active) editor.commit({ leaving: true });
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
    name: cellName(state.layer, kind, cell), text: formatExact(value), typed,
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

async function applyLink(fragment) {
  const decoded = decodeState(fragment);
  const notes = [...decoded.notes];
  writeForm(form, { ...DEFAULTS, ...decoded.settings });
  state.custom = { x: null, w: null };
  update();
  if (state.layer) {
    const { custom, select } = fitToLayer(decoded, state.layer, notes);
    state.custom = custom;
    update();
    if (select) pin(select.kind, select.cell);
  }
  showView(decoded.image ? "image" : "grid");
  showNotes(notes);
  if (decoded.image) notes.push(...(await imageView.restore(decoded.image)));
  showNotes(notes);
  writeUrl();
}

// ---- wiring ----

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
    button.addEventListener("click", () => copyText($(button.dataset.copy), $("copy-status")));
  }
  $("copy-link").addEventListener("click", async () => {
    writeUrl();
    $("link").textContent = location.href;
    await copyText($("link"), $("copy-status"));
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
