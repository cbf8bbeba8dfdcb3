/**
 * Shared names and colours of the capacity page's contenders, and the marks and panels its
 * figures share, so every figure agrees.
 */
import * as Plot from "@observablehq/plot";
import {decadesWithin} from "../log-ticks.js";

export const CONTENDER_LABELS: Record<string, string> = {
  "switchnet4-m4": "Switch Net 4, 1 round",
  "switchnet4-m4-r2": "Switch Net 4, 2 rounds",
  "filterbank-r2": "fixed filter bank, 2 rounds",
  dense: "dense",
  "switchnet4-m8-r2": "Switch Net 4 m = 8, 2 rounds",
  "butterfly-r2": "learned butterfly, 2 rounds",
  // The first method's contenders (superseded records), for anyone reading them with these figures.
  "switchnet4-m8": "Switch Net 4 (m = 8)",
  butterfly: "learned butterfly",
  filterbank: "fixed filter bank"
};

/** The current method's contenders, in the plan's order: the colour scale and its legend. */
export const CONTENDER_ORDER = [
  "switchnet4-m4",
  "switchnet4-m4-r2",
  "filterbank-r2",
  "dense",
  "switchnet4-m8-r2",
  "butterfly-r2"
];

export const CONTENDER_COLORS = ["#97bbf5", "#4269d0", "#3ca951", "#ff725c", "#a463f2", "#efb118"];

/** A Plot colour scale over the contenders' labels. */
export function contenderColor(): {domain: string[]; range: string[]; legend: boolean} {
  return {domain: CONTENDER_ORDER.map((c) => CONTENDER_LABELS[c]), range: CONTENDER_COLORS, legend: true};
}

export function label(contender: string): string {
  return CONTENDER_LABELS[contender] ?? contender;
}

export const BUDGET_SHORT: Record<string, string> = {
  params: "equal stored parameters",
  edges: "equal connections",
  macs: "equal multiply-adds"
};

export const METRIC_LABELS: Record<string, string> = {
  nmse: "normalised mean squared error",
  "error-rate": "error rate"
};

/** Facet labels for narrow screens (the full names overlap below ~640 px). */
export const BUDGET_TINY: Record<string, string> = {
  "equal stored parameters": "params",
  "equal connections": "connections",
  "equal multiply-adds": "mult-adds"
};

/** A facet tick format: full budget names when there is room, short ones otherwise. */
export function budgetTickFormat(width: number): (d: string) => string {
  return width < 640 ? (d) => BUDGET_TINY[d] ?? d : (d) => d;
}

type Channel<T> = string | ((d: T) => number);

/**
 * The marks every "value against size" figure of the capacity page draws: a bar from low to high
 * (the spread over seeds or runs), a line through the means, dots, and a tip. `fx` facets by a
 * field when given (one panel per budget).
 */
export function spreadMarks<T>(
  rows: readonly T[],
  {
    x,
    y,
    y1,
    y2,
    fx,
    title
  }: {
    x: string;
    y: Channel<T>;
    y1: Channel<T>;
    y2: Channel<T>;
    fx?: string;
    title: (d: T) => string;
  }
): Plot.Markish[] {
  const facet = fx === undefined ? {} : {fx};
  return [
    ...(fx === undefined ? [] : [Plot.frame({stroke: "#ccc"})]),
    Plot.ruleX(rows, {...facet, x, y1, y2, stroke: "contender", strokeOpacity: 0.6}),
    Plot.line(rows, {...facet, x, y, stroke: "contender", sort: x, strokeWidth: 1.5}),
    Plot.dot(rows, {...facet, x, y, fill: "contender", r: 3.5}),
    Plot.tip(rows, Plot.pointer({...facet, x, y, title}))
  ];
}

/**
 * Labelled ticks for the budget axis over the targets shown: the powers of ten inside their range
 * (or a few round numbers within one decade), every other one in a panel narrower than a desktop's
 * (Plot's own log ticks crowd a narrow panel: 2k, 3k and 4k collide at 390 px).
 */
export function budgetTicks(targets: readonly number[], width: number): number[] {
  const all = decadesWithin(targets);
  return width < 640 && all.length > 2 ? all.filter((_, i) => i % 2 === 0) : all;
}

/** Plot options of a figure with one panel per budget and the reference layer's budget (`targets`) on x. */
export function budgetPanels(
  width: number,
  targets: readonly number[]
): Pick<Plot.PlotOptions, "width" | "height" | "marginLeft" | "marginBottom" | "fx" | "x" | "color"> {
  return {
    width,
    height: 320,
    marginLeft: 56,
    marginBottom: 44,
    fx: {label: null, domain: Object.values(BUDGET_SHORT), tickFormat: budgetTickFormat(width)},
    x: {
      type: "log",
      label: "budget of the reference Switch Net 4 layer (per layer) →",
      tickFormat: "~s",
      ticks: budgetTicks(targets, width)
    },
    color: contenderColor()
  };
}
