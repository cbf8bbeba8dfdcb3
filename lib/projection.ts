/**
 * How an input enters a width-W network and how its output leaves: sign-flip patterns, input
 * placement (zero-pad or repeat), the optional "adjust" to RMS 1, the projection
 * v ← WHT(D ⊙ v)/√W and the output flips — each with its exact backward, over flat batches.
 *
 * Sign flips come in two kinds (SPEC.md, ingredient 1):
 * - "random": seeded coin flips (one uniform draw per element, −1 when below 1/2).
 * - "subrandom": the additive recurrence (golden-ratio Kronecker sequence)
 *   flips[i] = frac(c + i·0.6180339887) < 0.5 ? −1 : +1, with the phase c ∈ [0, 1) drawn from the
 *   seed. Its runs are 1 or 2 long and every prefix stays balanced to within a few elements
 *   (discrepancy O(log n)), where random flips drift like √n.
 */
import {checkFloat32Array, checkInteger, checkOneOf, checkPowerOfTwo, fail} from "./check.js";
import {createRng} from "./random.js";
import {PROJECTION_KINDS, type ProjectionKind} from "./types.js";
import {multiplyRows} from "./kernels/rows.js";
import {whtBatch} from "./wht.js";
import {checkOptions} from "./check.js";

/** The golden-ratio step of the sub-random recurrence, as SPEC.md writes it. */
export const SUBRANDOM_STEP = 0.6180339887;

/** ε in adjust's v / sqrt(mean(v²) + ε): keeps an all-zero input finite (it stays zero). */
export const ADJUST_EPSILON = 1e-8;

export interface SignFlipOptions {
  /** "random" coin flips or a "subrandom" low-discrepancy pattern (default "subrandom"). */
  kind?: ProjectionKind;
  /** Seed of the pattern (default 1). The same seed gives the same pattern. */
  seed?: number;
}

/** A seeded pattern of n signs (±1), for D in WHT(D ⊙ v). */
export function signFlips(n: number, options: SignFlipOptions = {}): Float32Array {
  options = checkOptions("options", options);
  checkInteger("n", n, 1);
  const kind = checkOneOf("kind", options.kind ?? "subrandom", PROJECTION_KINDS);
  const rng = createRng(checkInteger("seed", options.seed ?? 1));
  const flips = new Float32Array(n);
  if (kind === "random") {
    for (let i = 0; i < n; i++) flips[i] = rng.next() < 0.5 ? -1 : 1;
  } else {
    const c = rng.next();
    for (let i = 0; i < n; i++) {
      const t = c + i * SUBRANDOM_STEP;
      flips[i] = t - Math.floor(t) < 0.5 ? -1 : 1;
    }
  }
  return flips;
}

function checkFlips(v: Float32Array, flips: Float32Array): number {
  checkFloat32Array("v", v);
  checkFloat32Array("flips", flips);
  const n = checkPowerOfTwo("flips.length", flips.length);
  if (v.length % n !== 0) fail(`v.length must be a multiple of flips.length ${n}, got ${v.length}`);
  return n;
}

/**
 * In place, for every length-n vector stored back to back in v (n = flips.length):
 * v ← WHT(flips ⊙ v), divided by √n when `normalize` (then it is orthogonal). Returns v.
 */
export function project(v: Float32Array, flips: Float32Array, normalize = true): Float32Array {
  const n = checkFlips(v, flips);
  multiplyFlips(v, flips);
  return whtBatch(v, {size: n, normalize});
}

/**
 * The transpose of `project` (its backward): g ← flips ⊙ WHT(g) (/√n when `normalize`), in place.
 * With `normalize` it is also the inverse of `project`.
 */
export function projectTranspose(g: Float32Array, flips: Float32Array, normalize = true): Float32Array {
  const n = checkFlips(g, flips);
  whtBatch(g, {size: n, normalize});
  return multiplyFlips(g, flips);
}

/** v[b·n + j] *= flips[j] for every vector b (n = flips.length). Returns v. */
export function multiplyFlips(v: Float32Array, flips: Float32Array): Float32Array {
  const n = flips.length;
  // The WebAssembly SIMD kernel when loaded (±1 factors: the same bits as this loop).
  if (v.length % n === 0 && multiplyRows(v, n, v, n, flips, n, v.length / n)) return v;
  for (let off = 0; off < v.length; off += n) {
    for (let j = 0; j < n; j++) v[off + j] *= flips[j];
  }
  return v;
}

/** Input placement: "pad" zero-fills the rest of the width; "repeat" tiles the input. */
export type Placement = "pad" | "repeat";

/**
 * The scale of each repeated copy: √(k/n) for an input of k features in width n, so that when k
 * divides n the placed vector has the input's norm. (When it does not, the last copy is cut short
 * and the norm is only close.) Padding does not scale.
 */
export function placementScale(placement: Placement, inputSize: number, width: number): number {
  return placement === "repeat" ? Math.sqrt(inputSize / width) : 1;
}

/**
 * Writes each of `batch` inputs (k features each) into a width-n row of `out`:
 * "pad" copies it and zero-fills; "repeat" writes out[b, j] = scale·x[b, j mod k].
 * Every repeated copy then meets different flips in the projection.
 */
export function placeForward(
  x: Float32Array,
  out: Float32Array,
  batch: number,
  k: number,
  n: number,
  placement: Placement
): void {
  const scale = placementScale(placement, k, n);
  for (let b = 0; b < batch; b++) {
    const xo = b * k;
    const oo = b * n;
    if (placement === "pad") {
      for (let j = 0; j < k; j++) out[oo + j] = x[xo + j];
      out.fill(0, oo + k, oo + n);
    } else {
      for (let j = 0; j < n; j++) out[oo + j] = scale * x[xo + (j % k)];
    }
  }
}

/** Backward of `placeForward`: gx[b, i] = gradient of row b at i (pad), or scale·Σ over copies (repeat). */
export function placeBackward(
  g: Float32Array,
  gx: Float32Array,
  batch: number,
  k: number,
  n: number,
  placement: Placement
): void {
  const scale = placementScale(placement, k, n);
  for (let b = 0; b < batch; b++) {
    const xo = b * k;
    const go = b * n;
    if (placement === "pad") {
      for (let i = 0; i < k; i++) gx[xo + i] = g[go + i];
    } else {
      for (let i = 0; i < k; i++) {
        let s = 0;
        for (let j = i; j < n; j += k) s += g[go + j];
        gx[xo + i] = scale * s;
      }
    }
  }
}

/**
 * Adjust, in place: each width-n row v becomes v / r with r = sqrt(mean(v²) + ε); r is stored in
 * `rms[b]` for the backward.
 */
export function adjustForward(v: Float32Array, rms: Float32Array, batch: number, n: number): void {
  for (let b = 0; b < batch; b++) {
    const o = b * n;
    let ss = 0;
    for (let j = 0; j < n; j++) ss += v[o + j] * v[o + j];
    const r = Math.sqrt(ss / n + ADJUST_EPSILON);
    rms[b] = r;
    const inv = 1 / r;
    for (let j = 0; j < n; j++) v[o + j] *= inv;
  }
}

/**
 * Backward of adjust, in place on g. With u = v/r the adjusted row,
 * ∂u_i/∂v_j = (δ_ij − u_i·u_j/n)/r, so g ← (g − u·(u·g)/n)/r.
 */
export function adjustBackward(u: Float32Array, rms: Float32Array, g: Float32Array, batch: number, n: number): void {
  for (let b = 0; b < batch; b++) {
    const o = b * n;
    let dot = 0;
    for (let j = 0; j < n; j++) dot += u[o + j] * g[o + j];
    const c = dot / n;
    const inv = 1 / rms[b];
    for (let j = 0; j < n; j++) g[o + j] = (g[o + j] - u[o + j] * c) * inv;
  }
}
