/** Tick values for log axes: one labelled grid line per power of ten (Plot's default adds many minor lines). */

/** Powers of ten spanning the positive values. */
export function decades(values: number[]): number[] {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  if (positive.length === 0) return [1];
  const lo = Math.floor(Math.log10(Math.min(...positive)));
  const hi = Math.ceil(Math.log10(Math.max(...positive)));
  return Array.from({length: hi - lo + 1}, (_, i) => 10 ** (lo + i));
}
