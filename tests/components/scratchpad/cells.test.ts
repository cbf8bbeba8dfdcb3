// @vitest-environment jsdom
import {describe, expect, it, vi} from "vitest";
import {createCellList, type Cell} from "../../../src/components/scratchpad/cells.js";

function list() {
  const events: string[] = [];
  const callbacks = {
    onRun: (c: Cell) => events.push(`run ${c.id}`),
    onInsertBelow: (c: Cell) => events.push(`below ${c.id}`),
    onRemove: (c: Cell) => events.push(`remove ${c.id}`),
    onEdit: vi.fn()
  };
  const cells = createCellList(document, callbacks);
  document.body.append(cells.root);
  return {cells, events};
}

const labels = (root: HTMLElement) => Array.from(root.querySelectorAll(".scratchpad-cell-label"), (e) => e.textContent);

describe("Scratchpad cell list", () => {
  it("keeps the cells in order and numbered through inserts, removals and replacement", () => {
    const {cells} = list();
    cells.set(["a", "b"]);
    expect(cells.sources()).toEqual(["a", "b"]);
    expect(labels(cells.root)).toEqual(["[1]", "[2]"]);
    const inserted = cells.insertAt(1, "between", false);
    expect(cells.sources()).toEqual(["a", "between", "b"]);
    expect(cells.root.children[1]).toBe(inserted.view.section);
    expect(labels(cells.root)).toEqual(["[1]", "[2]", "[3]"]);
    expect(inserted.view.section.getAttribute("aria-label")).toBe("Cell 2");
    expect(inserted.view.section.dataset.cellIndex).toBe("1");
    const first = cells.cells[0];
    expect(cells.remove(first)).toBe(true);
    expect(cells.remove(first)).toBe(false); // no longer in the list
    expect(first.view.section.isConnected).toBe(false);
    expect(cells.sources()).toEqual(["between", "b"]);
    expect(labels(cells.root)).toEqual(["[1]", "[2]"]);
    const ids = cells.cells.map((c) => c.id);
    cells.set(["x"]);
    expect(cells.cells.map((c) => c.id).some((id) => ids.includes(id))).toBe(false); // fresh ids
    expect(cells.root.children.length).toBe(1);
    cells.destroy();
    expect(cells.cells.length).toBe(0);
  });

  it("a cell's buttons report which cell they belong to; status and time show on its section", () => {
    const {cells, events} = list();
    cells.set(["1 + 1", "2"]);
    const [first, second] = cells.cells;
    const click = (cell: Cell, cls: string) => cell.view.section.querySelector<HTMLButtonElement>(`.${cls}`)!.click();
    click(second, "scratchpad-run");
    click(first, "scratchpad-insert");
    click(second, "scratchpad-delete");
    expect(events).toEqual([`run ${second.id}`, `below ${first.id}`, `remove ${second.id}`]);
    expect(first.view.section.dataset.status).toBe("idle");
    cells.setStatus(first, "ok", "12 ms");
    expect(first.status).toBe("ok");
    expect(first.view.section.dataset.status).toBe("ok");
    expect(first.view.time.textContent).toBe("12 ms");
    cells.destroy();
  });
});
