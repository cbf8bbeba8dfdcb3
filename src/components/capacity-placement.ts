/**
 * The placement check: test error of each WHT contender with its input zero-padded (the main
 * sweep) against the same contender with the input tiled under different sign flips ("repeat"),
 * at equal connections, with dense (which places nothing) as the yardstick. `placementRows`
 * joins the two summaries (testable); `placementChart` draws them.
 */
import * as Plot from "@observablehq/plot";
import {contenderColor, label} from "./capacity-colors.js";
import type {SummaryLike} from "./capacity-error-chart.js";

export interface PlacementRow {
  contender: string;
  placement: "pad" | "repeat" | "dense";
  refWidth: number;
  width: number;
  mean: number;
  min: number;
  max: number;
  seeds: number;
}

/**
 * Rows of one task and budget at the plateau, for every reference width the repeat sweep has:
 * each WHT contender twice (pad, repeat) and dense once. Points with no results are left out.
 */
export function placementRows(
  pad: readonly SummaryLike[], repeat: readonly SummaryLike[], task: string, budget = "edges"
): PlacementRow[] {
  const refs = new Set(repeat.filter((r) => r.task === task && r.budget === budget).map((r) => r.refWidth));
  const rows = (summary: readonly SummaryLike[], placement: (c: string) => PlacementRow["placement"]) => summary
    .filter((r) => r.task === task && r.budget === budget && refs.has(r.refWidth) && r.plateau !== null)
    .map((r): PlacementRow => ({
      contender: label(r.contender), placement: placement(r.contender), refWidth: r.refWidth, width: r.width,
      mean: r.plateau!.mean, min: r.plateau!.min, max: r.plateau!.max, seeds: r.plateau!.n
    }));
  return [
    ...rows(pad, (c) => c === "dense" ? "dense" : "pad"),
    ...rows(repeat, () => "repeat")
  ];
}

/** Mean error with repeat over mean error with pad, per contender and reference width (below 1: repeat helps). */
export function placementRatios(rows: readonly PlacementRow[]): {contender: string; refWidth: number; ratio: number}[] {
  const pad = new Map(rows.filter((r) => r.placement === "pad").map((r) => [`${r.contender}|${r.refWidth}`, r.mean]));
  return rows.filter((r) => r.placement === "repeat" && pad.has(`${r.contender}|${r.refWidth}`))
    .map((r) => ({contender: r.contender, refWidth: r.refWidth, ratio: r.mean / pad.get(`${r.contender}|${r.refWidth}`)!}));
}

const DASH: Record<PlacementRow["placement"], string | undefined> = {pad: undefined, dense: undefined, repeat: "5,3"};

export function placementChart(rows: PlacementRow[], {width = 640, yLabel = "test error"}: {width?: number; yLabel?: string} = {}): HTMLElement | SVGSVGElement {
  width = Math.max(320, width); // Framework can report 0 before layout
  const positive = rows.every((r) => r.min > 0);
  const groups = (["pad", "dense", "repeat"] as const).map((p) => rows.filter((r) => r.placement === p));
  return Plot.plot({
    width,
    height: 320,
    marginLeft: 56,
    marginRight: 28, // room for the last width's tick label
    // The reference widths are powers of 4, so a point scale spaces them as a log scale would, and
    // (unlike a log scale, whose labels d3 thins) labels every one.
    x: {type: "point", domain: [...new Set(rows.map((r) => r.refWidth))].sort((a, b) => a - b), inset: 12,
      label: "reference Switch Net 4 width (equal connections) →", tickFormat: (d: number) => d.toLocaleString("en-US")},
    y: {type: positive ? "log" : "linear", label: `↑ ${yLabel} at the plateau`, grid: true, tickFormat: "~g"},
    color: contenderColor(),
    marks: [
      ...groups.flatMap((g) => g.length === 0 ? [] : [
        Plot.ruleX(g, {x: "refWidth", y1: "min", y2: "max", stroke: "contender", strokeOpacity: 0.5}),
        Plot.line(g, {x: "refWidth", y: "mean", stroke: "contender", z: "contender", sort: "refWidth", strokeWidth: 1.5, strokeDasharray: DASH[g[0].placement]}),
        Plot.dot(g, {x: "refWidth", y: "mean", r: 3.5, ...(g[0].placement === "repeat" ? {stroke: "contender", fill: "white"} : {fill: "contender"})})
      ]),
      Plot.tip(rows, Plot.pointer({
        x: "refWidth", y: "mean",
        title: (d: PlacementRow) => `${d.contender}, W = ${d.width.toLocaleString("en-US")}, ` +
          `${d.placement === "dense" ? "no placement" : d.placement === "pad" ? "input zero-padded" : "input repeated"}\n` +
          `mean ${d.mean.toPrecision(3)} (min ${d.min.toPrecision(3)}, max ${d.max.toPrecision(3)}) over ${d.seeds} seed${d.seeds === 1 ? "" : "s"}`
      }))
    ]
  });
}
