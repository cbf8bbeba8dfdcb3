/**
 * Number formats every page shares, so a count reads the same everywhere ("65,536"), and the
 * short forms the playground and the Scratchpad show for losses, shares, rates and times.
 * A value that is missing or not finite shows as "–".
 */

/** Thousands separated as the site writes them: 65536 → "65,536" (up to three decimals kept). */
export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** A count and its noun, singular for one: (1, "run") → "1 run", (3, "run") → "3 runs" (plural: noun + "s" unless given). */
export function countOf(n: number, noun: string, plural = `${noun}s`): string {
  return `${formatCount(n)} ${n === 1 ? noun : plural}`;
}

/** A loss: `digits` decimals, or two significant figures in exponent form below 0.001. */
export function formatLoss(v: number | undefined, digits = 4): string {
  if (v === undefined || !Number.isFinite(v)) return "–";
  return v < 1e-3 && v > 0 ? v.toExponential(2) : v.toFixed(digits);
}

/** A share as a percentage with one decimal: 0.8125 → "81.3 %". */
export function formatPercent(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? "–" : `${(100 * v).toFixed(1)} %`;
}

/** A rate with about three significant figures: "1,234", "56.7", "0.81". */
export function formatRate3(v: number): string {
  return v >= 100 ? formatCount(Math.round(v)) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

/** A time in seconds, coarser as it grows: "850 ms", "4.2 s", "73 s" (never "0 ms"). */
export function formatSeconds(seconds: number): string {
  if (seconds < 1) return `${Math.max(1, Math.round(seconds * 1000))} ms`;
  return seconds < 10 ? `${seconds.toFixed(1)} s` : `${Math.round(seconds)} s`;
}

/** A time in milliseconds: "12 ms" below a second, "1.5 s" from there. */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
