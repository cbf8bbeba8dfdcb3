/**
 * Wall-clock cost on this CPU: milliseconds per training sample (forward, backward and Adam
 * update, measured during the runs) against the model's stored parameters, per contender.
 */
import * as Plot from "@observablehq/plot";
import {contenderColor, label} from "./capacity-colors.js";

export interface TimingLike {
  contender: string;
  width: number;
  depth: number;
  batchSize: number;
  parameterCount: number;
  msPerSample: {mean: number; min: number; max: number; n: number};
}

export interface TimingRow {
  contender: string;
  width: number;
  parameterCount: number;
  ms: number;
  min: number;
  max: number;
  runs: number;
}

export function timingRows(timings: readonly TimingLike[]): TimingRow[] {
  return timings.map((t) => ({
    contender: label(t.contender), width: t.width, parameterCount: t.parameterCount,
    ms: t.msPerSample.mean, min: t.msPerSample.min, max: t.msPerSample.max, runs: t.msPerSample.n
  }));
}

export function timingChart(rows: TimingRow[], {width = 640}: {width?: number} = {}): HTMLElement | SVGSVGElement {
  return Plot.plot({
    width,
    height: 320,
    marginLeft: 56,
    x: {type: "log", label: "width W of the model's layers →", tickFormat: "~s"},
    y: {type: "log", label: "↑ milliseconds per training sample", grid: true},
    color: contenderColor(),
    marks: [
      Plot.ruleX(rows, {x: "width", y1: "min", y2: "max", stroke: "contender", strokeOpacity: 0.5}),
      Plot.line(rows, {x: "width", y: "ms", stroke: "contender", sort: "width"}),
      Plot.dot(rows, {x: "width", y: "ms", fill: "contender", r: 3.5}),
      Plot.tip(rows, Plot.pointer({
        x: "width", y: "ms",
        title: (d: TimingRow) => `${d.contender}, W = ${d.width.toLocaleString("en-US")}, ${d.parameterCount.toLocaleString("en-US")} parameters\n` +
          `${d.ms.toPrecision(3)} ms per sample (min ${d.min.toPrecision(3)}, max ${d.max.toPrecision(3)}, ${d.runs} runs)`
      }))
    ]
  });
}
