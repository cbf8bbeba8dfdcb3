/**
 * One training run as the capacity experiment needs it: seeded mini-batches (lib/batches.ts, "wrap":
 * every batch full, wrapping round the data into the next shuffled pass), Adam, the task's
 * metric on train, validation and test at evaluations, the error after a fixed step budget, and
 * training on until the run converges (or a step cap), so capacity is measured at convergence
 * (SPEC.md: Switch Net 4 can need several times more steps than dense before it fits).
 *
 * The stop rule. Evaluations come every `evalEvery` steps, or — with `evalGrowth` g > 1 — at
 * least every (g − 1)·step steps, so that late in a run three evaluations span a real stretch of
 * training and noise between two close evaluations cannot end a run that is still learning. The
 * watched value is the validation metric when a validation split is given (else the mean training
 * loss, or the training metric when `watch` says so). A stage ends when `patience` evaluations in
 * a row failed to improve on the stage's best by `minImprovement` (relative), once the run has
 * trained `minSteps` (and `fixedSteps`) steps. With `lrDecays` k,
 * the first k stage ends multiply the learning rate by `decayFactor` and go on; the next one is
 * the plateau: the run stops there with `plateauReached`. The step cap stops it without.
 */
import {checkFloat32Array, checkInteger, checkNumber, checkOneOf, fail} from "../check.js";
import {countCorrect, lossFunction, type LossKind} from "../losses.js";
import {createOptimizer, type OptimizerKind, type OptimizerState} from "../optim.js";
import {inWasmMemory} from "../wasm/memory.js";
import type {Dataset, Model, Split} from "../types.js";
import {NonFiniteError, splitLoss} from "../divergence.js";
import {createBatchSampler, predictInChunks} from "../batches.js";
import {trainingStep} from "../step.js";

export type Metric = "nmse" | "error-rate";

/** One evaluation during training (NaN where a value is not defined, e.g. the loss at step 0). */
export interface Point {
  step: number;
  /** Mean training loss over the steps since the previous point. */
  trainLoss: number;
  /** The metric on (up to `evalLimit` samples of) the training set. */
  train: number;
  /** The metric on the test set (the training metric when there is no test set). */
  test: number;
  /** The metric on the validation split (NaN without one). */
  validation: number;
  /** The learning rate in use at this point. */
  learningRate: number;
}

export interface FitOptions {
  learningRate: number;
  batchSize: number;
  /** Seed of the batch order. */
  seed: number;
  optimizer?: OptimizerKind;
  loss: LossKind;
  metric: Metric;
  /** Record a point at exactly this step (0: none). */
  fixedSteps: number;
  /** Step cap. */
  maxSteps: number;
  /** Steps between evaluations (the smallest gap when evalGrowth > 1). */
  evalEvery: number;
  /** Evaluation gaps grow to (evalGrowth − 1)·step when that is larger (default 1: fixed gaps). */
  evalGrowth?: number;
  /** Evaluations in a row without a relative improvement of `minImprovement` that end a stage. */
  patience: number;
  /**
   * No stage ends before this many steps (default 0; `fixedSteps` is a floor too), so that a stall
   * early in a run (during or just after a warm-up) cannot end it. It only blocks stops: a run
   * that did not stop before `minSteps` without it trains exactly the same with it.
   */
  minSteps?: number;
  /** Relative improvement that counts as progress (default 0.01). */
  minImprovement?: number;
  /**
   * Held-out samples watched by the stop rule (and reported as `validation`). Without it the rule
   * watches the mean training loss, or the training metric with `watch: "train"`.
   */
  validation?: Split;
  /** What the rule watches without a validation split (default "loss"). */
  watch?: "loss" | "train";
  /**
   * Steps of linear warm-up (default 0: none): step t (1-based) of the first `warmupSteps` trains
   * at learningRate · t / warmupSteps, so Adam's first, sign-sized updates cannot throw a wide
   * layer's output off before its moment estimates settle.
   */
  warmupSteps?: number;
  /** Learning-rate decays before the final stage (default 0). */
  lrDecays?: number;
  /** Factor of each decay (default 0.1). */
  decayFactor?: number;
  /** Stop as soon as the training metric is at most this (memorisation). */
  target?: number;
  /** At most this many training samples in the training-metric evaluation (default all). */
  evalLimit?: number;
  /** Called after each evaluation. */
  onEval?: (point: Point) => void;
  /**
   * Asked every `suspendCheckEvery` steps (and never at step 0): true suspends the run there, and
   * the result carries `suspended`, a checkpoint that `resume` continues from.
   */
  shouldSuspend?: (step: number) => boolean;
  /** Steps between `shouldSuspend` questions (default 256). */
  suspendCheckEvery?: number;
  /** Called every `suspendCheckEvery` steps with a checkpoint when it returns true for `wantCheckpoint`. */
  wantCheckpoint?: (step: number) => boolean;
  onCheckpoint?: (checkpoint: FitCheckpoint) => void;
  /**
   * Called when the run reaches `maxSteps`, with a checkpoint taken after the last step and before
   * its evaluation: resumed with a higher `maxSteps`, it continues as if that cap had been the
   * higher one from the start (so a cap can be raised without training the first steps again).
   */
  onCap?: (checkpoint: FitCheckpoint) => void;
  /**
   * A checkpoint of this run (same model spec, data and options) to continue from: the run then
   * ends exactly as it would have without the break, bit for bit (tests/experiment-checkpoint.test.ts).
   */
  resume?: FitCheckpoint;
}

/**
 * Everything a suspended run needs to go on: the parameters, the optimiser's state, and the loop's
 * own state (the batch order is replayed from the seed). Numbers that may be non-finite (the
 * first point's loss, a best of Infinity) are kept as numbers; `checkpointToBytes` encodes them.
 */
export interface FitCheckpoint {
  version: 1;
  /** Steps trained. */
  step: number;
  /** True for a checkpoint taken at the step cap before that step's evaluation (`onCap`). */
  pendingEval: boolean;
  rate: number;
  /** The step of the next evaluation, not clipped to the cap. */
  nextEval: number;
  stageBest: number;
  bestValue: number;
  /** Index in `curve` of the best point (-1: none yet). */
  bestIndex: number;
  /** Index in `curve` of the fixed-step point (-1: none yet). */
  fixedIndex: number;
  stale: number;
  decaysLeft: number;
  decays: number[];
  windowLoss: number;
  windowSteps: number;
  stepMs: number;
  startLoss: number;
  /** Seconds the run had taken before this checkpoint. */
  seconds: number;
  curve: Point[];
  params: Float32Array;
  optimizer: OptimizerState;
}

export interface FitResult {
  atFixed: Point | null;
  /** The last evaluation: the plateau, the step cap, the target or the divergence. */
  atPlateau: Point;
  /** The evaluation with the best watched value (early stopping's choice; with a validation split, its best). */
  atBest: Point;
  /** Steps at which the learning rate was decayed. */
  decays: number[];
  /** True when the run stopped on a plateau (or reached the target), false at the step cap. */
  plateauReached: boolean;
  reachedTarget: boolean;
  diverged: boolean;
  curve: Point[];
  steps: number;
  /** Set when `shouldSuspend` stopped the run: continue it with `resume`. */
  suspended?: FitCheckpoint;
  /** Mean wall-clock milliseconds per optimiser step (evaluations excluded). */
  msPerStep: number;
  seconds: number;
}

const now = (): number => (typeof performance !== "undefined" ? performance.now() : Date.now());

/**
 * Normalised mean squared error: Σ (out − y)² / Σ (y − mean_j y)², column means over the split.
 * 0 is a perfect fit; 1 is no better than predicting each output's mean.
 */
export function nmse(outputs: Float32Array, targets: Float32Array, n: number): number {
  if (outputs.length !== targets.length || n < 1 || targets.length % n !== 0) {
    fail(
      `outputs and targets must both hold n × outputSize values (n = ${n}), got ${outputs.length} and ${targets.length}`
    );
  }
  const size = targets.length / n;
  const mean = new Float64Array(size);
  for (let i = 0; i < targets.length; i++) mean[i % size] += targets[i] / n;
  let err = 0;
  let variance = 0;
  for (let i = 0; i < targets.length; i++) {
    const d = outputs[i] - targets[i];
    const c = targets[i] - mean[i % size];
    err += d * d;
    variance += c * c;
  }
  return variance > 0 ? err / variance : err > 0 ? Infinity : 0;
}

/** The task's metric of `model` on the first `limit` samples of `split` (forward only, in chunks). */
export function evaluate(model: Model, split: Split, metric: Metric, limit = split.n, chunk = 64): number {
  const n = Math.min(split.n, limit);
  if (n === 0) return NaN;
  const outSize = split.y.length / split.n;
  const outputs = predictInChunks(model, split.x, n, chunk);
  if (metric === "nmse") return nmse(outputs, split.y.subarray(0, n * outSize), n);
  const truth = split.labels ? split.labels.subarray(0, n) : split.y.subarray(0, n * outSize);
  return 1 - countCorrect(outputs, truth, n) / n;
}

/** The value of `compute`, or NaN when the model's numbers overflow (after a divergence). */
function overflowAsNaN(compute: () => number): number {
  try {
    return compute();
  } catch (error) {
    if (error instanceof NonFiniteError) return NaN;
    throw error;
  }
}

/** Trains `model` on `data.train` and returns the points. Deterministic for a given seed. */
export function fit(model: Model, data: Dataset, options: FitOptions): FitResult {
  const learningRate = checkNumber("learningRate", options.learningRate, 0);
  const batchSize = checkInteger("batchSize", options.batchSize, 1);
  const seed = checkInteger("seed", options.seed);
  const metric = checkOneOf("metric", options.metric, ["nmse", "error-rate"] as const);
  const fixedSteps = checkInteger("fixedSteps", options.fixedSteps, 0);
  const maxSteps = checkInteger("maxSteps", options.maxSteps, 1);
  const evalEvery = checkInteger("evalEvery", options.evalEvery, 1);
  const patience = checkInteger("patience", options.patience, 1);
  const minSteps = checkInteger("minSteps", options.minSteps ?? 0, 0);
  const minImprovement = checkNumber("minImprovement", options.minImprovement ?? 0.01, 0, 1);
  const target = options.target === undefined ? undefined : checkNumber("target", options.target, 0);
  const evalLimit = checkInteger("evalLimit", options.evalLimit ?? data.train.n, 1);
  const evalGrowth = checkNumber("evalGrowth", options.evalGrowth ?? 1, 1, 10);
  const lrDecays = checkInteger("lrDecays", options.lrDecays ?? 0, 0, 10);
  const warmupSteps = checkInteger("warmupSteps", options.warmupSteps ?? 0, 0);
  const decayFactor = checkNumber("decayFactor", options.decayFactor ?? 0.1, 0, 1);
  const watch = checkOneOf("watch", options.watch ?? "loss", ["loss", "train"] as const);
  const validation = options.validation;
  const loss = lossFunction(options.loss);
  const train = data.train;
  if (train.n < 1) fail(`the training split of ${data.name} is empty`);
  if (data.inputSize !== model.spec.inputSize || data.outputSize !== model.spec.outputSize) {
    fail(
      `dataset ${data.name} is ${data.inputSize} → ${data.outputSize} but the model is ${model.spec.inputSize} → ${model.spec.outputSize}`
    );
  }
  if (validation && validation.n < 1) fail(`the validation split given for ${data.name} is empty`);

  const resume = options.resume;
  const checkEvery = checkInteger("suspendCheckEvery", options.suspendCheckEvery ?? 256, 1);
  if (resume !== undefined) {
    if (resume === null || typeof resume !== "object" || resume.version !== 1)
      fail("resume must be a checkpoint made by fit (version 1)");
    checkFloat32Array("resume.params", resume.params, model.params.length);
    checkInteger("resume.step", resume.step, 1, resume.pendingEval ? maxSteps : maxSteps - 1);
  }

  const batch = Math.min(batchSize, train.n);
  let rate = learningRate;
  // Its buffers in the kernel memory when the parameters are there (Adam then runs on the f64x2
  // kernel: the same bits); freed before returning.
  const optimizer = createOptimizer(
    options.optimizer ?? "adam",
    model.params.length,
    {learningRate: rate},
    {kernelMemory: inWasmMemory(model.params)}
  );
  const sampler = createBatchSampler(train, batch, seed, "wrap");

  const curve: Point[] = resume ? resume.curve.map((p) => ({...p})) : [];
  let atFixed: Point | null = resume && resume.fixedIndex >= 0 ? curve[resume.fixedIndex] : null;
  let stageBest = resume ? resume.stageBest : Infinity;
  let bestPoint: Point | null = resume && resume.bestIndex >= 0 ? curve[resume.bestIndex] : null;
  let bestValue = resume ? resume.bestValue : Infinity;
  let stale = resume ? resume.stale : 0;
  let decaysLeft = resume ? resume.decaysLeft : lrDecays;
  const decays: number[] = resume ? [...resume.decays] : [];
  let windowLoss = resume ? resume.windowLoss : 0;
  let windowSteps = resume ? resume.windowSteps : 0;
  let stepMs = resume ? resume.stepMs : 0;
  let diverged = false;
  let reachedTarget = false;
  let plateauReached = false;
  let suspended: FitCheckpoint | undefined;
  const started = now() - (resume ? resume.seconds * 1000 : 0);
  const point = (step: number): Point => {
    const trainLoss = windowSteps > 0 ? windowLoss / windowSteps : NaN;
    // Evaluate in chunks of the training batch: the model then reuses its training workspaces
    // instead of keeping a second, larger set per evaluation batch size.
    const trainMetric = overflowAsNaN(() => evaluate(model, train, metric, evalLimit, batch));
    const testMetric =
      data.test.n > 0 ? overflowAsNaN(() => evaluate(model, data.test, metric, data.test.n, batch)) : trainMetric;
    const validationMetric = validation
      ? overflowAsNaN(() => evaluate(model, validation, metric, validation.n, batch))
      : NaN;
    const inUse = step > 0 && step < warmupSteps ? (rate * step) / warmupSteps : rate;
    const s: Point = {
      step,
      trainLoss,
      train: trainMetric,
      test: testMetric,
      validation: validationMetric,
      learningRate: inUse
    };
    curve.push(s);
    options.onEval?.(s);
    return s;
  };
  const watched = (p: Point): number => (validation ? p.validation : watch === "train" ? p.train : p.trainLoss);

  let last: Point;
  let startLoss: number;
  let step = 0;
  // The next evaluation's step, and the same before the cap clips it (a checkpoint keeps that).
  let freeNext = evalEvery;
  let nextEval = Math.min(freeNext, maxSteps);
  if (resume) {
    model.params.set(resume.params);
    try {
      optimizer.load(resume.optimizer);
    } catch (e) {
      optimizer.dispose();
      fail(`resume.optimizer does not fit this run: ${(e as Error).message}`);
    }
    // The batch order: the sampler's own state is its seed and the batches drawn so far.
    for (let i = 0; i < resume.step; i++) sampler.next();
    step = resume.step;
    rate = resume.rate;
    if (step >= warmupSteps) optimizer.setLearningRate(rate);
    freeNext = resume.nextEval;
    nextEval = Math.min(freeNext, maxSteps);
    startLoss = resume.startLoss;
    last = curve[curve.length - 1];
  } else {
    last = point(0);
    if (validation || watch === "train") {
      bestPoint = last;
      bestValue = watched(last);
      stageBest = bestValue;
    }
    // The divergence rule of lib/divergence.ts, as train() applies it: against the loss over the
    // training split before the first update.
    startLoss = overflowAsNaN(() => splitLoss(model, train, (out, y, rows) => loss(out, y, rows), batch, evalLimit));
  }
  const checkpoint = (pendingEval: boolean): FitCheckpoint => ({
    version: 1,
    step,
    pendingEval,
    rate,
    nextEval: freeNext,
    stageBest,
    bestValue,
    bestIndex: bestPoint ? curve.indexOf(bestPoint) : -1,
    fixedIndex: atFixed ? curve.indexOf(atFixed) : -1,
    stale,
    decaysLeft,
    decays: [...decays],
    windowLoss,
    windowSteps,
    stepMs,
    startLoss,
    seconds: (now() - started) / 1000,
    curve: curve.map((p) => ({...p})),
    params: Float32Array.from(model.params),
    optimizer: {
      kind: optimizer.state.kind,
      step: optimizer.state.step,
      buffers: Object.fromEntries(Object.entries(optimizer.state.buffers).map(([k, b]) => [k, Float32Array.from(b)]))
    }
  });
  // After each step: evaluate when one is due and apply the stop rule; true ends the run.
  const afterStep = (): boolean => {
    const atFixedStep = step === fixedSteps;
    if (!(step === nextEval || atFixedStep || step === maxSteps)) return false;
    const s = point(step);
    last = s;
    windowLoss = 0;
    windowSteps = 0;
    if (atFixedStep) atFixed = s;
    if (step === nextEval) {
      freeNext = step + Math.max(evalEvery, Math.ceil((evalGrowth - 1) * step));
      nextEval = Math.min(maxSteps, freeNext);
    }
    if (!Number.isFinite(s.train)) {
      diverged = true;
      return true;
    }
    const v = watched(s);
    if (Number.isFinite(v) && v < bestValue) {
      bestValue = v;
      bestPoint = s;
    }
    if (target !== undefined && s.train <= target) {
      reachedTarget = true;
      plateauReached = true;
      return true;
    }
    if (v < stageBest * (1 - minImprovement)) {
      stageBest = v;
      stale = 0;
    } else if (++stale >= patience && step >= fixedSteps && step >= minSteps) {
      if (decaysLeft > 0) {
        decaysLeft--;
        rate *= decayFactor;
        optimizer.setLearningRate(rate);
        decays.push(step);
        stale = 0;
        // The next stage must improve on the best so far.
        stageBest = Math.min(stageBest, v);
      } else {
        plateauReached = true;
        return true;
      }
    }
    return false;
  };

  // A checkpoint taken at a cap continues with that step's evaluation, as an uncapped run would.
  let ended = resume?.pendingEval === true && afterStep();
  while (!ended && step < maxSteps) {
    if (step > 0 && step % checkEvery === 0 && step !== (resume?.step ?? -1)) {
      if (options.wantCheckpoint?.(step)) options.onCheckpoint?.(checkpoint(false));
      if (options.shouldSuspend?.(step)) {
        suspended = checkpoint(false);
        break;
      }
    }
    if (step < warmupSteps) optimizer.setLearningRate((rate * (step + 1)) / warmupSteps);
    else if (step === warmupSteps && warmupSteps > 0) optimizer.setLearningRate(rate);
    const t0 = now();
    // The batch's loss counts even when the step overflowed after it was known.
    const {loss: value, reason} = trainingStep(model, sampler.next(), loss, optimizer, startLoss);
    stepMs += now() - t0;
    step++;
    windowLoss += value;
    windowSteps++;
    if (reason !== null) {
      diverged = true;
      last = point(step);
      break;
    }
    // At the cap, before its evaluation: what a run with a higher cap would go on from.
    if (step === maxSteps) options.onCap?.(checkpoint(true));
    ended = afterStep();
  }
  optimizer.dispose();
  return {
    atFixed,
    atPlateau: last,
    atBest: bestPoint ?? last,
    decays,
    plateauReached,
    reachedTarget,
    diverged,
    curve,
    steps: step,
    ...(suspended ? {suspended} : {}),
    msPerStep: step > 0 ? stepMs / step : 0,
    seconds: (now() - started) / 1000
  };
}
