/**
 * Batches across cores: a pool of worker threads (worker_threads in Node, Web Workers in pages)
 * that run the emitted WebAssembly kernels on the SAME shared memory as the calling thread, so
 * no data is copied between threads. Each batch is split into contiguous runs of vectors, one per
 * thread (the calling thread takes one run itself); one long vector (2^20 floats and up) is
 * split into its 8 sub-blocks and then the columns of its top-level radix-8 pass.
 *
 * Sharing needs a shared WebAssembly memory: always possible in Node; in browsers only when the
 * page is cross-origin isolated (`crossOriginIsolated`). Without it, or without workers or SIMD,
 * the pool falls back cleanly to one thread (same results, `threads === 1`). Results equal the
 * single-thread kernel bit for bit: each vector is transformed by the same code either way.
 * Node built-ins are only reached through dynamic imports.
 */
import {checkFloat32Array, checkInteger, checkPowerOfTwo, fail, SwitchNetError} from "./check.js";
import {ASYNC_DISPOSE} from "./dispose.js";
import {allocate, inWasmMemory, wasmMemory, type WasmTensor} from "./wasm/memory.js";
import {loadWasm, wasmModules, wasmWht} from "./wasm/runtime.js";
import {BASE_LOG2} from "./wasm/whtModule.js";
import {backend, checkWhtBatch, ready, wht, whtBatch, whtKernel, type WhtBatchOptions, type WhtOptions} from "./wht.js";
import {checkOptions} from "./check.js";

/** One vector is split across threads only from 2^20 floats on: below, the two rounds of messages cost more than they save. */
export const PARALLEL_MIN_LOG2 = 20;

/** The worker's whole program: instantiate the modules on the shared memory, then run calls. */
const WORKER_SOURCE = `
const isNode = typeof process === "object" && !!(process.versions && process.versions.node) && typeof require === "function";
const port = isNode ? require("node:worker_threads").parentPort : self;
const instances = {};
function handle(msg) {
  if (msg.type === "init") {
    for (const name of Object.keys(msg.modules)) {
      instances[name] = new WebAssembly.Instance(msg.modules[name], {env: {memory: msg.memory}}).exports;
    }
    port.postMessage({type: "ready"});
  } else if (msg.type === "call") {
    try {
      instances[msg.module][msg.fn].apply(null, msg.args);
      port.postMessage({type: "done", id: msg.id});
    } catch (e) {
      port.postMessage({type: "error", id: msg.id, message: String((e && e.message) || e)});
    }
  }
}
if (isNode) port.on("message", handle); else self.onmessage = (e) => handle(e.data);
`;

interface Reply {
  type: "ready" | "done" | "error";
  id?: number;
  message?: string;
}

/** The little we need from a Node Worker or a Web Worker. */
interface ThreadHandle {
  post(msg: unknown): void;
  onReply(fn: (r: Reply) => void): void;
  /** Keep the process alive only while work is pending (Node). */
  hold(busy: boolean): void;
  terminate(): Promise<unknown> | void;
}

/**
 * Imports a Node built-in by a computed name, so that browser bundlers (Framework's, Vite's) leave
 * the import alone instead of trying to resolve it; only ever called when running in Node.
 */
function nodeBuiltin<T>(name: string): Promise<T> {
  const specifier = `node:${name}`;
  return import(/* @vite-ignore */ specifier) as Promise<T>;
}

function isNode(): boolean {
  const p = (globalThis as {process?: {versions?: {node?: string}}}).process;
  return !!p?.versions?.node;
}

async function spawn(): Promise<ThreadHandle> {
  if (isNode()) {
    const {Worker} = await nodeBuiltin<typeof import("node:worker_threads")>("worker_threads");
    const w = new Worker(WORKER_SOURCE, {eval: true});
    w.unref();
    return {
      post: (m) => w.postMessage(m),
      onReply: (fn) => w.on("message", fn),
      hold: (busy) => (busy ? w.ref() : w.unref()),
      terminate: () => w.terminate()
    };
  }
  const g = globalThis as unknown as {
    Worker: new (
      url: string
    ) => {postMessage(m: unknown): void; onmessage: ((e: {data: Reply}) => void) | null; terminate(): void};
    Blob: new (parts: string[], opts: {type: string}) => unknown;
    URL: {createObjectURL(b: unknown): string};
  };
  const url = g.URL.createObjectURL(new g.Blob([WORKER_SOURCE], {type: "text/javascript"}));
  const w = new g.Worker(url);
  const listeners: Array<(r: Reply) => void> = [];
  w.onmessage = (e) => listeners.forEach((fn) => fn(e.data));
  return {
    post: (m) => w.postMessage(m),
    onReply: (fn) => listeners.push(fn),
    hold: () => {},
    terminate: () => w.terminate()
  };
}

/** Why the pool would run on one thread here, or null if several threads can share memory. */
export function parallelUnavailableReason(): string | null {
  const g = globalThis as {Worker?: unknown; crossOriginIsolated?: boolean};
  if (!isNode() && typeof g.Worker !== "function") return "no Worker in this environment";
  if (g.crossOriginIsolated === false) return "the page is not cross-origin isolated, so memory cannot be shared";
  if (!wasmMemory().shared) return "shared WebAssembly memory is not available";
  return null;
}

/** Logical cores available to this process (1 if unknown). */
export async function hardwareThreads(): Promise<number> {
  if (isNode()) {
    const os = await nodeBuiltin<typeof import("node:os")>("os");
    return typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  }
  const nav = (globalThis as {navigator?: {hardwareConcurrency?: number}}).navigator;
  return nav?.hardwareConcurrency ?? 1;
}

export interface WhtPool {
  /** Threads that share each batch, the calling thread included (1 = no workers). */
  readonly threads: number;
  /** Why there are fewer threads than asked for, or null. */
  readonly fallbackReason: string | null;
  /** Same contract as `whtBatch` (same checks, same bits), split across the threads. */
  whtBatch(x: Float32Array, options: WhtBatchOptions): Promise<Float32Array>;
  /**
   * Same contract as `wht` (same checks, same bits) for ONE vector; from 2^20 floats on, its
   * sub-blocks and then the columns of its top-level pass are shared among the threads.
   */
  wht(x: Float32Array, options?: WhtOptions): Promise<Float32Array>;
  /** Stops the workers and frees the pool's scratch; the pool must not be used afterwards. */
  close(): Promise<void>;
  /** The same as close(), so that `await using pool = await createPool()` closes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts a pool of `threads` threads (default: every core), the caller included. Falls back to
 * one thread, with `fallbackReason` saying why, when memory cannot be shared.
 */
export async function createPool(options: {threads?: number} = {}): Promise<WhtPool> {
  options = checkOptions("options", options);
  const wanted = checkInteger("threads", options.threads ?? (await hardwareThreads()), 1, 256);
  await ready();
  const hasWasm = (await loadWasm()) && backend() === "wasm-simd";
  let reason = parallelUnavailableReason();
  if (!reason && !hasWasm) reason = "the WebAssembly SIMD kernels are not in use";
  const workers: ThreadHandle[] = [];
  const pending = new Map<number, {resolve: () => void; reject: (e: Error) => void}>();
  let nextId = 1;
  if (!reason && wanted > 1) {
    const modules = wasmModules();
    if (!modules) fail("kernel modules missing after loading");
    for (let t = 1; t < wanted; t++) {
      const w = await spawn();
      await new Promise<void>((resolve) => {
        w.onReply((r) => {
          if (r.type === "ready") resolve();
          else {
            const p = pending.get(r.id ?? -1);
            if (!p) return;
            pending.delete(r.id!);
            if (r.type === "done") p.resolve();
            else p.reject(new Error(`worker failed: ${r.message}`));
          }
        });
        w.post({type: "init", modules: {kernels: modules.kernels}, memory: wasmMemory().memory});
      });
      workers.push(w);
    }
  }
  let scratch: WasmTensor | null = null;
  let closed = false;

  /**
   * x itself when it lives in the kernel memory, else a copy in the pool's scratch tensor, or null
   * when the kernel memory has no room for that copy (the caller then runs on its own thread).
   */
  const inKernelMemory = (x: Float32Array): Float32Array | null => {
    if (inWasmMemory(x)) return x;
    if (!scratch || scratch.length < x.length) {
      scratch?.free();
      scratch = null;
      try {
        scratch = allocate(x.length);
      } catch (e) {
        if (e instanceof SwitchNetError) return null;
        throw e;
      }
    }
    const data = scratch.array.subarray(0, x.length);
    data.set(x);
    return data;
  };

  const call = (w: ThreadHandle, fn: string, args: number[]) =>
    new Promise<void>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, {
        resolve: () => {
          if (pending.size === 0) w.hold(false);
          resolve();
        },
        reject: (e) => {
          if (pending.size === 0) w.hold(false);
          reject(e);
        }
      });
      w.hold(true);
      w.post({type: "call", id, module: "kernels", fn, args});
    });

  // One batch at a time: a second call waits for the first (they would share the scratch block).
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn);
    queue = run.catch(() => undefined);
    return run;
  };

  /** One vector (checked here); runs outside the queue, so whtBatch can call it. */
  const whtOne = async (x: Float32Array, opts: WhtOptions): Promise<Float32Array> => {
    checkFloat32Array("x", x);
    checkPowerOfTwo("x.length", x.length);
    const {size: n, from, normalize} = checkWhtBatch(x, {size: x.length, from: opts.from, normalize: opts.normalize});
    const log2n = Math.log2(n),
      log2from = Math.log2(from);
    const w = wasmWht();
    if (workers.length === 0 || !w || log2n < PARALLEL_MIN_LOG2 || log2from >= log2n) return wht(x, opts);
    const data = inKernelMemory(x);
    if (!data) return wht(x, opts);
    const p = data.byteOffset;
    const threads = workers.length + 1;
    // What `block` does, shared out: the sub-blocks first, then the columns of the top pass.
    const logsub = log2n - Math.min(3, log2n - BASE_LOG2);
    if (log2from < logsub) {
      const blocks = 1 << (log2n - logsub);
      const jobs: Promise<void>[] = [];
      const mine: number[] = [];
      for (let b = 0; b < blocks; b++) {
        const t = Math.floor((b * threads) / blocks);
        const args = [p + b * (4 << logsub), logsub, log2from, 1];
        if (t === threads - 1) mine.push(args[0]);
        else jobs.push(call(workers[t], "block", args));
      }
      for (const q of mine) w.block(q, logsub, log2from, 1);
      await Promise.all(jobs);
    }
    const lo = Math.max(log2from, logsub);
    const columns = 1 << lo;
    const per = Math.ceil(columns / threads / 4) * 4;
    const s = normalize ? Math.fround(1 / Math.sqrt(n / from)) : 1;
    const jobs: Promise<void>[] = [];
    let j = 0;
    for (let t = 0; t < threads - 1 && j + per < columns; t++, j += per) {
      jobs.push(call(workers[t], "cross", [p, j, j + per, lo, log2n, s]));
    }
    w.cross(p, j, columns, lo, log2n, s);
    await Promise.all(jobs);
    if (data !== x) x.set(data);
    return x;
  };

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    // After the batch in flight, if any: it may be using the scratch.
    await queue;
    scratch?.free();
    scratch = null;
    await Promise.all(workers.map((w) => w.terminate()));
    workers.length = 0;
  }

  return {
    threads: workers.length + 1,
    fallbackReason: wanted > 1 && workers.length === 0 ? reason : null,
    whtBatch: (x, opts) =>
      serial(async () => {
        if (closed) fail("this pool was closed");
        const {size, from, normalize} = checkWhtBatch(x, opts);
        const count = x.length / size;
        if (count === 1) return whtOne(x, opts);
        if (workers.length === 0 || count < 2) return whtBatch(x, opts);
        const data = inKernelMemory(x);
        if (!data) return whtBatch(x, opts);
        // Runs of whole vectors, each a multiple of 16 floats (the kernel's group) except the last.
        const unit = Math.max(1, 16 / size);
        const threads = Math.min(workers.length + 1, Math.ceil(count / unit));
        const per = Math.ceil(count / threads / unit) * unit;
        const s = normalize ? Math.fround(1 / Math.sqrt(size / from)) : 1;
        const jobs: Promise<void>[] = [];
        let v = 0;
        for (let t = 0; t < threads - 1 && v + per < count; t++, v += per) {
          jobs.push(
            call(workers[t], "batch", [data.byteOffset + v * size * 4, per, Math.log2(size), Math.log2(from), s])
          );
        }
        // The calling thread takes the last run (which may hold a tail shorter than 16 floats).
        whtKernel("wasm-simd").transform(data.subarray(v * size), size, from, normalize);
        await Promise.all(jobs);
        if (data !== x) x.set(data);
        return x;
      }),
    wht: (x, opts = {}) =>
      serial(async () => {
        if (closed) fail("this pool was closed");
        return whtOne(x, opts);
      }),
    close,
    [ASYNC_DISPOSE]: close
  };
}
