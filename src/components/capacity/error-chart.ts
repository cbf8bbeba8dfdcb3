/**
 * Error against budget: one panel per budget (equal stored parameters, connections,
 * multiply-adds), the reference Switch Net 4 layer's per-layer budget on a log x axis, the test
 * error of each contender (mean over seeds, bars from min to max). `errorRows` shapes the
 * summary rows (testable); `errorChart` draws them.
 */
import * as Plot from "@observablehq/plot";
import {BUDGET_SHORT, budgetPanels, label, spreadMarks} from "./colors.js";
import {formatCount} from "../format.js";

/** The fields of a summary row this figure reads (see lib/experiment/summary.ts). */
export interface SummaryLike {
  task: string;
  budget: string;
  refWidth: number;
  target: number;
  contender: string;
  width: number;
  ratio: number;
  seeds: number[];
  fixed: {mean: number; sd: number; min: number; max: number; n: number} | null;
  plateau: {mean: number; sd: number; min: number; max: number; n: number} | null;
  steps: {mean: number} | null;
  plateaus: number;
}

/** A point of the figure: the summary row's place, with the chosen moment's statistics flattened. */
export interface ErrorRow
  extends Pick<SummaryLike, "budget" | "refWidth" | "target" | "contender" | "width" | "ratio" | "plateaus"> {
  mean: number;
  min: number;
  max: number;
  sd: number;
  seeds: number;
  steps: number | null;
}

/** Rows of one task at one moment ("fixed": after the fixed step budget; "plateau"). */
export function errorRows(summary: readonly SummaryLike[], task: string, at: "fixed" | "plateau"): ErrorRow[] {
  return summary
    .filter((r) => r.task === task && r[at] !== null)
    .map((r) => {
      const s = r[at]!;
      return {
        budget: BUDGET_SHORT[r.budget] ?? r.budget,
        refWidth: r.refWidth,
        target: r.target,
        contender: label(r.contender),
        width: r.width,
        ratio: r.ratio,
        mean: s.mean,
        min: s.min,
        max: s.max,
        sd: s.sd,
        seeds: s.n,
        steps: r.steps ? r.steps.mean : null,
        plateaus: r.plateaus
      };
    });
}

export function errorChart(
  rows: ErrorRow[],
  {width = 640, yLabel = "test error", logY = true}: {width?: number; yLabel?: string; logY?: boolean} = {}
): HTMLElement | SVGSVGElement {
  const positive = rows.every((r) => r.min > 0);
  width = Math.max(320, width); // Framework can report 0 before layout
  return Plot.plot({
    ...budgetPanels(
      width,
      rows.map((r) => r.target)
    ),
    y: {type: logY && positive ? "log" : "linear", label: `↑ ${yLabel}`, grid: true, tickFormat: "~g"},
    marks: spreadMarks(rows, {
      fx: "budget",
      x: "target",
      y: "mean",
      y1: "min",
      y2: "max",
      title: (d: ErrorRow) =>
        `${d.contender}, W = ${formatCount(d.width)} (×${d.ratio.toFixed(2)} of the budget)\n` +
        `reference Switch Net 4 W = ${formatCount(d.refWidth)}\n` +
        `mean ${d.mean.toPrecision(3)} (min ${d.min.toPrecision(3)}, max ${d.max.toPrecision(3)}) over ${d.seeds} seed${d.seeds === 1 ? "" : "s"}` +
        (d.steps !== null
          ? `\n${Math.round(d.steps)} steps on average; ${d.plateaus} of ${d.seeds} reached a plateau`
          : "")
    })
  });
}
