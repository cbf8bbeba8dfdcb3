/**
 * Wall-clock cost on this CPU: milliseconds per training sample (forward, backward and Adam
 * update, measured during the runs) against the model's stored parameters, per contender.
 */
import * as Plot from "@observablehq/plot";
import {contenderColor, label, spreadMarks} from "./colors.js";
import {formatCount} from "../format.js";

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
    contender: label(t.contender),
    width: t.width,
    parameterCount: t.parameterCount,
    ms: t.msPerSample.mean,
    min: t.msPerSample.min,
    max: t.msPerSample.max,
    runs: t.msPerSample.n
  }));
}

export function timingChart(rows: TimingRow[], {width = 640}: {width?: number} = {}): HTMLElement | SVGSVGElement {
  width = Math.max(320, width); // Framework can report 0 before layout
  return Plot.plot({
    width,
    height: 320,
    marginLeft: 56,
    x: {type: "log", label: "width W of the model's layers →", tickFormat: "~s"},
    y: {type: "log", label: "↑ milliseconds per training sample", grid: true},
    color: contenderColor(),
    marks: spreadMarks(rows, {
      x: "width",
      y: "ms",
      y1: "min",
      y2: "max",
      title: (d: TimingRow) =>
        `${d.contender}, W = ${formatCount(d.width)}, ${formatCount(d.parameterCount)} parameters\n` +
        `${d.ms.toPrecision(3)} ms per sample (min ${d.min.toPrecision(3)}, max ${d.max.toPrecision(3)}, ${d.runs} runs)`
    })
  });
}

export interface HeadlineTimingLike {
  label: string;
  kind: string;
  width: number;
  parameterCount: number;
  batchSize: number;
  msPerSample: number;
}

/** Bars: milliseconds per training sample of each model at one budget point, timed together. */
export function headlineTimingChart(
  rows: readonly HeadlineTimingLike[],
  {width = 640}: {width?: number} = {}
): HTMLElement | SVGSVGElement {
  // Two-line names (contender, then width) so that they fit a phone's column.
  const data = rows.map((r) => ({
    ...r,
    contender: label(r.label.split(" ")[0]),
    name: `${label(r.label.split(" ")[0])}\nW = ${formatCount(r.width)}`
  }));
  width = Math.max(320, width); // Framework can report 0 before layout
  return Plot.plot({
    width,
    height: 40 + 34 * data.length,
    marginLeft: Math.min(190, Math.round(width * 0.45)),
    marginRight: 40,
    x: {label: `milliseconds per training sample (batch of ${rows[0]?.batchSize ?? "?"}) →`, grid: true},
    y: {
      label: null,
      domain: data
        .slice()
        .sort((a, b) => a.msPerSample - b.msPerSample)
        .map((d) => d.name)
    },
    color: contenderColor(),
    marks: [
      Plot.barX(data, {y: "name", x: "msPerSample", fill: "contender"}),
      Plot.text(data, {
        y: "name",
        x: "msPerSample",
        text: (d: {msPerSample: number}) => d.msPerSample.toPrecision(2),
        dx: 4,
        textAnchor: "start"
      }),
      Plot.ruleX([0])
    ]
  });
}
