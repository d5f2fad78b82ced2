// The page: controls -> layer -> three grid panels, the player, the code lines, and the test
// hook window.convolabVis (the browser tests drive the page through it).

import { convolabCode, pytorchCode } from "./code.js";
import { contributions, forward, inputAt, makeValues, weightAt } from "./engine.js";
import { readForm, syncVisibility, writeForm } from "./form.js";
import { GridPanel } from "./grid.js";
import { startImageView } from "./image.js";
import { ArgError } from "./pyargs.js";
import { DEFAULTS, buildLayer, describePadding } from "./settings.js";
import { inputGrids, inputMarks, outputGrids, outputMarks, weightGrids } from "./views.js";

const $ = (id) => document.getElementById(id);
const form = $("controls");
const panels = {
  input: new GridPanel($("input-canvas")),
  weight: new GridPanel($("weight-canvas"), { maxCell: 24 }),
  output: new GridPanel($("output-canvas")),
};
const state = {
  layer: null, values: null, output: null, grids: null,
  step: 0, pinned: false, hover: null, inputFocus: null, timer: null, drawn: null,
};

function stepCount() {
  const { layer } = state;
  return layer ? layer.cout * layer.out[0] * layer.out[1] : 0;
}

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
  try {
    state.layer = buildLayer(readForm(form));
  } catch (err) {
    if (!(err instanceof ArgError)) throw err;
    state.layer = null;
    stop();
    showError(err.message);
    for (const id of ["out-size", "pad-pairs", "code-torch", "code-convolab"]) $(id).textContent = "—";
    $("formula").replaceChildren();
    return;
  }
  showError(null);
  const { layer } = state;
  state.values = makeValues(layer);
  state.output = forward(layer, state.values);
  state.grids = {
    input: inputGrids(layer, state.values),
    weight: weightGrids(layer, state.values),
    output: outputGrids(layer, state.output),
  };
  panels.input.setGrids(state.grids.input);
  panels.weight.setGrids(state.grids.weight);
  panels.output.setGrids(state.grids.output);
  state.step = Math.min(state.step, stepCount() - 1);
  state.inputFocus = null;
  showSummary(layer);
  layoutPanels();
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
  const step = $("step");
  step.max = String(stepCount() - 1);
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
  if (state.hover) return state.hover;
  if (state.inputFocus) return { kind: "input", cell: state.inputFocus };
  return { kind: "output", cell: cellOfStep(state.step) };
}

function render() {
  if (!state.layer) return;
  const sel = selection();
  const result = sel.kind === "output"
    ? outputMarks(state.layer, state.grids, sel.cell)
    : inputMarks(state.layer, state.grids, sel.cell);
  state.drawn = result.drawn;
  for (const panel of Object.values(panels)) panel.draw(result.marks);
  $("step").value = String(state.step);
  $("step-label").textContent = `${state.step + 1} / ${stepCount()}${state.pinned ? " (pinned)" : ""}`;
  $("readout").textContent = sel.kind === "output" ? describeOutput(sel.cell) : describeInput(result.drawn);
}

function describeOutput([co, oy, ox]) {
  const { layer, values } = state;
  const terms = contributions(layer, co, oy, ox).map((t) => {
    const x = t.sy < 0 || t.sx < 0 ? 0 : inputAt(layer, values, t.ci, t.sy, t.sx);
    const w = weightAt(layer, values, t.w);
    return `${x}·${w < 0 ? `(${w})` : w}`;
  });
  const shown = terms.length > 12 ? [...terms.slice(0, 12), "…"] : terms;
  const [ho, wo] = layer.out;
  const value = state.output[(co * ho + oy) * wo + ox];
  const where = layer.ndim === 1 ? `${co}, ${ox}` : `${co}, ${oy}, ${ox}`;
  return `y[${where}] = ${shown.join(" + ") || "0"} = ${value} (${terms.length} products)`;
}

function describeInput(drawn) {
  const [ci, y, x] = drawn.input;
  const where = state.layer.ndim === 1 ? `${ci}, ${x}` : `${ci}, ${y}, ${x}`;
  return `x[${where}] feeds ${drawn.readers.length} output cells`;
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
  state.inputFocus = null;
  const speed = Number($("speed").value);
  state.timer = setInterval(() => {
    state.step = (state.step + 1) % stepCount();
    render();
  }, 1000 / speed);
  $("play").textContent = "Pause";
  $("play").setAttribute("aria-pressed", "true");
}

function pinOutput(cell) {
  stop();
  state.step = stepOfCell(cell);
  state.pinned = true;
  state.inputFocus = null;
  render();
}

function pinInput(cell) {
  stop();
  state.inputFocus = cell;
  render();
}

// ---- pointer and keyboard on the grids ----

function outputCellAt(hit) {
  if (!hit || !hit.id.startsWith("y")) return null;
  const grid = state.grids.output.find((g) => g.id === hit.id);
  const [oy, ox] = [hit.row - grid.top, hit.col - grid.left];
  if (oy < 0 || ox < 0 || oy >= state.layer.out[0] || ox >= state.layer.out[1]) return null;
  return [Number(hit.id.slice(1)), oy, ox];
}

function inputCellAt(hit) {
  if (!hit || !hit.id.startsWith("x")) return null;
  const grid = state.grids.input.find((g) => g.id === hit.id);
  const [y, x] = [hit.row - grid.top, hit.col - grid.left];
  if (y < 0 || x < 0 || y >= state.layer.size[0] || x >= state.layer.size[1]) return null;
  return [Number(hit.id.slice(1)), y, x];
}

function pointerHandlers(panel, toCell, kind, pin) {
  const point = (event) => {
    const box = panel.canvas.getBoundingClientRect();
    return toCell(panel.hit(event.clientX - box.left, event.clientY - box.top));
  };
  panel.canvas.addEventListener("mousemove", (event) => {
    if (!state.layer) return;
    const cell = point(event);
    state.hover = cell ? { kind, cell } : null;
    render();
  });
  panel.canvas.addEventListener("mouseleave", () => {
    state.hover = null;
    render();
  });
  panel.canvas.addEventListener("click", (event) => {
    const cell = state.layer && point(event);
    if (cell) pin(cell);
  });
}

const MOVES = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };

function clamp(v, lo, hi) {
  return Math.min(Math.max(v, lo), hi);
}

function moveCell([c, y, x], key, channels, [h, w]) {
  if (key in MOVES) return [c, clamp(y + MOVES[key][0], 0, h - 1), clamp(x + MOVES[key][1], 0, w - 1)];
  if (key === "PageUp") return [clamp(c - 1, 0, channels - 1), y, x];
  if (key === "PageDown") return [clamp(c + 1, 0, channels - 1), y, x];
  return null;
}

function outputKeys(event) {
  if (!state.layer) return;
  if (event.key === "Enter" || event.key === " ") {
    state.pinned = !state.pinned;
  } else {
    const cell = moveCell(cellOfStep(state.step), event.key, state.layer.cout, state.layer.out);
    if (!cell) return;
    pinOutput(cell);
  }
  event.preventDefault();
  render();
}

function inputKeys(event) {
  if (!state.layer) return;
  if (event.key === "Escape") {
    state.inputFocus = null;
  } else {
    const start = state.inputFocus ?? [0, 0, 0];
    const cell = moveCell(start, event.key, state.layer.cin, state.layer.size);
    if (!cell && event.key !== "Enter") return;
    state.inputFocus = cell ?? start;
    stop();
  }
  event.preventDefault();
  render();
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

function wire() {
  form.addEventListener("input", () => update());
  form.addEventListener("submit", (event) => event.preventDefault());
  $("depthwise").addEventListener("click", depthwise);
  $("play").addEventListener("click", () => (state.timer ? stop() : play()));
  $("speed").addEventListener("input", () => {
    $("speed-label").textContent = $("speed").value;
    if (state.timer) { stop(); play(); }
  });
  $("step").addEventListener("input", () => {
    stop();
    state.step = Number($("step").value);
    state.inputFocus = null;
    render();
  });
  pointerHandlers(panels.output, outputCellAt, "output", pinOutput);
  pointerHandlers(panels.input, inputCellAt, "input", pinInput);
  $("output-canvas").addEventListener("keydown", outputKeys);
  $("input-canvas").addEventListener("keydown", inputKeys);
  for (const button of document.querySelectorAll("[data-copy]")) {
    button.addEventListener("click", () => copy(button.dataset.copy));
  }
  new ResizeObserver(() => layoutPanels()).observe(document.querySelector(".panels"));
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
  window.convolabVis = {
    apply(settings) {
      writeForm(form, settings);
      update();
      return snapshot();
    },
    snapshot,
    selectOutput(co, oy, ox) {
      state.hover = null;
      pinOutput([co, oy, ox]);
      return state.drawn;
    },
    selectInput(ci, y, x) {
      state.hover = null;
      pinInput([ci, y, x]);
      return state.drawn;
    },
    values: () => state.layer && { x: state.values.x, w: state.values.w, y: state.output },
    // Where a cell of a panel ("input", "weight", "output") is drawn, for pointer tests.
    cellCentre: (panel, id, row, col) => panels[panel].centre(id, row, col),
  };
}

function switchView() {
  const image = document.querySelector("input[name=view]:checked").value === "image";
  $("grid-view").hidden = image;
  $("image-view").hidden = !image;
  if (!image) layoutPanels();
}

function start() {
  writeForm(form, DEFAULTS);
  wire();
  hook();
  for (const radio of document.querySelectorAll("input[name=view]")) {
    radio.addEventListener("change", switchView);
  }
  update();
  $("boot").remove();
  window.convolabVis.image = startImageView();
}

start();
