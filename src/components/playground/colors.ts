/**
 * Colour mapping for the playground's learned-function pictures, as pure functions over
 * numbers and RGBA byte arrays (so they are testable without a canvas).
 *
 * - classification: blend the class colours by predicted probability, fading to the
 *   background where the model is unsure (uniform probabilities give the background);
 * - regression on a plane: a diverging scale, low = blue, middle = background, high = orange;
 * - pictures: outputs are colours already, clamped to [0, 1].
 */

export type Rgb = readonly [number, number, number];

/** Class colours (orange, blue first, as in TensorFlow Playground), then more for extra classes. */
export const CLASS_COLORS: readonly Rgb[] = [
  [245, 147, 34],
  [8, 119, 189],
  [46, 160, 67],
  [214, 39, 40],
  [148, 103, 189],
  [140, 86, 75],
  [227, 119, 194],
  [127, 127, 127],
  [188, 189, 34],
  [23, 190, 207]
];

export const LIGHT_BACKGROUND: Rgb = [255, 255, 255];
export const DARK_BACKGROUND: Rgb = [22, 22, 26];

export function classColor(k: number): Rgb {
  return CLASS_COLORS[((k % CLASS_COLORS.length) + CLASS_COLORS.length) % CLASS_COLORS.length];
}

/** Softmax of `k` logits at `offset`, written to `out` (no allocation). Stable for large logits. */
export function softmaxInto(logits: ArrayLike<number>, offset: number, k: number, out: Float64Array): void {
  let max = -Infinity;
  for (let c = 0; c < k; c++) max = Math.max(max, logits[offset + c]);
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const e = Math.exp(logits[offset + c] - max);
    out[c] = e;
    sum += e;
  }
  for (let c = 0; c < k; c++) out[c] = sum > 0 && Number.isFinite(sum) ? out[c] / sum : 1 / k;
}

/**
 * The colour for one point given class probabilities: the probability-weighted class colour,
 * mixed with the background by confidence (max p − 1/k) / (1 − 1/k), scaled by `strength`.
 */
export function classMix(
  probs: ArrayLike<number>,
  k: number,
  background: Rgb,
  strength = 0.85
): [number, number, number] {
  let r = 0,
    g = 0,
    b = 0,
    max = 0;
  for (let c = 0; c < k; c++) {
    const p = probs[c];
    const color = classColor(c);
    r += p * color[0];
    g += p * color[1];
    b += p * color[2];
    if (p > max) max = p;
  }
  const confidence = k > 1 ? Math.min(1, Math.max(0, (max - 1 / k) / (1 - 1 / k))) : 1;
  const t = confidence * strength;
  return [
    Math.round(background[0] + (r - background[0]) * t),
    Math.round(background[1] + (g - background[1]) * t),
    Math.round(background[2] + (b - background[2]) * t)
  ];
}

/** Diverging colour for value v on [lo, hi]: lo → blue, midpoint → background, hi → orange. NaN → grey. */
export function divergingColor(v: number, lo: number, hi: number, background: Rgb): [number, number, number] {
  if (!Number.isFinite(v)) return [128, 128, 128];
  const mid = (lo + hi) / 2;
  const half = (hi - lo) / 2;
  const t = half > 0 ? Math.max(-1, Math.min(1, (v - mid) / half)) : 0;
  const target = t >= 0 ? CLASS_COLORS[0] : CLASS_COLORS[1];
  const a = Math.abs(t);
  return [
    Math.round(background[0] + (target[0] - background[0]) * a),
    Math.round(background[1] + (target[1] - background[1]) * a),
    Math.round(background[2] + (target[2] - background[2]) * a)
  ];
}

/** A colour channel in [0, 1] to a byte (clamped; NaN → 0). */
export function toByte(v: number): number {
  if (!(v > 0)) return 0;
  if (v >= 1) return 255;
  return Math.round(v * 255);
}

export interface HeatmapOptions {
  /** "classes": `channels` logits per cell; "value": one value per cell; "rgb": 1 (grey) or 3 channels in [0, 1]. */
  mode: "classes" | "value" | "rgb";
  channels: number;
  background?: Rgb;
  /** Value range for mode "value" (default: the min and max of the values). */
  domain?: [number, number];
  /** How far a certain class prediction goes from the background to the class colour (default 0.85). */
  strength?: number;
}

/**
 * Fills `rgba` (length 4 × cells) from `outputs` (cells × channels, row-major, row 0 at the top).
 * Returns `rgba`.
 */
export function fillHeatmap(
  outputs: ArrayLike<number>,
  cells: number,
  options: HeatmapOptions,
  rgba: Uint8ClampedArray
): Uint8ClampedArray {
  const {mode, channels} = options;
  const background = options.background ?? LIGHT_BACKGROUND;
  if (outputs.length < cells * channels)
    throw new RangeError(`outputs must hold ${cells} × ${channels} values, got ${outputs.length}`);
  if (rgba.length < cells * 4) throw new RangeError(`rgba must hold ${cells * 4} bytes, got ${rgba.length}`);
  if (mode === "classes") {
    const probs = new Float64Array(Math.max(2, channels));
    for (let i = 0; i < cells; i++) {
      if (channels === 1) {
        // A single logit: the probability of class 1 is its sigmoid.
        const p1 = 1 / (1 + Math.exp(-outputs[i]));
        probs[0] = 1 - p1;
        probs[1] = p1;
      } else softmaxInto(outputs, i * channels, channels, probs);
      const [r, g, b] = classMix(probs, Math.max(2, channels), background, options.strength);
      rgba[4 * i] = r;
      rgba[4 * i + 1] = g;
      rgba[4 * i + 2] = b;
      rgba[4 * i + 3] = 255;
    }
  } else if (mode === "value") {
    let [lo, hi] = options.domain ?? extent(outputs, cells, channels);
    if (!(hi > lo)) [lo, hi] = [lo - 1, lo + 1];
    for (let i = 0; i < cells; i++) {
      const [r, g, b] = divergingColor(outputs[i * channels], lo, hi, background);
      rgba[4 * i] = r;
      rgba[4 * i + 1] = g;
      rgba[4 * i + 2] = b;
      rgba[4 * i + 3] = 255;
    }
  } else {
    for (let i = 0; i < cells; i++) {
      const o = i * channels;
      const r = toByte(outputs[o]);
      rgba[4 * i] = r;
      rgba[4 * i + 1] = channels >= 3 ? toByte(outputs[o + 1]) : r;
      rgba[4 * i + 2] = channels >= 3 ? toByte(outputs[o + 2]) : r;
      rgba[4 * i + 3] = 255;
    }
  }
  return rgba;
}

/** Min and max of the first channel over finite values ([0, 1] if there are none). */
export function extent(values: ArrayLike<number>, cells: number, channels: number): [number, number] {
  let lo = Infinity,
    hi = -Infinity;
  for (let i = 0; i < cells; i++) {
    const v = values[i * channels];
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

export function cssColor([r, g, b]: Rgb): string {
  return `rgb(${r}, ${g}, ${b})`;
}
