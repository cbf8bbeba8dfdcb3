/** Tick values for log axes: one labelled grid line per power of ten (Plot's default adds many minor lines). */
import {ticks} from "d3";

/** Powers of ten spanning the positive values. */
export function decades(values: number[]): number[] {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  if (positive.length === 0) return [1];
  const lo = Math.floor(Math.log10(Math.min(...positive)));
  const hi = Math.ceil(Math.log10(Math.max(...positive)));
  return Array.from({length: hi - lo + 1}, (_, i) => 10 ** (lo + i));
}

/**
 * Labelled ticks for a log axis over the positive values, all inside their range (a tick outside
 * it would be drawn outside the frame, on top of the other axis's labels): the powers of ten there
 * when there are at least two, otherwise three or four round numbers (values within one decade).
 */
export function decadesWithin(values: readonly number[]): number[] {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  if (positive.length === 0) return [];
  const lo = Math.min(...positive),
    hi = Math.max(...positive);
  const inside = decades(positive).filter((t) => t >= lo && t <= hi);
  if (inside.length >= 2) return inside;
  const round = ticks(lo, hi, 3).filter((t) => t > 0);
  return round.length ? round : [lo];
}
