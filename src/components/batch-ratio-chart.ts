/**
 * The Throughput page's batch figure: Switch Net 4's time per sample divided by dense's, against
 * the batch size, for one layer (forward + backward) and for a training step of a depth-2 model,
 * on one and two threads, from the committed benchmark run (components/bench-measured.ts).
 * Above 1 dense is faster; below 1 Switch Net 4 is.
 */
import * as Plot from "@observablehq/plot";
import {speedRatios, type MeasuredRun} from "./bench-measured.js";

export const LAYER_MEASURE = "one layer, forward + backward";
export const TRAINING_MEASURE = "training step, depth-2 model";

export interface BatchRatioPoint {
  measure: typeof LAYER_MEASURE | typeof TRAINING_MEASURE;
  batch: number;
  threads: number;
  /** Switch Net 4 time per sample ÷ dense time per sample (= dense samples/s ÷ Switch Net 4 samples/s). */
  timeRatio: number;
}

interface BatchRow {
  batch: number;
  threads: number;
  samplesPerSecond: number;
}

/** The points of the figure from a committed run's layer and training rows (either may be empty). */
export function batchRatioPoints(run: Pick<MeasuredRun, "layerBatches" | "training">): BatchRatioPoint[] {
  const layer = speedRatios(run.layerBatches as Array<BatchRow & {layer: string}>, (r) => r.layer);
  const training = speedRatios(run.training as Array<BatchRow & {model: string}>, (r) => r.model);
  return [
    ...layer.map((r) => ({measure: LAYER_MEASURE, batch: r.batch, threads: r.threads, timeRatio: 1 / r.ratio})),
    ...training.map((r) => ({measure: TRAINING_MEASURE, batch: r.batch, threads: r.threads, timeRatio: 1 / r.ratio}))
  ] as BatchRatioPoint[];
}

/** Log-scale ticks 1, 2, 5 × 10^k that fall inside [lo, hi] (at least the two ends' decades). */
export function ratioTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = Number((m * 10 ** e).toPrecision(1));
      if (v >= lo && v <= hi) out.push(v);
    }
  }
  return out;
}

/** "1 thread" / "2 threads". */
const threadsLabel = (t: number) => `${t} thread${t === 1 ? "" : "s"}`;

export function batchRatioChart(
  points: BatchRatioPoint[],
  {width = 640, machine}: {width?: number; machine: string}
): HTMLElement | SVGSVGElement {
  const values = points.map((p) => p.timeRatio);
  // The domain always shows the line of equal time (1) with some room around the data.
  const lo = Math.min(0.5, ...values) / 1.25;
  const hi = Math.max(2, ...values) * 1.25;
  const batches = Array.from(new Set(points.map((p) => p.batch))).sort((a, b) => a - b);
  const threads = Array.from(new Set(points.map((p) => p.threads))).sort((a, b) => a - b);
  const narrow = width < 560;
  const line = (t: number) =>
    Plot.line(
      points.filter((p) => p.threads === t),
      {
        x: "batch",
        y: "timeRatio",
        z: "measure",
        stroke: "measure",
        strokeWidth: 2,
        strokeDasharray: t === threads[0] ? undefined : "6,4"
      }
    );
  return Plot.plot({
    width,
    height: narrow ? 300 : 340,
    marginRight: 16,
    marginLeft: 48,
    caption:
      `Measured on ${machine}. Solid: ${threadsLabel(threads[0] ?? 1)}` +
      (threads.length > 1
        ? `; dashed: ${threads.slice(1).map(threadsLabel).join(", ")} (the batch shared, the same results)`
        : "") +
      ". Above the grey line dense takes less time per sample, below it Switch Net 4 does.",
    x: {
      type: "log",
      base: 2,
      ticks: batches,
      tickFormat: (d: number) => String(d),
      label: "batch size (samples per step, log scale) →"
    },
    y: {
      type: "log",
      domain: [lo, hi],
      ticks: ratioTicks(lo, hi),
      tickFormat: (d: number) => `${d}×`,
      grid: true,
      label: "↑ Switch Net 4 time ÷ dense time, per sample"
    },
    color: {legend: true, domain: [LAYER_MEASURE, TRAINING_MEASURE], range: ["#4269d0", "#ff725c"]},
    marks: [
      Plot.ruleY([1], {stroke: "#888", strokeWidth: 1.5}),
      ...threads.map(line),
      Plot.dot(points, {
        x: "batch",
        y: "timeRatio",
        stroke: "measure",
        fill: "white",
        r: 3.5,
        title: (p: BatchRatioPoint) =>
          `${p.measure}, batch ${p.batch}, ${threadsLabel(p.threads)}: Switch Net 4 takes ` +
          `${p.timeRatio.toFixed(2)}× dense's time per sample`
      })
    ]
  });
}
