/**
 * How many distinct features one projection round gives a small input, against two rounds: rows
 * computed by the library's `projectionDiversity` (distinct first-layer features up to sign, and
 * the rank of the first layer's switch functions over random inputs), and the figure of both
 * against the width. Used by the Capacity and Wiring pages.
 */
import * as Plot from "@observablehq/plot";
import {projectionDiversity} from "../lib/diversity.js";
import {formatCount} from "./format.js";
import {decadesWithin} from "./log-ticks.js";

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
  return widths.flatMap((width) =>
    DIVERSITY_SETTINGS.map(({setting, projectionRounds, projection}) => {
      const d = projectionDiversity({width, inputSize, projectionRounds, projection, samples});
      return {
        width,
        inputSize,
        setting,
        distinctFeatures: d.distinctFeatures,
        switchRank: d.switchRank,
        samples: d.samples
      };
    })
  );
}

/**
 * The figure's labelled ticks, all inside the data (a tick beyond a log axis's domain is drawn
 * outside the frame: a stray "1" under the width axis, a "64" left of a first width of 256).
 */
export function diversityTicks(
  rows: readonly DiversityRow[]
): Record<"width" | "distinctFeatures" | "switchRank", number[]> {
  const widths = rows.map((r) => r.width);
  const lo = Math.min(...widths),
    hi = Math.max(...widths);
  const inside = [64, 1024, 16384].filter((t) => t >= lo && t <= hi);
  return {
    width: inside.length >= 2 ? inside : decadesWithin(widths),
    distinctFeatures: decadesWithin(rows.map((r) => r.distinctFeatures)),
    switchRank: decadesWithin(rows.map((r) => r.switchRank))
  };
}

const COLORS = {
  domain: DIVERSITY_SETTINGS.map((s) => s.setting),
  range: ["#ff725c", "#4269d0", "#97bbf5"],
  legend: true
};

/**
 * Distinct features and switch rank against the width, one line per setting: side by side, or
 * one above the other on a narrow screen.
 */
export function diversityChart(
  rows: readonly DiversityRow[],
  {width = 640}: {width?: number} = {}
): HTMLElement | SVGSVGElement {
  const narrow = width < 560;
  const ticks = diversityTicks(rows);
  const panel = (measure: "distinctFeatures" | "switchRank", title: string, panelWidth: number, legend: boolean) =>
    Plot.plot({
      width: panelWidth,
      height: 240,
      marginLeft: 50,
      marginRight: 28,
      color: {...COLORS, legend},
      x: {type: "log", label: "width W", ticks: ticks.width, tickFormat: formatCount},
      y: {type: "log", label: title, grid: true, ticks: ticks[measure], tickFormat: formatCount},
      marks: [
        Plot.line(rows, {x: "width", y: measure, stroke: "setting", strokeWidth: 2}),
        Plot.dot(rows, {
          x: "width",
          y: measure,
          fill: "setting",
          r: 3,
          tip: true,
          title: (d: DiversityRow) => `${d.setting}, W = ${formatCount(d.width)}: ${formatCount(d[measure])} (${title})`
        })
      ]
    });
  const box = document.createElement("div");
  box.style.display = "flex";
  box.style.flexWrap = "wrap";
  box.style.gap = "0 16px";
  const each = narrow ? width : Math.floor((width - 16) / 2);
  box.append(
    panel("distinctFeatures", "↑ distinct first-layer features", each, true),
    panel("switchRank", `↑ rank over ${rows[0]?.samples ?? 120} inputs`, each, narrow)
  );
  return box;
}
