/**
 * The plain-words answer, computed from the summary rows: at one budget point, who has the lowest
 * error (or memorises most) under each budget, and whether the gap is larger than the spread
 * over seeds. Pure functions, so the page's sentences can be tested.
 */
import {BUDGET_SHORT, label} from "./capacity-colors.js";

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

export interface Verdict {
  budget: string;
  refWidth: number;
  /** Best first (lowest error, or largest capacity for memorisation). */
  standings: Standing[];
  /** True when the best one's whole range over seeds beats every other's whole range. */
  clear: boolean;
}

/** Standings under each budget at one reference width, for "fixed", "plateau" or "capacity". */
export function verdicts(summary: readonly StandingLike[], task: string, refWidth: number, at: "fixed" | "plateau" | "capacity"): Verdict[] {
  const higherIsBetter = at === "capacity";
  const budgets = [...new Set(summary.filter((r) => r.task === task && r.refWidth === refWidth).map((r) => r.budget))];
  return budgets.map((budget) => {
    const standings = summary
      .filter((r) => r.task === task && r.refWidth === refWidth && r.budget === budget && r[at] !== null)
      .map((r) => ({contender: r.contender, width: r.width, mean: r[at]!.mean, min: r[at]!.min, max: r[at]!.max, seeds: r[at]!.n}))
      .sort((a, b) => (higherIsBetter ? b.mean - a.mean : a.mean - b.mean));
    const [best, ...rest] = standings;
    const clear = best !== undefined && rest.length > 0 &&
      rest.every((o) => (higherIsBetter ? best.min > o.max : best.max < o.min));
    return {budget, refWidth, standings, clear};
  }).filter((v) => v.standings.length > 0);
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(2));

/** One sentence per verdict, e.g. "Under equal connections, dense (W = 1448) has the lowest …". */
export function sentence(v: Verdict, what: string): string {
  const [best, second] = v.standings;
  const name = (s: Standing) => `${label(s.contender)} at W = ${s.width.toLocaleString("en-US")}`;
  const seeds = Math.min(...v.standings.map((s) => s.seeds));
  let text = `Under ${BUDGET_SHORT[v.budget] ?? v.budget}, ${name(best)} is best on ${what} (${fmt(best.mean)}`;
  if (second) text += ` against ${fmt(second.mean)} for the runner-up, ${name(second)}`;
  text += `; ${v.standings.length} contender${v.standings.length === 1 ? "" : "s"}, ${seeds === 1 ? "1 seed" : `${seeds} seeds or more`} each).`;
  if (v.standings.length > 1) {
    text += v.clear ? " Its range over seeds does not overlap any other's." : " The ranges over seeds overlap, so the order is not settled.";
  }
  return text;
}

/**
 * The largest reference width at which every budget has results for at least `contenders`
 * contenders, each over at least `seeds` seeds (so a verdict compares the whole field on complete
 * data, not whoever finished first), or null.
 */
export function largestCompletePoint(
  summary: readonly StandingLike[], task: string, at: "fixed" | "plateau" | "capacity", contenders: number, seeds = 1
): number | null {
  const refs = [...new Set(summary.filter((r) => r.task === task).map((r) => r.refWidth))].sort((a, b) => b - a);
  for (const ref of refs) {
    const v = verdicts(summary, task, ref, at);
    if (v.length > 0 && v.every((x) => x.standings.filter((s) => s.seeds >= seeds).length >= contenders)) return ref;
  }
  return null;
}
