/**
 * Speed measurements the site runs live (in a browser worker) and `npm run bench` runs in Node:
 * WHT kernels across sizes, batches across threads, and a whole Switch Net 4 layer against a dense
 * layer of equal connections. Platform-neutral: only `performance.now()`, no Node imports.
 *
 * Every figure is the median of `repeats` timed runs (with min and max); each run repeats the
 * operation until at least `minTimeMs` have passed. Data live in the kernel memory, so the WASM
 * kernel works in place; the "wasm-simd+copy" row times `wht` on an ordinary array (copy in/out).
 * The layer benchmark times forward + backward per sample of one Switch Net 4 layer (W = 65,536,
 * m = 4: 2,097,152 connections) and one dense layer (W = 1448: 2,096,704 connections) in plain JS,
 * with the SIMD kernels on tensors in the kernel memory, and with the SIMD kernels on ordinary
 * arrays (copied in and out), plus the learned butterfly layer at the Switch Net 4 width (equal
 * weights and multiply-adds to the dense layer) and whole depth-1 models from `createModel`.
 */
import {butterflyLayer} from "./butterfly.js";
import {counts} from "./counts.js";
import {linearBackward, linearForward} from "./dense.js";
import {fusedMultiplyAdd, gemmSimdAvailable, matmulAdd, matmulTransAAdd, matmulTransB} from "./kernels/gemm.js";
import {createModel, DEFAULT_TILE_ROWS, setBatchTileRows} from "./model.js";
import {createPool} from "./parallel.js";
import {createTrainer} from "./train.js";
import {createTeam, withTeam} from "./team.js";
import {createRng} from "./random.js";
import {switchNetBackward, switchNetForward} from "./switchnet.js";
import {allocate, type WasmTensor} from "./wasm/memory.js";
import {ready, setBackend, backend, wht, whtKernel, whtKernelNames} from "./wht.js";
import {checkOptions} from "./check.js";

export interface BenchOptions {
  repeats?: number;
  minTimeMs?: number;
  /** A short run (about 20 s in all): fewer sizes, repeats and time per run. */
  quick?: boolean;
  onProgress?: (done: number, total: number, label: string) => void;
}

export interface WhtBenchRow {
  kernel: string;
  n: number;
  log2n: number;
  transformsPerSecond: number;
  nsPerElement: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  repeats: number;
}

export interface WhtBenchResult {
  rows: WhtBenchRow[];
}

export interface Timing {
  medianMs: number;
  minMs: number;
  maxMs: number;
  repeats: number;
}

const COPY_VARIANT = "wasm-simd+copy";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * The sampling shared by timeIt and timeSync, as a plan that yields how many calls to make next
 * (the caller makes them, awaiting each or not) and returns the timing: one call at a time for a
 * warm-up of minTimeMs / 2 that also sizes the samples, then `repeats` samples of enough calls to
 * last about minTimeMs each, `reset` before each.
 */
function* samplingPlan(repeats: number, minTimeMs: number, reset?: () => void): Generator<number, Timing, void> {
  reset?.();
  let t0 = performance.now();
  let calls = 0;
  do {
    yield 1;
    calls++;
  } while (performance.now() - t0 < minTimeMs / 2);
  const perCall = (performance.now() - t0) / calls;
  const iterations = Math.max(1, Math.ceil(minTimeMs / Math.max(perCall, 1e-6)));
  const samples: number[] = [];
  for (let r = 0; r < repeats; r++) {
    reset?.();
    t0 = performance.now();
    yield iterations;
    samples.push((performance.now() - t0) / iterations);
  }
  return {medianMs: median(samples), minMs: Math.min(...samples), maxMs: Math.max(...samples), repeats};
}

/** Times `fn` (ms per call): a warm-up, then `repeats` runs of at least `minTimeMs` each. */
export async function timeIt(
  fn: () => void | Promise<void>,
  repeats: number,
  minTimeMs: number,
  reset?: () => void
): Promise<Timing> {
  const plan = samplingPlan(repeats, minTimeMs, reset);
  for (let step = plan.next(); ; step = plan.next()) {
    if (step.done) return step.value;
    for (let i = 0; i < step.value; i++) await fn();
  }
}

/** Like timeIt, for synchronous functions (no await per call, which would distort small sizes). */
export function timeSync(fn: () => void, repeats: number, minTimeMs: number, reset?: () => void): Timing {
  const plan = samplingPlan(repeats, minTimeMs, reset);
  for (let step = plan.next(); ; step = plan.next()) {
    if (step.done) return step.value;
    for (let i = 0; i < step.value; i++) fn();
  }
}

/** WHT kernels available on this platform (after `ready()`), plus the copy-in/out variant. */
export function kernelNames(): string[] {
  const names = whtKernelNames();
  const order = ["radix2", "scalar", "wasm-simd"];
  const sorted = [...order.filter((n) => names.includes(n)), ...names.filter((n) => !order.includes(n))];
  if (names.includes("wasm-simd")) sorted.push(COPY_VARIANT);
  return sorted;
}

function fillSmall(x: Float32Array): void {
  for (let i = 0; i < x.length; i++) x[i] = ((i * 7919) % 1000) / 1000 - 0.5;
}

/** Transforms per second for each kernel and size (unnormalised, in place, one vector). */
export async function runWhtBenchmark(
  opts: BenchOptions & {sizes?: number[]; kernels?: string[]} = {}
): Promise<WhtBenchResult> {
  opts = checkOptions("options", opts);
  await ready();
  const quick = opts.quick === true;
  const sizes = opts.sizes ?? Array.from({length: quick ? 10 : 19}, (_, i) => 2 ** (4 + (quick ? 2 : 1) * i));
  const kernels = opts.kernels ?? kernelNames();
  const repeats = opts.repeats ?? (quick ? 3 : 5);
  const minTimeMs = opts.minTimeMs ?? (quick ? 8 : 40);
  const available = kernelNames();
  for (const k of kernels)
    if (!available.includes(k))
      throw new Error(`unknown kernel ${JSON.stringify(k)}; available: ${available.join(", ")}`);
  const rows: WhtBenchRow[] = [];
  const total = sizes.length * kernels.length;
  let done = 0;
  // Warm-up: let the JIT finish compiling every kernel (on a busy machine optimised code can
  // arrive late, and the first size measured would time the baseline tier).
  const warm = allocate(4096);
  for (const kernel of kernels) {
    if (kernel === COPY_VARIANT) continue;
    const k = whtKernel(kernel);
    for (const n of [16, 256, 4096]) {
      const until = performance.now() + (quick ? 15 : 40);
      while (performance.now() < until) k.transform(warm.array.subarray(0, n), n, 1, false);
    }
  }
  warm.free();
  // Sizes outermost: the kernels compared at one size run close together in time.
  for (const n of sizes) {
    for (const kernel of kernels) {
      const label = `${kernel} n=2^${Math.log2(n)}`;
      opts.onProgress?.(done, total, label);
      let timing: Timing;
      if (kernel === COPY_VARIANT) {
        const previous = backend();
        setBackend("wasm-simd");
        const x = new Float32Array(n);
        timing = timeSync(
          () => void wht(x),
          repeats,
          minTimeMs,
          () => fillSmall(x)
        );
        setBackend(previous === "wasm-simd" ? "auto" : previous);
      } else {
        const t = allocate(n);
        const k = whtKernel(kernel);
        const x = () => t.array;
        timing = timeSync(
          () => k.transform(x(), n, 1, false),
          repeats,
          minTimeMs,
          () => fillSmall(x())
        );
        t.free();
      }
      rows.push({
        kernel,
        n,
        log2n: Math.log2(n),
        transformsPerSecond: 1000 / timing.medianMs,
        nsPerElement: (timing.medianMs * 1e6) / n,
        ...timing
      });
      done++;
    }
  }
  opts.onProgress?.(done, total, "done");
  rows.sort((a, b) => kernels.indexOf(a.kernel) - kernels.indexOf(b.kernel) || a.n - b.n);
  return {rows};
}

export interface BatchBenchRow {
  n: number;
  count: number;
  /** Threads actually used (the calling thread included); may be fewer than asked for. */
  threads: number;
  requestedThreads: number;
  fallbackReason: string | null;
  vectorsPerSecond: number;
  nsPerElement: number;
  /** Throughput relative to one thread on the same n. */
  speedup: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  repeats: number;
}

/** Batch throughput (`count` vectors of each size) with 1, 2, … threads sharing the memory. */
export async function runBatchBenchmark(
  opts: BenchOptions & {sizes?: number[]; count?: number; threads?: number[]} = {}
): Promise<{rows: BatchBenchRow[]}> {
  opts = checkOptions("options", opts);
  await ready();
  const quick = opts.quick === true;
  const sizes = opts.sizes ?? [256, 4096];
  const count = opts.count ?? 1024;
  const threadCounts = opts.threads ?? [1, 2];
  const repeats = opts.repeats ?? (quick ? 3 : 7);
  const minTimeMs = opts.minTimeMs ?? (quick ? 20 : 100);
  const rows: BatchBenchRow[] = [];
  const total = sizes.length * threadCounts.length;
  let done = 0;
  for (const threads of threadCounts) {
    const pool = await createPool({threads});
    for (const n of sizes) {
      opts.onProgress?.(done, total, `batch ${count}×2^${Math.log2(n)}, ${threads} thread(s)`);
      const t = allocate(n * count);
      const timing = await timeIt(
        async () => void (await pool.whtBatch(t.array, {size: n})),
        repeats,
        minTimeMs,
        () => fillSmall(t.array)
      );
      t.free();
      const vectorsPerSecond = (count * 1000) / timing.medianMs;
      const base = rows.find((r) => r.n === n && r.threads === 1);
      rows.push({
        n,
        count,
        threads: pool.threads,
        requestedThreads: threads,
        fallbackReason: pool.fallbackReason,
        vectorsPerSecond,
        nsPerElement: (timing.medianMs * 1e6) / (n * count),
        speedup: base ? vectorsPerSecond / base.vectorsPerSecond : 1,
        ...timing
      });
      done++;
    }
    await pool.close();
  }
  opts.onProgress?.(done, total, "done");
  return {rows};
}

export interface LayerBenchRow {
  /** "switchnet4", "dense" or "butterfly" (one layer), or "switchnet4 model" / "dense model" (createModel, depth 1). */
  layer: string;
  /** "js" (scalar kernels), "wasm-simd" (tensors in the kernel memory), "wasm-simd+copy" (ordinary arrays). */
  implementation: string;
  width: number;
  /** Edges per sample through the layer (learned + fixed ±1; see counts.ts). */
  connections: number;
  /** Learned weights stored (biases included for dense). */
  storedWeights: number;
  batch: number;
  /** Forward + backward time per sample (median). */
  msPerSample: number;
  samplesPerSecond: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  repeats: number;
}

/**
 * Arrays for one layer benchmark: in the kernel memory, or ordinary. `arrays()` gives fresh views
 * on every call (a non-shared memory that grows detaches the old ones): take them again after each
 * kernel call, since any call may grow the memory for its scratch (the butterfly's first forward
 * does, for its planar weights), and a detached view handed to the next call fails.
 */
function buffers(sizes: number[], resident: boolean): {arrays(): Float32Array[]; free(): void} {
  if (!resident) {
    const plain = sizes.map((n) => new Float32Array(n));
    return {arrays: () => plain, free: () => {}};
  }
  const tensors: WasmTensor[] = sizes.map((n) => allocate(n));
  return {arrays: () => tensors.map((t) => t.array), free: () => tensors.forEach((t) => t.free())};
}

function fillNormal(x: Float32Array, seed: number, scale = 1): void {
  const rng = createRng(seed);
  for (let i = 0; i < x.length; i++) x[i] = scale * rng.normal();
}

/**
 * Forward + backward time per sample of a Switch Net 4 layer at `switchWidth` (m = 4) against a
 * dense layer at `denseWidth` (equal connections by default), for each implementation and batch.
 */
export async function runLayerBenchmark(
  opts: BenchOptions & {
    switchWidth?: number;
    denseWidth?: number;
    groupSize?: number;
    batches?: number[];
    implementations?: string[];
    /** Also time whole depth-1 models from createModel (default true). */
    models?: boolean;
    /** Also time the learned butterfly layer at switchWidth (default true). */
    butterfly?: boolean;
  } = {}
): Promise<{rows: LayerBenchRow[]}> {
  opts = checkOptions("options", opts);
  await ready();
  const quick = opts.quick === true;
  const W = opts.switchWidth ?? 65536;
  const D = opts.denseWidth ?? 1448;
  const m = opts.groupSize ?? 4;
  const batches = opts.batches ?? (quick ? [1] : [1, 16]);
  const repeats = opts.repeats ?? (quick ? 3 : 5);
  const minTimeMs = opts.minTimeMs ?? (quick ? 60 : 200);
  const hasSimd = whtKernelNames().includes("wasm-simd");
  const implementations = (opts.implementations ?? ["js", "wasm-simd", "wasm-simd+copy"]).filter(
    (i) => hasSimd || i === "js"
  );
  const withModels = opts.models ?? true;
  const withButterfly = opts.butterfly ?? true;
  const bf = counts("butterfly", W);
  const sw = counts("switchnet4", W, {groupSize: m});
  const dn = counts("dense", D);
  const previous = backend();
  const rows: LayerBenchRow[] = [];
  const jobs: Array<{label: string; run: () => Promise<void>}> = [];

  const record = (
    layer: string,
    implementation: string,
    width: number,
    connections: number,
    stored: number,
    batch: number,
    timing: Timing
  ) => {
    rows.push({
      layer,
      implementation,
      width,
      connections,
      storedWeights: stored,
      batch,
      msPerSample: timing.medianMs / batch,
      samplesPerSecond: (1000 * batch) / timing.medianMs,
      ...timing
    });
  };

  for (const batch of batches) {
    for (const impl of implementations) {
      const resident = impl === "wasm-simd";
      jobs.push({
        label: `switchnet4 W=${W} ${impl} batch ${batch}`,
        run: async () => {
          const b = buffers([batch * W, batch * W, 2 * m * W, batch * W, batch * W, 2 * m * W], resident);
          const [x0, , w0] = b.arrays();
          fillNormal(x0, 1);
          fillNormal(w0, 2, 0.5);
          const timing = timeSync(
            () => {
              const [x, y, w] = b.arrays();
              switchNetForward(x, y, w, W, m, batch);
              const [x1, , w1, gy, gx, gw] = b.arrays(); // fresh views (see buffers)
              switchNetBackward(x1, gy, gx, w1, gw, W, m, batch);
            },
            repeats,
            minTimeMs,
            () => fillNormal(b.arrays()[3], 3)
          );
          record("switchnet4", impl, W, sw.edges, sw.stored, batch, timing);
          b.free();
        }
      });
      jobs.push({
        label: `dense W=${D} ${impl} batch ${batch}`,
        run: async () => {
          const b = buffers([batch * D, batch * D, D * D, D, batch * D, batch * D, D * D, D], resident);
          const [x0, , w0, , gy0] = b.arrays();
          fillNormal(x0, 1);
          fillNormal(w0, 2, 1 / Math.sqrt(D));
          fillNormal(gy0, 3);
          const timing = timeSync(
            () => {
              const [x, y, w, bias] = b.arrays();
              linearForward(x, y, w, bias, D, D, batch, false);
              const [x1, , w1, , gy, gx, gw, gb] = b.arrays(); // fresh views (see buffers)
              linearBackward(x1, gy, gx, w1, gw, gb, D, D, batch, false);
            },
            repeats,
            minTimeMs
          );
          record("dense", impl, D, dn.edges, dn.stored + dn.biases, batch, timing);
          b.free();
        }
      });
      if (withButterfly) {
        jobs.push({
          label: `butterfly W=${W} ${impl} batch ${batch}`,
          run: async () => {
            const layer = butterflyLayer(W);
            const b = buffers([batch * W, batch * W, layer.size, batch * W, batch * W, layer.size], resident);
            const [x0, , w0] = b.arrays();
            layer.init(w0, createRng(2), 0.1);
            fillNormal(x0, 1);
            const timing = timeSync(
              () => {
                const [x, y, w] = b.arrays();
                layer.forward(x, y, w, batch);
                const [x1, , w1, gy, gx, gw] = b.arrays(); // fresh views (see buffers)
                layer.backward(x1, gy, gx, w1, gw, batch);
              },
              repeats,
              minTimeMs,
              () => fillNormal(b.arrays()[3], 3)
            );
            record("butterfly", impl, W, bf.edges, bf.stored, batch, timing);
            b.free();
            layer.dispose?.();
          }
        });
      }
      if (withModels && impl !== "wasm-simd") {
        jobs.push({
          label: `switchnet4 model W=${W} ${impl} batch ${batch}`,
          run: async () => {
            const model = createModel({
              kind: "switchnet4",
              inputSize: W,
              outputSize: W,
              width: W,
              depth: 1,
              groupSize: m,
              seed: 1
            });
            const x = new Float32Array(batch * W),
              g = new Float32Array(batch * W);
            fillNormal(x, 1);
            fillNormal(g, 3);
            const timing = timeSync(
              () => {
                model.forward(x, batch);
                model.backward(g);
              },
              repeats,
              minTimeMs
            );
            record(
              "switchnet4 model",
              impl === "js" ? "js" : "wasm-simd (model arrays)",
              W,
              sw.edges,
              model.parameterCount,
              batch,
              timing
            );
            model.dispose();
          }
        });
        jobs.push({
          label: `dense model W=${D} ${impl} batch ${batch}`,
          run: async () => {
            const model = createModel({kind: "dense", inputSize: D, outputSize: D, width: D, depth: 1, seed: 1});
            const x = new Float32Array(batch * D),
              g = new Float32Array(batch * D);
            fillNormal(x, 1);
            fillNormal(g, 3);
            const timing = timeSync(
              () => {
                model.forward(x, batch);
                model.backward(g);
              },
              repeats,
              minTimeMs
            );
            record(
              "dense model",
              impl === "js" ? "js" : "wasm-simd (model arrays)",
              D,
              2 * dn.edges,
              model.parameterCount,
              batch,
              timing
            );
            model.dispose();
          }
        });
      }
    }
  }
  try {
    for (let i = 0; i < jobs.length; i++) {
      opts.onProgress?.(i, jobs.length, jobs[i].label);
      const impl = jobs[i].label.includes(" js ") ? "scalar" : "wasm-simd";
      setBackend(impl);
      await jobs[i].run();
    }
  } finally {
    setBackend(previous === "wasm-simd" ? "auto" : previous);
  }
  opts.onProgress?.(jobs.length, jobs.length, "done");
  return {rows};
}

/** The three products of a dense layer y = x·W: forward x·W, the weight gradient xᵀ·gy, the input gradient gy·Wᵀ. */
export const GEMM_PRODUCTS = ["forward", "gradWeights", "gradInput"] as const;
export type GemmProductName = (typeof GEMM_PRODUCTS)[number];

export interface GemmBenchRow {
  product: GemmProductName;
  /** Rows of x (samples). */
  batch: number;
  /** Square weight matrix width × width. */
  width: number;
  /** The kernel that ran ("wasm-simd" or "js"). */
  implementation: string;
  /** 2·batch·width² floating-point operations per call, per second (median call), in units of 10^9. */
  gflops: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  repeats: number;
}

/**
 * GFLOP/s of the dense layer's three matrix products (lib/kernels/gemm.ts) on arrays in the
 * kernel memory, at each batch: the figures a BLAS is compared with.
 */
export async function runGemmBenchmark(
  opts: BenchOptions & {width?: number; batches?: number[]; products?: readonly GemmProductName[]} = {}
): Promise<{rows: GemmBenchRow[]}> {
  await ready();
  const quick = opts.quick === true;
  const D = opts.width ?? 1448;
  const batches = opts.batches ?? [16, 64, 256];
  const products = opts.products ?? GEMM_PRODUCTS;
  const repeats = opts.repeats ?? (quick ? 3 : 5);
  const minTimeMs = opts.minTimeMs ?? (quick ? 40 : 150);
  const implementation = gemmSimdAvailable() ? (fusedMultiplyAdd() ? "wasm-simd-fma" : "wasm-simd") : "js";
  const rows: GemmBenchRow[] = [];
  const total = batches.length * products.length;
  let done = 0;
  for (const batch of batches) {
    const b = buffers([batch * D, D * D, batch * D, D * D, batch * D], true);
    const [x0, w0, gy0] = b.arrays();
    fillNormal(x0, 1);
    fillNormal(w0, 2, 1 / Math.sqrt(D));
    fillNormal(gy0, 3);
    for (const product of products) {
      opts.onProgress?.(done, total, `${product} batch ${batch}`);
      const run = () => {
        const [x, w, gy, gw, out] = b.arrays();
        let ok: boolean;
        if (product === "forward") ok = matmulAdd(x, w, out, batch, D, D);
        else if (product === "gradWeights") ok = matmulTransAAdd(x, gy, gw, batch, D, D);
        else ok = matmulTransB(gy, w, out, batch, D, D, false);
        if (!ok) throw new Error("the WebAssembly SIMD matrix kernels are not loaded");
      };
      // Accumulating products grow without bound: start each sample from zero.
      const timing = timeSync(run, repeats, minTimeMs, () => {
        b.arrays()[3].fill(0);
        b.arrays()[4].fill(0);
      });
      rows.push({
        product,
        batch,
        width: D,
        implementation,
        gflops: (2 * batch * D * D) / (timing.medianMs * 1e6),
        ...timing
      });
      done++;
    }
    b.free();
  }
  opts.onProgress?.(done, total, "done");
  return {rows};
}

export interface TrainingBenchRow {
  /** "switchnet4" or "dense": a depth-2 model, 16 inputs, 4 outputs (createModel). */
  model: string;
  width: number;
  batch: number;
  /** Threads sharing each step (the calling thread included). */
  threads: number;
  requestedThreads: number;
  fallbackReason: string | null;
  /** Optimiser steps (forward, loss, backward, Adam) per second (median step). */
  stepsPerSecond: number;
  samplesPerSecond: number;
  msPerSample: number;
  /** Steps per second relative to one thread at the same model and batch: the median over rounds of the ratio of step times, the thread counts timed in alternation. */
  speedup: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  repeats: number;
}

/**
 * Training steps per second (createTrainer: forward, MSE, backward, Adam) of a depth-2 Switch Net 4
 * (W = 65,536) and a depth-2 dense model (W = 1448), 16 inputs and 4 outputs, at each batch size
 * and thread count. The parameters come out the same for every thread count (tests/team.test.ts).
 */
export async function runTrainingBenchmark(
  opts: BenchOptions & {
    switchWidth?: number;
    denseWidth?: number;
    batches?: number[];
    threads?: number[];
    models?: string[];
  } = {}
): Promise<{rows: TrainingBenchRow[]}> {
  await ready();
  const quick = opts.quick === true;
  const batches = opts.batches ?? (quick ? [64] : [1, 16, 64, 256]);
  const threadCounts = opts.threads ?? [1, 2];
  const repeats = opts.repeats ?? (quick ? 5 : 9);
  const minTimeMs = opts.minTimeMs ?? (quick ? 100 : 250);
  const models = opts.models ?? ["switchnet4", "dense"];
  const inputSize = 16,
    outputSize = 4;
  const n = 4 * Math.max(...batches);
  const rng = createRng(11);
  const data = {
    name: "random",
    task: "regression" as const,
    inputSize,
    outputSize,
    train: {
      x: Float32Array.from({length: n * inputSize}, () => rng.normal()),
      y: Float32Array.from({length: n * outputSize}, () => rng.normal()),
      n
    },
    test: {x: new Float32Array(0), y: new Float32Array(0), n: 0}
  };
  const rows: TrainingBenchRow[] = [];
  const total = models.length * batches.length * threadCounts.length;
  let done = 0;
  for (const kind of models) {
    const width = kind === "dense" ? (opts.denseWidth ?? 1448) : (opts.switchWidth ?? 65536);
    for (const batch of batches) {
      opts.onProgress?.(
        done,
        total,
        `training ${kind} W=${width} batch ${batch}, ${threadCounts.join(" and ")} thread(s), interleaved`
      );
      // One trainer per thread count, timed in alternation (one sample each per round), so that a
      // busy machine slows every thread count alike; speedups are medians of per-round ratios.
      const setups = threadCounts.map((threads) => {
        const model = createModel({
          kind: kind as "dense" | "switchnet4",
          inputSize,
          outputSize,
          width,
          depth: 2,
          seed: 1
        });
        const trainer = createTrainer(model, data, {batchSize: batch, learningRate: 1e-4, optimizer: "adam", threads});
        timeSync(() => void trainer.step(), 1, minTimeMs / 2); // warm-up
        return {threads, model, trainer, samples: [] as Timing[]};
      });
      for (let r = 0; r < repeats; r++) {
        for (const s of setups) s.samples.push(timeSync(() => void s.trainer.step(), 1, minTimeMs));
      }
      const ms = setups.map((s) => s.samples.map((t) => t.medianMs));
      for (const [i, s] of setups.entries()) {
        const medianMs = median(ms[i]);
        const stepsPerSecond = 1000 / medianMs;
        const speedup =
          s.threads === 1 || !threadCounts.includes(1)
            ? 1
            : median(ms[threadCounts.indexOf(1)].map((t1, r) => t1 / ms[i][r]));
        rows.push({
          model: kind,
          width,
          batch,
          threads: s.trainer.threads,
          requestedThreads: s.threads,
          fallbackReason: s.trainer.threadsFallbackReason,
          stepsPerSecond,
          samplesPerSecond: stepsPerSecond * batch,
          msPerSample: medianMs / batch,
          speedup,
          medianMs,
          minMs: Math.min(...ms[i]),
          maxMs: Math.max(...ms[i]),
          repeats
        });
        s.trainer.close();
        s.model.dispose();
        done++;
      }
    }
  }
  opts.onProgress?.(done, total, "done");
  return {rows};
}

export interface LayerBatchRow {
  /** "switchnet4" (W = 65,536, m = 4) or "dense" (W = 1448): one layer, forward + backward, WASM SIMD kernels. */
  layer: string;
  width: number;
  batch: number;
  threads: number;
  fallbackReason: string | null;
  msPerSample: number;
  samplesPerSecond: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  repeats: number;
}

/**
 * One Switch Net 4 layer (W = 65,536) against one dense layer of equal connections (W = 1448),
 * forward + backward on tensors in the kernel memory, at each batch and thread count (a team of
 * threads splits the kernels as in training): how the comparison moves with the batch.
 */
export async function runLayerBatchBenchmark(
  opts: BenchOptions & {batches?: number[]; threads?: number[]} = {}
): Promise<{rows: LayerBatchRow[]}> {
  await ready();
  const quick = opts.quick === true;
  const batches = opts.batches ?? (quick ? [1, 64] : [1, 16, 64, 256]);
  const threadCounts = opts.threads ?? [1, 2];
  const repeats = opts.repeats ?? (quick ? 3 : 5);
  const minTimeMs = opts.minTimeMs ?? (quick ? 60 : 200);
  const W = 65536,
    m = 4,
    D = 1448;
  const rows: LayerBatchRow[] = [];
  const total = batches.length * threadCounts.length * 2;
  let done = 0;
  for (const threads of threadCounts) {
    const team = await createTeam({threads});
    for (const batch of batches) {
      const record = (layer: string, width: number, timing: Timing) =>
        rows.push({
          layer,
          width,
          batch,
          threads: team.threads,
          fallbackReason: threads > team.threads ? team.fallbackReason : null,
          msPerSample: timing.medianMs / batch,
          samplesPerSecond: (1000 * batch) / timing.medianMs,
          ...timing
        });
      opts.onProgress?.(done++, total, `layer switchnet4 batch ${batch}, ${threads} thread(s)`);
      {
        const b = buffers([batch * W, batch * W, 2 * m * W, batch * W, batch * W, 2 * m * W], true);
        const [x0, , w0] = b.arrays();
        fillNormal(x0, 1);
        fillNormal(w0, 2, 0.5);
        const timing = withTeam(team, () =>
          timeSync(
            () => {
              const [x, y, w] = b.arrays();
              switchNetForward(x, y, w, W, m, batch);
              const [x1, , w1, gy, gx, gw] = b.arrays(); // fresh views (see buffers)
              switchNetBackward(x1, gy, gx, w1, gw, W, m, batch);
            },
            repeats,
            minTimeMs,
            () => fillNormal(b.arrays()[3], 3)
          )
        );
        record("switchnet4", W, timing);
        b.free();
      }
      opts.onProgress?.(done++, total, `layer dense batch ${batch}, ${threads} thread(s)`);
      {
        const b = buffers([batch * D, batch * D, D * D, D, batch * D, batch * D, D * D, D], true);
        const [x0, , w0, , gy0] = b.arrays();
        fillNormal(x0, 1);
        fillNormal(w0, 2, 1 / Math.sqrt(D));
        fillNormal(gy0, 3);
        const timing = withTeam(team, () =>
          timeSync(
            () => {
              const [x, y, w, bias] = b.arrays();
              linearForward(x, y, w, bias, D, D, batch, false);
              const [x1, , w1, , gy, gx, gw, gb] = b.arrays(); // fresh views (see buffers)
              linearBackward(x1, gy, gx, w1, gw, gb, D, D, batch, false);
            },
            repeats,
            minTimeMs
          )
        );
        record("dense", D, timing);
        b.free();
      }
    }
    team.close();
  }
  opts.onProgress?.(done, total, "done");
  return {rows};
}

/** What the batched-path benchmark needs of a library build (this one, or an older checkout's `lib/index.js`). */
export interface TrainingLibrary {
  createModel: typeof createModel;
  createTrainer: typeof createTrainer;
}

export interface BatchedPathRow {
  /** "baseline" (the older build given), "untiled" (this build with setBatchTileRows(0)) or "tiled" (this build). */
  path: string;
  batch: number;
  msPerSample: number;
  samplesPerSecond: number;
  /** Time per step of the baseline (or, without one, the untiled path) over this path's: the median over rounds of per-round ratios. */
  speedup: number;
  /** Whether a few seeded training steps give this path's parameters bit for bit those of the first path. */
  sameBits: boolean;
  medianMs: number;
  minMs: number;
  maxMs: number;
  repeats: number;
}

/**
 * The cache-tiled batched path of Switch Net 4 (issue 11 e) against the path it replaces, in one
 * process: training steps (createTrainer: forward, MSE, backward, Adam; one thread) of a depth-2
 * model (16 inputs, 4 outputs, W = 65,536) at each batch, timed in alternation (one sample of each
 * path per round) so that a busy machine slows each alike. `baseline`, when given, is an older
 * build of the library loaded side by side (its own kernel memory); "untiled" is this build with
 * tiling off. Before timing, each path trains a fresh model for three seeded steps and its
 * parameters are compared bit for bit with the first path's (`sameBits`).
 */
export async function runBatchedPathBenchmark(
  opts: BenchOptions & {baseline?: TrainingLibrary; batches?: number[]; width?: number} = {}
): Promise<{rows: BatchedPathRow[]}> {
  await ready();
  const quick = opts.quick === true;
  const batches = opts.batches ?? (quick ? [64] : [16, 64]);
  const repeats = opts.repeats ?? (quick ? 5 : 9);
  const minTimeMs = opts.minTimeMs ?? (quick ? 100 : 250);
  const width = opts.width ?? 65536;
  const inputSize = 16,
    outputSize = 4;
  const self: TrainingLibrary = {createModel, createTrainer};
  const paths: Array<{path: string; lib: TrainingLibrary; tile: number}> = [
    ...(opts.baseline ? [{path: "baseline", lib: opts.baseline, tile: DEFAULT_TILE_ROWS}] : []),
    {path: "untiled", lib: self, tile: 0},
    {path: "tiled", lib: self, tile: DEFAULT_TILE_ROWS}
  ];
  const rows: BatchedPathRow[] = [];
  const previousTile = setBatchTileRows(DEFAULT_TILE_ROWS);
  try {
    for (const batch of batches) {
      opts.onProgress?.(
        rows.length,
        batches.length * paths.length,
        `batched path, batch ${batch}: ${paths.map((p) => p.path).join(", ")}, interleaved`
      );
      const n = 4 * batch;
      const rng = createRng(12);
      const data = {
        name: "random",
        task: "regression" as const,
        inputSize,
        outputSize,
        train: {
          x: Float32Array.from({length: n * inputSize}, () => rng.normal()),
          y: Float32Array.from({length: n * outputSize}, () => rng.normal()),
          n
        },
        test: {x: new Float32Array(0), y: new Float32Array(0), n: 0}
      };
      const spec = {kind: "switchnet4" as const, inputSize, outputSize, width, depth: 2, seed: 1};
      const setups = paths.map((p) => {
        setBatchTileRows(p.tile);
        // the bit check: three steps on a fresh model
        const check = p.lib.createModel(spec);
        const checkTrainer = p.lib.createTrainer(check, data, {
          batchSize: batch,
          learningRate: 1e-3,
          optimizer: "adam",
          seed: 5
        });
        for (let s = 0; s < 3; s++) checkTrainer.step();
        const trained = check.params.slice();
        checkTrainer.close?.();
        check.dispose?.();
        const model = p.lib.createModel(spec);
        const trainer = p.lib.createTrainer(model, data, {batchSize: batch, learningRate: 1e-4, optimizer: "adam"});
        timeSync(() => void trainer.step(), 1, minTimeMs / 2); // warm-up
        return {...p, model, trainer, trained, samples: [] as number[]};
      });
      for (let r = 0; r < repeats; r++) {
        for (const s of setups) {
          setBatchTileRows(s.tile);
          s.samples.push(timeSync(() => void s.trainer.step(), 1, minTimeMs).medianMs);
        }
      }
      const first = setups[0];
      const bitsOf = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);
      for (const s of setups) {
        const medianMs = median(s.samples);
        const speedup = median(first.samples.map((t0, r) => t0 / s.samples[r]));
        const a = bitsOf(s.trained),
          b = bitsOf(first.trained);
        rows.push({
          path: s.path,
          batch,
          msPerSample: medianMs / batch,
          samplesPerSecond: (1000 * batch) / medianMs,
          speedup,
          sameBits: a.length === b.length && a.every((v, i) => v === b[i]),
          medianMs,
          minMs: Math.min(...s.samples),
          maxMs: Math.max(...s.samples),
          repeats
        });
        s.trainer.close?.();
        s.model.dispose?.();
      }
    }
  } finally {
    setBatchTileRows(previousTile);
  }
  opts.onProgress?.(rows.length, rows.length, "done");
  return {rows};
}
