/**
 * The dense baseline: a standard multilayer perceptron
 *   inputSize → width (ReLU) → … (depth hidden layers) → outputSize (linear), with biases.
 *
 * Parameters (views into the WASM kernel memory once `ready()` has loaded the kernels; see
 * model.ts), flat, layer after layer: the weights of layer l (in_l × out_l, stored by input row:
 * W[k, j] at k·out_l + j) followed by its out_l biases. Initialisation, seeded per layer
 * (deriveSeed(seed, 100 + l)): He-normal N(0, 2/in) for the ReLU layers, Glorot-normal
 * N(0, 2/(in + out)) for the output layer, zero biases. initNoise, groupSize, projection, adjust
 * and placement do not apply to this kind and are ignored.
 *
 * With the kernels loaded (parameters and workspaces in the kernel memory), each layer is a few
 * WebAssembly kernel calls (lib/kernels/dense.ts: the register-tiled products and the bias, ReLU,
 * bias-gradient and ReLU-mask passes), shared by the threads of an active team (lib/team.ts) with
 * the same bits; zeroGrad too. Otherwise the JS loops below: i-k-j order (sample, input, output:
 * the innermost loop walks a weight row and an output row contiguously) over blocks of weight rows
 * that fit in L2, so each block is reused across the whole batch; the forward takes four weight
 * rows per pass and the backward four samples per pass (measured about 2× faster than one at a
 * time at W = 1448). Forward keeps the input and every hidden activation (grow-only workspaces per
 * batch size); the arrays forward and backward return are new on every call.
 * `backward(g, {inputGradient: false})` (training) skips the gradient at the model's input and
 * returns an empty array.
 */
import {gemmSimdAvailable, matmulAdd, matmulTransAAdd, matmulTransB} from "./kernels/gemm.js";
import {denseBackward, denseForward, zeroFill} from "./kernels/dense.js";
import {createRng, deriveSeed} from "./random.js";
import {kernelArrays, releaseKernelArray} from "./wasm/memory.js";
import {growOnly} from "./workspace.js";
import type {BackwardOptions, Model, ResolvedModelSpec} from "./types.js";

/** Weight floats per block of rows kept hot in cache (256 KiB). */
const BLOCK_FLOATS = 65536;

/** Layer sizes of the dense model: [inputSize, width × depth, outputSize]. */
export function denseSizes(spec: Pick<ResolvedModelSpec, "inputSize" | "width" | "depth" | "outputSize">): number[] {
  return [spec.inputSize, ...new Array(spec.depth).fill(spec.width), spec.outputSize];
}

/** Parameters of the dense model: Σ over layers of in·out weights + out biases. */
export function denseParameterCount(
  spec: Pick<ResolvedModelSpec, "inputSize" | "width" | "depth" | "outputSize">
): number {
  const sizes = denseSizes(spec);
  let count = 0;
  for (let l = 0; l + 1 < sizes.length; l++) count += sizes[l] * sizes[l + 1] + sizes[l + 1];
  return count;
}

/** y[b, j] = bias[j] + Σ_k x[b, k]·w[k, j] for `batch` rows (ReLU applied when `relu`). */
export function linearForward(
  x: Float32Array,
  y: Float32Array,
  w: Float32Array,
  bias: Float32Array,
  inSize: number,
  outSize: number,
  batch: number,
  relu: boolean
): void {
  // Arrays in the kernel memory: one job per thread (lib/kernels/dense.ts), the same bits.
  if (denseForward(x, y, w, bias, inSize, outSize, batch, relu)) return;
  for (let b = 0; b < batch; b++) y.set(bias, b * outSize);
  // The WebAssembly SIMD product when loaded; these loops otherwise.
  if (!matmulAdd(x, w, y, batch, inSize, outSize)) addProduct(x, y, w, inSize, outSize, batch);
  if (relu) {
    for (let i = 0; i < batch * outSize; i++) y[i] = Math.max(0, y[i]);
  }
}

/** y[b, j] += Σ_k x[b, k]·w[k, j] in JS (cache-blocked, four weight rows per pass). */
function addProduct(
  x: Float32Array,
  y: Float32Array,
  w: Float32Array,
  inSize: number,
  outSize: number,
  batch: number
): void {
  const block = blockRows(outSize);
  for (let k0 = 0; k0 < inSize; k0 += block) {
    const k1 = Math.min(inSize, k0 + block);
    for (let b = 0; b < batch; b++) {
      const xr = b * inSize;
      const yr = b * outSize;
      let k = k0;
      // Four weight rows per pass: one load and store of y per four multiply-adds.
      for (; k + 4 <= k1; k += 4) {
        const a0 = x[xr + k];
        const a1 = x[xr + k + 1];
        const a2 = x[xr + k + 2];
        const a3 = x[xr + k + 3];
        const w0 = k * outSize;
        const w1 = w0 + outSize;
        const w2 = w1 + outSize;
        const w3 = w2 + outSize;
        for (let j = 0; j < outSize; j++)
          y[yr + j] += a0 * w[w0 + j] + a1 * w[w1 + j] + a2 * w[w2 + j] + a3 * w[w3 + j];
      }
      for (; k < k1; k++) {
        const a = x[xr + k];
        const wr = k * outSize;
        for (let j = 0; j < outSize; j++) y[yr + j] += a * w[wr + j];
      }
    }
  }
}

/** Weight rows per cache block: about BLOCK_FLOATS floats, a multiple of 4 rows. */
function blockRows(outSize: number): number {
  return Math.max(4, Math.floor(BLOCK_FLOATS / outSize / 4) * 4);
}

/**
 * Backward of a linear layer, given gy at its output (pre-activation): gw += xᵀ·gy, gb += Σ_b gy,
 * gx = gy·wᵀ (when gx is given); then, when `reluInput` (x is the output of a ReLU), gx is zeroed
 * where x = 0.
 * Samples go four at a time: one read-modify-write of gw per four samples.
 */
export function linearBackward(
  x: Float32Array,
  gy: Float32Array,
  gxOrNull: Float32Array | null,
  w: Float32Array,
  gw: Float32Array,
  gb: Float32Array,
  inSize: number,
  outSize: number,
  batch: number,
  reluInput: boolean
): void {
  // Arrays in the kernel memory: one job per thread (lib/kernels/dense.ts), the same bits.
  if (denseBackward(x, gy, gxOrNull, w, gw, gb, inSize, outSize, batch, reluInput)) return;
  const gx = gxOrNull ?? new Float32Array(batch * inSize);
  for (let b = 0; b < batch; b++) {
    const yr = b * outSize;
    for (let j = 0; j < outSize; j++) gb[j] += gy[yr + j];
  }
  if (gemmSimdAvailable()) {
    // The WebAssembly SIMD products: gw += xᵀ·gy, gx = gy·wᵀ.
    matmulTransAAdd(x, gy, gw, batch, inSize, outSize);
    matmulTransB(gy, w, gx, batch, outSize, inSize);
  } else {
    backwardProducts(x, gy, gx, w, gw, inSize, outSize, batch);
  }
  if (reluInput) {
    for (let i = 0; i < batch * inSize; i++) if (x[i] === 0) gx[i] = 0;
  }
}

/** gw += xᵀ·gy and gx = gy·wᵀ in JS (cache-blocked, four samples per pass). */
function backwardProducts(
  x: Float32Array,
  gy: Float32Array,
  gx: Float32Array,
  w: Float32Array,
  gw: Float32Array,
  inSize: number,
  outSize: number,
  batch: number
): void {
  const block = blockRows(outSize);
  for (let k0 = 0; k0 < inSize; k0 += block) {
    const k1 = Math.min(inSize, k0 + block);
    let b = 0;
    for (; b + 4 <= batch; b += 4) {
      const g0 = b * outSize;
      const g1 = g0 + outSize;
      const g2 = g1 + outSize;
      const g3 = g2 + outSize;
      for (let k = k0; k < k1; k++) {
        const a0 = x[b * inSize + k];
        const a1 = x[(b + 1) * inSize + k];
        const a2 = x[(b + 2) * inSize + k];
        const a3 = x[(b + 3) * inSize + k];
        const wr = k * outSize;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let j = 0; j < outSize; j++) {
          const wj = w[wr + j];
          const e0 = gy[g0 + j];
          const e1 = gy[g1 + j];
          const e2 = gy[g2 + j];
          const e3 = gy[g3 + j];
          gw[wr + j] += a0 * e0 + a1 * e1 + a2 * e2 + a3 * e3;
          s0 += wj * e0;
          s1 += wj * e1;
          s2 += wj * e2;
          s3 += wj * e3;
        }
        gx[b * inSize + k] = s0;
        gx[(b + 1) * inSize + k] = s1;
        gx[(b + 2) * inSize + k] = s2;
        gx[(b + 3) * inSize + k] = s3;
      }
    }
    for (; b < batch; b++) {
      const yr = b * outSize;
      for (let k = k0; k < k1; k++) {
        const a = x[b * inSize + k];
        const wr = k * outSize;
        let s = 0;
        for (let j = 0; j < outSize; j++) {
          const g = gy[yr + j];
          gw[wr + j] += a * g;
          s += w[wr + j] * g;
        }
        gx[b * inSize + k] = s;
      }
    }
  }
}

/**
 * The dense model for a resolved spec of kind "dense". Its forward and backward do not check
 * their arguments, nor whether it was disposed: use createModel, which validates them first.
 */
export function createDense(spec: ResolvedModelSpec): Model {
  const sizes = denseSizes(spec);
  const layers = sizes.length - 1;
  const parameterCount = denseParameterCount(spec);
  // In the kernel memory when possible, so the WASM kernels work on them without copies.
  const [params, grads] = kernelArrays([parameterCount, parameterCount]);
  const wOff: number[] = [];
  const bOff: number[] = [];
  let offset = 0;
  for (let l = 0; l < layers; l++) {
    wOff.push(offset);
    offset += sizes[l] * sizes[l + 1];
    bOff.push(offset);
    offset += sizes[l + 1];
  }
  const wView = (a: Float32Array, l: number) => a.subarray(wOff[l], wOff[l] + sizes[l] * sizes[l + 1]);
  const bView = (a: Float32Array, l: number) => a.subarray(bOff[l], bOff[l] + sizes[l + 1]);
  for (let l = 0; l < layers; l++) {
    const rng = createRng(deriveSeed(spec.seed, 100 + l));
    const last = l === layers - 1;
    const sd = last ? Math.sqrt(2 / (sizes[l] + sizes[l + 1])) : Math.sqrt(2 / sizes[l]);
    const w = wView(params, l);
    for (let i = 0; i < w.length; i++) w[i] = sd * rng.normal();
  }

  // acts[l] is the input of layer l (acts[0] a copy of the model input); grow-only. Backward's two
  // gradient rows are freed whenever acts grow. The last layer writes into `outputs` (in the kernel
  // memory, like the others, so its kernels run without staging), copied into forward's result.
  const saved = growOnly(sizes.slice(0, layers));
  const outputs = growOnly([spec.outputSize]);
  const widest = Math.max(...sizes);
  const scratch = growOnly([widest, widest]);
  let batch = 0;
  const freeWorkspaces = () => {
    saved.free();
    outputs.free();
    scratch.free();
  };

  return {
    spec,
    params,
    grads,
    parameterCount,
    forward(input: Float32Array, batchSize: number): Float32Array {
      const rows = batchSize;
      // The new workspaces first: if they do not fit, the model keeps its old ones.
      outputs.ensure(rows);
      if (saved.ensure(rows)) scratch.free();
      const acts = saved.arrays;
      batch = rows;
      acts[0].set(input);
      const last = outputs.arrays[0].subarray(0, rows * spec.outputSize);
      for (let l = 0; l < layers; l++) {
        const y = l === layers - 1 ? last : acts[l + 1];
        linearForward(acts[l], y, wView(params, l), bView(params, l), sizes[l], sizes[l + 1], rows, l < layers - 1);
      }
      return last.slice();
    },
    backward(gradOutput: Float32Array, options?: BackwardOptions): Float32Array {
      const rows = batch;
      scratch.ensure(saved.capacity);
      const [acts, gradStores] = [saved.arrays, scratch.arrays];
      let gy = gradStores[0].subarray(0, rows * spec.outputSize);
      gy.set(gradOutput);
      let which = 1;
      // The gradient at the model's input only when asked for (training does not need it).
      const wantInput = options?.inputGradient !== false;
      for (let l = layers - 1; l >= 0; l--) {
        const gx = l > 0 || wantInput ? gradStores[which].subarray(0, rows * sizes[l]) : null;
        linearBackward(
          acts[l],
          gy,
          gx,
          wView(params, l),
          wView(grads, l),
          bView(grads, l),
          sizes[l],
          sizes[l + 1],
          rows,
          l > 0
        );
        if (gx !== null) gy = gx;
        which = 1 - which;
      }
      return wantInput ? gy.slice() : new Float32Array(0);
    },
    zeroGrad(): void {
      // Each thread of an active team zeroes a range (lib/kernels/dense.ts); the same +0 either way.
      if (!zeroFill(grads)) grads.fill(0);
    },
    dispose(): void {
      freeWorkspaces();
      releaseKernelArray(params);
      releaseKernelArray(grads);
    }
  };
}
