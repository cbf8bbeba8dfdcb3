/**
 * The memorisation trend, tested at the seed's point: for each contender the line fitted to its
 * capacities at the widest searched widths, the N it predicts, and the two probes either side
 * of it, as table rows and a plain table.
 */
import type {TrendCheck} from "../../lib/experiment/summary.js";
import {BUDGET_SHORT, CONTENDER_LABELS} from "./colors.js";
import {plainTable} from "../plain-table.js";

const VERDICTS: Record<TrendCheck["verdict"], string> = {
  holds: "holds (within ×1.4)",
  over: "over-predicts",
  under: "under-predicts",
  pending: "pending",
  "no line": "no line: fewer than two widths fit any pairs"
};

const int = (n: number) => Math.round(n).toLocaleString("en-US");

/** One row of text cells per tested trend. */
export function trendRows(trends: readonly TrendCheck[]): string[][] {
  return trends.map((t) => {
    const label = CONTENDER_LABELS[t.contender] ?? t.contender;
    const model = t.contender === "dense" ? `${label} ${t.width}` : `${label}, W = ${int(t.width)}`;
    const points = t.points.map((p) => `${int(p.capacity)}${p.censored ? "+" : ""} at ${int(p.refWidth)}`).join(", ");
    const probes = t.probes
      .map(
        (p) =>
          `${int(p.n)}: ${p.fitted ? "fitted" : "failed"} (nmse ${p.error.toPrecision(2)}, ${int(p.steps)} steps${p.converged ? "" : ", cap"})`
      )
      .join("; ");
    const {slope, predicted} = t;
    const line = slope !== null && predicted !== null;
    return [
      model,
      t.budgets.map((b) => BUDGET_SHORT[b] ?? b).join(", "),
      points,
      line ? slope.toFixed(2) : "—",
      line ? int(predicted) : "—",
      line ? probes : "none (nothing to predict)",
      VERDICTS[t.verdict]
    ];
  });
}

/** The table of tested trends. */
export function trendTable(trends: readonly TrendCheck[]): HTMLTableElement {
  return plainTable(
    [
      "model",
      "budget",
      "measured N (median of seeds) at reference width",
      "slope (log–log)",
      "predicted N",
      "probes (pairs: result)",
      "trend"
    ],
    trendRows(trends)
  );
}
