/**
 * createModel: validates a ModelSpec, resolves its defaults (lib/spec.ts) and builds the model it names.
 *
 * The three WHT kinds (switchnet4, butterfly, filterbank) share one frame, built here:
 *   place the input in width W (pad or repeat) → optional adjust to RMS 1 →
 *   projection v ← WHT(D_r ⊙ v)/√W for r = 1 … projectionRounds → depth × layer → D_out ⊙ v,
 *   sliced to outputSize.
 * Each kind supplies only its layer (a `WidthLayer`, lib/layers.ts); the dense baseline builds its own model.
 *
 * Parameters of all layers live in ONE flat Float32Array (`params`), with layer l at offset
 * l·layer.size (a subarray view per layer); `grads` mirrors it. Once `ready()` has loaded the WASM
 * kernels (and their memory is shared), params, grads and the workspaces are views into the
 * kernel memory (`kernelArray`), so the kernels need no copies: `params.buffer` is then that whole
 * memory; use the view itself (or byteOffset/length), never `params.buffer` alone. The flips are fixed, not parameters.
 * Seeds: D_in (round 1) from deriveSeed(seed, 0), D_out from deriveSeed(seed, 1), round r ≥ 2's
 * flips from deriveSeed(seed, 10 + r), layer l's initial weights from deriveSeed(seed, 100 + l).
 * So a one-round model is the same model whatever the other rounds' seeds would be.
 *
 * Buffers: forward keeps the activations backward needs in grow-only workspaces sized for the
 * largest batch seen ((depth + 2)·batch·W floats, plus two gradient rows of the same size once
 * backward runs; a forward whose workspace would pass MAX_WORKSPACE floats is refused, asking for
 * a smaller batch). The arrays forward and backward RETURN are new on every call, so callers may
 * keep them.
 *
 * Batches run in tiles of rows (DEFAULT_TILE_ROWS, `setBatchTileRows`): forward takes a tile through
 * every stage before the next tile, and backward likewise with gradient rows only a tile long, so a
 * tile's rows stay in the caches from stage to stage. Per row the float operations are the same as
 * for the whole batch at once and every weight gradient adds its rows in row order: the same bits.
 * Two more shortcuts of the tiled path, also bit-identical: a padded input's first projection round
 * is computed from its first K entries (K the power of two at least k) and repeated across the row
 * (projectPadded says why that is exact and when it falls back), and when the outputs are among the
 * last layer's first group, that layer computes only them (`forwardHead`: no output row, no WHT)
 * and its backward starts from the output gradient's first entries (`backwardHead`: no zero-filled
 * gradient row, no WHT of it). With one projection round the padded rows after it repeat their
 * first K values, and the first layer (depth 2 and up) runs on those K values per row
 * (`forwardPeriodic`, `weightBackwardPeriodic`): the saved input rows are built only if something
 * else needs them.
 * Under a team of threads (lib/team.ts, `withTeam`; the trainer's `threads`) the same shortcuts
 * run as kernel calls of the layer (`teamKernels`): forward splits the batch's rows between the
 * threads, each taking its rows through every layer in tiles; backward goes a tile of rows per
 * thread at a time, the gradient rows' transform split by rows and the rest of each layer by
 * columns (whole groups), so each weight gradient adds its rows in row order, tiles in order, as
 * on one thread: the same bits for any number of threads. There, zeroGrad leaves the zeroing to
 * backward's first column step (each thread zeroes the gradients it then adds to); reading `grads`
 * before that zeroes them at once.
 * `backward(g, {inputGradient: false})` (the trainer's call) stops after the parameter gradients:
 * the first layer's input gradient, the projection's transpose and the placement's backward are
 * skipped, and it returns an empty array.
 *
 * Memory: `model.dispose()` (or `using model = createModel(…)`) frees params, grads, workspaces
 * and layer scratch; afterwards every use throws. Models never disposed keep their params and
 * grads for the life of the process (their workspaces are freed when garbage-collected).
 */
import {checkFinite, checkFloat32Array, checkInteger, describe, fail} from "./check.js";
import {createRng, deriveSeed} from "./random.js";
import type {
  BackwardOptions,
  DisposableModel,
  LayerTeamKernels,
  Model,
  ModelSpec,
  ProjectionCacheStats,
  ResolvedModelSpec,
  WidthLayer
} from "./types.js";
import {
  adjustBackward,
  adjustForward,
  multiplyFlips,
  placeBackward,
  placeForward,
  project,
  projectTranspose,
  signFlips
} from "./projection.js";
import {backend, whtBatch} from "./wht.js";
import {normalizeScale} from "./kernels/kernel.js";
import {createDense} from "./dense.js";
import {butterflyScratchFloats} from "./butterfly.js";
import {widthLayer} from "./layers.js";
import {MAX_WORKSPACE, resolveSpec, workspacePerSample} from "./spec.js";
import {multiplyRows} from "./kernels/rows.js";
import {inWasmMemory, kernelArray, kernelArrays, releaseKernelArray} from "./wasm/memory.js";
import {growOnly} from "./workspace.js";
import {acceptDisposeHooks, DISPOSE, failDisposed, runDisposeHooks} from "./dispose.js";
import {NonFiniteError} from "./divergence.js";
import {activeTeam, runInRounds, splitRange, type KernelCall, type Team} from "./team.js";

/**
 * Rows per tile of the WHT models' batched path: forward and backward take a batch through every
 * stage a tile of this many rows at a time, so a tile's activations stay in the caches from one
 * stage to the next (a 65,536-wide row is 256 KiB; L2 is 1–2 MiB per core on the machines we
 * measured). Per row the float operations are those of one call on the whole batch, and each weight
 * gradient adds its rows in the same order, so results are bit-identical for any tile size.
 */
export const DEFAULT_TILE_ROWS = 2;
let tileRows = DEFAULT_TILE_ROWS;

/**
 * Sets the rows per tile of the WHT models' batched path (for benchmarks and tests); 0 restores the
 * untiled path of before (the whole batch through one stage after another, and the input gradient
 * computed even when backward is told it is not needed). Returns the previous setting.
 */
export function setBatchTileRows(rows: number): number {
  const previous = tileRows;
  tileRows = checkInteger("rows", rows, 0);
  return previous;
}

/**
 * Floats of kernel memory a model's workspaces hold once it has run forward on up to `rows` rows
 * and a training step (forward and backward) on `batch` rows: what forward keeps for backward
 * (the placed input only with adjust), and backward's two gradient buffers, one tile of rows long
 * when the Switch Net 4 layer is tiled (setBatchTileRows; with `threads` > 1, the threaded path's
 * tile of 4·tileRows rows per thread), else as long as the largest forward; and for the butterfly,
 * its backward scratch and the SIMD kernels' planar weight copies (butterflyScratchFloats).
 */
export function workspaceFloats(spec: ResolvedModelSpec, rows: number, batch: number, threads = 1): number {
  if (spec.kind === "dense") return Math.max(rows, batch) * workspacePerSample(spec);
  const n = spec.width;
  const most = Math.max(rows, batch);
  const forward = most * n * (spec.depth + (spec.adjust ? 2 : 1));
  const perTile = threads > 1 ? 4 * tileRows * threads : tileRows;
  const tile = spec.kind === "switchnet4" && tileRows > 0 ? Math.min(perTile, batch) : batch;
  const scratch = spec.kind === "butterfly" ? butterflyScratchFloats(n) : 0;
  return forward + 2 * n * (tile === batch ? most : tile) + scratch;
}

/**
 * Builds the model a spec describes (see the file comment for the layout and buffers). Its
 * forward and backward check their arguments before anything changes; `dispose()` frees its memory.
 */
export function createModel(spec: ModelSpec): DisposableModel {
  const resolved = resolveSpec(spec);
  return checked(resolved.kind === "dense" ? createDense(resolved) : createWhtModel(resolved, widthLayer(resolved)));
}

/**
 * Wraps a model whose forward and backward trust their arguments with the argument checks, and
 * refuses every use after dispose().
 */
function checked(inner: Model): DisposableModel {
  const spec = inner.spec;
  let batch = 0;
  let disposed = false;
  const live = () => {
    if (disposed)
      failDisposed(
        `this ${spec.kind} model`,
        "create a new model with createModel(spec) (its spec is still in model.spec)"
      );
  };
  const dispose = () => {
    if (disposed) return;
    disposed = true;
    runDisposeHooks(model);
    inner.dispose?.();
  };
  const model: DisposableModel = {
    spec,
    get params() {
      live();
      return inner.params;
    },
    get grads() {
      live();
      return inner.grads;
    },
    parameterCount: inner.parameterCount,
    forward(input: Float32Array, batchSize: number): Float32Array {
      live();
      const rows = checkForwardInput(spec, input, batchSize);
      batch = 0; // until this forward has succeeded, backward has no activations to use
      const out = inner.forward(input, rows);
      checkComputed("output", out, input, inner.params);
      batch = rows;
      return out;
    },
    backward(gradOutput: Float32Array, options?: BackwardOptions): Float32Array {
      live();
      checkGradOutput(spec, gradOutput, batch);
      if (options !== undefined && (typeof options !== "object" || options === null))
        fail(`backward options must be an object like {inputGradient: false}, got ${describe(options)}`);
      const inputGradient = options?.inputGradient ?? true;
      if (typeof inputGradient !== "boolean")
        fail(`inputGradient must be true or false, got ${describe(inputGradient)}`);
      const gradInput = inner.backward(gradOutput, {inputGradient});
      checkComputed("the gradient", gradInput, gradOutput, inner.params);
      return gradInput;
    },
    zeroGrad(): void {
      live();
      inner.zeroGrad();
    },
    cacheProjections(maxBytes: number): ProjectionCacheStats | null {
      live();
      return inner.cacheProjections?.(checkInteger("maxBytes", maxBytes, 0)) ?? null;
    },
    get disposed() {
      return disposed;
    },
    dispose,
    [DISPOSE]: dispose
  };
  // A trainer's optimiser buffers in the kernel memory are freed with the model (lib/train.ts).
  acceptDisposeHooks(model);
  return model;
}

function checkForwardInput(spec: ResolvedModelSpec, input: unknown, batchSize: unknown): number {
  const batch = checkInteger("batchSize", batchSize, 1);
  const floats = batch * workspacePerSample(spec);
  if (floats > MAX_WORKSPACE) {
    fail(
      `batchSize ${batch} is too large for this model: its activations would take ${floats.toLocaleString("en-US")} floats, the limit is ${MAX_WORKSPACE.toLocaleString("en-US")}; split the batch into at most ${Math.floor(MAX_WORKSPACE / workspacePerSample(spec))} samples`
    );
  }
  const x = checkFloat32Array("input", input);
  const expected = batch * spec.inputSize;
  if (x.length !== expected) {
    fail(
      `input must have length batchSize × inputSize = ${batch} × ${spec.inputSize} = ${expected}, got length ${x.length}`
    );
  }
  checkFinite("input", x);
  return batch;
}

/**
 * A model's result must be finite: finite inputs and parameters can still overflow float32 inside
 * (inputs near 3e38, parameters blown up by a diverged training). Throws a NonFiniteError that
 * names the first bad value and the largest input and parameter.
 */
function checkComputed(what: string, values: Float32Array, input: Float32Array, params: Float32Array): void {
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) continue;
    const largest = (a: Float32Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0).toExponential(2);
    throw new NonFiniteError(
      `${what} of the model is not finite (${what === "output" ? "output" : "gradient"}[${i}] is ${values[i]}): ` +
        `its numbers overflowed float32 (largest |input| ${largest(input)}, largest |parameter| ${largest(params)}); ` +
        `scale the inputs down, or train a fresh model with a lower learning rate`
    );
  }
}

function checkGradOutput(spec: ResolvedModelSpec, gradOutput: unknown, batch: number): void {
  if (batch === 0) fail("backward needs a forward call first (it uses that call's activations)");
  const g = checkFloat32Array("gradOutput", gradOutput);
  const expected = batch * spec.outputSize;
  if (g.length !== expected) {
    fail(
      `gradOutput must have length batchSize × outputSize = ${batch} × ${spec.outputSize} = ${expected} (the last forward call), got length ${g.length}`
    );
  }
  checkFinite("gradOutput", g);
}

/** `current` when it holds `length` floats, else a new zeroed kernel-memory array of that length (current released). */
function grown(current: Float32Array, length: number): Float32Array {
  if (current.length >= length) return current;
  releaseKernelArray(current);
  return kernelArray(length, {internal: true});
}

/**
 * The sign flips of each input projection round, in the order they are applied (see the file
 * comment for their seeds).
 */
export function projectionFlips(
  spec: Pick<ResolvedModelSpec, "width" | "projection" | "projectionRounds" | "seed">
): Float32Array[] {
  const flips: Float32Array[] = [];
  for (let r = 1; r <= spec.projectionRounds; r++) {
    flips.push(signFlips(spec.width, {kind: spec.projection, seed: deriveSeed(spec.seed, r === 1 ? 0 : 10 + r)}));
  }
  return flips;
}

/**
 * The shared frame of the WHT kinds around `layer` (see the file comment). Its forward and
 * backward do not check their arguments, nor whether it was disposed: createModel wraps them
 * with the checks.
 */
export function createWhtModel(spec: ResolvedModelSpec, layer: WidthLayer): Model {
  const {width: n, depth, inputSize: k, outputSize, placement, adjust} = spec;
  const size = layer.size;
  const parameterCount = size * depth;
  // In the kernel memory when possible, so the WASM kernels work on them without copies.
  const [params, grads] = kernelArrays([parameterCount, parameterCount]);
  const weights = (l: number) => params.subarray(l * size, (l + 1) * size);
  const weightGrads = (l: number) => grads.subarray(l * size, (l + 1) * size);
  for (let l = 0; l < depth; l++) layer.init(weights(l), createRng(deriveSeed(spec.seed, 100 + l)), spec.initNoise);
  const flipsIn = projectionFlips(spec);
  const flipsOut = signFlips(n, {kind: spec.projection, seed: deriveSeed(spec.seed, 1)});
  // D_1 ⊙ (a padded row) past the input: flips·0 = ±0, the signs of the zeros included. The tiled
  // path places and flips a padded row in one copy of this plus k products (the same bits).
  let flippedZeros: Float32Array | null = null;
  const flippedZerosRow = () => (flippedZeros ??= flipsIn[0].map((f) => f * 0));
  // The padded input's first round (tiled path): WHT(D_1 ⊙ placed)/√W from its first K entries
  // alone (see projectPadded). K: the power of two at least k.
  const padBlock = new Float32Array(2 ** Math.ceil(Math.log2(Math.max(k, 1))));
  const padScale = normalizeScale(n, 1);
  // The last layer's first headWidth outputs alone (tiled path; outputs among them).
  const headWidth = layer.headWidth ?? 0;
  const useHead = outputSize <= headWidth && layer.forwardHead !== undefined && layer.backwardHead !== undefined;
  let headRows: Float32Array = new Float32Array(0);
  // The first layer on patterns (tiled path, one round): after that round a padded row repeats its
  // first K values (projectPadded), so the first layer takes the K values of each row instead of
  // the row (forwardPeriodic, weightBackwardPeriodic); patterns[] keeps them for backward and
  // periodic[r] says which rows of the saved input exist only as a pattern.
  const periodicOk =
    flipsIn.length === 1 &&
    placement === "pad" &&
    !adjust &&
    depth >= 2 &&
    layer.forwardPeriodic !== undefined &&
    layer.weightBackwardPeriodic !== undefined;
  const K = padBlock.length;
  let patterns: Float32Array = new Float32Array(0);
  let periodic = new Uint8Array(0);
  /** Builds the saved input rows r0 … r0 + rows − 1 that exist only as patterns. */
  const buildRows = (r0: number, rows: number) => {
    const a0 = actStores[0];
    for (let r = r0; r < r0 + rows; r++) {
      if (periodic[r] === 0) continue;
      a0.set(patterns.subarray(r * K, (r + 1) * K), r * n);
      for (let len = K; len < n; len *= 2) a0.copyWithin(r * n + len, r * n, r * n + len);
      periodic[r] = 0;
    }
  };
  const headOf = (rows: number) => {
    headRows = grown(headRows, rows * headWidth);
    return headRows.subarray(0, rows * headWidth);
  };

  // Workspaces: placed[] holds the placed (and, with adjust, adjusted) input; acts[l] is the input
  // of layer l and acts[depth] the last layer's output. Grow-only; views of `batch` rows are used.
  // `saved` holds them (placed first, and only with adjust: its backward alone needs it), `scratch`
  // backward's two gradient rows, freed whenever `saved` grows.
  const saved = growOnly(new Array(depth + (adjust ? 2 : 1)).fill(n));
  const scratch = growOnly([n, n]);
  let placedStore: Float32Array = new Float32Array(0);
  let rmsStore = new Float32Array(0);
  let actStores: Float32Array[] = [];
  let batch = 0;

  const ensure = (rows: number) => {
    // The new workspaces first: if they do not fit, the model keeps its old ones.
    if (!saved.ensure(rows)) return;
    scratch.free();
    placedStore = adjust ? saved.arrays[0] : new Float32Array(0);
    rmsStore = new Float32Array(rows);
    actStores = saved.arrays.slice(adjust ? 1 : 0);
  };
  const freeWorkspaces = () => {
    saved.free();
    scratch.free();
    for (const a of [headRows, patterns, stacks, scaledHead]) releaseKernelArray(a);
    headRows = patterns = stacks = scaledHead = new Float32Array(0);
    periodic = new Uint8Array(0);
    placedStore = new Float32Array(0);
    actStores = [];
  };
  const view = (store: Float32Array, rows: number) => store.subarray(0, rows * n);
  /** Rows r0 … r0 + rows − 1 of a workspace. */
  const rowsOf = (store: Float32Array, r0: number, rows: number) => store.subarray(r0 * n, (r0 + rows) * n);
  // The whole batch at once when tiling is off, the layer is not row-wise, or a team of threads
  // that cannot take the threaded path below (teamPlan) shares the batch: the kernel wrappers then
  // split each call by rows or columns themselves.
  const tileOf = (rows: number) =>
    tileRows === 0 || layer.rowwise !== true || activeTeam() !== null ? rows : Math.min(tileRows, rows);

  /** Whether the padded input's first round may be computed from its first K entries (projectPadded) into a0. */
  const padShortcut = (a0: Float32Array) => padBlock.length < n && backend() === "wasm-simd" && inWasmMemory(a0);

  /**
   * The first layer's input for rows r0 … r0 + rows − 1 into the saved input rows (a0), except
   * rows whose periodic[r] is 1 (they exist as patterns).
   */
  const projectRows = (input: Float32Array, r0: number, rows: number) => {
    const x = input.subarray(r0 * k, (r0 + rows) * k);
    const a0 = rowsOf(actStores[0], r0, rows);
    // a0 = WHT(D_1 ⊙ placed)/√W (= project, the same products in the same order), then the other
    // rounds. Only adjust's backward needs the placed input itself; otherwise it is placed
    // straight into a0.
    if (adjust) {
      const placed = rowsOf(placedStore, r0, rows);
      placeForward(x, placed, rows, k, n, placement);
      adjustForward(placed, rmsStore.subarray(r0, r0 + rows), rows, n);
      if (!multiplyRows(placed, n, a0, n, flipsIn[0], n, rows)) {
        a0.set(placed);
        multiplyFlips(a0, flipsIn[0]);
      }
    } else if (placement === "pad" && tileRows !== 0) {
      // placeForward then multiplyFlips, in one pass: each element f·x or f·0, one float32 product.
      const zeros = flippedZerosRow();
      const f = flipsIn[0];
      // the first round too, where its shortcut gives the kernel's bits (see projectPadded)
      const shortcut = padShortcut(a0);
      for (let b = 0; b < rows; b++) {
        if (periodic[r0 + b] === 1) continue; // (only with the shortcut)
        const o = b * n;
        if (shortcut && projectPadded(x, b, a0, o)) continue;
        a0.set(zeros, o);
        for (let j = 0; j < k; j++) a0[o + j] = f[j] * x[b * k + j];
        if (shortcut) whtBatch(a0.subarray(o, o + n), {size: n, normalize: true});
      }
      if (!shortcut) whtBatch(a0, {size: n, normalize: true});
    } else {
      placeForward(x, a0, rows, k, n, placement);
      multiplyFlips(a0, flipsIn[0]);
    }
    if (adjust || placement !== "pad" || tileRows === 0) whtBatch(a0, {size: n, normalize: true});
    for (let r = 1; r < flipsIn.length; r++) project(a0, flipsIn[r], true);
  };

  // The projection cache (Model.cacheProjections): projected rows by their input's bits. A row is
  // projected on its own (projectRows for one row: per row the same float operations as in a tile).
  const cacheable = flipsIn.length >= 2 && !adjust;
  let cache: Map<string, Float32Array> | null = null;
  // the kernels the kept rows were projected with (the JS loops round differently): another empties it
  let cacheBackend = "";
  const cacheStats = {rows: 0, bytes: 0, maxBytes: 0, hits: 0, misses: 0};
  const inputKey = (input: Float32Array, r: number) => {
    const bits = new Uint32Array(input.buffer, input.byteOffset + 4 * r * k, k);
    let key = "";
    for (let j = 0; j < k; j++) key += String.fromCharCode(bits[j] & 0xffff, bits[j] >>> 16);
    return key;
  };
  const placeRows = (input: Float32Array, r0: number, rows: number) => {
    if (cache === null) {
      projectRows(input, r0, rows);
      return;
    }
    if (cacheBackend !== backend()) {
      cache.clear();
      Object.assign(cacheStats, {rows: 0, bytes: 0});
      cacheBackend = backend();
    }
    const a0 = actStores[0];
    for (let r = r0; r < r0 + rows; r++) {
      const key = inputKey(input, r);
      const kept = cache.get(key);
      if (kept !== undefined) {
        a0.set(kept, r * n);
        cacheStats.hits++;
        continue;
      }
      cacheStats.misses++;
      projectRows(input, r, 1);
      if (cacheStats.bytes + 4 * n <= cacheStats.maxBytes) {
        cache.set(key, a0.slice(r * n, (r + 1) * n));
        cacheStats.rows++;
        cacheStats.bytes += 4 * n;
      }
    }
  };

  /** out[b, o] = flipsOut[o]·src[b·stride + o] for `rows` rows (the row kernel where src has rows of width n). */
  const writeOutputs = (src: Float32Array, stride: number, out: Float32Array, rows: number) => {
    if (stride === n && multiplyRows(src, n, out, outputSize, flipsOut, outputSize, rows)) return;
    for (let b = 0; b < rows; b++) {
      for (let o = 0; o < outputSize; o++) out[b * outputSize + o] = flipsOut[o] * src[b * stride + o];
    }
  };
  /** dst (rows of `stride` floats) zeroed, then dst[b, o] = flipsOut[o]·gOut[b, o]: the last layer's output gradient. */
  const writeOutputGradient = (gOut: Float32Array, dst: Float32Array, stride: number, rows: number) => {
    dst.fill(0);
    if (stride === n && multiplyRows(gOut, outputSize, dst, n, flipsOut, outputSize, rows)) return;
    for (let b = 0; b < rows; b++) {
      for (let o = 0; o < outputSize; o++) dst[b * stride + o] = flipsOut[o] * gOut[b * outputSize + o];
    }
  };

  /** Forward of rows r0 … r0 + rows − 1 of the batch: every stage, one after another. */
  const forwardRows = (input: Float32Array, output: Float32Array, r0: number, rows: number) => {
    const x = input.subarray(r0 * k, (r0 + rows) * k);
    let first = 0; // the first layer still to run (1 when it ran on patterns)
    periodic.fill(0, r0, r0 + rows);
    if (periodicOk && tileRows !== 0 && padShortcut(rowsOf(actStores[0], r0, rows))) {
      // patterns only, when every row of the tile has one and the layer takes them
      let all = true;
      for (let b = 0; b < rows && all; b++) {
        all = padPattern(x, b);
        patterns.set(padBlock, (r0 + b) * K);
      }
      const mine = patterns.subarray(r0 * K, (r0 + rows) * K);
      if (all && layer.forwardPeriodic!(mine, K, rowsOf(actStores[1], r0, rows), weights(0), rows)) {
        periodic.fill(1, r0, r0 + rows);
        first = 1;
      }
    }
    if (first === 0) placeRows(input, r0, rows);
    const out = output.subarray(r0 * outputSize, (r0 + rows) * outputSize);
    for (let l = first; l < depth; l++) {
      // The last layer's outputs alone when they are all the model needs of it (forward keeps the
      // layers' inputs for backward, not the last output); the same products f·v as below.
      if (l === depth - 1 && useHead && tileRows !== 0) {
        const head = headOf(rows);
        if (layer.forwardHead!(rowsOf(actStores[l], r0, rows), head, weights(l), rows)) {
          writeOutputs(head, headWidth, out, rows);
          return;
        }
      }
      layer.forward(rowsOf(actStores[l], r0, rows), rowsOf(actStores[l + 1], r0, rows), weights(l), rows);
    }
    writeOutputs(rowsOf(actStores[depth], r0, rows), n, out, rows);
  };

  /**
   * Backward of rows r0 … r0 + rows − 1 (the gradient rows reuse the same scratch for every tile);
   * writes their input gradient into gxAll, or skips it when gxAll is null.
   */
  const backwardRows = (gradOutput: Float32Array, gxAll: Float32Array | null, r0: number, rows: number) => {
    const gOut = gradOutput.subarray(r0 * outputSize, (r0 + rows) * outputSize);
    let g = view(scratch.arrays[0], rows);
    let gNext = view(scratch.arrays[1], rows);
    // (not with a team: it splits the full backward; its input gradient then goes to gNext)
    const weightsOnly = (l: number) =>
      l === 0 && gxAll === null && layer.weightBackward !== undefined && activeTeam() === null;
    let top = depth - 1;
    // The last layer from its output gradient's first headWidth entries (the rest are zeros).
    if (useHead && tileRows !== 0) {
      const head = headOf(rows);
      writeOutputGradient(gOut, head, headWidth, rows);
      const only = weightsOnly(top);
      if (
        layer.backwardHead!(
          rowsOf(actStores[top], r0, rows),
          head,
          only ? null : gNext,
          weights(top),
          weightGrads(top),
          rows
        )
      ) {
        if (only) return;
        [g, gNext] = [gNext, g];
        top--;
      }
    }
    if (top === depth - 1) writeOutputGradient(gOut, g, n, rows);
    for (let l = top; l >= 0; l--) {
      if (l === 0 && periodic.subarray(r0, r0 + rows).some((p) => p === 1)) {
        // the first layer's input as patterns, when every row has one; else the rows are built
        if (
          weightsOnly(0) &&
          periodic.subarray(r0, r0 + rows).every((p) => p === 1) &&
          layer.weightBackwardPeriodic!(
            patterns.subarray(r0 * K, (r0 + rows) * K),
            K,
            g,
            weights(0),
            weightGrads(0),
            rows
          )
        )
          return;
        buildRows(r0, rows);
      }
      const x = rowsOf(actStores[l], r0, rows);
      if (weightsOnly(l)) {
        layer.weightBackward!(x, g, weights(l), weightGrads(l), rows);
        return;
      }
      layer.backward(x, g, gNext, weights(l), weightGrads(l), rows);
      [g, gNext] = [gNext, g];
    }
    if (gxAll === null) return;
    for (let r = flipsIn.length - 1; r >= 0; r--) projectTranspose(g, flipsIn[r], true);
    if (adjust) adjustBackward(rowsOf(placedStore, r0, rows), rmsStore.subarray(r0, r0 + rows), g, rows, n);
    placeBackward(g, gxAll.subarray(r0 * k, (r0 + rows) * k), rows, k, n, placement);
  };

  // ---- the threaded path: a team of threads (lib/team.ts) runs the layers' kernel calls --------
  // Row-wise work (every layer's forward, the head and the periodic first layer included, and the
  // transform of gradient rows) is split by rows: each thread runs the calls the one-thread path
  // makes on its rows, in tiles. Weight gradients are split by columns (whole groups): each thread
  // adds, for its parameters, the rows of a tile in row order, tiles in order: the one-thread bits.
  let stacks: Float32Array = new Float32Array(0);
  // zeroGrad under a team: the gradients are zeroed by the threads in backward's first column
  // calls (each its own columns, just before adding to them), or here when anything else needs them.
  let zeroPending = false;
  const flushZero = () => {
    if (!zeroPending) return;
    zeroPending = false;
    grads.fill(0);
  };
  let scaledHead: Float32Array = new Float32Array(0);
  const at = (a: Float32Array, floats = 0) => a.byteOffset + 4 * floats;

  /** The team and its layer kernels when a team is active and they can run on this model's arrays, else null. */
  const teamPlan = (): {team: Team; tk: LayerTeamKernels} | null => {
    const team = activeTeam();
    if (team === null || tileRows === 0 || layer.rowwise !== true) return null;
    const tk = layer.teamKernels?.() ?? null;
    if (tk === null || !inWasmMemory(params) || !inWasmMemory(grads)) return null;
    return {team, tk};
  };

  /** forward on a team: the first layer's inputs on this thread, then every layer of each thread's rows. */
  const forwardTeam = (team: Team, tk: LayerTeamKernels, input: Float32Array, out: Float32Array, rows: number) => {
    const threads = team.threads;
    // Patterns where the first layer takes them (every row that has one: the rows are independent).
    if (periodicOk && padShortcut(view(actStores[0], rows)) && tk.forwardPeriodic(0, K, 0, 0, 0) !== null) {
      for (let b = 0; b < rows; b++) {
        if (!padPattern(input, b)) continue;
        patterns.set(padBlock, b * K);
        periodic[b] = 1;
      }
    }
    placeRows(input, 0, rows);
    const head = tk.head && useHead ? headOf(rows) : null;
    if (head !== null) stacks = grown(stacks, threads * tk.stackFloats);
    const jobs = splitRange(rows, threads, 1).map(([r0, r1], t) => {
      const calls: KernelCall[] = [];
      const layerCalls = (l: number, a: number, e: number) => {
        if (l === depth - 1 && head !== null) {
          calls.push(
            tk.forwardHead(
              at(actStores[l], a * n),
              at(head, a * headWidth),
              at(params, l * size),
              e - a,
              at(stacks, t * tk.stackFloats)
            )
          );
        } else {
          calls.push(tk.forward(at(actStores[l], a * n), at(actStores[l + 1], a * n), at(params, l * size), e - a));
        }
      };
      for (let u = r0; u < r1; u += tileRows) {
        const v = Math.min(r1, u + tileRows);
        // the first layer on runs of rows with and without patterns
        for (let a = u; a < v; ) {
          let e = a + 1;
          while (e < v && periodic[e] === periodic[a]) e++;
          if (periodic[a] === 1)
            calls.push(tk.forwardPeriodic(at(patterns, a * K), K, at(actStores[1], a * n), at(params), e - a)!);
          else layerCalls(0, a, e);
          a = e;
        }
        for (let l = 1; l < depth; l++) layerCalls(l, u, v);
      }
      return calls;
    });
    runInRounds(team, jobs);
    if (head !== null) writeOutputs(head, headWidth, out, rows);
    else writeOutputs(view(actStores[depth], rows), n, out, rows);
  };

  /**
   * backward on a team, a tile of rows (4·tileRows per thread) at a time: per layer, the transform
   * of the tile's gradient rows split by rows, then the rest split by columns.
   */
  const backwardTeam = (
    team: Team,
    tk: LayerTeamKernels,
    gradOutput: Float32Array,
    gxAll: Float32Array | null,
    rows: number
  ) => {
    const threads = team.threads;
    // Each tile costs three barriers or so (one per step); 4·tileRows rows per thread measured as fast
    // as tileRows on a quiet machine (W = 65,536) and loses less to a busy one.
    const tile = Math.min(rows, 4 * tileRows * threads);
    scratch.ensure(tile);
    const columns = splitRange(n, threads, tk.unit);
    // Each thread's columns of `count` rows, in calls of tileRows rows, in row order (calls of two
    // rows measured 15% faster than of sixteen at W = 65,536: the kernels' two-row block is unrolled).
    const byColumns = (count: number, make: (c0: number, c1: number, r: number, rows: number) => KernelCall) => {
      const zero = zeroPending;
      zeroPending = false;
      runInRounds(
        team,
        columns.map(([c0, c1]) => {
          const calls = zero ? Array.from({length: depth}, (_, l) => tk.zeroColumns(at(grads, l * size), c0, c1)) : [];
          for (let r = 0; r < count; r += tileRows) calls.push(make(c0, c1, r, Math.min(tileRows, count - r)));
          return calls;
        })
      );
    };
    const transform = (g: Float32Array, count: number) =>
      team.run(splitRange(count, threads, 1).map(([a, e]) => [tk.transform(at(g, a * n), e - a)]));
    const headOk = tk.head && useHead;
    if (headOk) scaledHead = grown(scaledHead, tile * headWidth);
    for (let r0 = 0; r0 < rows; r0 += tile) {
      const count = Math.min(tile, rows - r0);
      const gOut = gradOutput.subarray(r0 * outputSize, (r0 + count) * outputSize);
      let g = view(scratch.arrays[0], count);
      let gNext = view(scratch.arrays[1], count);
      let top = depth - 1;
      let done = false;
      if (headOk) {
        // as backwardRows and backwardHead: the output gradient's first headWidth entries, times the scale
        const head = headOf(count);
        writeOutputGradient(gOut, head, headWidth, count);
        let ok = true;
        for (let i = 0; i < head.length && ok; i++) {
          ok = !Object.is(head[i], -0);
          scaledHead[i] = head[i] * tk.headScale;
        }
        if (ok) {
          const only = top === 0 && gxAll === null;
          const x = at(actStores[top], r0 * n);
          byColumns(count, (c0, c1, r, rr) =>
            tk.backwardHeadColumns(
              x + 4 * r * n,
              at(scaledHead, r * headWidth),
              only ? null : at(gNext, r * n),
              at(params, top * size),
              at(grads, top * size),
              rr,
              c0,
              c1
            )
          );
          if (only) done = true;
          [g, gNext] = [gNext, g];
          top--;
        }
      }
      if (!done && top === depth - 1) writeOutputGradient(gOut, g, n, count);
      for (let l = top; l >= 0 && !done; l--) {
        transform(g, count);
        const w = at(params, l * size),
          gw = at(grads, l * size);
        if (l === 0 && periodic.subarray(r0, r0 + count).some((p) => p === 1)) {
          if (gxAll === null && periodic.subarray(r0, r0 + count).every((p) => p === 1)) {
            const p = at(patterns, r0 * K);
            byColumns(count, (c0, c1, r, rr) =>
              tk.weightBackwardPeriodicColumns(p + 4 * r * K, K, at(g, r * n), w, gw, rr, c0, c1)
            );
            done = true;
            break;
          }
          buildRows(r0, count);
        }
        const x = at(actStores[l], r0 * n);
        const gx = l === 0 && gxAll === null ? null : at(gNext);
        byColumns(count, (c0, c1, r, rr) =>
          tk.backwardColumns(x + 4 * r * n, at(g, r * n), gx === null ? null : gx + 4 * r * n, w, gw, rr, c0, c1)
        );
        if (gx === null) done = true;
        [g, gNext] = [gNext, g];
      }
      if (done || gxAll === null) continue;
      for (let r = flipsIn.length - 1; r >= 0; r--) projectTranspose(g, flipsIn[r], true);
      if (adjust) adjustBackward(rowsOf(placedStore, r0, count), rmsStore.subarray(r0, r0 + count), g, count, n);
      placeBackward(g, gxAll.subarray(r0 * k, (r0 + count) * k), count, k, n, placement);
    }
  };

  /**
   * Row b of the padded input, placed, flipped and through the first round into a0 at offset o:
   * what the general path computes, bit for bit, without the WHT of the whole row. Past its first
   * K entries the flipped row is zeros, so the stages below K leave blocks of zeros past the first
   * block, whose values are the WHT of its K entries; from stage K on, each value of the first block
   * meets a zero at every stage and v + 0 = v − 0 = v when v is not a zero; so every block ends as
   * the first one, and the last pass multiplies by the scale. False, doing nothing, when a value
   * of the first block is a zero (then the signs of the zeros would matter).
   */
  function projectPadded(x: Float32Array, b: number, a0: Float32Array, o: number): boolean {
    if (!padPattern(x, b)) return false;
    a0.set(padBlock, o);
    for (let len = K; len < n; len *= 2) a0.copyWithin(o + len, o, o + len);
    return true;
  }

  /** projectPadded's first K values of row b (scaled) into padBlock; false when one is a zero. */
  function padPattern(x: Float32Array, b: number): boolean {
    const f = flipsIn[0],
      zeros = flippedZerosRow();
    for (let p = 0; p < K; p++) padBlock[p] = p < k ? f[p] * x[b * k + p] : zeros[p];
    // the kernels' stages on the first block, in their order (float32 rounding at every store)
    for (let h = 1; h < K; h *= 2) {
      for (let i = 0; i < K; i += 2 * h) {
        for (let j = i; j < i + h; j++) {
          const u = padBlock[j],
            v = padBlock[j + h];
          padBlock[j] = u + v;
          padBlock[j + h] = u - v;
        }
      }
    }
    for (let p = 0; p < K; p++) {
      if (padBlock[p] === 0) return false;
      padBlock[p] *= padScale;
    }
    return true;
  }

  return {
    spec,
    params,
    get grads() {
      flushZero();
      return grads;
    },
    parameterCount,
    forward(input: Float32Array, batchSize: number): Float32Array {
      const rows = batchSize;
      ensure(rows);
      batch = rows;
      if (periodicOk && periodic.length < rows) {
        patterns = grown(patterns, rows * K);
        periodic = new Uint8Array(rows);
      }
      periodic.fill(0); // every path below writes the saved input rows unless it sets these
      const out = new Float32Array(rows * outputSize);
      const plan = teamPlan();
      if (plan !== null && actStores.every((a) => inWasmMemory(a))) {
        forwardTeam(plan.team, plan.tk, input, out, rows);
        return out;
      }
      const tile = tileOf(rows);
      for (let r0 = 0; r0 < rows; r0 += tile) forwardRows(input, out, r0, Math.min(tile, rows - r0));
      return out;
    },
    backward(gradOutput: Float32Array, options?: BackwardOptions): Float32Array {
      const rows = batch;
      // Without tiling (tileRows 0) the input gradient is always computed, as before.
      const wantInput = tileRows === 0 || options?.inputGradient !== false;
      const plan = teamPlan();
      if (plan !== null && actStores.every((a) => inWasmMemory(a))) {
        const gx = new Float32Array(wantInput ? rows * k : 0);
        backwardTeam(plan.team, plan.tk, gradOutput, wantInput ? gx : null, rows);
        return gx;
      }
      flushZero();
      const tile = tileOf(rows);
      scratch.ensure(tile === rows ? saved.capacity : tile);
      const gx = new Float32Array(wantInput ? rows * k : 0);
      for (let r0 = 0; r0 < rows; r0 += tile)
        backwardRows(gradOutput, wantInput ? gx : null, r0, Math.min(tile, rows - r0));
      return gx;
    },
    zeroGrad(): void {
      // With a team, each thread zeroes the gradients it then adds to, in backward's first step.
      if (teamPlan() !== null) zeroPending = true;
      else {
        zeroPending = false;
        grads.fill(0);
      }
    },
    cacheProjections(maxBytes: number) {
      if (!cacheable) return null;
      cache = maxBytes > 0 ? (cache ?? new Map()) : null;
      if (cache === null) Object.assign(cacheStats, {rows: 0, bytes: 0});
      // a lower limit keeps what is already there and adds nothing more until it fits again
      Object.assign(cacheStats, {maxBytes, hits: 0, misses: 0});
      return cacheStats;
    },
    dispose(): void {
      zeroPending = false;
      cache = null;
      freeWorkspaces();
      releaseKernelArray(params);
      releaseKernelArray(grads);
      layer.dispose?.();
    }
  };
}
