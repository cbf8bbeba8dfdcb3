/**
 * The capacity experiment's settings: which widths, budgets, contenders, tasks and seeds, and
 * how long each run trains. Three presets share one shape: "full" (the committed sweep, hours),
 * "small" (the page's build-time loader, about a minute) and "tiny" (the test suite, seconds).
 */
import {checkInteger, checkNumber, checkPowerOfTwo, describe, fail} from "../check.js";
import {BUDGET_KINDS, parseContender, type BudgetKind} from "./budget.js";
import {TASK_KINDS, type TaskKind} from "./schema.js";

export interface TrainSettings {
  batchSize: number;
  /** Error is reported after exactly this many steps... */
  fixedSteps: number;
  /** ...and at the plateau, or at this cap. */
  maxSteps: number;
  evalEvery: number;
  /** Evaluations without 1 % progress in training loss that count as a plateau. */
  patience: number;
  /** Steps per learning-rate candidate in the sweep. */
  tuneSteps: number;
  /** Training samples used to evaluate the training metric (the test set is always whole). */
  evalLimit: number;
}

export interface MemoriseSettings {
  inputSize: number;
  outputSize: number;
  /** A fit counts when the training nmse is at most this. */
  threshold: number;
  start: number;
  max: number;
  resolution: number;
  /** Passes over the pairs allowed per probe, clamped to [minSteps, maxSteps]. */
  epochs: number;
  minSteps: number;
  maxSteps: number;
  /**
   * Steps of each learning-rate candidate's probe in the memorisation sweep. As long as a probe may
   * run (maxSteps): a short probe of a wide model fits nothing at any rate, and noise picks the rate.
   */
  tuneSteps: number;
  /**
   * Pairs in each candidate's probe, as a multiple of (parameters / outputSize), the pairs the model
   * could hold if every parameter stored one target value. Below about 1 the probe is too easy for
   * narrow models: several rates fit it to ≈ 0 and the choice says nothing about capacity.
   */
  tuneLoad: number;
  /** Run the capacity search only at reference widths up to this. */
  maxRefWidth: number;
}

export interface ExperimentConfig {
  name: string;
  /** Widths of the reference Switch Net 4 (m = 4) layer that set each budget point. */
  refWidths: number[];
  budgets: BudgetKind[];
  /** Contender ids: "switchnet4-m4", "switchnet4-m8", "butterfly", "filterbank", "dense". */
  contenders: string[];
  tasks: TaskKind[];
  seeds: number[];
  /** Width-W layers per model (dense: hidden W×W layers). */
  depth: number;
  /** How WHT kinds place the input in the width: "repeat" (copies under different flips) or "pad". */
  placement: "pad" | "repeat";
  /** Learning-rate candidates (Adam); the best on validation data is kept per contender and width. */
  learningRates: number[];
  train: TrainSettings;
  memorise: MemoriseSettings;
  /** Smooth high-dimensional target (datasets.sinusoids). */
  smooth: {inputSize: number; outputSize: number; n: number; terms: number; frequency: number};
  /** 2-D classification (datasets.spiral). */
  classify: {n: number; arms: number; turns: number; noise: number};
  /** Picture regression (datasets.image of a built-in picture): train on n of size² pixels, test on all. */
  image: {size: number; picture: "smiley" | "rings"; rings: number; n: number};
}

const CONTENDERS = ["switchnet4-m4", "switchnet4-m8", "butterfly", "filterbank", "dense"];

export const FULL: ExperimentConfig = {
  name: "full",
  refWidths: [256, 1024, 4096, 16384, 65536],
  budgets: ["params", "edges", "macs"],
  contenders: CONTENDERS,
  tasks: ["smooth", "classify", "image", "memorise"],
  seeds: [1, 2, 3],
  depth: 2,
  placement: "pad",
  learningRates: [0.001, 0.003, 0.01, 0.03],
  train: {batchSize: 16, fixedSteps: 400, maxSteps: 2000, evalEvery: 200, patience: 3, tuneSteps: 200, evalLimit: 1024},
  memorise: {
    inputSize: 16, outputSize: 16, threshold: 0.05, start: 16, max: 4096, resolution: 0.125,
    epochs: 300, minSteps: 300, maxSteps: 3000, tuneSteps: 3000, tuneLoad: 1, maxRefWidth: 4096
  },
  smooth: {inputSize: 16, outputSize: 4, n: 4096, terms: 16, frequency: 0.5},
  classify: {n: 1280, arms: 3, turns: 1, noise: 0.03},
  image: {size: 32, picture: "smiley", rings: 1, n: 768}
};

export const SMALL: ExperimentConfig = {
  ...FULL,
  name: "small",
  refWidths: [32, 128, 512],
  seeds: [1, 2],
  learningRates: [0.003, 0.03],
  train: {batchSize: 32, fixedSteps: 100, maxSteps: 300, evalEvery: 50, patience: 2, tuneSteps: 60, evalLimit: 512},
  memorise: {...FULL.memorise, inputSize: 8, outputSize: 8, start: 8, max: 1024, epochs: 60, minSteps: 60, maxSteps: 300, tuneSteps: 300, resolution: 0.25, maxRefWidth: 128},
  smooth: {...FULL.smooth, inputSize: 8, n: 640},
  classify: {...FULL.classify, n: 640},
  image: {size: 16, picture: "smiley", rings: 1, n: 192}
};

export const TINY: ExperimentConfig = {
  ...FULL,
  name: "tiny",
  refWidths: [16, 32],
  seeds: [1, 2],
  learningRates: [0.01, 0.03],
  train: {batchSize: 8, fixedSteps: 10, maxSteps: 30, evalEvery: 10, patience: 2, tuneSteps: 10, evalLimit: 64},
  memorise: {inputSize: 4, outputSize: 4, threshold: 0.1, start: 2, max: 64, resolution: 0.5, epochs: 20, minSteps: 20, maxSteps: 60, tuneSteps: 60, tuneLoad: 1, maxRefWidth: 32},
  smooth: {inputSize: 4, outputSize: 2, n: 80, terms: 4, frequency: 1},
  classify: {n: 80, arms: 2, turns: 0.5, noise: 0.03},
  image: {size: 6, picture: "rings", rings: 1, n: 24}
};

/**
 * The placement check: the WHT contenders of the full sweep again on the picture and the smooth
 * target, with the input tiled under different sign flips ("repeat") instead of zero-padded.
 * Settings otherwise equal to FULL, so its runs compare one to one. The committed file holds every
 * contender up to reference width 4096 and Switch Net 4 (m = 4) alone at 16,384 and 65,536
 * (`--contenders switchnet4-m4 --min-ref-width 16384`): the wide butterfly and filter bank cost hours.
 */
export const REPEAT: ExperimentConfig = {
  ...FULL,
  name: "repeat",
  refWidths: [256, 1024, 4096, 16384, 65536],
  contenders: CONTENDERS.filter((c) => c !== "dense"),
  tasks: ["image", "smooth"],
  placement: "repeat"
};

export const PRESETS: Record<string, ExperimentConfig> = {full: FULL, small: SMALL, tiny: TINY, repeat: REPEAT};

function positiveInts(name: string, values: unknown): number[] {
  if (!Array.isArray(values) || values.length === 0) fail(`${name} must be a non-empty array, got ${describe(values)}`);
  return values.map((v, i) => checkInteger(`${name}[${i}]`, v, 1));
}

/** Checks a config; throws a SwitchNetError naming the first bad setting. Returns it. */
export function checkConfig(config: ExperimentConfig): ExperimentConfig {
  if (!Array.isArray(config.refWidths) || config.refWidths.length === 0) fail(`refWidths must be a non-empty array, got ${describe(config.refWidths)}`);
  config.refWidths.forEach((w, i) => checkPowerOfTwo(`refWidths[${i}]`, w));
  if (!Array.isArray(config.budgets) || config.budgets.length === 0) fail(`budgets must be a non-empty array, got ${describe(config.budgets)}`);
  for (const b of config.budgets) if (!BUDGET_KINDS.includes(b)) fail(`budgets must hold only ${BUDGET_KINDS.join(", ")}, got ${describe(b)}`);
  if (!Array.isArray(config.contenders) || config.contenders.length === 0) fail(`contenders must be a non-empty array, got ${describe(config.contenders)}`);
  for (const c of config.contenders) parseContender(c);
  if (!Array.isArray(config.tasks) || config.tasks.length === 0) fail(`tasks must be a non-empty array, got ${describe(config.tasks)}`);
  for (const t of config.tasks) if (!TASK_KINDS.includes(t)) fail(`tasks must hold only ${TASK_KINDS.join(", ")}, got ${describe(t)}`);
  if (!Array.isArray(config.seeds) || config.seeds.length === 0) fail(`seeds must be a non-empty array, got ${describe(config.seeds)}`);
  config.seeds.forEach((s, i) => checkInteger(`seeds[${i}]`, s));
  checkInteger("depth", config.depth, 1);
  if (config.placement !== "pad" && config.placement !== "repeat") fail(`placement must be "pad" or "repeat", got ${describe(config.placement)}`);
  if (!Array.isArray(config.learningRates) || config.learningRates.length === 0) fail(`learningRates must be a non-empty array, got ${describe(config.learningRates)}`);
  config.learningRates.forEach((r, i) => {
    checkNumber(`learningRates[${i}]`, r, 0);
    if (r <= 0) fail(`learningRates[${i}] must be greater than 0, got ${r}`);
  });
  const t = config.train;
  checkInteger("train.batchSize", t.batchSize, 1);
  checkInteger("train.fixedSteps", t.fixedSteps, 1);
  checkInteger("train.maxSteps", t.maxSteps, t.fixedSteps);
  checkInteger("train.evalEvery", t.evalEvery, 1);
  checkInteger("train.patience", t.patience, 1);
  checkInteger("train.tuneSteps", t.tuneSteps, 1);
  checkInteger("train.evalLimit", t.evalLimit, 1);
  const m = config.memorise;
  checkInteger("memorise.inputSize", m.inputSize, 1);
  checkInteger("memorise.outputSize", m.outputSize, 1);
  checkNumber("memorise.threshold", m.threshold, 0);
  checkInteger("memorise.start", m.start, 1);
  checkInteger("memorise.max", m.max, m.start);
  checkNumber("memorise.resolution", m.resolution, 0, 10);
  checkInteger("memorise.epochs", m.epochs, 1);
  checkInteger("memorise.minSteps", m.minSteps, 1);
  checkInteger("memorise.maxSteps", m.maxSteps, m.minSteps);
  checkInteger("memorise.tuneSteps", m.tuneSteps, 1);
  checkNumber("memorise.tuneLoad", m.tuneLoad, 0);
  if (!(m.tuneLoad > 0)) fail(`memorise.tuneLoad must be greater than 0, got ${m.tuneLoad}`);
  checkInteger("memorise.maxRefWidth", m.maxRefWidth, 1);
  positiveInts("smooth", [config.smooth.inputSize, config.smooth.outputSize, config.smooth.n, config.smooth.terms]);
  checkNumber("smooth.frequency", config.smooth.frequency, 0);
  checkInteger("classify.n", config.classify.n, 4);
  checkInteger("classify.arms", config.classify.arms, 2);
  checkNumber("classify.turns", config.classify.turns, 0);
  checkNumber("classify.noise", config.classify.noise, 0);
  checkInteger("image.size", config.image.size, 2);
  checkInteger("image.n", config.image.n, 1, config.image.size * config.image.size);
  checkNumber("image.rings", config.image.rings, 0);
  if (config.image.picture !== "smiley" && config.image.picture !== "rings") fail(`image.picture must be "smiley" or "rings", got ${describe(config.image.picture)}`);
  return config;
}
