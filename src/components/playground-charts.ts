/**
 * Loss and accuracy curves for one model of the playground (Observable Plot), and the
 * history they draw: one point per snapshot, thinned so long runs stay cheap to redraw.
 */
import * as Plot from "@observablehq/plot";

export interface HistoryPoint {
  step: number;
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

type Row = {step: number; value: number; series: string};

/** Long-form rows for Plot: one row per finite value, labelled by series. */
export function historyRows(history: readonly HistoryPoint[], metric: "loss" | "accuracy"): Row[] {
  const rows: Row[] = [];
  for (const p of history) {
    const pairs: [string, number | undefined][] = metric === "loss"
      ? [["train", p.trainLoss], ["test", p.testLoss]]
      : [["train", p.trainAccuracy], ["test", p.testAccuracy]];
    for (const [series, value] of pairs) {
      if (value !== undefined && Number.isFinite(value)) rows.push({step: p.step, value, series});
    }
  }
  return rows;
}

export interface ChartOptions {
  width: number;
  height?: number;
  metric: "loss" | "accuracy";
}

/** A small line chart of train and test loss (log scale) or accuracy (fraction, shown in %) against steps. */
export function historyChart(history: readonly HistoryPoint[], {width, height = 150, metric}: ChartOptions): SVGSVGElement | HTMLElement {
  const rows = historyRows(history, metric);
  const loss = metric === "loss";
  const positive = rows.filter((r) => r.value > 0);
  const last = history.length ? history[history.length - 1].step : 0;
  return Plot.plot({
    width,
    height,
    marginLeft: 54,
    marginRight: 8,
    style: {fontSize: "11px"},
    x: {label: "step", grid: true, domain: [0, Math.max(10, last)]},
    y: loss
      ? {label: "loss", type: "log", grid: true, domain: positive.length ? undefined : [0.01, 1], tickFormat: "~g"}
      : {label: "accuracy (%)", domain: [0, 100], grid: true, percent: true},
    color: {domain: ["train", "test"], range: ["#3b82c4", "#e7762d"], legend: loss},
    marks: [
      Plot.line(loss ? positive : rows, {x: "step", y: "value", z: "series", stroke: "series", strokeWidth: 1.5})
    ]
  });
}
