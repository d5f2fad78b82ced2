// A canvas that draws a set of labelled cell grids side by side and says which cell is under
// the pointer. Cells carry a kind ("cell", "margin" for padding or cropped cells, "gap" for
// the holes of a dilated kernel) and an optional mark ("window", "source", "selected",
// "reader", "cursor"; {kind, fill?}: a fill of its own, such as a kernel position's colour);
// marks change the fill and the border, so they differ without colour.

const STYLE = {
  cell: "#ffffff", margin: "#e5e7eb", gap: "#f8fafc", line: "#94a3b8", text: "#0f172a",
  window: "#60a5fa", source: "#ffffff", selected: "#f97316", reader: "#60a5fa",
  label: "#334155", hatch: "#b6c2d1",
};
const LABEL_HEIGHT = 18;
const GAP = 14;
const TEXT_CELL = 16; // cells from this size up show their numbers
const FONT = 13; // px, the largest font of a number
const CHAR = 0.62 * FONT; // px, the width of a monospace digit at that size
const WIDEST_CELL = 52; // px: a cell grows up to this for a long number such as -12.125

export class GridPanel {
  constructor(canvas, { maxCell = 30, minCell = 3 } = {}) {
    this.canvas = canvas;
    this.maxCell = maxCell;
    this.minCell = minCell;
    this.grids = [];
    this.boxes = [];
  }

  // grids: [{id, label, rows, cols, kind(r, c), text(r, c)}]
  setGrids(grids) {
    this.grids = grids;
    let longest = 1;
    for (const g of grids) {
      for (let r = 0; r < g.rows; r++) {
        for (let c = 0; c < g.cols; c++) longest = Math.max(longest, g.text?.(r, c)?.length ?? 0);
      }
    }
    // cells grow (to WIDEST_CELL) until the longest number fits at the full font size
    this.largest = Math.min(WIDEST_CELL, Math.max(this.maxCell, Math.ceil(longest * CHAR + 6)));
  }

  // The largest cell size at which the grids, flowed into rows, fit in `maxHeight`; when
  // none does, cells just big enough for their numbers (or what the width allows).
  layout(width, maxHeight) {
    const widest = Math.max(1, ...this.grids.map((g) => g.cols));
    const fit = Math.max(this.minCell, Math.min(this.largest, Math.floor((width - 4) / widest)));
    const floor = Math.min(fit, TEXT_CELL);
    let cell = fit;
    while (cell > floor && this.flow(cell, width) > maxHeight) cell -= 1;
    this.cell = cell;
    this.height = this.flow(cell, width);
    this.width = width;
  }

  // Place the grids left to right, wrapping at `width`; returns the height used.
  flow(cell, width) {
    let x = 2, y = 2, rowHeight = 0;
    this.boxes = this.grids.map((g) => {
      const w = g.cols * cell, h = g.rows * cell + LABEL_HEIGHT;
      const span = Math.max(w, g.label.length * 7);
      if (x > 2 && x + span > width) {
        x = 2; y += rowHeight + GAP; rowHeight = 0;
      }
      const box = { grid: g, x, y: y + LABEL_HEIGHT, w, h: h - LABEL_HEIGHT };
      x += span + GAP;
      rowHeight = Math.max(rowHeight, h);
      return box;
    });
    return y + rowHeight + 2;
  }

  draw(marks) {
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(this.width * ratio);
    this.canvas.height = Math.round(this.height * ratio);
    this.canvas.style.width = `${this.width}px`;
    this.canvas.style.height = `${this.height}px`;
    const ctx = this.canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, this.width, this.height);
    for (const box of this.boxes) this.drawGrid(ctx, box, marks);
  }

  drawGrid(ctx, box, marks) {
    const { grid } = box;
    const c = this.cell;
    ctx.fillStyle = STYLE.label;
    ctx.font = "12px system-ui, sans-serif";
    ctx.textBaseline = "alphabetic";
    ctx.fillText(grid.label, box.x, box.y - 5);
    for (let r = 0; r < grid.rows; r++) {
      for (let col = 0; col < grid.cols; col++) {
        const mark = marks.get(`${grid.id}:${r}:${col}`);
        this.drawCell(ctx, box.x + col * c, box.y + r * c, grid.kind(r, col), mark,
          grid.text ? grid.text(r, col) : null);
      }
    }
  }

  drawCell(ctx, x, y, kind, mark, text) {
    const c = this.cell;
    ctx.fillStyle = mark?.fill ?? STYLE[mark && mark.kind !== "cursor" ? mark.kind : kind];
    ctx.fillRect(x, y, c, c);
    if (kind === "margin") hatch(ctx, x, y, c);
    if (c >= 6) {
      ctx.strokeStyle = STYLE.line;
      ctx.lineWidth = 1;
      ctx.setLineDash(kind === "gap" ? [2, 2] : []);
      ctx.strokeRect(x + 0.5, y + 0.5, c - 1, c - 1);
      ctx.setLineDash([]);
    }
    if (mark) outline(ctx, x, y, c, mark.kind);
    if (text !== null && c >= TEXT_CELL) {
      ctx.fillStyle = kind === "margin" ? "#475569" : STYLE.text;
      ctx.font = fittingFont(ctx, text, c);
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillText(text, x + c / 2, y + c / 2 + 1);
      ctx.textAlign = "start";
    }
  }

  // The centre of cell (row, col) of grid `id`, counted from its first cell past any
  // padding or cropped margin, in page coordinates, and the cell's size.
  centre(id, row, col) {
    const box = this.boxes.find((b) => b.grid.id === id);
    const rect = this.canvas.getBoundingClientRect();
    return {
      x: rect.left + window.scrollX + box.x + (col + (box.grid.left ?? 0) + 0.5) * this.cell,
      y: rect.top + window.scrollY + box.y + (row + (box.grid.top ?? 0) + 0.5) * this.cell,
      size: this.cell,
    };
  }

  // The grid id and cell (row, col) under canvas point (px, py), or null.
  hit(px, py) {
    for (const box of this.boxes) {
      const col = Math.floor((px - box.x) / this.cell);
      const row = Math.floor((py - box.y) / this.cell);
      if (px >= box.x && py >= box.y && col < box.grid.cols && row < box.grid.rows) {
        return { id: box.grid.id, row, col };
      }
    }
    return null;
  }
}

// The border a mark draws: solid for the selection and the products, dotted for the input
// cells that a padding copy reads, so the marks differ without colour too.
function outline(ctx, x, y, c, kind) {
  ctx.strokeStyle = kind === "cursor" ? "#7c3aed" : "#0f172a";
  ctx.lineWidth = c >= 10 ? 2 : 1;
  if (kind === "selected") ctx.lineWidth = c >= 10 ? 3 : 2;
  ctx.setLineDash(kind === "source" ? [2, 2] : []);
  ctx.strokeRect(x + 1, y + 1, c - 2, c - 2);
  ctx.setLineDash([]);
}

// The largest monospace font (up to 45% of the cell) in which `text` fits the cell.
function fittingFont(ctx, text, c) {
  let size = Math.min(FONT, Math.max(9, Math.floor(c * 0.45)));
  ctx.font = `${size}px ui-monospace, monospace`;
  const width = ctx.measureText(text).width;
  if (width > c - 3) size = Math.max(6, Math.floor((size * (c - 3)) / width));
  return `${size}px ui-monospace, monospace`;
}

function hatch(ctx, x, y, c) {
  if (c < 5) return;
  ctx.save();
  ctx.beginPath();
  ctx.rect(x, y, c, c);
  ctx.clip();
  ctx.strokeStyle = STYLE.hatch;
  ctx.lineWidth = 1;
  for (let t = -c; t < c; t += 5) {
    ctx.beginPath();
    ctx.moveTo(x + t, y + c);
    ctx.lineTo(x + t + c, y);
    ctx.stroke();
  }
  ctx.restore();
}
