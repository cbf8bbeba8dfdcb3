/**
 * Memorisation capacity against budget: the largest number of random pairs each contender fits
 * below the stated error (mean over seeds, bars from min to max), one panel per budget.
 */
import * as Plot from "@observablehq/plot";
import {BUDGET_SHORT, budgetPanels, label, spreadMarks} from "./colors.js";
import type {SummaryLike} from "./error-chart.js";
import {formatCount} from "../format.js";

/** The fields of a summary row this figure reads (see lib/experiment/summary.ts). */
export interface CapacityLike
  extends Pick<SummaryLike, "task" | "budget" | "refWidth" | "target" | "contender" | "width"> {
  parameterCount: number;
  capacity: {mean: number; min: number; max: number; n: number} | null;
  capacityPerParameter: {mean: number} | null;
}

export interface CapacityRow
  extends Pick<CapacityLike, "budget" | "refWidth" | "target" | "contender" | "width" | "parameterCount"> {
  mean: number;
  min: number;
  max: number;
  seeds: number;
  perParameter: number;
}

export function capacityRows(summary: readonly CapacityLike[]): CapacityRow[] {
  return summary
    .filter((r) => r.task === "memorise" && r.capacity !== null)
    .map((r) => ({
      budget: BUDGET_SHORT[r.budget] ?? r.budget,
      refWidth: r.refWidth,
      target: r.target,
      contender: label(r.contender),
      width: r.width,
      parameterCount: r.parameterCount,
      mean: r.capacity!.mean,
      min: r.capacity!.min,
      max: r.capacity!.max,
      seeds: r.capacity!.n,
      perParameter: r.capacityPerParameter?.mean ?? NaN
    }));
}

export function capacityChart(rows: CapacityRow[], {width = 640}: {width?: number} = {}): HTMLElement | SVGSVGElement {
  width = Math.max(320, width); // Framework can report 0 before layout
  const atLeastOne = (v: number) => Math.max(1, v); // a log axis: a capacity of 0 shows as 1
  return Plot.plot({
    ...budgetPanels(
      width,
      rows.map((r) => r.target)
    ),
    y: {type: "log", label: "↑ random pairs memorised (largest N)", grid: true, tickFormat: "~s"},
    marks: spreadMarks(rows, {
      fx: "budget",
      x: "target",
      y: (d) => atLeastOne(d.mean),
      y1: (d) => atLeastOne(d.min),
      y2: "max",
      title: (d: CapacityRow) =>
        `${d.contender}, W = ${formatCount(d.width)}, ${formatCount(d.parameterCount)} stored parameters\n` +
        `memorised ${d.mean.toFixed(0)} pairs on average (min ${d.min}, max ${d.max}, ${d.seeds} seeds)\n` +
        `${d.perParameter.toFixed(3)} pairs per stored parameter`
    })
  });
}
