/**
 * Training curves at one budget point: test error against optimiser steps, one line per
 * contender and seed, so the reader sees whether a run had flattened out when it stopped.
 */
import * as Plot from "@observablehq/plot";
import {contenderColor, label} from "./colors.js";
import type {CurvePoint} from "../../lib/experiment/summary.js";

/** The fields of a curve point this figure reads (see lib/experiment/summary.ts). */
export type CurveLike = Pick<CurvePoint, "contender" | "width" | "seed" | "step" | "train" | "test"> & {task: string};

export interface CurveRow {
  contender: string;
  width: number;
  seed: number;
  step: number;
  value: number;
  series: string;
}

/** The summary rows of one budget point: `task` at reference width `refWidth` under `budget`. */
export function pointModels<T extends {task: string; refWidth: number; budget: string}>(
  summary: readonly T[],
  task: string,
  refWidth: number,
  budget: string
): T[] {
  return summary.filter((r) => r.task === task && r.refWidth === refWidth && r.budget === budget);
}

/** Curves of `task` for the given (contender, width) models; `which` picks train or test error. */
export function curveRows(
  points: readonly CurveLike[],
  task: string,
  models: readonly {contender: string; width: number}[],
  which: "train" | "test" = "test"
): CurveRow[] {
  const wanted = new Set(models.map((m) => `${m.contender}|${m.width}`));
  return points
    .filter((p) => p.task === task && wanted.has(`${p.contender}|${p.width}`) && p[which] !== null && p.step > 0)
    .map((p) => ({
      contender: label(p.contender),
      width: p.width,
      seed: p.seed,
      step: p.step,
      value: p[which]!,
      series: `${label(p.contender)} W=${p.width} seed ${p.seed}`
    }));
}

export function curvesChart(
  rows: CurveRow[],
  {width = 640, yLabel = "test error"}: {width?: number; yLabel?: string} = {}
): HTMLElement | SVGSVGElement {
  const positive = rows.every((r) => r.value > 0);
  width = Math.max(320, width); // Framework can report 0 before layout
  return Plot.plot({
    width,
    height: 300,
    marginLeft: 56,
    x: {label: "optimiser steps →", grid: true},
    y: {type: positive ? "log" : "linear", label: `↑ ${yLabel}`, grid: true, tickFormat: "~g"},
    color: contenderColor(),
    marks: [
      Plot.line(rows, {x: "step", y: "value", z: "series", stroke: "contender", strokeWidth: 1.3, strokeOpacity: 0.85}),
      Plot.tip(
        rows,
        Plot.pointer({
          x: "step",
          y: "value",
          title: (d: CurveRow) => `${d.series}\nstep ${d.step}: ${d.value.toPrecision(3)}`
        })
      )
    ]
  });
}
