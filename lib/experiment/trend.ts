/**
 * The memorisation trend: a straight line through log₂ N (the largest number of pairs fitted)
 * against log₂ of the reference width, fitted by least squares to the widest searched widths,
 * and the N it predicts at a wider point. The capacity probes of run.ts test that prediction
 * with one fit / no-fit probe on each side of it instead of assuming it.
 */
import {fail} from "../check.js";

export interface TrendPoint {
  refWidth: number;
  /** The contender's width at that reference width and budget. */
  width: number;
  /** The median over seeds of the largest N fitted. */
  capacity: number;
  /** The seeds' largest N fitted, in seed order. */
  seeds: number[];
  /** True when a seed fitted the search's largest N (the capacity is at least this, not this). */
  censored: boolean;
}

export interface Trend {
  points: TrendPoint[];
  /** d log₂ N / d log₂ refWidth: 1 means N doubles with the reference width. */
  slope: number;
  /** The N the line gives at `refWidth`. */
  refWidth: number;
  predicted: number;
}

/** The median of a non-empty list (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) fail("median needs at least one value");
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Fits the line to the points (at least two distinct reference widths, every capacity above 0)
 * and predicts N at `refWidth`. Throws a SwitchNetError naming the point that cannot be used.
 */
export function fitTrend(points: readonly TrendPoint[], refWidth: number): Trend {
  if (points.length < 2) fail(`a trend needs at least 2 searched widths, got ${points.length}`);
  for (const p of points) {
    if (!(p.capacity > 0))
      fail(`a trend needs every capacity above 0, got ${p.capacity} at reference width ${p.refWidth}`);
  }
  const xs = points.map((p) => Math.log2(p.refWidth));
  const ys = points.map((p) => Math.log2(p.capacity));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxx += (xs[i] - mx) ** 2;
    sxy += (xs[i] - mx) * (ys[i] - my);
  }
  if (!(sxx > 0))
    fail(`a trend needs at least 2 distinct reference widths, got ${points.map((p) => p.refWidth).join(", ")}`);
  const slope = sxy / sxx;
  const predicted = 2 ** (my + slope * (Math.log2(refWidth) - mx));
  return {points: [...points], slope, refWidth, predicted};
}
