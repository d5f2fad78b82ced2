// A text box laid over a grid cell, for typing a new input or weight value: Enter (or leaving
// the box) keeps a number, Escape cancels; text that is not a number is refused with a
// visible message naming the cell, what it accepts and what was typed.

import { parseValue } from "./values.js";

export class CellEditor {
  // input: the <input> laid over cells; message: the element that shows a refusal.
  constructor(input, message) {
    this.input = input;
    this.message = message;
    this.target = null;
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") this.commit();
      else if (event.key === "Escape") this.cancel();
      else return;
      event.preventDefault();
      event.stopPropagation();
    });
    input.addEventListener("blur", () => this.target && this.commit({ leaving: true }));
    input.addEventListener("input", () => input.removeAttribute("aria-invalid"));
  }

  get active() {
    return this.target !== null;
  }

  // target: {name ("x[0, 1, 2]"), text (what the cell shows), rect ({left, top, size} in
  // the box's container), typed (a first character, or null), commit(value), done() (called
// when the keyboard goes back to the grid)}.
  open(target) {
    this.target = target;
    const { left, top, size } = target.rect;
    Object.assign(this.input.style, {
      left: `${left}px`, top: `${top}px`, width: `${Math.max(size, 56)}px`, height: `${Math.max(size, 24)}px`,
    });
    this.input.value = target.typed ?? target.text;
    this.input.setAttribute("aria-label", `new value of ${target.name}`);
    this.input.removeAttribute("aria-invalid");
    this.input.hidden = false;
    this.input.focus();
    if (target.typed === null) this.input.select();
  }

  // Keep the typed number; text that is no number is refused (the box stays open, unless
  // the person left it, and then the cell keeps its value).
  commit({ leaving = false } = {}) {
    const target = this.target;
    const { value, error } = parseValue(this.input.value);
    if (error !== undefined) {
      const kept = leaving ? `; ${target.name} stays ${target.text}` : "";
      this.show(`${target.name} ${error}${kept}`);
      if (!leaving) {
        this.input.setAttribute("aria-invalid", "true");
        return false;
      }
      this.close(false);
      return false;
    }
    this.show(null);
    this.close(!leaving);
    target.commit(value);
    return true;
  }

  cancel() {
    this.show(null);
    this.close();
  }

  // refocus: give the keyboard back to the grid (not when the person clicked elsewhere).
  close(refocus = true) {
    const target = this.target;
    this.target = null;
    this.input.hidden = true;
    if (refocus) target?.done();
  }

  show(text) {
    this.message.hidden = text === null;
    this.message.textContent = text ?? "";
  }
}
