/**
 * The Scratchpad's list of cells as the page shows them: each cell a section with its label
 * ("[2]"), Run / + / ✕ buttons, its time, an editor, and the space its output is drawn in (by the
 * frame underneath, see app.ts). The list keeps the cells in order and numbered; what a change
 * means (syncing the frame, rewriting the link) is for the page to decide, through the callbacks.
 */
import {button, elIn} from "../dom.js";
import {createCellEditor, type CellEditor} from "./editor.js";
import type {CellStatus} from "./notebook.js";

export interface CellView {
  section: HTMLElement;
  label: HTMLElement;
  time: HTMLElement;
  output: HTMLElement;
  editor: CellEditor;
}

export interface Cell {
  readonly id: number;
  source: string;
  status: CellStatus;
  view: CellView;
}

export interface CellCallbacks {
  /** Run was pressed (or Shift-Enter typed) in the cell. */
  onRun(cell: Cell): void;
  /** "+" was pressed: a cell is wanted below this one. */
  onInsertBelow(cell: Cell): void;
  /** "✕" was pressed. */
  onRemove(cell: Cell): void;
  /** The cell's text changed (its `source` already holds the new text). */
  onEdit(cell: Cell): void;
}

export interface CellList {
  /** The list's element (the cells' sections, in order). */
  readonly root: HTMLElement;
  /** The cells, in order (the live array: read it, change it through the methods). */
  readonly cells: readonly Cell[];
  /** The cells' text, in order. */
  sources(): string[];
  /** Inserts a new cell at `index` (focusing its editor when `focus`); returns it. */
  insertAt(index: number, source: string, focus: boolean): Cell;
  /** Removes a cell (and its editor); false when it is not in the list. */
  remove(cell: Cell): boolean;
  /** Replaces every cell with new ones holding these texts. */
  set(texts: readonly string[]): void;
  /** Shows a cell's status (and the time its run took, or nothing). */
  setStatus(cell: Cell, status: CellStatus, time: string): void;
  destroy(): void;
}

export function createCellList(doc: Document, callbacks: CellCallbacks): CellList {
  const cells: Cell[] = [];
  let nextId = 1;
  const root = elIn(doc, "div", {class: "scratchpad-cells"});

  function renumber(): void {
    cells.forEach((cell, i) => {
      const view = cell.view;
      view.label.textContent = `[${i + 1}]`;
      view.section.dataset.cellIndex = String(i);
      view.section.setAttribute("aria-label", `Cell ${i + 1}`);
    });
  }

  function makeCell(source: string): Cell {
    const label = elIn(doc, "span", {class: "scratchpad-cell-label"});
    const cell: Cell = {id: nextId++, source, status: "idle", view: undefined as unknown as CellView};
    const run = button(
      "▶ Run",
      () => callbacks.onRun(cell),
      {class: "scratchpad-run", title: "Run this cell and the ones after it (Shift-Enter)"},
      doc
    );
    const below = button(
      "+",
      () => callbacks.onInsertBelow(cell),
      {class: "scratchpad-insert", title: "Add a cell below"},
      doc
    );
    const remove = button(
      "✕",
      () => callbacks.onRemove(cell),
      {class: "scratchpad-delete", title: "Delete this cell"},
      doc
    );
    const time = elIn(doc, "span", {class: "scratchpad-cell-time"});
    const head = elIn(doc, "div", {class: "scratchpad-cell-head"}, label, run, below, remove, time);
    const editorHost = elIn(doc, "div", {class: "scratchpad-editor"});
    const output = elIn(doc, "div", {class: "scratchpad-output"});
    const section = elIn(doc, "section", {class: "scratchpad-cell", "data-status": "idle"}, head, editorHost, output);
    const editor = createCellEditor(editorHost, {
      doc: source,
      label: "Cell code",
      onRun: () => callbacks.onRun(cell),
      onChange: (text) => {
        cell.source = text;
        callbacks.onEdit(cell);
      }
    });
    cell.view = {section, label, time, output, editor};
    return cell;
  }

  return {
    root,
    cells,
    sources: () => cells.map((c) => c.source),
    insertAt(index, source, focus) {
      const cell = makeCell(source);
      const next = cells[index];
      cells.splice(index, 0, cell);
      root.insertBefore(cell.view.section, next ? next.view.section : null);
      renumber();
      if (focus) cell.view.editor.focus();
      return cell;
    },
    remove(cell) {
      const index = cells.indexOf(cell);
      if (index < 0) return false;
      cells.splice(index, 1);
      cell.view.editor.destroy();
      cell.view.section.remove();
      renumber();
      return true;
    },
    set(texts) {
      for (const cell of cells) cell.view.editor.destroy();
      cells.splice(0, cells.length, ...texts.map((t) => makeCell(String(t))));
      root.replaceChildren(...cells.map((c) => c.view.section));
      renumber();
    },
    setStatus(cell, status, time) {
      cell.status = status;
      cell.view.section.dataset.status = status;
      cell.view.time.textContent = time;
    },
    destroy() {
      for (const cell of cells) cell.view.editor.destroy();
      cells.length = 0;
    }
  };
}
