/**
 * Shared names and colours of the capacity page's contenders, so every figure agrees.
 */
export const CONTENDER_LABELS: Record<string, string> = {
  "switchnet4-m4": "Switch Net 4 (m = 4)",
  "switchnet4-m8": "Switch Net 4 (m = 8)",
  butterfly: "learned butterfly",
  filterbank: "fixed filter bank",
  dense: "dense"
};

export const CONTENDER_ORDER = Object.keys(CONTENDER_LABELS);

export const CONTENDER_COLORS = ["#4269d0", "#97bbf5", "#3ca951", "#efb118", "#ff725c"];

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
