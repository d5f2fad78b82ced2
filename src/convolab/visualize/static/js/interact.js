// Pointer and keyboard on the three grids. The pointer hovers (shows) and clicks (pins) a
// cell; a double click, Enter on a pinned cell or typing a number starts editing an input or
// weight value. The keyboard moves a pinned cell with the arrows, through channels (or
// weight grids) with Page Up / Page Down; Escape lets go.

const MOVES = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
const STARTS_A_NUMBER = /^[-+.\d]$/;

function clamp(v, lo, hi) {
  return Math.min(Math.max(v, lo), hi);
}

// The cell under a hit of a panel, in the layer's coordinates, or null (margins, gaps).
function cellOf(kind, hit, view) {
  const { layer, grids } = view;
  if (!layer || !hit) return null;
  if (kind === "weight") {
    const grid = grids.weight.find((g) => g.id === hit.id);
    if (!grid || grid.kind(hit.row, hit.col) !== "cell") return null;
    const [i, j] = hit.id.slice(1).split("_").map(Number);
    return [i, j, hit.row / grid.dh, hit.col / grid.dw];
  }
  const prefix = kind === "input" ? "x" : "y";
  const grid = grids[kind].find((g) => g.id === hit.id && g.id.startsWith(prefix));
  if (!grid) return null;
  const [y, x] = [hit.row - grid.top, hit.col - grid.left];
  const [h, w] = kind === "input" ? layer.size : layer.out;
  if (y < 0 || x < 0 || y >= h || x >= w) return null;
  return [Number(hit.id.slice(1)), y, x];
}

// The cell the arrows and Page Up/Down move `cell` to, within the grid of `kind`.
function moveCell(kind, cell, key, layer, weightShape) {
  if (kind === "weight") {
    const [a, b, kh, kw] = weightShape;
    const [i, j, y, x] = cell;
    if (key in MOVES) return [i, j, clamp(y + MOVES[key][0], 0, kh - 1), clamp(x + MOVES[key][1], 0, kw - 1)];
    const step = { PageUp: -1, PageDown: 1 }[key];
    if (!step) return null;
    const g = clamp(i * b + j + step, 0, a * b - 1);
    return [Math.floor(g / b), g % b, y, x];
  }
  const [c, y, x] = cell;
  const channels = kind === "input" ? layer.cin : layer.cout;
  const [h, w] = kind === "input" ? layer.size : layer.out;
  if (key in MOVES) return [c, clamp(y + MOVES[key][0], 0, h - 1), clamp(x + MOVES[key][1], 0, w - 1)];
  if (key === "PageUp") return [clamp(c - 1, 0, channels - 1), y, x];
  if (key === "PageDown") return [clamp(c + 1, 0, channels - 1), y, x];
  return null;
}

// Wire a panel of `kind` ("input", "weight" or "output"). `page` gives the view ({layer,
// grids, weightShape}), the pinned cell of this kind (or null) and the actions hover(kind,
// cell | null), pin(kind, cell), togglePin() (output only) and edit(kind, cell, typed).
export function wirePanel(kind, panel, page) {
  const canvas = panel.canvas;
  const at = (event) => {
    const box = canvas.getBoundingClientRect();
    return cellOf(kind, panel.hit(event.clientX - box.left, event.clientY - box.top), page.view());
  };
  canvas.addEventListener("mousemove", (event) => page.hover(kind, at(event)));
  canvas.addEventListener("mouseleave", () => page.hover(kind, null));
  canvas.addEventListener("click", (event) => {
    const cell = at(event);
    if (cell) page.pin(kind, cell);
  });
  canvas.addEventListener("dblclick", (event) => {
    const cell = at(event);
    if (cell && kind !== "output") page.edit(kind, cell, null);
  });
  canvas.addEventListener("keydown", (event) => {
    if (keyOn(kind, event, page)) event.preventDefault();
  });
}

// Handle a key on a grid; true when it was used.
function keyOn(kind, event, page) {
  const view = page.view();
  if (!view.layer || event.ctrlKey || event.metaKey || event.altKey) return false;
  const pinned = page.pinned(kind);
  if (kind === "output" && (event.key === "Enter" || event.key === " ")) {
    page.togglePin();
    return true;
  }
  if (kind !== "output" && pinned && (event.key === "Enter" || event.key === "F2")) {
    page.edit(kind, pinned, null);
    return true;
  }
  if (kind !== "output" && pinned && STARTS_A_NUMBER.test(event.key)) {
    page.edit(kind, pinned, event.key);
    return true;
  }
  if (event.key === "Escape" && kind !== "output") {
    page.pin(kind, null);
    return true;
  }
  const start = pinned ?? (kind === "weight" ? [0, 0, 0, 0] : [0, 0, 0]);
  const cell = moveCell(kind, start, event.key, view.layer, view.weightShape);
  if (!cell) return false;
  page.pin(kind, cell);
  return true;
}
