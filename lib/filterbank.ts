/**
 * The fixed filter bank layer (SPEC.md, "two variants"; the author's earlier net): a fixed
 * normalised WHT, then a switched slope per element:
 *   u ← WHT(v)/√n,   y[j] = a[j]·u[j] if u[j] ≥ 0, else b[j]·u[j].
 * Weights of one layer, flat, length 2·n: a[j] at 2j, b[j] at 2j + 1 (branch s = 0 when u ≥ 0).
 * Initialisation: a = b = 1, each plus initNoise·N(0, 1), so a layer starts as the normalised WHT.
 * Backward: da[j] (or db[j]) += u[j]·gy[j]; gu = slope·gy; gv = WHT(gu)/√n (the WHT is symmetric).
 * u is not stored: the backward recomputes it from the saved layer input (one extra WHT).
 */
import type {Rng} from "./random.js";
import type {WidthLayer} from "./model.js";
import {whtBatch} from "./wht.js";

/** Weights stored per filter-bank layer of width n: 2·n. */
export function filterBankLayerSize(n: number): number {
  return 2 * n;
}

/** Initial slopes 1 + initNoise·N(0, 1), both branches. */
export function initFilterBankLayer(w: Float32Array, n: number, rng: Rng, noise: number): void {
  for (let i = 0; i < 2 * n; i++) w[i] = 1 + noise * rng.normal();
}

/** y = the layer applied to each of `batch` width-n rows of x (x is not changed). */
export function filterBankForward(x: Float32Array, y: Float32Array, w: Float32Array, n: number, batch: number): void {
  const total = batch * n;
  y.set(x.subarray(0, total));
  whtBatch(y, {size: n, normalize: true});
  for (let r = 0; r < total; r += n) {
    for (let j = 0; j < n; j++) {
      const u = y[r + j];
      y[r + j] = u * w[2 * j + +(u < 0)];
    }
  }
}

/** Backward of `filterBankForward`: gy is overwritten, gx receives the input gradient, gw accumulates. */
export function filterBankBackward(
  x: Float32Array, gy: Float32Array, gx: Float32Array, w: Float32Array, gw: Float32Array, n: number, batch: number
): void {
  const total = batch * n;
  gx.set(x.subarray(0, total));
  whtBatch(gx, {size: n, normalize: true});
  for (let r = 0; r < total; r += n) {
    for (let j = 0; j < n; j++) {
      const u = gx[r + j];
      const k = 2 * j + +(u < 0);
      const g = gy[r + j];
      gw[k] += u * g;
      gy[r + j] = w[k] * g;
    }
  }
  gx.set(gy.subarray(0, total));
  whtBatch(gx, {size: n, normalize: true});
}

/** The fixed filter bank layer of width n, in the shape the model frame runs. */
export function filterBankLayer(n: number): WidthLayer {
  return {
    name: "filterbank",
    width: n,
    size: filterBankLayerSize(n),
    init: (w, rng, noise) => initFilterBankLayer(w, n, rng, noise),
    forward: (x, y, w, batch) => filterBankForward(x, y, w, n, batch),
    backward: (x, gy, gx, w, gw, batch) => filterBankBackward(x, gy, gx, w, gw, n, batch)
  };
}
