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
import {createModel} from "./model.js";
import {createPool} from "./parallel.js";
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
export async function timeIt(fn: () => void | Promise<void>, repeats: number, minTimeMs: number, reset?: () => void): Promise<Timing> {
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
export async function runWhtBenchmark(opts: BenchOptions & {sizes?: number[]; kernels?: string[]} = {}): Promise<WhtBenchResult> {
  opts = checkOptions("options", opts);
  await ready();
  const quick = opts.quick === true;
  const sizes = opts.sizes ?? Array.from({length: quick ? 10 : 19}, (_, i) => 2 ** (4 + (quick ? 2 : 1) * i));
  const kernels = opts.kernels ?? kernelNames();
  const repeats = opts.repeats ?? (quick ? 3 : 5);
  const minTimeMs = opts.minTimeMs ?? (quick ? 8 : 40);
  const available = kernelNames();
  for (const k of kernels) if (!available.includes(k)) throw new Error(`unknown kernel ${JSON.stringify(k)}; available: ${available.join(", ")}`);
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
        timing = timeSync(() => void wht(x), repeats, minTimeMs, () => fillSmall(x));
        setBackend(previous === "wasm-simd" ? "auto" : previous);
      } else {
        const t = allocate(n);
        const k = whtKernel(kernel);
        const x = () => t.array;
        timing = timeSync(() => k.transform(x(), n, 1, false), repeats, minTimeMs, () => fillSmall(x()));
        t.free();
      }
      rows.push({
        kernel, n, log2n: Math.log2(n),
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
      const timing = await timeIt(async () => void (await pool.whtBatch(t.array, {size: n})), repeats, minTimeMs, () => fillSmall(t.array));
      t.free();
      const vectorsPerSecond = (count * 1000) / timing.medianMs;
      const base = rows.find((r) => r.n === n && r.threads === 1);
      rows.push({
        n, count, threads: pool.threads, requestedThreads: threads, fallbackReason: pool.fallbackReason,
        vectorsPerSecond, nsPerElement: (timing.medianMs * 1e6) / (n * count),
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
 * on every call (a non-shared memory that grows detaches the old ones).
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
    switchWidth?: number; denseWidth?: number; groupSize?: number; batches?: number[]; implementations?: string[];
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
  const implementations = (opts.implementations ?? ["js", "wasm-simd", "wasm-simd+copy"]).filter((i) => hasSimd || i === "js");
  const withModels = opts.models ?? true;
  const withButterfly = opts.butterfly ?? true;
  const bf = counts("butterfly", W);
  const sw = counts("switchnet4", W, {groupSize: m});
  const dn = counts("dense", D);
  const previous = backend();
  const rows: LayerBenchRow[] = [];
  const jobs: Array<{label: string; run: () => Promise<void>}> = [];

  const record = (layer: string, implementation: string, width: number, connections: number, stored: number, batch: number, timing: Timing) => {
    rows.push({
      layer, implementation, width, connections, storedWeights: stored, batch,
      msPerSample: timing.medianMs / batch, samplesPerSecond: (1000 * batch) / timing.medianMs, ...timing
    });
  };

  for (const batch of batches) {
    for (const impl of implementations) {
      const resident = impl === "wasm-simd";
      jobs.push({label: `switchnet4 W=${W} ${impl} batch ${batch}`, run: async () => {
        const b = buffers([batch * W, batch * W, 2 * m * W, batch * W, batch * W, 2 * m * W], resident);
        const [x0, , w0] = b.arrays();
        fillNormal(x0, 1); fillNormal(w0, 2, 0.5);
        const timing = timeSync(() => {
          const [x, y, w, gy, gx, gw] = b.arrays();
          switchNetForward(x, y, w, W, m, batch);
          switchNetBackward(x, gy, gx, w, gw, W, m, batch);
        }, repeats, minTimeMs, () => fillNormal(b.arrays()[3], 3));
        record("switchnet4", impl, W, sw.edges, sw.stored, batch, timing);
        b.free();
      }});
      jobs.push({label: `dense W=${D} ${impl} batch ${batch}`, run: async () => {
        const b = buffers([batch * D, batch * D, D * D, D, batch * D, batch * D, D * D, D], resident);
        const [x0, , w0, , gy0] = b.arrays();
        fillNormal(x0, 1); fillNormal(w0, 2, 1 / Math.sqrt(D)); fillNormal(gy0, 3);
        const timing = timeSync(() => {
          const [x, y, w, bias, gy, gx, gw, gb] = b.arrays();
          linearForward(x, y, w, bias, D, D, batch, false);
          linearBackward(x, gy, gx, w, gw, gb, D, D, batch, false);
        }, repeats, minTimeMs);
        record("dense", impl, D, dn.edges, dn.stored + dn.biases, batch, timing);
        b.free();
      }});
      if (withButterfly) {
        jobs.push({label: `butterfly W=${W} ${impl} batch ${batch}`, run: async () => {
          const layer = butterflyLayer(W);
          const b = buffers([batch * W, batch * W, layer.size, batch * W, batch * W, layer.size], resident);
          const [x0, , w0] = b.arrays();
          layer.init(w0, createRng(2), 0.1);
          fillNormal(x0, 1);
          const timing = timeSync(() => {
            const [x, y, w, gy, gx, gw] = b.arrays();
            layer.forward(x, y, w, batch);
            layer.backward(x, gy, gx, w, gw, batch);
          }, repeats, minTimeMs, () => fillNormal(b.arrays()[3], 3));
          record("butterfly", impl, W, bf.edges, bf.stored, batch, timing);
          b.free();
          layer.dispose?.();
        }});
      }
      if (withModels && impl !== "wasm-simd") {
        jobs.push({label: `switchnet4 model W=${W} ${impl} batch ${batch}`, run: async () => {
          const model = createModel({kind: "switchnet4", inputSize: W, outputSize: W, width: W, depth: 1, groupSize: m, seed: 1});
          const x = new Float32Array(batch * W), g = new Float32Array(batch * W);
          fillNormal(x, 1); fillNormal(g, 3);
          const timing = timeSync(() => { model.forward(x, batch); model.backward(g); }, repeats, minTimeMs);
          record("switchnet4 model", impl === "js" ? "js" : "wasm-simd (model arrays)", W, sw.edges, model.parameterCount, batch, timing);
          model.dispose();
        }});
        jobs.push({label: `dense model W=${D} ${impl} batch ${batch}`, run: async () => {
          const model = createModel({kind: "dense", inputSize: D, outputSize: D, width: D, depth: 1, seed: 1});
          const x = new Float32Array(batch * D), g = new Float32Array(batch * D);
          fillNormal(x, 1); fillNormal(g, 3);
          const timing = timeSync(() => { model.forward(x, batch); model.backward(g); }, repeats, minTimeMs);
          record("dense model", impl === "js" ? "js" : "wasm-simd (model arrays)", D, 2 * dn.edges, model.parameterCount, batch, timing);
          model.dispose();
        }});
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
