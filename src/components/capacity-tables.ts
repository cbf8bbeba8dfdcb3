/**
 * Tables of the capacity page: the budget-matched widths at one reference width, and how much
 * of the planned full-scale sweep the committed results cover.
 */
import {BUDGET_SHORT, label} from "./capacity-colors.js";

export interface MatchLike {
  refWidth: number;
  budget: string;
  target: number;
  contender: string;
  width: number;
  ratio: number;
  params: number;
  edges: number;
  macs: number;
}

function table(head: string[], rows: (string | number)[][]): HTMLTableElement {
  const t = document.createElement("table");
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
      td.textContent = typeof cell === "number" ? cell.toLocaleString("en-US") : cell;
      if (typeof cell === "number") td.style.textAlign = "right";
    }
  }
  return t;
}

/** Rows of the matched-width table at `refWidth`: contender, then width (and ratio) per budget. */
export function matchTableRows(matches: readonly MatchLike[], refWidth: number): (string | number)[][] {
  const at = matches.filter((m) => m.refWidth === refWidth);
  const contenders = [...new Set(at.map((m) => m.contender))];
  const budgets = [...new Set(at.map((m) => m.budget))];
  return contenders.map((c) => [
    label(c),
    ...budgets.map((b) => {
      const m = at.find((x) => x.contender === c && x.budget === b);
      return m ? `${m.width.toLocaleString("en-US")}${Math.abs(m.ratio - 1) > 0.005 ? ` (×${m.ratio.toFixed(2)})` : ""}` : "—";
    })
  ]);
}

export function matchTable(matches: readonly MatchLike[], refWidth: number): HTMLTableElement {
  const at = matches.filter((m) => m.refWidth === refWidth);
  const budgets = [...new Set(at.map((m) => m.budget))];
  const head = ["contender", ...budgets.map((b) => {
    const target = at.find((m) => m.budget === b)?.target ?? 0;
    return `${BUDGET_SHORT[b] ?? b}: ${target.toLocaleString("en-US")} per layer`;
  })];
  return table(head, matchTableRows(matches, refWidth));
}

export interface CoverageLike {
  task: string;
  refWidth: number;
  planned: number;
  done: number;
}

export function coverageTable(rows: readonly CoverageLike[]): HTMLTableElement {
  const widths = [...new Set(rows.map((r) => r.refWidth))].sort((a, b) => a - b);
  const tasks = [...new Set(rows.map((r) => r.task))];
  return table(["task", ...widths.map((w) => `W = ${w.toLocaleString("en-US")}`)], tasks.map((t) => [
    t,
    ...widths.map((w) => {
      const r = rows.find((x) => x.task === t && x.refWidth === w);
      return r ? `${r.done} / ${r.planned}` : "not planned";
    })
  ]));
}
