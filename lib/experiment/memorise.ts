/**
 * Memorisation capacity of one model configuration: the largest number N of random
 * input/target pairs it fits to a stated error (training nmse ≤ threshold), by the
 * doubling-then-bisection search of `search.ts`. Every probe trains a fresh model from the same
 * seed on a fresh seeded set of N pairs until it reaches the threshold, its training error stops
 * improving (the stop rule of fit.ts, watching the training nmse), or the step cap.
 */
import {checkInteger, checkNumber, fail} from "../check.js";
import {memorisation, withBiasInput} from "../datasets.js";
import {deriveSeed} from "../random.js";
import type {Model, ModelSpec} from "../types.js";
import {fit} from "./fit.js";
import {searchCapacity, type CapacityResult, type Probe, type SearchOptions} from "./search.js";

export interface MemoriseOptions extends SearchOptions {
  /** The model to probe, without its seed (each probe uses `seed`). */
  spec: ModelSpec;
  createModel: (spec: ModelSpec) => Model;
  seed: number;
  /** A fit counts when the training nmse is at most this (default 0.05). */
  threshold?: number;
  learningRate: number;
  batchSize: number;
  /** Step cap of a probe (default 4000). */
  maxSteps?: number;
  /** The stop rule (fit.ts): smallest evaluation gap (default 50), its growth (default 1.1), patience (default 3)... */
  evalEvery?: number;
  evalGrowth?: number;
  patience?: number;
  /** ...relative gain that counts (default 0.01), learning-rate decays before stopping (default 1) and their factor (0.1). */
  minImprovement?: number;
  lrDecays?: number;
  decayFactor?: number;
  /** Steps of linear learning-rate warm-up (default 0). */
  warmupSteps?: number;
  /** No stop on the rule before this many steps (default 0; reaching the threshold always stops). */
  minSteps?: number;
  /** Bytes of projected input rows each probe's model keeps (Model.cacheProjections; default 0: none). */
  projectionCacheBytes?: number;
  /** Append a constant input 1 to the random inputs (spec.inputSize counts it). Default false. */
  biasInput?: boolean;
  /** Called after each probe it trains (not after one `known` returned). */
  onProbe?: (probe: Probe) => void;
  /**
   * Probes already made with these options (a search cut off and resumed): returns the probe of n
   * pairs, or undefined to train it. Probes are seeded by n, so a stored one is what training would give.
   */
  known?: (n: number) => Probe | undefined;
}

/** Trains on n random pairs and says whether the fit reached the threshold. */
export function memoriseProbe(n: number, options: MemoriseOptions): Probe {
  checkInteger("n", n, 1);
  const threshold = checkNumber("threshold", options.threshold ?? 0.05, 0);
  const batchSize = checkInteger("batchSize", options.batchSize, 1);
  const maxSteps = checkInteger("maxSteps", options.maxSteps ?? 4000, 1);
  const {spec, seed} = options;
  const bias = options.biasInput ?? false;
  const pairs = memorisation({
    n,
    inputSize: spec.inputSize - (bias ? 1 : 0),
    outputSize: spec.outputSize,
    seed: deriveSeed(seed, n)
  });
  const data = bias ? withBiasInput(pairs) : pairs;
  const model = options.createModel({...spec, seed});
  if (options.projectionCacheBytes) model.cacheProjections?.(options.projectionCacheBytes);
  let result: ReturnType<typeof fit>;
  try {
    result = fit(model, data, {
      learningRate: options.learningRate,
      batchSize,
      seed: deriveSeed(seed, 7),
      loss: "mse",
      metric: "nmse",
      fixedSteps: 0,
      maxSteps,
      evalEvery: options.evalEvery ?? 50,
      evalGrowth: options.evalGrowth ?? 1.1,
      patience: options.patience ?? 3,
      minImprovement: options.minImprovement ?? 0.01,
      warmupSteps: options.warmupSteps ?? 0,
      minSteps: options.minSteps ?? 0,
      lrDecays: options.lrDecays ?? 1,
      decayFactor: options.decayFactor,
      watch: "train",
      target: threshold
    });
  } finally {
    model.dispose?.(); // each probe's model is its own: give its kernel memory back
  }
  const error = result.atPlateau.train;
  return {
    n,
    fitted: result.reachedTarget,
    plateauReached: result.plateauReached,
    error: Number.isFinite(error) ? error : Number.MAX_VALUE,
    steps: result.steps,
    seconds: result.seconds
  };
}

/** The memorisation capacity: doubling then bisection over n with `memoriseProbe` (or `known`'s probes). */
export function memorisationCapacity(options: MemoriseOptions): CapacityResult {
  return searchCapacity((n) => {
    const stored = options.known?.(n);
    if (stored !== undefined) {
      if (stored.n !== n) fail(`known(${n}) returned the probe of ${stored.n} pairs`);
      return stored;
    }
    const p = memoriseProbe(n, options);
    options.onProbe?.(p);
    return p;
  }, options);
}
