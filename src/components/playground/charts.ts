/**
 * Loss and accuracy curves for one model of the playground (Observable Plot), and the
 * history they draw: one point per snapshot, thinned so long runs stay cheap to redraw.
 * The x axis is logarithmic (steps, or seconds of this model's training), so the early learning
 * stays readable after tens of thousands of steps; before the first step a chart is a labelled
 * placeholder rather than empty axes.
 */
import * as Plot from "@observablehq/plot";
import {decades, decadesWithin} from "../log-ticks.js";

export interface HistoryPoint {
  step: number;
  /** Wall-clock seconds this model has trained so far (timing, not a result). */
  seconds?: number;
  trainLoss: number;
  testLoss: number;
  trainAccuracy?: number;
  testAccuracy?: number;
}

/** Appends a point, halving the older points when the history exceeds `max` (keeps the last). */
export function appendHistory(history: HistoryPoint[], point: HistoryPoint, max = 600): HistoryPoint[] {
  history.push(point);
  if (history.length > max) {
    const last = history.pop()!;
    const kept = history.filter((_, i) => i % 2 === 0);
    kept.push(last);
    return kept;
  }
  return history;
}

type Row = {step: number; value: number; series: string; seconds?: number};

/** Long-form rows for Plot: one row per finite value, labelled by series. */
export function historyRows(history: readonly HistoryPoint[], metric: "loss" | "accuracy"): Row[] {
  const rows: Row[] = [];
  for (const p of history) {
    const pairs: [string, number | undefined][] =
      metric === "loss"
        ? [
            ["train", p.trainLoss],
            ["test", p.testLoss]
          ]
        : [
            ["train", p.trainAccuracy],
            ["test", p.testAccuracy]
          ];
    for (const [series, value] of pairs) {
      if (value !== undefined && Number.isFinite(value))
        rows.push(
          p.seconds === undefined ? {step: p.step, value, series} : {step: p.step, value, series, seconds: p.seconds}
        );
    }
  }
  return rows;
}

/** The last row of each series. */
function latest<T extends {series: string}>(rows: readonly T[]): T[] {
  return Array.from(new Map(rows.map((r) => [r.series, r])).values());
}

/** What the x axis counts: optimiser steps, or wall-clock seconds of the model's own training. */
export type ChartAxis = "step" | "seconds";

export const AXIS_LABELS: Record<ChartAxis, string> = {
  step: "step (log scale)",
  seconds: "seconds of training (log scale)"
};

export interface ChartOptions {
  width: number;
  height?: number;
  metric: "loss" | "accuracy";
  axis?: ChartAxis;
}

/** Labelled ticks for the loss axis (see log-ticks.ts). */
export const logTicks = decadesWithin;

/** Tick labels for a log axis: "~s" for steps (1k, 10k), "~g" for seconds (0.01, 10). */
function logFormat(axis: ChartAxis): string {
  return axis === "step" ? "~s" : "~g";
}

/**
 * A small line chart of train and test loss (log scale) or accuracy (fraction, shown in %) against
 * steps or seconds on a log axis. With nothing to draw yet (no step taken) it is a placeholder
 * saying so, the size of the chart.
 */
export function historyChart(
  history: readonly HistoryPoint[],
  {width, height = 150, metric, axis = "step"}: ChartOptions
): SVGSVGElement | HTMLElement {
  const loss = metric === "loss";
  const rows = historyRows(history, metric).filter(
    (r) => (axis === "step" ? r.step : (r.seconds ?? 0)) > 0 && (!loss || r.value > 0)
  );
  if (rows.length === 0) {
    const empty = document.createElement("div");
    empty.className = "pg-chart-empty";
    empty.style.height = `${Math.round(height * 0.6)}px`;
    empty.textContent = `${loss ? "Loss" : "Accuracy"} against ${axis === "step" ? "steps" : "seconds of training"}: drawn from the first step on (press Play or Step)`;
    return empty;
  }
  const xs = rows.map((r) => (axis === "step" ? r.step : r.seconds!));
  const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
  // At least a decade wide, so a few early points do not fill the axis.
  const domain: [number, number] = [lo, Math.max(hi, lo * 10)];
  const xTicks = decades(domain);
  return Plot.plot({
    width,
    height,
    marginLeft: 54,
    marginRight: 14,
    style: {fontSize: "11px"},
    x: {
      label: AXIS_LABELS[axis],
      type: "log",
      grid: true,
      domain,
      ticks: xTicks.filter((t) => t >= domain[0] && t <= domain[1]),
      tickFormat: logFormat(axis)
    },
    y: loss
      ? {label: "loss", type: "log", grid: true, ticks: logTicks(rows.map((r) => r.value)), tickFormat: "~g"}
      : {label: "accuracy (%)", domain: [0, 100], grid: true, percent: true},
    color: {domain: ["train", "test"], range: ["#3b82c4", "#e7762d"], legend: loss},
    marks: [
      Plot.line(rows, {x: axis, y: "value", z: "series", stroke: "series", strokeWidth: 1.5}),
      // The latest value of each series as a dot: visible even while a series has one point.
      Plot.dot(latest(rows), {x: axis, y: "value", fill: "series", r: 2.5})
    ]
  });
}
