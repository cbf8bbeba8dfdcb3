/**
 * The fixed filter bank layer (SPEC.md, "two variants"; the author's earlier net): a switched
 * slope per element, then a fixed normalised WHT:
 *   u[j] = a[j]·v[j] if v[j] ≥ 0, else b[j]·v[j],   y ← WHT(u)/√n.
 * The net alternates WHT and switched slopes as the author's did; the slope comes first in each
 * layer so that the first layer's WHT does not undo the input projection's (H·H/n = I), which
 * would leave the first slopes acting on sign-flipped raw inputs.
 * Weights of one layer, flat, length 2·n: a[j] at 2j, b[j] at 2j + 1 (branch s = 0 when v ≥ 0).
 * Initialisation: a = b = 1, each plus initNoise·N(0, 1), so a layer starts as the normalised WHT.
 * Backward: gu = WHT(gy)/√n (the WHT is symmetric); da[j] (or db[j]) += v[j]·gu[j]; gv = slope·gu.
 *
 * Where the WASM kernels run (width 16 and up, lib/kernels/filterBankLayer.ts), they compute each
 * row's slopes and its transform together and give the loops below bit for bit; the loops are the
 * fallback and the reference.
 */
import type {Rng} from "./random.js";
import type {WidthLayer} from "./types.js";
import {whtBatch} from "./wht.js";
import {filterBankBackwardSimd, filterBankForwardSimd} from "./kernels/filterBankLayer.js";

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
  if (filterBankForwardSimd(x, y, w, n, batch)) return;
  filterBankForwardJs(x, y, w, n, batch);
}

/** `filterBankForward` in JavaScript alone (the fallback, and the reference the kernels are tested against). */
export function filterBankForwardJs(x: Float32Array, y: Float32Array, w: Float32Array, n: number, batch: number): void {
  const total = batch * n;
  for (let r = 0; r < total; r += n) {
    for (let j = 0; j < n; j++) {
      const v = x[r + j];
      y[r + j] = v * w[2 * j + +(v < 0)];
    }
  }
  whtBatch(y.subarray(0, total), {size: n, normalize: true});
}

/**
 * Backward of `filterBankForward`: gy is overwritten, gx receives the input gradient (null: not
 * computed), gw accumulates.
 */
export function filterBankBackward(
  x: Float32Array,
  gy: Float32Array,
  gx: Float32Array | null,
  w: Float32Array,
  gw: Float32Array,
  n: number,
  batch: number
): void {
  if (filterBankBackwardSimd(x, gy, gx, w, gw, n, batch)) return;
  filterBankBackwardJs(x, gy, gx, w, gw, n, batch);
}

/** `filterBankBackward` without the input gradient: gy overwritten and gw the same additions, in the same order. */
export function filterBankWeightBackward(
  x: Float32Array,
  gy: Float32Array,
  w: Float32Array,
  gw: Float32Array,
  n: number,
  batch: number
): void {
  filterBankBackward(x, gy, null, w, gw, n, batch);
}

/**
 * `filterBankBackward` (gx null: `filterBankWeightBackward`) in JavaScript alone (the fallback, and
 * the reference the kernels are tested against).
 */
export function filterBankBackwardJs(
  x: Float32Array,
  gy: Float32Array,
  gx: Float32Array | null,
  w: Float32Array,
  gw: Float32Array,
  n: number,
  batch: number
): void {
  const total = batch * n;
  whtBatch(gy.subarray(0, total), {size: n, normalize: true});
  for (let r = 0; r < total; r += n) {
    for (let j = 0; j < n; j++) {
      const v = x[r + j];
      const k = 2 * j + +(v < 0);
      const g = gy[r + j];
      gw[k] += v * g;
      if (gx !== null) gx[r + j] = w[k] * g;
    }
  }
}

/** The fixed filter bank layer of width n, in the shape the model frame runs. */
export function filterBankLayer(n: number): WidthLayer {
  return {
    name: "filterbank",
    width: n,
    size: filterBankLayerSize(n),
    init: (w, rng, noise) => initFilterBankLayer(w, n, rng, noise),
    forward: (x, y, w, batch) => filterBankForward(x, y, w, n, batch),
    backward: (x, gy, gx, w, gw, batch) => filterBankBackward(x, gy, gx, w, gw, n, batch),
    weightBackward: (x, gy, w, gw, batch) => filterBankWeightBackward(x, gy, w, gw, n, batch)
  };
}
