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
 * Initialisation ("zero curvature"): for each group, a seeded Haar-random orthogonal m×m block Q
 * in both branches, W[g·m + i, s, o] = Q[i][o], so each group computes y = Qᵀv and the layer is an
 * orthogonal linear map T_m·blockdiag(Qᵀ)/√(n/m). Each branch weight then gets its own
 * initNoise·N(0, 1)/√m, which breaks the symmetry between branches. A random block rather than
 * H_m/√m: with H_m blocks the layer would equal the normalised WHT, which undoes the projection.
 */
import type {Rng} from "./random.js";
import type {WidthLayer} from "./model.js";
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
export function switchNetForward(x: Float32Array, y: Float32Array, w: Float32Array, n: number, m: number, batch: number): void {
  const total = batch * n;
  for (let base = 0; base < total; base += m) {
    for (let o = 0; o < m; o++) y[base + o] = 0;
    const wg = (base % n) * 2 * m;
    for (let i = 0; i < m; i++) {
      const v = x[base + i];
      const wo = wg + (2 * i + (v >= 0 ? 0 : 1)) * m;
      for (let o = 0; o < m; o++) y[base + o] += v * w[wo + o];
    }
  }
  whtBatch(y, {size: n, from: m, normalize: true});
}

/**
 * Backward of `switchNetForward`: gy (the gradient at the layer output) is overwritten as
 * scratch, gx receives the gradient at the layer input, gw accumulates the weight gradient.
 */
export function switchNetBackward(
  x: Float32Array, gy: Float32Array, gx: Float32Array, w: Float32Array, gw: Float32Array, n: number, m: number, batch: number
): void {
  whtBatch(gy, {size: n, from: m, normalize: true});
  const total = batch * n;
  for (let base = 0; base < total; base += m) {
    const wg = (base % n) * 2 * m;
    for (let i = 0; i < m; i++) {
      const v = x[base + i];
      const wo = wg + (2 * i + (v >= 0 ? 0 : 1)) * m;
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

/** The Switch Net 4 layer of width n and group size m, in the shape the model frame runs. */
export function switchNetLayer(n: number, m: number): WidthLayer {
  return {
    name: "switchnet4",
    width: n,
    size: switchNetLayerSize(n, m),
    init: (w, rng, noise) => initSwitchNetLayer(w, n, m, rng, noise),
    forward: (x, y, w, batch) => switchNetForward(x, y, w, n, m, batch),
    backward: (x, gy, gx, w, gw, batch) => switchNetBackward(x, gy, gx, w, gw, n, m, batch)
  };
}
