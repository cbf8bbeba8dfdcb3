/**
 * The "Weights per input point" figure: per-point counts of a Switch Net 4 layer (all edges,
 * fixed ±1 edges, stored and active weights) against a dense layer's W, on log–log axes, with
 * the reader's chosen width marked.
 */
import * as Plot from "@observablehq/plot";
import {WEIGHT_SERIES, type SeriesPoint} from "./weights-table.js";
import {decadesWithin} from "./log-ticks.js";
import {formatCount} from "./format.js";

const COLORS = ["#ff725c", "#4269d0", "#9498a0", "#3ca951", "#efb118"];

export function weightsChart(
  points: SeriesPoint[],
  {width = 640, mark}: {width?: number; mark?: number} = {}
): SVGSVGElement | HTMLElement {
  const marked = points.filter((p) => p.width === mark);
  return Plot.plot({
    width,
    height: Math.round(Math.min(440, Math.max(280, width * 0.6))),
    marginLeft: 52,
    marginRight: 24,
    // Insets keep the first x tick ("2^2") and the lowest y tick ("1") apart in the corner.
    x: {
      type: "log",
      base: 2,
      label: "layer width W →",
      tickFormat: (d: number) => `2^${Math.log2(d)}`,
      ticks: width < 500 ? 5 : 10,
      inset: 12
    },
    y: {
      type: "log",
      label: "↑ per input point (count)",
      grid: true,
      tickFormat: "~s",
      ticks: decadesWithin(points.map((p) => p.value)),
      inset: 8
    },
    color: {domain: Object.values(WEIGHT_SERIES), range: COLORS, legend: true},
    marks: [
      mark ? Plot.ruleX([mark], {stroke: "currentColor", strokeOpacity: 0.35, strokeDasharray: "4 3"}) : null,
      // Fixed ±1 edges dashed: connections, not parameters.
      Plot.line(
        points.filter((d) => d.series !== WEIGHT_SERIES.fixed),
        {x: "width", y: "value", stroke: "series", strokeWidth: 2}
      ),
      Plot.line(
        points.filter((d) => d.series === WEIGHT_SERIES.fixed),
        {x: "width", y: "value", stroke: "series", strokeWidth: 2, strokeDasharray: "5 3"}
      ),
      Plot.dot(marked, {x: "width", y: "value", fill: "series", r: 4.5}),
      // Value labels beside the marked width; the fixed-edge label sits lower, clear of the all-edges one.
      Plot.text(
        marked.filter((d) => d.series !== WEIGHT_SERIES.fixed),
        {
          x: "width",
          y: "value",
          text: (d: SeriesPoint) => formatCount(d.value),
          dx: 8,
          dy: -3,
          textAnchor: "start",
          fill: "currentColor"
        }
      ),
      Plot.text(
        marked.filter((d) => d.series === WEIGHT_SERIES.fixed),
        {
          x: "width",
          y: "value",
          text: (d: SeriesPoint) => formatCount(d.value),
          dx: 8,
          dy: 9,
          textAnchor: "start",
          fill: "currentColor"
        }
      ),
      Plot.tip(
        points,
        Plot.pointer({
          x: "width",
          y: "value",
          stroke: "series",
          title: (d: SeriesPoint) => `${d.series}\nW = ${formatCount(d.width)}: ${formatCount(d.value)}`
        })
      )
    ]
  }) as SVGSVGElement | HTMLElement;
}
