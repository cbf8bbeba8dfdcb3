/**
 * The Switch Net 4 layer (SPEC.md, forward pass step 4): n/m mini dense layers of width m with
 * two-sided switching, joined by the WHT with its first log2(m) stages skipped.
 *
 * Weights of one layer, flat, length 2·m·n: W[j, s, o] at (j·2 + s)·m + o, where j = g·m + i is
 * the element (group g, position i), s the branch (0 when v[j] ≥ 0, 1 when v[j] < 0) and o the
 * output within the group. Forward, per group g:
 *   y[g, o] = Σ_i v[g, i] · W[g·m + i, s(v[g, i]), o],   then   v ← T_m(y) / √(n/m).
 * Backward: the gradient through T_m/√(n/m) is T_m/√(n/m) again (every stage is symmetric); then
 * dW[j, s, o] += v[j]·gy[g, o] for the selected s only, and gv[j] = Σ_o W[j, s, o]·gy[g, o].
 *
 * The branch index is computed as +(v < 0), without a jump: signs are close to random, and a
 * mispredicted branch per element cost about 3× the time of the arithmetic (measured).
 *
 * Initialisation ("zero curvature"): for each group, a seeded Haar-random orthogonal m×m block Q
 * in both branches, W[g·m + i, s, o] = Q[i][o], so each group computes y = Qᵀv and the layer is an
 * orthogonal linear map T_m·blockdiag(Qᵀ)/√(n/m). Each branch weight then gets its own
 * initNoise·N(0, 1)/√m, which breaks the symmetry between branches. A random block rather than
 * H_m/√m: with H_m blocks the layer would equal the normalised WHT, which undoes the projection.
 */
import type {Rng} from "./random.js";
import type {WidthLayer} from "./types.js";
import {
  switchBackwardHeadSimd,
  switchBackwardSimd,
  switchForwardHeadSimd,
  switchForwardPeriodicSimd,
  switchForwardSimd,
  switchLayerSimdAvailable,
  switchTeamKernels,
  switchWeightBackwardPeriodicSimd,
  switchWeightBackwardSimd
} from "./kernels/switchLayer.js";
import {whtBatch} from "./wht.js";

/** Weights stored per Switch Net 4 layer of width n and group size m: 2·m·n. */
export function switchNetLayerSize(n: number, m: number): number {
  return 2 * m * n;
}

/**
 * A Haar-random m×m orthogonal matrix, row-major, from Gram–Schmidt on a Gaussian matrix
 * (float64, re-orthogonalised once for accuracy).
 */
export function randomOrthogonal(m: number, rng: Rng): Float64Array {
  const q = new Float64Array(m * m);
  for (let i = 0; i < m * m; i++) q[i] = rng.normal();
  for (let r = 0; r < m; r++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < r; p++) {
        let d = 0;
        for (let c = 0; c < m; c++) d += q[r * m + c] * q[p * m + c];
        for (let c = 0; c < m; c++) q[r * m + c] -= d * q[p * m + c];
      }
    }
    let norm = 0;
    for (let c = 0; c < m; c++) norm += q[r * m + c] * q[r * m + c];
    norm = Math.sqrt(norm);
    for (let c = 0; c < m; c++) q[r * m + c] /= norm;
  }
  return q;
}

/** Zero-curvature initialisation of one layer's weights (see the file comment). */
export function initSwitchNetLayer(w: Float32Array, n: number, m: number, rng: Rng, noise: number): void {
  const sigma = noise / Math.sqrt(m);
  for (let g = 0; g < n / m; g++) {
    const q = randomOrthogonal(m, rng);
    for (let i = 0; i < m; i++) {
      const j = g * m + i;
      for (let s = 0; s < 2; s++) {
        for (let o = 0; o < m; o++) w[(j * 2 + s) * m + o] = q[i * m + o] + sigma * rng.normal();
      }
    }
  }
}

/** y = the layer applied to each of `batch` width-n rows of x (x is not changed). */
export function switchNetForward(
  x: Float32Array,
  y: Float32Array,
  w: Float32Array,
  n: number,
  m: number,
  batch: number
): void {
  // The WebAssembly SIMD kernel when loaded (m = 4, 8, 16; same maths, float32 rounding apart).
  if (switchForwardSimd(x, y, w, n, m, batch)) return;
  if (m === 4) {
    forward4(x, y, w, n, batch);
  } else {
    for (let r = 0; r < batch * n; r += n) {
      for (let j = 0, wg = 0; j < n; j += m, wg += 2 * m * m) {
        const base = r + j;
        for (let o = 0; o < m; o++) y[base + o] = 0;
        for (let i = 0; i < m; i++) {
          const v = x[base + i];
          const wo = wg + (2 * i + +(v < 0)) * m;
          for (let o = 0; o < m; o++) y[base + o] += v * w[wo + o];
        }
      }
    }
  }
  whtBatch(y, {size: n, from: m, normalize: true});
}

/** The mini layers for m = 4, unrolled (the default group size; same arithmetic as the loop). */
function forward4(x: Float32Array, y: Float32Array, w: Float32Array, n: number, batch: number): void {
  for (let r = 0; r < batch * n; r += n) {
    for (let j = 0, wg = 0; j < n; j += 4, wg += 32) {
      const base = r + j;
      const v0 = x[base];
      const v1 = x[base + 1];
      const v2 = x[base + 2];
      const v3 = x[base + 3];
      const a = wg + (+(v0 < 0) << 2);
      const b = wg + 8 + (+(v1 < 0) << 2);
      const c = wg + 16 + (+(v2 < 0) << 2);
      const d = wg + 24 + (+(v3 < 0) << 2);
      y[base] = v0 * w[a] + v1 * w[b] + v2 * w[c] + v3 * w[d];
      y[base + 1] = v0 * w[a + 1] + v1 * w[b + 1] + v2 * w[c + 1] + v3 * w[d + 1];
      y[base + 2] = v0 * w[a + 2] + v1 * w[b + 2] + v2 * w[c + 2] + v3 * w[d + 2];
      y[base + 3] = v0 * w[a + 3] + v1 * w[b + 3] + v2 * w[c + 3] + v3 * w[d + 3];
    }
  }
}

/**
 * Backward of `switchNetForward`: gy (the gradient at the layer output) is overwritten as
 * scratch, gx receives the gradient at the layer input, gw accumulates the weight gradient.
 */
export function switchNetBackward(
  x: Float32Array,
  gy: Float32Array,
  gx: Float32Array,
  w: Float32Array,
  gw: Float32Array,
  n: number,
  m: number,
  batch: number
): void {
  if (switchBackwardSimd(x, gy, gx, w, gw, n, m, batch)) return;
  whtBatch(gy, {size: n, from: m, normalize: true});
  if (m === 4) {
    backward4(x, gy, gx, w, gw, n, batch);
    return;
  }
  for (let r = 0; r < batch * n; r += n) {
    for (let j = 0, wg = 0; j < n; j += m, wg += 2 * m * m) {
      const base = r + j;
      for (let i = 0; i < m; i++) {
        const v = x[base + i];
        const wo = wg + (2 * i + +(v < 0)) * m;
        let s = 0;
        for (let o = 0; o < m; o++) {
          const g = gy[base + o];
          gw[wo + o] += v * g;
          s += w[wo + o] * g;
        }
        gx[base + i] = s;
      }
    }
  }
}

/** The mini-layer backward for m = 4, unrolled. */
function backward4(
  x: Float32Array,
  gy: Float32Array,
  gx: Float32Array,
  w: Float32Array,
  gw: Float32Array,
  n: number,
  batch: number
): void {
  for (let r = 0; r < batch * n; r += n) {
    for (let j = 0, wg = 0; j < n; j += 4, wg += 32) {
      const base = r + j;
      const g0 = gy[base];
      const g1 = gy[base + 1];
      const g2 = gy[base + 2];
      const g3 = gy[base + 3];
      const v0 = x[base];
      const v1 = x[base + 1];
      const v2 = x[base + 2];
      const v3 = x[base + 3];
      gx[base] = element4(v0, wg + (+(v0 < 0) << 2), g0, g1, g2, g3, w, gw);
      gx[base + 1] = element4(v1, wg + 8 + (+(v1 < 0) << 2), g0, g1, g2, g3, w, gw);
      gx[base + 2] = element4(v2, wg + 16 + (+(v2 < 0) << 2), g0, g1, g2, g3, w, gw);
      gx[base + 3] = element4(v3, wg + 24 + (+(v3 < 0) << 2), g0, g1, g2, g3, w, gw);
    }
  }
}

/** One element's share of the m = 4 backward: dW[wo + o] += v·g_o; returns Σ_o W[wo + o]·g_o. */
function element4(
  v: number,
  wo: number,
  g0: number,
  g1: number,
  g2: number,
  g3: number,
  w: Float32Array,
  gw: Float32Array
): number {
  gw[wo] += v * g0;
  gw[wo + 1] += v * g1;
  gw[wo + 2] += v * g2;
  gw[wo + 3] += v * g3;
  return w[wo] * g0 + w[wo + 1] * g1 + w[wo + 2] * g2 + w[wo + 3] * g3;
}

/**
 * `switchNetBackward` without the gradient at the layer input: gy (overwritten) gets the same WHT
 * and gw the same additions in the same order (the same bits), and no input gradient is computed.
 */
export function switchNetWeightBackward(
  x: Float32Array,
  gy: Float32Array,
  w: Float32Array,
  gw: Float32Array,
  n: number,
  m: number,
  batch: number
): void {
  if (switchWeightBackwardSimd(x, gy, w, gw, n, m, batch)) return;
  if (switchLayerSimdAvailable(n, m)) {
    // A team is active: its split backward, the input gradient into scratch (same gw bits).
    switchNetBackward(x, gy, new Float32Array(batch * n), w, gw, n, m, batch);
    return;
  }
  whtBatch(gy, {size: n, from: m, normalize: true});
  for (let r = 0; r < batch * n; r += n) {
    for (let j = 0, wg = 0; j < n; j += m, wg += 2 * m * m) {
      const base = r + j;
      for (let i = 0; i < m; i++) {
        const v = x[base + i];
        const wo = wg + (2 * i + +(v < 0)) * m;
        for (let o = 0; o < m; o++) gw[wo + o] += v * gy[base + o];
      }
    }
  }
}

/** The Switch Net 4 layer of width n and group size m, in the shape the model frame runs. */
export function switchNetLayer(n: number, m: number): WidthLayer {
  return {
    name: "switchnet4",
    width: n,
    size: switchNetLayerSize(n, m),
    init: (w, rng, noise) => initSwitchNetLayer(w, n, m, rng, noise),
    forward: (x, y, w, batch) => switchNetForward(x, y, w, n, m, batch),
    backward: (x, gy, gx, w, gw, batch) => switchNetBackward(x, gy, gx, w, gw, n, m, batch),
    weightBackward: (x, gy, w, gw, batch) => switchNetWeightBackward(x, gy, w, gw, n, m, batch),
    rowwise: true,
    // the first group of each row alone (the WebAssembly SIMD kernels only; see switchForwardHeadSimd)
    headWidth: m,
    forwardHead: (x, head, w, batch) => switchForwardHeadSimd(x, head, w, n, m, batch),
    backwardHead: (x, g, gx, w, gw, batch) => switchBackwardHeadSimd(x, g, gx, w, gw, n, m, batch),
    // inputs that repeat a pattern (the SIMD kernels only; see switchForwardPeriodicSimd)
    forwardPeriodic: (patterns, period, y, w, batch) => switchForwardPeriodicSimd(patterns, period, y, w, n, m, batch),
    weightBackwardPeriodic: (patterns, period, gy, w, gw, batch) =>
      switchWeightBackwardPeriodicSimd(patterns, period, gy, w, gw, n, m, batch),
    // the same work as kernel calls for a team of threads (lib/model.ts's threaded path)
    teamKernels: () => switchTeamKernels(n, m)
  };
}
