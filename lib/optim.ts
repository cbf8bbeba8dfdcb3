/**
 * Optimisers: update flat `params` in place from flat `grads`.
 *
 * - SGD with momentum (PyTorch convention): g' = g + weightDecay·p; v ← momentum·v + g';
 *   p ← p − lr·v. With momentum 0 this is plain gradient descent.
 * - Adam (Kingma & Ba, with bias correction): g' = g + weightDecay·p; m ← β1·m + (1−β1)·g';
 *   v ← β2·v + (1−β2)·g'²; p ← p − lr·m̂ / (√v̂ + ε), m̂ = m/(1−β1^t), v̂ = v/(1−β2^t).
 *   Weight decay here is the classic L2 term added to the gradient (not decoupled AdamW).
 *
 * The whole state is `state`: a step count and plain Float32Arrays, so it can be saved,
 * posted to a worker or restored with `load`. Nothing here is random.
 *
 * `step` refuses non-finite gradients (before changing anything) and throws a NonFiniteError
 * when an update overflows a parameter out of the float32 range (the step is then applied).
 */
import {checkFloat32Array, checkInteger, checkNumber, checkOneOf, describe, fail} from "./check.js";
import {failDisposed} from "./dispose.js";
import {activeTeam, runInRounds, splitRange, type KernelCall} from "./team.js";
import {inWasmMemory, kernelArrays, memoryBuffer, releaseKernelArray, scratchBlock} from "./wasm/memory.js";
import {checkFinite} from "./check.js";
import {NonFiniteError} from "./divergence.js";

const FLOAT32_MAX = 3.4028234663852886e38;

/** The first parameter beyond the float32 range (or NaN), or −1: the check after a threaded step. */
function firstOverflow(params: Float32Array): number {
  if (knownFinite(params)) return -1;
  for (let i = 0; i < params.length; i++) if (!(Math.abs(params[i]) <= FLOAT32_MAX)) return i;
  return -1;
}
import {wasmLayers} from "./wasm/runtime.js";
import {backend} from "./wht.js";

/**
 * True when every value of `a` is known to be finite from the all_finite kernel (arrays in the
 * kernel memory: a pass at memory speed instead of a JS loop over a million parameters); false
 * when it is not, or not known, and then the callers' JS loops find the first bad value.
 */
function knownFinite(a: Float32Array): boolean {
  const k = wasmLayers();
  if (!k || a.length < 4 || !inWasmMemory(a)) return false;
  const whole = a.length & ~3;
  if (k.all_finite(a.byteOffset, whole) !== 1) return false;
  for (let i = whole; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

export type OptimizerKind = "sgd" | "adam";
export const OPTIMIZER_KINDS: readonly OptimizerKind[] = ["sgd", "adam"];

export interface OptimizerOptions {
  learningRate?: number;
  /** SGD momentum in [0, 1) (default 0.9). Ignored by Adam. */
  momentum?: number;
  /** L2 weight decay ≥ 0 added to the gradient (default 0). */
  weightDecay?: number;
  /** Adam β1 in [0, 1) (default 0.9). */
  beta1?: number;
  /** Adam β2 in [0, 1) (default 0.999). */
  beta2?: number;
  /** Adam ε > 0 (default 1e-8). */
  epsilon?: number;
}

export interface ResolvedOptimizerOptions {
  learningRate: number;
  momentum: number;
  weightDecay: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export interface OptimizerState {
  kind: OptimizerKind;
  /** Updates applied so far. */
  step: number;
  /** SGD: {velocity}; Adam: {m, v}. Each has one entry per parameter. */
  buffers: Record<string, Float32Array>;
}

export interface Optimizer {
  readonly kind: OptimizerKind;
  /** Number of parameters it updates. */
  readonly size: number;
  readonly options: Readonly<ResolvedOptimizerOptions>;
  readonly state: OptimizerState;
  /** One update of `params` in place from `grads` (both of length `size`). */
  step(params: Float32Array, grads: Float32Array): void;
  /** Change the learning rate from the next step on. */
  setLearningRate(learningRate: number): void;
  /** Zero the buffers and the step count. */
  reset(): void;
  /** Copy a saved state (same kind and size) into this optimiser. */
  load(state: OptimizerState): void;
  /** Frees buffers placed in the kernel memory (`{kernelMemory: true}`); idempotent, a no-op otherwise. */
  dispose(): void;
}

/** Where an optimiser keeps its buffers. */
export interface OptimizerPlacement {
  /**
   * In the WebAssembly kernel memory (when the kernels are loaded and it is shared), so that while
   * a team of threads is active (lib/team.ts) each thread updates a range of the parameters with
   * the optimiser kernels (same bits as the JS loop). Free them with `dispose()`.
   */
  kernelMemory?: boolean;
}

/** The optimiser's buffers: ordinary arrays, or kernel-memory arrays (see OptimizerPlacement). */
function buffersFor(
  count: number,
  size: number,
  placement: OptimizerPlacement
): {arrays: Float32Array[]; free(): boolean} {
  const arrays = placement.kernelMemory
    ? kernelArrays(new Array(count).fill(size))
    : Array.from({length: count}, () => new Float32Array(size));
  let freed = false;
  // True when kernel memory was given back: the buffers must not be used afterwards.
  return {
    arrays,
    free: () => {
      if (freed) return true;
      freed = true;
      return arrays.map(releaseKernelArray).some((r) => r);
    }
  };
}

function checkLive(disposed: boolean, kind: string): void {
  if (disposed)
    failDisposed(
      `this ${kind} optimiser`,
      "create a new one with createOptimizer (its buffers lived in the kernel memory, freed by dispose() or by disposing the model its trainer trained)"
    );
}

/** Room for one finiteness flag (an i32) per thread of a team (teamFinite, teamStep). */
const flagScratch = scratchBlock();

/** The flags finite_flag wrote for `threads` ranges: true when all are 1. */
function allFlagsSet(at: number, threads: number): boolean {
  const flags = new Int32Array(memoryBuffer(), at, threads);
  for (let t = 0; t < threads; t++) if (flags[t] !== 1) return false;
  return true;
}

/**
 * True when every value of `a` is known to be finite, each thread of the active team checking a
 * range (finite_flag); false when it is not, or not known (no team, not in the kernel memory):
 * the callers' JS loops then find the first bad value.
 */
function teamFinite(a: Float32Array): boolean {
  const team = activeTeam();
  if (team === null || !inWasmMemory(a) || a.length < 64 * team.threads) return false;
  const flags = flagScratch(4 * team.threads);
  const parts = splitRange(a.length, team.threads, 16);
  runInRounds(
    team,
    parts.map(([i0, i1], t) => [["finite_flag", [a.byteOffset + 4 * i0, i1 - i0, flags + 4 * t]]])
  );
  return allFlagsSet(flags, parts.length);
}

/**
 * Runs the optimiser update over [0, size) split across the active team, when there is one and
 * every array lives in the kernel memory; false (nothing done) otherwise. Each thread runs the
 * two-lane kernel (`x2`, when given: the same bits as the scalar one) on the multiple of four of
 * its range, the scalar kernel on the rest, then checks its updated parameters (finite_flag);
 * returns the first overflowed parameter's index, or -1 (or false when it did not run).
 */
function teamStep(
  name: "adam_step" | "sgd_step",
  x2: "adam_step_x2" | "sgd_step_x2" | null,
  arrays: Float32Array[],
  size: number,
  constants: number[]
): number | false {
  const team = activeTeam();
  if (team === null || size < 64 * team.threads || !arrays.every((a) => inWasmMemory(a))) return false;
  const ptrs = arrays.map((a) => a.byteOffset);
  const flags = flagScratch(4 * team.threads);
  const parts = splitRange(size, team.threads, 16);
  runInRounds(
    team,
    parts.map(([i0, i1], t) => {
      const whole = x2 === null ? i0 : i1 - ((i1 - i0) & 3);
      const calls: KernelCall[] = [];
      if (whole > i0) calls.push([x2!, [...ptrs.map((p) => p + 4 * i0), whole - i0, ...constants]]);
      if (i1 > whole) calls.push([name, [...ptrs.map((p) => p + 4 * whole), i1 - whole, ...constants]]);
      calls.push(["finite_flag", [ptrs[0] + 4 * i0, i1 - i0, flags + 4 * t]]);
      return calls;
    })
  );
  return allFlagsSet(flags, parts.length) ? -1 : firstOverflow(arrays[0]);
}

/**
 * The update of the first multiple of four parameters on the two-lane kernel `name` (the same
 * float64 operations as the JS loops, two at a time: the same bits), when the kernels are loaded
 * and every array is in the kernel memory; returns how many it updated (0: none, the loop does all).
 */
function vectorPrefix(
  name: "adam_step_x2" | "sgd_step_x2",
  arrays: Float32Array[],
  size: number,
  constants: number[]
): number {
  const k = wasmLayers() as unknown as Record<string, (...a: number[]) => void> | null;
  if (!k || backend() !== "wasm-simd" || size < 4 || !arrays.every((a) => inWasmMemory(a))) return 0;
  const count = size & ~3;
  k[name](...arrays.map((a) => a.byteOffset), count, ...constants);
  return count;
}

export const DEFAULT_LEARNING_RATE: Record<OptimizerKind, number> = {sgd: 0.1, adam: 0.01};

const OPTION_NAMES = ["learningRate", "momentum", "weightDecay", "beta1", "beta2", "epsilon"];

/** Fills defaults and checks every option; throws a SwitchNetError naming the bad one. */
export function resolveOptimizerOptions(kind: OptimizerKind, options: OptimizerOptions = {}): ResolvedOptimizerOptions {
  checkOneOf("optimizer", kind, OPTIMIZER_KINDS);
  if (options === null || typeof options !== "object")
    fail(`optimizer options must be an object, got ${describe(options)}`);
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.includes(key))
      fail(`unknown optimizer option ${JSON.stringify(key)} (known: ${OPTION_NAMES.join(", ")})`);
  }
  const learningRate = checkLearningRate(options.learningRate ?? DEFAULT_LEARNING_RATE[kind]);
  const momentum = checkNumber("momentum", options.momentum ?? 0.9, 0, 1);
  if (momentum >= 1) fail(`momentum must be less than 1, got ${momentum}`);
  const weightDecay = checkNumber("weightDecay", options.weightDecay ?? 0);
  if (weightDecay < 0) fail(`weightDecay must be at least 0, got ${weightDecay}`);
  const beta1 = checkNumber("beta1", options.beta1 ?? 0.9, 0, 1);
  if (beta1 >= 1) fail(`beta1 must be less than 1, got ${beta1}`);
  const beta2 = checkNumber("beta2", options.beta2 ?? 0.999, 0, 1);
  if (beta2 >= 1) fail(`beta2 must be less than 1, got ${beta2}`);
  const epsilon = checkNumber("epsilon", options.epsilon ?? 1e-8);
  if (epsilon <= 0) fail(`epsilon must be greater than 0, got ${epsilon}`);
  return {learningRate, momentum, weightDecay, beta1, beta2, epsilon};
}

export function checkLearningRate(value: unknown): number {
  const lr = checkNumber("learningRate", value);
  if (lr <= 0) fail(`learningRate must be greater than 0, got ${lr}`);
  return lr;
}

function checkSize(size: number, params: Float32Array, grads: Float32Array): void {
  checkFloat32Array("params", params, size);
  checkFloat32Array("grads", grads, size);
  if (!teamFinite(grads) && !knownFinite(grads)) checkFinite("grads", grads);
}

/** After an update: throws a NonFiniteError if it overflowed a parameter (index `bad`, or -1 for none). */
function checkUpdated(bad: number, params: Float32Array, learningRate: number): void {
  if (bad < 0) return;
  throw new NonFiniteError(
    `the update made params[${bad}] ${params[bad]} (learning rate ${learningRate}): the step overflowed float32; ` +
      `train a fresh model with a lower learning rate`
  );
}

/** SGD with momentum over `size` parameters. */
export function createSgd(size: number, options: OptimizerOptions = {}, placement: OptimizerPlacement = {}): Optimizer {
  checkInteger("size", size, 0);
  const opts = resolveOptimizerOptions("sgd", options);
  let disposed = false;
  const store = buffersFor(1, size, placement);
  const [velocity] = store.arrays;
  const state: OptimizerState = {kind: "sgd", step: 0, buffers: {velocity}};
  return {
    kind: "sgd",
    size,
    options: opts,
    state,
    step(params, grads) {
      checkLive(disposed, "SGD");
      checkSize(size, params, grads);
      const {learningRate: lr, momentum: mu, weightDecay: wd} = opts;
      const shared = teamStep("sgd_step", "sgd_step_x2", [params, grads, velocity], size, [lr, mu, wd]);
      if (shared !== false) {
        state.step++;
        checkUpdated(shared, params, lr);
        return;
      }
      // The first multiple of four on the f64x2 kernel, the rest in the loop; then the same overflow check.
      const start = vectorPrefix("sgd_step_x2", [params, grads, velocity], size, [lr, mu, wd]);
      let bad = start > 0 ? firstOverflow(params.subarray(0, start)) : -1;
      for (let i = start; i < size; i++) {
        const g = grads[i] + wd * params[i];
        const v = mu * velocity[i] + g;
        velocity[i] = v;
        const p = (params[i] -= lr * v);
        if (!(Math.abs(p) <= FLOAT32_MAX) && bad < 0) bad = i;
      }
      state.step++;
      checkUpdated(bad, params, lr);
    },
    setLearningRate(learningRate) {
      opts.learningRate = checkLearningRate(learningRate);
    },
    reset() {
      velocity.fill(0);
      state.step = 0;
    },
    load(saved) {
      loadState(state, saved, size);
    },
    dispose: () => {
      if (store.free()) disposed = true;
    }
  };
}

/** Adam with bias correction over `size` parameters. */
export function createAdam(
  size: number,
  options: OptimizerOptions = {},
  placement: OptimizerPlacement = {}
): Optimizer {
  checkInteger("size", size, 0);
  const opts = resolveOptimizerOptions("adam", options);
  let disposed = false;
  const store = buffersFor(2, size, placement);
  const [m, v] = store.arrays;
  const state: OptimizerState = {kind: "adam", step: 0, buffers: {m, v}};
  return {
    kind: "adam",
    size,
    options: opts,
    state,
    step(params, grads) {
      checkLive(disposed, "Adam");
      checkSize(size, params, grads);
      const {learningRate: lr, weightDecay: wd, beta1: b1, beta2: b2, epsilon: eps} = opts;
      const t = state.step + 1;
      // biome-ignore lint/style/useExponentiationOperator: Math.pow is what the recorded runs used; ** may round otherwise
      const c1 = 1 / (1 - Math.pow(b1, t));
      // biome-ignore lint/style/useExponentiationOperator: as above
      const c2 = 1 / (1 - Math.pow(b2, t));
      const constants = [lr, wd, b1, 1 - b1, b2, 1 - b2, c1, c2, eps];
      const shared = teamStep("adam_step", "adam_step_x2", [params, grads, m, v], size, constants);
      if (shared !== false) {
        state.step = t;
        checkUpdated(shared, params, lr);
        return;
      }
      // The first multiple of four on the f64x2 kernel, the rest in the loop; then the same overflow check.
      const start = vectorPrefix("adam_step_x2", [params, grads, m, v], size, constants);
      let bad = start > 0 ? firstOverflow(params.subarray(0, start)) : -1;
      for (let i = start; i < size; i++) {
        const g = grads[i] + wd * params[i];
        const mi = b1 * m[i] + (1 - b1) * g;
        const vi = b2 * v[i] + (1 - b2) * g * g;
        m[i] = mi;
        v[i] = vi;
        const p = (params[i] -= (lr * mi * c1) / (Math.sqrt(vi * c2) + eps));
        if (!(Math.abs(p) <= FLOAT32_MAX) && bad < 0) bad = i;
      }
      state.step = t;
      checkUpdated(bad, params, lr);
    },
    setLearningRate(learningRate) {
      opts.learningRate = checkLearningRate(learningRate);
    },
    reset() {
      m.fill(0);
      v.fill(0);
      state.step = 0;
    },
    load(saved) {
      loadState(state, saved, size);
    },
    dispose: () => {
      if (store.free()) disposed = true;
    }
  };
}

function loadState(state: OptimizerState, saved: OptimizerState, size: number): void {
  if (saved === null || typeof saved !== "object") fail(`optimizer state must be an object, got ${describe(saved)}`);
  if (saved.kind !== state.kind)
    fail(`optimizer state is for ${describe(saved.kind)}, expected ${JSON.stringify(state.kind)}`);
  const step = checkInteger("state.step", saved.step, 0);
  const buffers = saved.buffers ?? {};
  for (const name of Object.keys(state.buffers)) checkFloat32Array(`state.buffers.${name}`, buffers[name], size);
  for (const name of Object.keys(state.buffers)) state.buffers[name].set(buffers[name]);
  state.step = step;
}

/** An optimiser of the given kind. */
export function createOptimizer(
  kind: OptimizerKind,
  size: number,
  options: OptimizerOptions = {},
  placement: OptimizerPlacement = {}
): Optimizer {
  return checkOneOf("optimizer", kind, OPTIMIZER_KINDS) === "sgd"
    ? createSgd(size, options, placement)
    : createAdam(size, options, placement);
}
