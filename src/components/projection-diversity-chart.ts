/**
 * How many distinct features one projection round gives a small input, against two rounds: rows
 * computed by the library's `projectionDiversity` (distinct first-layer features up to sign, and
 * the rank of the first layer's switch functions over random inputs), and the figure of both
 * against the width. Used by the Capacity and Wiring pages.
 */
import * as Plot from "@observablehq/plot";
import {projectionDiversity} from "../lib/diversity.js";

export interface DiversityRow {
  width: number;
  inputSize: number;
  /** "1 round", "2 rounds, random flips", "2 rounds, sub-random flips". */
  setting: string;
  distinctFeatures: number;
  switchRank: number;
  samples: number;
}

export const DIVERSITY_SETTINGS = [
  {setting: "1 round", projectionRounds: 1, projection: "subrandom"},
  {setting: "2 rounds, random flips", projectionRounds: 2, projection: "random"},
  {setting: "2 rounds, sub-random flips", projectionRounds: 2, projection: "subrandom"}
] as const;

/** One row per width and setting, for an input of `inputSize` values (the last a constant 1). */
export function diversityRows(widths: readonly number[], inputSize: number, samples = 120): DiversityRow[] {
  return widths.flatMap((width) => DIVERSITY_SETTINGS.map(({setting, projectionRounds, projection}) => {
    const d = projectionDiversity({width, inputSize, projectionRounds, projection, samples});
    return {width, inputSize, setting, distinctFeatures: d.distinctFeatures, switchRank: d.switchRank, samples: d.samples};
  }));
}

const COLORS = {domain: DIVERSITY_SETTINGS.map((s) => s.setting), range: ["#ff725c", "#4269d0", "#97bbf5"], legend: true};

/** Distinct features (left) and switch rank (right) against the width, one line per setting. */
export function diversityChart(rows: readonly DiversityRow[], {width = 640}: {width?: number} = {}): HTMLElement | SVGSVGElement {
  const long = rows.flatMap((r) => [
    {...r, measure: "distinct first-layer features", value: r.distinctFeatures},
    {...r, measure: `rank over ${r.samples} inputs`, value: r.switchRank}
  ]);
  const narrow = width < 560;
  return Plot.plot({
    width,
    height: narrow ? 460 : 260,
    marginLeft: 50,
    marginRight: 20,
    color: COLORS,
    fx: narrow ? undefined : {label: null},
    fy: narrow ? {label: null} : undefined,
    x: {type: "log", label: "width W", ticks: [64, 1024, 16384], tickFormat: (d: number) => d.toLocaleString("en-US")},
    y: {type: "log", label: "count", grid: true, ticks: [1, 10, 100, 1000, 10000, 100000], tickFormat: (d: number) => d.toLocaleString("en-US")},
    marks: [
      Plot.line(long, {x: "width", y: "value", stroke: "setting", [narrow ? "fy" : "fx"]: "measure", strokeWidth: 2}),
      Plot.dot(long, {x: "width", y: "value", fill: "setting", r: 3, [narrow ? "fy" : "fx"]: "measure",
        tip: true, title: (d: DiversityRow & {measure: string; value: number}) => `${d.setting}, W = ${d.width.toLocaleString("en-US")}: ${d.value.toLocaleString("en-US")} ${d.measure}`})
    ]
  });
}
