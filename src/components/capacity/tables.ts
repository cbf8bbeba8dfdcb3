/**
 * Tables of the capacity page: the budget-matched widths at one reference width, and how much
 * of the planned full-scale sweep the committed results cover.
 */
import {BUDGET_SHORT, label} from "./colors.js";
import {plainTable} from "../plain-table.js";
import {formatCount} from "../format.js";

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

const table = plainTable;

/** Rows of the matched-width table at `refWidth`: contender, then width (and ratio) per budget. */
export function matchTableRows(matches: readonly MatchLike[], refWidth: number): (string | number)[][] {
  const at = matches.filter((m) => m.refWidth === refWidth);
  const contenders = [...new Set(at.map((m) => m.contender))];
  const budgets = [...new Set(at.map((m) => m.budget))];
  return contenders.map((c) => [
    label(c),
    ...budgets.map((b) => {
      const m = at.find((x) => x.contender === c && x.budget === b);
      return m ? `${formatCount(m.width)}${Math.abs(m.ratio - 1) > 0.005 ? ` (×${m.ratio.toFixed(2)})` : ""}` : "—";
    })
  ]);
}

export function matchTable(matches: readonly MatchLike[], refWidth: number): HTMLTableElement {
  const at = matches.filter((m) => m.refWidth === refWidth);
  const budgets = [...new Set(at.map((m) => m.budget))];
  const head = [
    "contender",
    ...budgets.map((b) => {
      const target = at.find((m) => m.budget === b)?.target ?? 0;
      return `${BUDGET_SHORT[b] ?? b}: ${formatCount(target)} per layer`;
    })
  ];
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
  return table(
    ["task", ...widths.map((w) => `W = ${formatCount(w)}`)],
    tasks.map((t) => [
      t,
      ...widths.map((w) => {
        const r = rows.find((x) => x.task === t && x.refWidth === w);
        return r ? `${r.done} / ${r.planned}` : "not planned";
      })
    ])
  );
}

/** The tasks' names as the page writes them. */
export const TASK_NAMES: Record<string, string> = {
  smooth: "smooth 16-input target",
  classify: "spiral (classification)",
  image: "picture (x, y) → colour",
  memorise: "memorisation of random pairs"
};

/** The y label of a task's error figures. */
export function yLabel(task: string): string {
  return task === "classify" ? "test error rate" : "test nmse";
}

/** The answer grid of the page's first screen (rows from `answerGridRows` in answer.ts; a cell's lines are kept). */
export function answerGrid(rows: readonly string[][], budgetNames: readonly string[]): HTMLTableElement {
  const t = table(["task", ...budgetNames], rows as string[][]);
  t.id = "answer-table";
  t.className = "sn-table sn-answer sn-answer-grid";
  return t;
}

export interface TuneLike {
  task: string;
  contender: string;
  width: number;
  chosen: number;
  edge: "low" | "high" | null;
  /** `capped`: the candidate's run reached the step cap (its score is the best at the cap). */
  candidates: {learningRate: number; score: number; capped?: boolean}[];
}

/** Rows of the rate-choice table: task, contender, width, chosen rate, rates tried with scores, edge. */
export function tuneTableRows(tunes: readonly TuneLike[]): string[][] {
  const score = (v: number) => (v >= 1e300 ? "diverged" : v.toPrecision(3));
  return tunes.map((t) => [
    TASK_NAMES[t.task] ?? t.task,
    label(t.contender),
    formatCount(t.width),
    String(t.chosen),
    t.candidates.map((c) => `${c.learningRate}: ${score(c.score)}${c.capped ? " (at the step cap)" : ""}`).join(", "),
    t.edge === null ? "no" : `yes (${t.edge} end of the grid)`
  ]);
}

export function tuneTable(tunes: readonly TuneLike[]): HTMLTableElement {
  return table(
    ["task", "contender", "width", "chosen rate", "rates tried: best validation error", "at the grid's edge"],
    tuneTableRows(tunes)
  );
}
