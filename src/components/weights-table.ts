/**
 * Data for the "Weights per input point" page, from the library's `counts`: per-point and
 * per-layer counts of a Switch Net 4 layer against a dense layer for every power-of-two width,
 * and the equal-count partner of a width in either direction (65,536 ↔ 1448 by edges).
 * Fixed ±1 butterfly edges are connections, never parameters: they are counted apart.
 */
import {checkInteger, checkPowerOfTwo, fail} from "../lib/check.js";
import {counts, equalDenseWidth} from "../lib/counts.js";

export interface WeightsRow {
  /** Layer width W. */
  width: number;
  /** Switch Net 4, per input point. */
  edgesPerPoint: number;
  learnedPerPoint: number;
  fixedPerPoint: number;
  storedPerPoint: number;
  activePerPoint: number;
  /** A dense layer of width W, per input point (edges = weights = multiply-adds). */
  densePerPoint: number;
  /** Switch Net 4, whole layer. */
  edges: number;
  stored: number;
  active: number;
  fixed: number;
  /** Width of the square dense layer with (about) as many weights as the layer has edges / stored / active. */
  denseByEdges: number;
  denseByStored: number;
  denseByActive: number;
}

export function weightsRow(width: number, groupSize: number): WeightsRow {
  const sn = counts("switchnet4", width, {groupSize});
  const dense = counts("dense", width);
  return {
    width,
    edgesPerPoint: sn.edgesPerPoint,
    learnedPerPoint: sn.learnedEdges / width,
    fixedPerPoint: sn.fixedEdges / width,
    storedPerPoint: sn.stored / width,
    activePerPoint: sn.active / width,
    densePerPoint: dense.edgesPerPoint,
    edges: sn.edges,
    stored: sn.stored,
    active: sn.active,
    fixed: sn.fixedEdges,
    denseByEdges: equalDenseWidth(width, {groupSize, by: "edges"}),
    denseByStored: equalDenseWidth(width, {groupSize, by: "stored"}),
    denseByActive: equalDenseWidth(width, {groupSize, by: "active"})
  };
}

/** One row per power-of-two width from max(4, m) to 2^maxLog2. */
export function weightsRows(groupSize: number, maxLog2 = 20): WeightsRow[] {
  checkInteger("maxLog2", maxLog2, 2, 30);
  const rows: WeightsRow[] = [];
  for (let w = Math.max(4, groupSize); w <= 2 ** maxLog2; w *= 2) rows.push(weightsRow(w, groupSize));
  return rows;
}

export interface SeriesPoint {
  width: number;
  series: string;
  value: number;
}

export const WEIGHT_SERIES = {
  dense: "dense: W edges = W weights per point",
  edges: "Switch Net 4: all edges per point",
  fixed: "Switch Net 4: fixed ±1 edges (not parameters)",
  stored: "Switch Net 4: stored weights per point (2m)",
  active: "Switch Net 4: active weights per point (m)"
} as const;

/** Long-format per-point series for the chart. */
export function weightsSeries(rows: WeightsRow[]): SeriesPoint[] {
  return rows
    .flatMap((r) => [
      {width: r.width, series: WEIGHT_SERIES.dense, value: r.densePerPoint},
      {width: r.width, series: WEIGHT_SERIES.edges, value: r.edgesPerPoint},
      {width: r.width, series: WEIGHT_SERIES.fixed, value: r.fixedPerPoint},
      {width: r.width, series: WEIGHT_SERIES.stored, value: r.storedPerPoint},
      {width: r.width, series: WEIGHT_SERIES.active, value: r.activePerPoint}
    ])
    .filter((p) => p.value > 0);
}

/**
 * The power-of-two Switch Net 4 width whose layer has about as many edges as a dense layer of
 * width `denseWidth` has weights (nearest on a log scale): 1448 → 65,536.
 */
export function switchNetPartner(denseWidth: number, groupSize = 4, maxLog2 = 30): number {
  checkInteger("denseWidth", denseWidth, 2, 2 ** 24);
  const target = denseWidth * denseWidth;
  let best = 0;
  let bestGap = Infinity;
  for (let w = Math.max(4, groupSize); w <= 2 ** maxLog2; w *= 2) {
    const gap = Math.abs(Math.log(counts("switchnet4", w, {groupSize}).edges / target));
    if (gap < bestGap) {
      best = w;
      bestGap = gap;
    }
  }
  if (best === 0) fail(`no Switch Net 4 width up to 2^${maxLog2} for dense width ${denseWidth}`);
  return best;
}

/**
 * The partners of a Switch Net 4 width (a power of two) as a sentence's numbers, with the learned
 * butterfly of the same width (every edge learned) for the equal-parameter comparison.
 */
export function partnerSummary(width: number, groupSize = 4) {
  checkPowerOfTwo("width", width);
  const row = weightsRow(width, groupSize);
  const butterfly = counts("butterfly", width);
  return {
    ...row,
    denseWeightsByEdges: row.denseByEdges ** 2,
    denseWeightsByStored: row.denseByStored ** 2,
    denseWeightsByActive: row.denseByActive ** 2,
    butterflyStored: butterfly.stored,
    butterflyActive: butterfly.active,
    denseByButterfly: equalDenseWidth(width, {kind: "butterfly", by: "active"})
  };
}
