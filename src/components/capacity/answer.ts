/**
 * The answer table, computed from the summary rows: at the seed's point, who has the lowest test
 * error under each budget, by how much, whether the gap is larger than the spread over seeds, and
 * how many runs converged. Pure functions, so the page's table can be tested.
 */
import {BUDGET_SHORT, label} from "./colors.js";
import {countOf, formatCount} from "../format.js";

export interface StandingLike {
  task: string;
  budget: string;
  refWidth: number;
  contender: string;
  width: number;
  fixed: {mean: number; min: number; max: number; n: number} | null;
  plateau: {mean: number; min: number; max: number; n: number} | null;
  capacity: {mean: number; min: number; max: number; n: number} | null;
}

export interface Standing {
  contender: string;
  width: number;
  mean: number;
  min: number;
  max: number;
  seeds: number;
}

/* ------------------------------------------------------------------ the answer table */

/** A summary row as the answer table reads it (a PointSummary has these fields). */
export interface AnswerLike extends StandingLike {
  plateaus: number;
  seeds: number[];
  plateau: {mean: number; sd: number; min: number; max: number; n: number} | null;
}

/** A contender's result in an answer cell: its error over seeds and how many seeds converged. */
export type CellStanding = Standing & {sd: number; converged: number};

export interface AnswerCell {
  task: string;
  budget: string;
  /** Every contender at this budget point with results, best first (lowest mean error). */
  standings: CellStanding[];
  /**
   * The best of the other kind: the best dense layer when a WHT model (Switch Net 4, filter bank,
   * butterfly) is best, else the best WHT model. The question compares the two kinds, so the
   * verdict and factor are against it, not against the second WHT variant.
   */
  rival: CellStanding | null;
  /** "clear": the best one's range over seeds is below the rival's; "tie": they overlap; "pending": seeds missing. */
  verdict: "clear" | "tie" | "pending";
  /** The rival's mean error ÷ the best one's (≥ 1), or null without a rival. */
  factor: number | null;
  /** Runs that stopped on the convergence rule, of all runs in the cell. */
  converged: number;
  runs: number;
}

/**
 * The page's first table: for each task and budget at `refWidth`, who has the lowest test error,
 * by how much, whether the seeds agree, and how many runs converged. A cell is "pending" until
 * every contender planned there (`planned`, by task and budget) has `seeds` seeds.
 */
export function answerCells(
  summary: readonly AnswerLike[],
  refWidth: number,
  tasks: readonly string[],
  budgets: readonly string[],
  planned: Readonly<Record<string, number>>,
  seeds: number
): AnswerCell[] {
  const cells: AnswerCell[] = [];
  for (const task of tasks) {
    for (const budget of budgets) {
      const rows = summary.filter(
        (r) => r.task === task && r.refWidth === refWidth && r.budget === budget && r.plateau !== null
      );
      const standings = rows
        .map((r) => ({
          contender: r.contender,
          width: r.width,
          mean: r.plateau!.mean,
          sd: r.plateau!.sd,
          min: r.plateau!.min,
          max: r.plateau!.max,
          seeds: r.plateau!.n,
          converged: r.plateaus
        }))
        .sort((a, b) => a.mean - b.mean);
      const complete =
        standings.length >= (planned[`${task}|${budget}`] ?? Infinity) && standings.every((s) => s.seeds >= seeds);
      const best = standings[0];
      const isDense = (s: Standing) => s.contender === "dense";
      const rival = best ? (standings.find((s) => isDense(s) !== isDense(best)) ?? null) : null;
      const clear = best !== undefined && rival !== null && best.max < rival.min;
      cells.push({
        task,
        budget,
        standings,
        rival,
        verdict: !complete ? "pending" : clear ? "clear" : "tie",
        factor: best && rival && best.mean > 0 ? rival.mean / best.mean : null,
        converged: standings.reduce((s, x) => s + x.converged, 0),
        runs: standings.reduce((s, x) => s + x.seeds, 0)
      });
    }
  }
  return cells;
}

/** "0.020 ± 0.001" (mean ± sd over seeds); with one seed there is no spread: "0.072 (1 seed)". */
export const errorText = (s: {mean: number; sd: number; seeds: number}, percent: boolean) => {
  const mean = percent ? `${(100 * s.mean).toFixed(1)}` : s.mean.toPrecision(2);
  const unit = percent ? " %" : "";
  if (s.seeds < 2) return `${mean}${unit} (1 seed)`;
  return `${mean} ± ${percent ? (100 * s.sd).toFixed(1) : s.sd.toPrecision(1)}${unit}`;
};

/**
 * Which of the two contenders a verdict rests on (the best and the best of the other kind) had runs
 * stop at the step cap rather than on the convergence rule: "Switch Net 4, 2 rounds: 3 at the step
 * cap" (their errors are upper bounds: still learning when stopped), or "" when both converged.
 */
export function cappedText(c: AnswerCell): string {
  return [c.standings[0], c.rival]
    .filter((s): s is CellStanding => s !== undefined && s !== null && capped(s) > 0)
    .map((s) => `${label(s.contender)}: ${capped(s)} at the step cap`)
    .join("; ");
}

/** Seeds of a standing that stopped at the step cap (their error is an upper bound). */
const capped = (s: CellStanding) => s.seeds - s.converged;

/** "Switch Net 4, 2 rounds (65,536)": a standing's contender and width. */
const standingName = (s: Standing) => `${label(s.contender)} (${formatCount(s.width)})`;

/** A cell's verdict in words ("pending" then says how many runs there are so far when `runsSoFar`). */
function verdictText(c: AnswerCell, runsSoFar: boolean): string {
  if (c.verdict === "pending") return runsSoFar ? `pending (${countOf(c.runs, "run")} so far)` : "pending";
  if (c.verdict === "clear") return `${label(c.standings[0].contender)} ahead, ×${c.factor!.toFixed(2)}`;
  return "tie within the seeds' spread";
}

/** " (" + cappedText + ")", or "" when both sides converged. */
function withCapped(c: AnswerCell): string {
  const text = cappedText(c);
  return text ? ` (${text})` : "";
}

/** The cells as plain table rows: task, budget, best, its error, the best of the other kind, its error, verdict, converged. */
export function answerRows(cells: readonly AnswerCell[], taskNames: Readonly<Record<string, string>>): string[][] {
  return cells.map((c) => {
    const percent = c.task === "classify";
    const best = c.standings[0];
    const second = c.rival;
    return [
      taskNames[c.task] ?? c.task,
      BUDGET_SHORT[c.budget] ?? c.budget,
      best ? standingName(best) : "–",
      best ? errorText(best, percent) : "–",
      second ? standingName(second) : "–",
      second ? errorText(second, percent) : "–",
      verdictText(c, true),
      c.runs > 0 ? `${c.converged} of ${c.runs}${withCapped(c)}` : "–"
    ];
  });
}

/**
 * The cells as a grid for the page's first screen: one row per task, one column per budget, each
 * cell in four short lines (best and its error, the best of the other kind and its error, the
 * verdict, the runs that converged).
 */
export function answerGridRows(
  cells: readonly AnswerCell[],
  taskNames: Readonly<Record<string, string>>,
  budgets: readonly string[]
): string[][] {
  const tasks = [...new Set(cells.map((c) => c.task))];
  return tasks.map((task) => [
    taskNames[task] ?? task,
    ...budgets.map((budget) => {
      const c = cells.find((x) => x.task === task && x.budget === budget);
      const best = c?.standings[0];
      if (!c || !best) return "no runs yet";
      const percent = task === "classify";
      // The runs that hit the cap are counted on their contender's line (its error is an upper bound),
      // which keeps the cell short enough for the first screen with all three tasks answered.
      const line = (s: CellStanding) =>
        `${standingName(s)}: ${errorText(s, percent)}${capped(s) > 0 ? `, ${capped(s)} capped` : ""}`;
      return [
        line(best),
        c.rival ? `against ${line(c.rival)}` : "nothing of the other kind yet",
        verdictText(c, false),
        `${c.converged} of ${countOf(c.runs, "run")} converged`
      ].join("\n");
    })
  ]);
}
