import {formatCount} from "./format.js";

/**
 * A plain HTML table whose headings wrap, so it fits the page's column (Inputs.table keeps every
 * heading on one line and scrolls sideways); on a phone it scrolls inside its own box (style.css,
 * `table.sn-table`). Numbers are formatted with thousands separators and right-aligned.
 */
export function plainTable(
  head: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number>>
): HTMLTableElement {
  const t = document.createElement("table");
  t.className = "sn-table";
  const thead = t.createTHead().insertRow();
  for (const h of head) {
    const th = document.createElement("th");
    th.textContent = h;
    thead.appendChild(th);
  }
  const body = t.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const cell of row) {
      const td = tr.insertCell();
      td.textContent = typeof cell === "number" ? formatCount(cell) : cell;
      if (typeof cell === "number") td.style.textAlign = "right";
    }
  }
  return t;
}
