/**
 * The Overview's cost figure: per-layer cost of a dense layer against a Switch Net 4 layer as the
 * width grows, from the library's `counts`. `costRows` is the data (testable); `costChart` draws
 * it with Plot on log–log axes.
 */
import * as Plot from "@observablehq/plot";
import {counts} from "../lib/counts.js";
import {formatCount} from "./format.js";

export interface CostRow {
  width: number;
  series: string;
  value: number;
}

export const COST_SERIES = {
  dense: "dense: weights = multiply-adds (W²)",
  snOps: "Switch Net 4: multiply-adds + fixed add/sub",
  snStored: "Switch Net 4: stored weights (2·m·W)",
  snActive: "Switch Net 4: multiply-adds (m·W)"
} as const;

/** One row per width (powers of two from 2^minLog2 to 2^maxLog2) and series. */
export function costRows(groupSize: number, minLog2 = 2, maxLog2 = 20): CostRow[] {
  const rows: CostRow[] = [];
  for (let k = Math.max(minLog2, Math.log2(groupSize)); k <= maxLog2; k++) {
    const width = 2 ** k;
    const dense = counts("dense", width);
    const sn = counts("switchnet4", width, {groupSize});
    rows.push({width, series: COST_SERIES.dense, value: dense.active});
    rows.push({width, series: COST_SERIES.snOps, value: sn.active + sn.addSub});
    rows.push({width, series: COST_SERIES.snStored, value: sn.stored});
    rows.push({width, series: COST_SERIES.snActive, value: sn.active});
  }
  return rows;
}

/** Ratio of dense cost to Switch Net 4 operations at `width`. */
export function costRatio(width: number, groupSize: number): number {
  const sn = counts("switchnet4", width, {groupSize});
  return counts("dense", width).active / (sn.active + sn.addSub);
}

export function costChart(
  rows: CostRow[],
  {width = 640, groupSize = 4}: {width?: number; groupSize?: number} = {}
): SVGSVGElement | HTMLElement {
  const series = Object.values(COST_SERIES);
  return Plot.plot({
    width,
    height: Math.round(Math.min(420, Math.max(260, width * 0.55))),
    marginLeft: 56,
    style: {overflow: "visible"},
    x: {
      type: "log",
      base: 2,
      label: "layer width W →",
      tickFormat: (d: number) => `2^${Math.log2(d)}`,
      ticks: width < 500 ? 5 : 10
    },
    y: {type: "log", label: "↑ per layer, per sample (count)", grid: true, tickFormat: "~s"},
    color: {domain: series, range: ["#ff725c", "#4269d0", "#3ca951", "#efb118"], legend: true},
    marks: [
      Plot.line(rows, {x: "width", y: "value", stroke: "series", strokeWidth: 2, marker: "circle-stroke"}),
      Plot.tip(
        rows,
        Plot.pointer({
          x: "width",
          y: "value",
          stroke: "series",
          title: (d: CostRow) => `${d.series}\nW = ${formatCount(d.width)} (m = ${groupSize})\n${formatCount(d.value)}`
        })
      )
    ]
  }) as SVGSVGElement | HTMLElement;
}
