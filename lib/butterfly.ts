/**
 * The learned butterfly layer (SPEC.md, "two variants"): the log2(n) stages of a WHT, with every
 * ±1 replaced by a learned weight, so it learns 2·log2(n) weights per input point.
 *
 * Stage k has half-size h = 2^k and pairs (a, b) = (v[j], v[j + h]) → (w1·a + w2·b, w3·a + w4·b).
 * To make one layer nonlinear, the FIRST stage (h = 1) is two-sided-switched like a Switch Net
 * mini layer of size 2: each element picks one of two weight pairs by its sign.
 *
 * Weights of one layer, flat, length 2·n·log2(n) + 2·n:
 * - stage 0 (switched): 4·n weights, W[j, s, o] at (j·2 + s)·2 + o for element j, branch s
 *   (0 when v[j] ≥ 0, 1 when v[j] < 0) and output o ∈ {0, 1} of its pair (2t, 2t + 1):
 *   out[2t + o] = v[2t]·W[2t, s, o] + v[2t + 1]·W[2t + 1, s', o];
 * - stage k ≥ 1: 2·n weights at 4·n + (k − 1)·2·n, pair number p (in the order the pairs' first
 *   elements j appear) holding w1..w4 at 4p..4p + 3.
 * Active multiply-adds per sample: 2·n·log2(n).
 *
 * Initialisation: every pair is a seeded random 2×2 rotation (a, b) → (c·a + s·b, −s·a + c·b),
 * the same in both branches, plus initNoise·N(0, 1)/√2 on each weight, so a layer starts as an
 * orthogonal (norm-preserving) butterfly. Not the Hadamard pair (a + b, a − b)/√2: that would
 * make the first layer the normalised WHT, which undoes the input projection (H·H/n = I).
 *
 * Backward: per sample, the stage inputs are recomputed from the saved layer input into a scratch
 * of (log2(n) − 1)·n floats, then the stages are run backwards (keeping all stage inputs for a
 * whole batch would cost log2(n) times the activations).
 */
import type {Rng} from "./random.js";
import type {WidthLayer} from "./types.js";
import {butterflyBackwardSimd, butterflyForwardSimd, butterflyPlanarFloats} from "./kernels/butterflyLayer.js";
import {kernelArray, releaseKernelArray} from "./wasm/memory.js";

/** Weights stored per butterfly layer of width n: 2·n·log2(n) + 2·n. */
export function butterflyLayerSize(n: number): number {
  return 2 * n * Math.log2(n) + 2 * n;
}

/**
 * Floats of kernel memory a model with butterfly layers of width n keeps beside its parameters and
 * activations once it has trained: the layer's backward scratch ((log2(n) − 1)·n, at least 1; one
 * for all the model's layers) and the SIMD kernels' planar weight copies (butterflyPlanarFloats:
 * one block for every butterfly model of the thread, so several models' sum is an upper bound).
 */
export function butterflyScratchFloats(n: number): number {
  return backwardScratchFloats(n) + butterflyPlanarFloats(n);
}

function backwardScratchFloats(n: number): number {
  return Math.max(1, Math.log2(n) - 1) * n;
}

/** Zero-curvature initialisation of one layer's weights (see the file comment). */
export function initButterflyLayer(w: Float32Array, n: number, rng: Rng, noise: number): void {
  const sigma = noise * Math.SQRT1_2;
  const angle = () => 2 * Math.PI * rng.next();
  // Stage 0: out[2t + o] = v[2t]·W[2t, s, o] + v[2t + 1]·W[2t + 1, s', o].
  for (let j = 0; j < n; j += 2) {
    const t = angle();
    const c = Math.cos(t);
    const s = Math.sin(t);
    for (let br = 0; br < 2; br++) {
      w[(j * 2 + br) * 2] = c + sigma * rng.normal();
      w[(j * 2 + br) * 2 + 1] = -s + sigma * rng.normal();
      w[((j + 1) * 2 + br) * 2] = s + sigma * rng.normal();
      w[((j + 1) * 2 + br) * 2 + 1] = c + sigma * rng.normal();
    }
  }
  // Stages k ≥ 1: (w1, w2, w3, w4) = (c, s, −s, c).
  for (let i = 4 * n; i < w.length; i += 4) {
    const t = angle();
    const c = Math.cos(t);
    const s = Math.sin(t);
    w[i] = c + sigma * rng.normal();
    w[i + 1] = s + sigma * rng.normal();
    w[i + 2] = -s + sigma * rng.normal();
    w[i + 3] = c + sigma * rng.normal();
  }
}

/** The switched first stage on one row: src at so → dst at d0 (may be the same place). */
function stage0Forward(src: Float32Array, so: number, dst: Float32Array, d0: number, w: Float32Array, n: number): void {
  for (let j = 0; j < n; j += 2) {
    const a = src[so + j];
    const b = src[so + j + 1];
    const wa = (j * 2 + +(a < 0)) * 2;
    const wb = ((j + 1) * 2 + +(b < 0)) * 2;
    dst[d0 + j] = a * w[wa] + b * w[wb];
    dst[d0 + j + 1] = a * w[wa + 1] + b * w[wb + 1];
  }
}

/** Stage k ≥ 1 (half-size h) on one row, weights from offset wo: src at so → dst at d0. */
function stageForward(
  src: Float32Array,
  so: number,
  dst: Float32Array,
  d0: number,
  w: Float32Array,
  wo: number,
  n: number,
  h: number
): void {
  let p = wo;
  for (let i = 0; i < n; i += 2 * h) {
    for (let j = i; j < i + h; j++, p += 4) {
      const a = src[so + j];
      const b = src[so + j + h];
      dst[d0 + j] = w[p] * a + w[p + 1] * b;
      dst[d0 + j + h] = w[p + 2] * a + w[p + 3] * b;
    }
  }
}

/** y = the layer applied to each of `batch` width-n rows of x (x is not changed). */
export function butterflyForward(x: Float32Array, y: Float32Array, w: Float32Array, n: number, batch: number): void {
  // The WebAssembly SIMD kernel when loaded (same maths, float32 rounding apart).
  if (butterflyForwardSimd(x, y, w, n, batch)) return;
  for (let r = 0; r < batch * n; r += n) {
    stage0Forward(x, r, y, r, w, n);
    for (let h = 2, wo = 4 * n; h < n; h <<= 1, wo += 2 * n) stageForward(y, r, y, r, w, wo, n, h);
  }
}

/**
 * Backward of `butterflyForward`: gy is overwritten as scratch, gx receives the gradient at the
 * layer input, gw accumulates; `scratch` holds (log2(n) − 1)·n floats.
 */
export function butterflyBackward(
  x: Float32Array,
  gy: Float32Array,
  gx: Float32Array,
  w: Float32Array,
  gw: Float32Array,
  n: number,
  batch: number,
  scratch: Float32Array
): void {
  if (butterflyBackwardSimd(x, gy, gx, w, gw, n, batch, scratch)) return;
  const stages = Math.log2(n);
  for (let r = 0; r < batch * n; r += n) {
    // Inputs of stages 1 … stages − 1, stage k's at (k − 1)·n.
    if (stages > 1) stage0Forward(x, r, scratch, 0, w, n);
    for (let k = 1, h = 2; k < stages - 1; k++, h <<= 1)
      stageForward(scratch, (k - 1) * n, scratch, k * n, w, 4 * n + (k - 1) * 2 * n, n, h);
    for (let k = stages - 1, h = n >> 1; k >= 1; k--, h >>= 1) {
      const so = (k - 1) * n;
      let p = 4 * n + (k - 1) * 2 * n;
      for (let i = 0; i < n; i += 2 * h) {
        for (let j = i; j < i + h; j++, p += 4) {
          const a = scratch[so + j];
          const b = scratch[so + j + h];
          const gc = gy[r + j];
          const gd = gy[r + j + h];
          gw[p] += a * gc;
          gw[p + 1] += b * gc;
          gw[p + 2] += a * gd;
          gw[p + 3] += b * gd;
          gy[r + j] = w[p] * gc + w[p + 2] * gd;
          gy[r + j + h] = w[p + 1] * gc + w[p + 3] * gd;
        }
      }
    }
    for (let j = 0; j < n; j += 2) {
      const a = x[r + j];
      const b = x[r + j + 1];
      const wa = (j * 2 + +(a < 0)) * 2;
      const wb = ((j + 1) * 2 + +(b < 0)) * 2;
      const gc = gy[r + j];
      const gd = gy[r + j + 1];
      gw[wa] += a * gc;
      gw[wa + 1] += a * gd;
      gw[wb] += b * gc;
      gw[wb + 1] += b * gd;
      gx[r + j] = w[wa] * gc + w[wa + 1] * gd;
      gx[r + j + 1] = w[wb] * gc + w[wb + 1] * gd;
    }
  }
}

/** The learned butterfly layer of width n (n ≥ 2), in the shape the model frame runs. */
export function butterflyLayer(n: number): WidthLayer {
  let scratch: Float32Array = new Float32Array(0);
  return {
    name: "butterfly",
    width: n,
    size: butterflyLayerSize(n),
    init: (w, rng, noise) => initButterflyLayer(w, n, rng, noise),
    forward: (x, y, w, batch) => butterflyForward(x, y, w, n, batch),
    backward: (x, gy, gx, w, gw, batch) => {
      if (scratch.length === 0) scratch = kernelArray(backwardScratchFloats(n), {internal: true});
      butterflyBackward(x, gy, gx, w, gw, n, batch, scratch);
    },
    dispose: () => {
      releaseKernelArray(scratch);
      scratch = new Float32Array(0);
    }
  };
}
