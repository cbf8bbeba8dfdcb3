/**
 * A team of threads for synchronous data-parallel work: worker threads (worker_threads in Node,
 * Web Workers in pages) that run the emitted WebAssembly kernels on the SAME shared memory as the
 * calling thread and are handed work through that memory with Atomics, so `team.run(jobs)` is an
 * ordinary synchronous call: thread 0 (the caller) runs jobs[0] while worker t runs jobs[t], and it
 * returns when all have finished. A training step (lib/train.ts) runs under `withTeam(team, …)`,
 * and while it does, the kernel wrappers (lib/kernels/*) split their work across the team:
 *
 * - work that is independent per row (the Switch Net 4 layer forward, WHTs, sign flips, the dense
 *   forward) is split by rows or columns: each output is computed by the same code either way;
 * - sums over the batch (weight gradients) are split by PARAMETER: each thread owns a range of
 *   parameters and adds their batch terms in the one fixed order the single-thread kernel uses;
 * - the optimiser's update is split by parameter ranges.
 * So the trained parameters are bit-identical for any number of threads, and to the plain
 * single-thread kernels (tests/team.test.ts).
 *
 * Where threads cannot be had (no shared memory: a page that is not cross-origin isolated; no
 * workers; the SIMD kernels not loaded) the team has one thread and `fallbackReason` says why.
 * `createTeamSync` (Node only) starts the workers without leaving the calling function, which is
 * what a synchronous `createTrainer(…, {threads})` needs; pages use `await createTeam(…)`.
 */
import {checkInteger, fail} from "./check.js";
import {allocBytes, freeBytes, memoryBuffer, wasmMemory} from "./wasm/memory.js";
import {wasmLayers, wasmModules, type LayerExports} from "./wasm/runtime.js";
import {backend} from "./wht.js";

/** One kernel call: an export of the kernel module and its arguments (numbers). */
export type KernelCall = [name: string, args: number[]];

/** Calls per thread per `run` (the control block's room). */
export const MAX_CALLS = 32;
const MAX_ARGS = 15;
/**
 * How long a waiting thread spins before it blocks (ms): waking a blocked thread took 40–190 µs on
 * a 2-vCPU VM, and a training step's threads wait between kernel calls many times per step, often
 * for more than a few µs (this thread's JavaScript between calls).
 */
const SPIN_MS = 2;
/** Bytes per worker: seq, done, calls, error (4 × i32, padded to 16), then calls × (1 + MAX_ARGS) f64. */
const SLOT_BYTES = 16 + MAX_CALLS * (1 + MAX_ARGS) * 8;

export interface Team {
  /** Threads that share the work, the calling thread included (1 = no workers). */
  readonly threads: number;
  /** Why there are fewer threads than asked for, or null. */
  readonly fallbackReason: string | null;
  /** Runs jobs[t] (a list of kernel calls) on thread t, t = 0 being the caller; returns when all are done. */
  run(jobs: KernelCall[][]): void;
  /** Stops the workers; the team must not be used afterwards (idempotent). */
  close(): void;
}

/** The worker's whole program: instantiate the kernels on the shared memory, then serve calls. */
const WORKER_SOURCE = `
const isNode = typeof process === "object" && !!(process.versions && process.versions.node) && typeof require === "function";
const port = isNode ? require("node:worker_threads").parentPort : self;
const MAX_ARGS = ${MAX_ARGS};
const SPIN_MS = ${SPIN_MS};
function serve(msg) {
  const ex = new WebAssembly.Instance(msg.module, {env: {memory: msg.memory}}).exports;
  const fns = msg.names.map((n) => ex[n]);
  const i32 = new Int32Array(msg.memory.buffer);
  const f64 = new Float64Array(msg.memory.buffer);
  const b = msg.slot >> 2, fb = (msg.slot + 16) >> 3;
  let seen = 0;
  Atomics.store(i32, b + 1, 0);
  Atomics.store(i32, b, 0);
  Atomics.store(i32, (msg.ready >> 2), 1);
  Atomics.notify(i32, (msg.ready >> 2));
  const args = [];
  for (;;) {
    // spin for SPIN_MS, then block
    let spins = 0, since = 0;
    while (Atomics.load(i32, b) === seen) {
      if (++spins % 1024 !== 0) continue;
      if (since === 0) since = performance.now();
      else if (performance.now() - since > SPIN_MS) Atomics.wait(i32, b, seen, 1000);
    }
    const seq = Atomics.load(i32, b);
    if (seq < 0) return;
    const n = i32[b + 2];
    try {
      for (let c = 0; c < n; c++) {
        const at = fb + c * (MAX_ARGS + 1);
        const fn = fns[f64[at]];
        args.length = fn.length;
        for (let a = 0; a < fn.length; a++) args[a] = f64[at + 1 + a];
        fn.apply(null, args);
      }
    } catch (e) {
      i32[b + 3] = 1;
    }
    seen = seq;
    Atomics.store(i32, b + 1, seq);
    Atomics.notify(i32, b + 1);
  }
}
if (isNode) port.once("message", serve); else self.onmessage = (e) => serve(e.data);
`;

function isNode(): boolean {
  const p = (globalThis as {process?: {versions?: {node?: string}}}).process;
  return !!p?.versions?.node;
}

/** Why a team would have one thread here, or null. */
export function teamUnavailableReason(): string | null {
  const g = globalThis as {Worker?: unknown; crossOriginIsolated?: boolean; SharedArrayBuffer?: unknown};
  if (!isNode() && typeof g.Worker !== "function") return "no Worker in this environment";
  if (g.crossOriginIsolated === false)
    return "the page is not cross-origin isolated, so memory cannot be shared between threads";
  if (typeof g.SharedArrayBuffer !== "function") return "SharedArrayBuffer is not available";
  if (!wasmLayers() || !wasmModules()) return "the WebAssembly SIMD kernels are not loaded (await ready() first)";
  if (backend() !== "wasm-simd") return `the WHT backend is ${JSON.stringify(backend())}, not "wasm-simd"`;
  if (!wasmMemory().shared) return "shared WebAssembly memory is not available";
  return null;
}

/** A team of one: runs every job on the calling thread. */
function soloTeam(reason: string | null): Team {
  return {
    threads: 1,
    fallbackReason: reason,
    run(jobs) {
      const k = wasmLayers() as unknown as Record<string, (...a: number[]) => void>;
      for (const job of jobs) for (const [name, args] of job) k[name](...args);
    },
    close() {}
  };
}

interface Spawned {
  post(msg: unknown): void;
  terminate(): void;
}

/** The team over already started workers whose slots begin at `ctrl` (one slot per worker, then the ready words). */
function teamOf(workers: Spawned[], ctrl: number, names: string[]): Team {
  const index = new Map(names.map((n, i) => [n, i]));
  const k = wasmLayers() as unknown as Record<string, (...a: number[]) => void>;
  let seq = 0;
  let closed = false;
  let canBlock = true;
  const wait = (i32: Int32Array, at: number, expect: number) => {
    // Until i32[at] === expect: a spin of SPIN_MS, then a blocking wait where the thread may block.
    let spins = 0,
      since = 0;
    while (Atomics.load(i32, at) !== expect) {
      if (++spins % 1024 !== 0 || !canBlock) continue;
      if (since === 0) since = performance.now();
      if (performance.now() - since <= SPIN_MS) continue;
      try {
        Atomics.wait(i32, at, Atomics.load(i32, at), 1000);
      } catch {
        canBlock = false; // a page's main thread may not block: keep spinning
      }
    }
  };
  return {
    threads: workers.length + 1,
    fallbackReason: null,
    run(jobs) {
      if (closed) fail("this team was closed");
      if (jobs.length > workers.length + 1) fail(`a team of ${workers.length + 1} threads got ${jobs.length} jobs`);
      const buffer = memoryBuffer();
      const i32 = new Int32Array(buffer);
      const f64 = new Float64Array(buffer);
      seq = (seq % 0x3fffffff) + 1;
      const busy: number[] = [];
      for (let t = 1; t < jobs.length; t++) {
        const calls = jobs[t];
        if (calls.length === 0) continue;
        if (calls.length > MAX_CALLS) fail(`a job of ${calls.length} kernel calls; at most ${MAX_CALLS}`);
        const slot = ctrl + (t - 1) * SLOT_BYTES;
        const fb = (slot + 16) >> 3;
        calls.forEach(([name, args], c) => {
          const f = index.get(name);
          if (f === undefined) fail(`unknown kernel ${JSON.stringify(name)}`);
          const at = fb + c * (MAX_ARGS + 1);
          f64[at] = f;
          for (let a = 0; a < args.length; a++) f64[at + 1 + a] = args[a];
        });
        i32[(slot >> 2) + 2] = calls.length;
        Atomics.store(i32, slot >> 2, seq);
        Atomics.notify(i32, slot >> 2);
        busy.push(t);
      }
      let error: unknown = null;
      try {
        for (const [name, args] of jobs[0] ?? []) k[name](...args);
      } catch (e) {
        error = e;
      }
      for (const t of busy) {
        const slot = ctrl + (t - 1) * SLOT_BYTES;
        wait(i32, (slot >> 2) + 1, seq);
        if (i32[(slot >> 2) + 3] !== 0) {
          i32[(slot >> 2) + 3] = 0;
          error ??= new Error(`worker thread ${t} failed in a kernel call (${jobs[t].map((c) => c[0]).join(", ")})`);
        }
      }
      if (error) throw error;
    },
    close() {
      if (closed) return;
      closed = true;
      const i32 = new Int32Array(memoryBuffer());
      workers.forEach((w, t) => {
        const slot = ctrl + t * SLOT_BYTES;
        Atomics.store(i32, slot >> 2, -1);
        Atomics.notify(i32, slot >> 2);
        w.terminate();
      });
      freeBytes(ctrl);
    }
  };
}

function controlBlock(workers: number): {ctrl: number; readyAt: (t: number) => number} {
  const ctrl = allocBytes(workers * SLOT_BYTES + 4 * workers);
  new Uint8Array(memoryBuffer(), ctrl, workers * SLOT_BYTES + 4 * workers).fill(0);
  return {ctrl, readyAt: (t) => ctrl + workers * SLOT_BYTES + 4 * t};
}

function kernelNames(): string[] {
  return Object.keys(wasmLayers() as LayerExports).filter(
    (n) => typeof (wasmLayers() as unknown as Record<string, unknown>)[n] === "function"
  );
}

/**
 * A team of `threads` threads started synchronously (Node only: the calling thread waits, up to
 * 10 s, until each worker is ready). Elsewhere, or without shared memory, a team of one with the reason.
 */
export function createTeamSync(options: {threads?: number} = {}): Team {
  const wanted = checkInteger("threads", options.threads ?? 1, 1, 256);
  if (wanted === 1) return soloTeam(null);
  const reason = teamUnavailableReason();
  if (reason) return soloTeam(reason);
  const getBuiltin = (globalThis as {process?: {getBuiltinModule?: (n: string) => unknown}}).process?.getBuiltinModule;
  if (!isNode() || typeof getBuiltin !== "function") {
    return soloTeam(
      "threads can be started synchronously only in Node ≥ 20.16; in a page, use `await createTeam({threads})` and pass it as `team`"
    );
  }
  const {Worker} = getBuiltin("node:worker_threads") as typeof import("node:worker_threads");
  const names = kernelNames();
  const {ctrl, readyAt} = controlBlock(wanted - 1);
  const workers: Spawned[] = [];
  for (let t = 0; t < wanted - 1; t++) {
    const w = new Worker(WORKER_SOURCE, {eval: true});
    w.unref();
    w.postMessage({
      module: wasmModules()!.kernels,
      memory: wasmMemory().memory,
      names,
      slot: ctrl + t * SLOT_BYTES,
      ready: readyAt(t)
    });
    workers.push({post: (m) => w.postMessage(m), terminate: () => void w.terminate()});
  }
  const i32 = new Int32Array(memoryBuffer());
  for (let t = 0; t < wanted - 1; t++) {
    if (Atomics.wait(i32, readyAt(t) >> 2, 0, 10_000) === "timed-out" && Atomics.load(i32, readyAt(t) >> 2) === 0) {
      workers.forEach((w) => w.terminate());
      freeBytes(ctrl);
      return soloTeam("a worker thread did not start within 10 s");
    }
  }
  return teamOf(workers, ctrl, names);
}

/**
 * A team of `threads` threads (default 1), in Node or in a page (Web Workers; the page must be
 * cross-origin isolated). Falls back to one thread with `fallbackReason` where threads cannot share memory.
 */
export async function createTeam(options: {threads?: number} = {}): Promise<Team> {
  const wanted = checkInteger("threads", options.threads ?? 1, 1, 256);
  if (wanted === 1) return soloTeam(null);
  const reason = teamUnavailableReason();
  if (reason) return soloTeam(reason);
  if (isNode()) return createTeamSync(options);
  const g = globalThis as unknown as {
    Worker: new (url: string) => {postMessage(m: unknown): void; terminate(): void};
    Blob: new (parts: string[], opts: {type: string}) => unknown;
    URL: {createObjectURL(b: unknown): string; revokeObjectURL(u: string): void};
  };
  const names = kernelNames();
  const {ctrl, readyAt} = controlBlock(wanted - 1);
  const url = g.URL.createObjectURL(new g.Blob([WORKER_SOURCE], {type: "text/javascript"}));
  const workers: Spawned[] = [];
  for (let t = 0; t < wanted - 1; t++) {
    const w = new g.Worker(url);
    w.postMessage({
      module: wasmModules()!.kernels,
      memory: wasmMemory().memory,
      names,
      slot: ctrl + t * SLOT_BYTES,
      ready: readyAt(t)
    });
    workers.push({post: (m) => w.postMessage(m), terminate: () => w.terminate()});
  }
  const i32 = new Int32Array(memoryBuffer());
  const deadline = Date.now() + 10_000;
  for (let t = 0; t < wanted - 1; t++) {
    while (Atomics.load(i32, readyAt(t) >> 2) === 0) {
      if (Date.now() > deadline) {
        workers.forEach((w) => w.terminate());
        freeBytes(ctrl);
        return soloTeam("a worker thread did not start within 10 s");
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  g.URL.revokeObjectURL(url);
  return teamOf(workers, ctrl, names);
}

// ---- the team the kernel wrappers use ---------------------------------------------------------

let active: Team | null = null;

/** The team kernel wrappers split their work across (null: the calling thread alone). */
export function activeTeam(): Team | null {
  return active !== null && active.threads > 1 ? active : null;
}

/** Runs fn with `team` active (kernel wrappers split their work across it), restoring the previous one. */
export function withTeam<T>(team: Team | null, fn: () => T): T {
  const previous = active;
  active = team;
  try {
    return fn();
  } finally {
    active = previous;
  }
}

/**
 * Splits [0, total) into `parts` contiguous ranges whose boundaries are multiples of `unit` (the
 * last range takes the rest), dropping empty ones: [start, end) pairs.
 */
export function splitRange(total: number, parts: number, unit = 1): Array<[number, number]> {
  const units = Math.ceil(total / unit);
  const out: Array<[number, number]> = [];
  let at = 0;
  for (let p = 0; p < parts; p++) {
    const end = p === parts - 1 ? total : Math.min(total, Math.round((units * (p + 1)) / parts) * unit);
    if (end > at) out.push([at, end]);
    at = Math.max(at, end);
  }
  return out;
}

/**
 * Splits [0, total) into one contiguous range per thread of the active team (boundaries multiples
 * of `unit`) and runs makeCalls(start, end) for each range on its thread; returns false, doing
 * nothing, when no team is active or `work` (a rough size, e.g. floats touched) is below
 * `minWork`, so the caller makes its single call itself. Jobs longer than MAX_CALLS run in rounds
 * (each thread's calls in order).
 */
export function splitAcrossTeam(
  total: number,
  unit: number,
  work: number,
  makeCalls: (start: number, end: number) => KernelCall[],
  minWork = 16384
): boolean {
  const team = activeTeam();
  if (team === null || work < minWork || total < 2 * unit) return false;
  runInRounds(
    team,
    splitRange(total, team.threads, unit).map(([a, b]) => makeCalls(a, b))
  );
  return true;
}

/**
 * Runs jobs[t] on thread t of `team`, each thread's calls in order, in rounds of at most MAX_CALLS
 * calls per thread (a round is a barrier: longer jobs only cost more barriers).
 */
export function runInRounds(team: Team, jobs: KernelCall[][]): void {
  for (let at = 0; jobs.some((j) => j.length > at); at += MAX_CALLS)
    team.run(jobs.map((j) => j.slice(at, at + MAX_CALLS)));
}
