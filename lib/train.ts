/**
 * Mini-batch training of a `Model` on a `Dataset`.
 *
 * `createTrainer` validates everything up front (nothing is changed when it throws) and measures
 * the starting loss over the training split (forward passes only), then
 * `step()` runs one mini-batch (forward, loss, backward, optimiser update) without allocating,
 * so a web worker can call it in a loop; `epoch()` finishes the current pass over the training
 * split and records train/test loss and accuracy in `state.history`. `train` loops epochs.
 *
 * Each epoch visits every training sample once, in an order shuffled by a generator seeded with
 * `seed` (the last mini-batch of an epoch may be smaller: lib/batches.ts, "short-batch"). Same
 * model seed, data and options → bit-identical parameters.
 *
 * Divergence (lib/divergence.ts, the same rule for SGD and Adam): a mini-batch loss that is not
 * finite, or above DIVERGENCE_FACTOR × the loss over the training split before the first update,
 * or model numbers leaving the float32 range. That step's update is skipped, `state.diverged`
 * and `state.divergence` say so, `epoch()` ends there, a later `step()` throws, and `train()`
 * throws a TrainingDivergedError (a SwitchNetError holding the history).
 */
import {checkFinite, checkInteger, checkOneOf, describe, fail} from "./check.js";
import {countCorrect, lossFunction, LOSS_KINDS, type LossKind} from "./losses.js";
import {
  createOptimizer,
  OPTIMIZER_KINDS,
  resolveOptimizerOptions,
  type Optimizer,
  type OptimizerKind,
  type OptimizerOptions,
  type ResolvedOptimizerOptions
} from "./optim.js";
import type {Dataset, Model, Split} from "./types.js";
import {createTeamSync, withTeam, type Team} from "./team.js";
import {NonFiniteError, splitLoss, TrainingDivergedError, type Divergence} from "./divergence.js";
import {createBatchSampler, forwardInChunks} from "./batches.js";
import {trainingStep} from "./step.js";
import {inWasmMemory} from "./wasm/memory.js";
import {onDispose} from "./dispose.js";

/** Whether disposing `model` runs hooks (models from createModel): see the optimiser placement below. */
function modelTakesHooks(model: Model): boolean {
  const probe = onDispose(model, () => {});
  probe.remove();
  return probe.added;
}

export interface TrainOptions extends OptimizerOptions {
  /** Passes over the training split (`train` only; default 10). */
  epochs?: number;
  /** Samples per mini-batch, an integer ≥ 1 (default 32; at most the training size is used). */
  batchSize?: number;
  /** "sgd" (with momentum) or "adam" (default "adam"). */
  optimizer?: OptimizerKind;
  /** Default: "softmax-cross-entropy" for classification, "mse" for regression. */
  loss?: LossKind;
  /** Seed of the sample shuffling (default 1). */
  seed?: number;
  /** Also evaluate the whole training split after each epoch (default true). */
  evaluateTrain?: boolean;
  /** Called after each epoch by `train`; return false to stop. */
  onEpoch?: (record: EpochRecord, trainer: Trainer) => boolean | void;
  /**
   * Threads that share each mini-batch, the calling thread included (default 1). The parameters
   * come out bit-identical for any number (lib/team.ts says how). Workers are started
   * synchronously, which Node allows; elsewhere pass a `team` from `await createTeam({threads})`.
   * Where threads cannot be had, training runs on one and `trainer.threadsFallbackReason` says why.
   */
  threads?: number;
  /** A team of threads made by `createTeam` (pages); the trainer uses it and leaves it open. */
  team?: Team;
}

export interface ResolvedTrainOptions extends ResolvedOptimizerOptions {
  epochs: number;
  batchSize: number;
  optimizer: OptimizerKind;
  loss: LossKind;
  seed: number;
  evaluateTrain: boolean;
}

/** One epoch's results. Losses are means over samples; accuracies only for classification. */
export interface EpochRecord {
  /** Epochs completed, counting from 1. */
  epoch: number;
  /** Optimiser steps taken so far. */
  step: number;
  /** Mean of the mini-batch losses seen during the epoch (before each update). */
  batchLoss: number;
  trainLoss?: number;
  trainAccuracy?: number;
  testLoss?: number;
  testAccuracy?: number;
  learningRate: number;
  /** Wall-clock milliseconds the epoch took (varies run to run; not part of the results). */
  time: number;
}

export interface Evaluation {
  loss: number;
  accuracy?: number;
}

export interface TrainerState {
  /** Completed epochs. */
  epoch: number;
  /** Optimiser steps taken. */
  step: number;
  /** Samples of the current epoch already visited. */
  position: number;
  /** True once training diverged (see the file comment); `divergence` then says where and why. */
  diverged: boolean;
  divergence: Divergence | null;
  history: EpochRecord[];
}

export interface Trainer {
  readonly model: Model;
  readonly dataset: Dataset;
  /** Options as resolved at creation; `learningRate` is the initial one (current: optimizer.options). */
  readonly options: Readonly<ResolvedTrainOptions>;
  readonly optimizer: Optimizer;
  readonly state: TrainerState;
  /** One mini-batch update; returns its loss (before the update). */
  step(): number;
  /** Steps to the end of the current epoch, evaluates, records and returns the epoch. */
  epoch(): EpochRecord;
  /** Mean loss (and accuracy for classification) over a split, in mini-batches. */
  evaluate(split: "train" | "test" | Split): Evaluation;
  setLearningRate(learningRate: number): void;
  /** Threads sharing each mini-batch (1 when threads were not asked for or could not be had). */
  readonly threads: number;
  /** Why fewer threads run than `options.threads` asked for, or null. */
  readonly threadsFallbackReason: string | null;
  /** Stops the worker threads the trainer started and frees the optimiser's buffers in the kernel memory (idempotent). */
  close(): void;
}

const OPTION_NAMES = [
  "epochs",
  "batchSize",
  "optimizer",
  "loss",
  "seed",
  "evaluateTrain",
  "onEpoch",
  "threads",
  "team",
  "learningRate",
  "momentum",
  "weightDecay",
  "beta1",
  "beta2",
  "epsilon"
];

function checkModel(model: unknown): Model {
  const m = model as Model;
  if (
    m === null ||
    typeof m !== "object" ||
    typeof m.forward !== "function" ||
    typeof m.backward !== "function" ||
    typeof m.zeroGrad !== "function" ||
    !(m.params instanceof Float32Array) ||
    !(m.grads instanceof Float32Array) ||
    m.spec === null ||
    typeof m.spec !== "object"
  ) {
    fail(`model must implement Model (spec, params, grads, forward, backward, zeroGrad), got ${describe(model)}`);
  }
  if (m.grads.length !== m.params.length)
    fail(`model.grads has length ${m.grads.length}, but model.params has length ${m.params.length}`);
  checkFinite("model.params", m.params);
  return m;
}

function checkSplit(name: string, split: Split, dataset: Dataset, minN: number): void {
  if (split === null || typeof split !== "object") fail(`${name} must be a split {x, y, n}, got ${describe(split)}`);
  checkInteger(`${name}.n`, split.n, minN);
  const {inputSize, outputSize} = dataset;
  if (!(split.x instanceof Float32Array) || split.x.length !== split.n * inputSize) {
    fail(`${name}.x must be a Float32Array of length n × inputSize = ${split.n * inputSize}, got ${describe(split.x)}`);
  }
  if (!(split.y instanceof Float32Array) || split.y.length !== split.n * outputSize) {
    fail(
      `${name}.y must be a Float32Array of length n × outputSize = ${split.n * outputSize}, got ${describe(split.y)}`
    );
  }
  checkFinite(`${name}.x`, split.x);
  checkFinite(`${name}.y`, split.y);
  if (split.labels !== undefined) {
    if (!(split.labels instanceof Int32Array) || split.labels.length !== split.n) {
      fail(`${name}.labels must be an Int32Array of length ${split.n}, got ${describe(split.labels)}`);
    }
    for (let i = 0; i < split.n; i++) {
      const label = split.labels[i];
      if (label < 0 || label >= outputSize)
        fail(`${name}.labels[${i}] must be a class index from 0 to ${outputSize - 1}, got ${label}`);
    }
  }
}

function checkDataset(dataset: unknown, model: Model): Dataset {
  const d = dataset as Dataset;
  if (d === null || typeof d !== "object") fail(`dataset must be a Dataset, got ${describe(dataset)}`);
  checkOneOf("dataset.task", d.task, ["classification", "regression"]);
  if (d.inputSize !== model.spec.inputSize) {
    fail(
      `dataset.inputSize is ${describe(d.inputSize)} but the model's inputSize is ${model.spec.inputSize}; they must match`
    );
  }
  if (d.outputSize !== model.spec.outputSize) {
    fail(
      `dataset.outputSize is ${describe(d.outputSize)} but the model's outputSize is ${model.spec.outputSize}; they must match`
    );
  }
  checkSplit("dataset.train", d.train, d, 1);
  checkSplit("dataset.test", d.test, d, 0);
  return d;
}

/** Fills defaults and checks every option against the dataset. */
export function resolveTrainOptions(options: TrainOptions, dataset: Dataset): ResolvedTrainOptions {
  if (options === null || typeof options !== "object")
    fail(`training options must be an object, got ${describe(options)}`);
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.includes(key))
      fail(`unknown training option ${JSON.stringify(key)} (known: ${OPTION_NAMES.join(", ")})`);
  }
  const epochs = checkInteger("epochs", options.epochs ?? 10, 1);
  const batchSize = checkInteger("batchSize", options.batchSize ?? 32, 1);
  const optimizer = checkOneOf("optimizer", options.optimizer ?? "adam", OPTIMIZER_KINDS);
  const loss = checkOneOf(
    "loss",
    options.loss ?? (dataset.task === "classification" ? "softmax-cross-entropy" : "mse"),
    LOSS_KINDS
  );
  if (loss === "softmax-cross-entropy" && (dataset.task !== "classification" || dataset.outputSize < 2)) {
    fail(
      `loss "softmax-cross-entropy" needs a classification dataset with at least 2 outputs, got ${dataset.task} dataset ${JSON.stringify(dataset.name)} with ${dataset.outputSize} output(s); use "mse"`
    );
  }
  const seed = checkInteger("seed", options.seed ?? 1);
  const evaluateTrain = options.evaluateTrain ?? true;
  if (typeof evaluateTrain !== "boolean") fail(`evaluateTrain must be true or false, got ${describe(evaluateTrain)}`);
  if (options.onEpoch !== undefined && typeof options.onEpoch !== "function")
    fail(`onEpoch must be a function, got ${describe(options.onEpoch)}`);
  const {learningRate, momentum, weightDecay, beta1, beta2, epsilon} = options;
  const opt = resolveOptimizerOptions(
    optimizer,
    Object.fromEntries(
      Object.entries({learningRate, momentum, weightDecay, beta1, beta2, epsilon}).filter(([, v]) => v !== undefined)
    )
  );
  return {epochs, batchSize, optimizer, loss, seed, evaluateTrain, ...opt};
}

/** A trainer over `model` and `dataset`; see the top of this file. */
export function createTrainer(model: Model, dataset: Dataset, options: TrainOptions = {}): Trainer {
  checkModel(model);
  checkDataset(dataset, model);
  const opts = resolveTrainOptions(options, dataset);

  const {outputSize} = dataset;
  const train = dataset.train;
  const batch = Math.min(opts.batchSize, train.n);
  const lossFn = lossFunction(opts.loss);
  const wantedThreads = checkInteger("threads", options.threads ?? options.team?.threads ?? 1, 1, 256);
  if (options.team !== undefined && (options.team === null || typeof options.team.run !== "function")) {
    fail(`team must be a Team from createTeam({threads}), got ${describe(options.team)}`);
  }
  const ownTeam = options.team === undefined && wantedThreads > 1;
  const team: Team | null = options.team ?? (ownTeam ? createTeamSync({threads: wantedThreads}) : null);
  const threads = team?.threads ?? 1;
  const threadsFallbackReason =
    threads < wantedThreads ? (team?.fallbackReason ?? `a team of ${threads} thread(s) was given`) : null;
  const optimizer = createOptimizer(
    opts.optimizer,
    model.params.length,
    {
      learningRate: opts.learningRate,
      momentum: opts.momentum,
      weightDecay: opts.weightDecay,
      beta1: opts.beta1,
      beta2: opts.beta2,
      epsilon: opts.epsilon
    },
    {
      // In the kernel memory with a team (each thread updates a range) or when the parameters of a
      // model from createModel are there (the one-thread step then runs on the f64x2 kernel): close()
      // frees them, and so does disposing the model (the trainer cannot step it any more).
      kernelMemory: threads > 1 || (inWasmMemory(model.params) && modelTakesHooks(model))
    }
  );
  const hook = onDispose(model, () => optimizer.dispose());
  const parallel = <T>(fn: () => T): T => (threads > 1 ? withTeam(team, fn) : fn());
  const sampler = createBatchSampler(train, batch, opts.seed, "short-batch");

  const state: TrainerState = {epoch: 0, step: 0, position: 0, diverged: false, divergence: null, history: []};
  // The loss over the training split before the first update: the divergence rule's reference.
  const startLoss = overflowAsNaN(() => splitLoss(model, train, lossFn, batch));
  let epochLoss = 0;
  let epochSamples = 0;
  let epochStart = 0;

  function step(): number {
    if (state.diverged && state.divergence) {
      fail(
        `this training diverged at step ${state.divergence.step + 1}: ${state.divergence.reason}; train a fresh model with a lower learning rate (or load weights saved before)`
      );
    }
    if (sampler.position === 0) {
      epochLoss = 0;
      epochSamples = 0;
      epochStart = now();
    }
    const v = sampler.next();
    const b = v.rows;
    const outcome = trainingStep(model, v, lossFn, optimizer, startLoss, parallel);
    // A step whose numbers overflowed counts as a NaN loss here, even when its loss was known.
    const loss = outcome.overflowed ? NaN : outcome.loss;
    const reason = outcome.reason;
    if (reason !== null) {
      state.diverged = true;
      state.divergence = {step: state.step, epoch: state.epoch, loss, startLoss, reason};
    }
    epochLoss += loss * b;
    epochSamples += b;
    state.step++;
    state.position = sampler.position;
    if (state.position === 0) state.epoch++;
    return loss;
  }

  function evaluate(which: "train" | "test" | Split): Evaluation {
    const split = which === "train" ? dataset.train : which === "test" ? dataset.test : which;
    if (typeof which === "string") checkOneOf("split", which, ["train", "test"]);
    else checkSplit("split", split, dataset, 1);
    if (split.n === 0) fail(`cannot evaluate the ${describe(which)} split: it is empty`);
    const classification = dataset.task === "classification";
    let lossSum = 0;
    let correct = 0;
    forwardInChunks(
      model,
      split.x,
      split.n,
      batch,
      (out, start, b) => {
        const y = split.y.subarray(start * outputSize, (start + b) * outputSize);
        lossSum += lossFn(out, y, b) * b;
        if (classification) correct += countCorrect(out, split.labels ? split.labels.subarray(start, start + b) : y, b);
      },
      parallel
    );
    const loss = lossSum / split.n;
    return classification ? {loss, accuracy: correct / split.n} : {loss};
  }

  function epoch(): EpochRecord {
    const target = state.epoch + 1;
    do {
      step();
    } while (state.epoch < target && !state.diverged);
    const record: EpochRecord = {
      epoch: state.epoch,
      step: state.step,
      batchLoss: epochSamples > 0 ? epochLoss / epochSamples : NaN,
      learningRate: optimizer.options.learningRate,
      time: 0
    };
    // A model whose numbers overflow when evaluated has diverged too (its last update made its
    // parameters too large): its losses are then NaN in the record, and the state says why.
    const measure = (which: "train" | "test"): Evaluation => {
      try {
        return evaluate(which);
      } catch (error) {
        if (!(error instanceof NonFiniteError)) throw error;
        if (!state.diverged) {
          state.diverged = true;
          state.divergence = {
            step: state.step - 1,
            epoch: state.epoch - 1,
            loss: NaN,
            startLoss,
            reason: error.message
          };
        }
        return {loss: NaN};
      }
    };
    if (opts.evaluateTrain) {
      const e = measure("train");
      record.trainLoss = e.loss;
      if (e.accuracy !== undefined) record.trainAccuracy = e.accuracy;
    }
    if (dataset.test.n > 0) {
      const e = measure("test");
      record.testLoss = e.loss;
      if (e.accuracy !== undefined) record.testAccuracy = e.accuracy;
    }
    record.time = now() - epochStart;
    state.history.push(record);
    return record;
  }

  return {
    model,
    dataset,
    options: opts,
    optimizer,
    state,
    step,
    epoch,
    evaluate,
    setLearningRate(learningRate: number) {
      optimizer.setLearningRate(learningRate);
    },
    threads,
    threadsFallbackReason,
    close() {
      if (ownTeam) team?.close();
      optimizer.dispose();
      hook.remove();
    }
  };
}

/** The value of `compute`, or `fallback` (NaN) when the model's numbers overflow. */
function overflowAsNaN<T>(compute: () => T, fallback: T = NaN as T): T {
  try {
    return compute();
  } catch (error) {
    if (error instanceof NonFiniteError) return fallback;
    throw error;
  }
}

function now(): number {
  return typeof performance !== "undefined" ? performance.now() : Date.now();
}

/**
 * Trains for `options.epochs` epochs (stopping early when `onEpoch` returns false) and returns
 * the per-epoch history. Throws a TrainingDivergedError (a SwitchNetError with `history` and
 * `divergence`) when the training diverges, whatever the optimiser.
 */
export function train(model: Model, dataset: Dataset, options: TrainOptions = {}): EpochRecord[] {
  const trainer = createTrainer(model, dataset, options);
  try {
    for (let e = 0; e < trainer.options.epochs; e++) {
      const record = trainer.epoch();
      const keepGoing = options.onEpoch ? options.onEpoch(record, trainer) : undefined;
      if (trainer.state.diverged && trainer.state.divergence) {
        const {optimizer, learningRate} = trainer.options;
        throw new TrainingDivergedError(
          trainer.state.divergence,
          trainer.state.history,
          `${optimizer}, learning rate ${learningRate}`
        );
      }
      if (keepGoing === false) break;
    }
  } finally {
    trainer.close();
  }
  return trainer.state.history;
}
