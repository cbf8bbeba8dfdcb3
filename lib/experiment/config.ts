/**
 * The capacity experiment's settings: which widths, budgets, contenders, tasks and seeds, how
 * long each run trains and how its learning rate is chosen. Three presets share one shape:
 * "full" (the committed sweep, CPU days), "small" (the page's build-time loader, about a minute)
 * and "tiny" (the test suite, seconds).
 */
import {checkInteger, checkNumber, checkPowerOfTwo, describe, fail} from "../check.js";
import {BUDGET_KINDS, parseContender, type BudgetKind} from "./budget.js";
import {TASK_KINDS, type TaskKind} from "./schema.js";

export interface TrainSettings {
  batchSize: number;
  /** Error is also reported after exactly this many steps (a fixed budget)... */
  fixedSteps: number;
  /** ...and at convergence (the stop rule of fit.ts), or at this cap. */
  maxSteps: number;
  /** Smallest gap between evaluations, in steps. */
  evalEvery: number;
  /** Gaps grow to (evalGrowth − 1)·step: three evaluations then span a third more training. */
  evalGrowth: number;
  /** Evaluations without a `minImprovement` relative gain in validation error that end a stage. */
  patience: number;
  minImprovement: number;
  /**
   * Steps of linear learning-rate warm-up at the start of every run and probe (fit.ts; absent: none,
   * and the settings hash of a config without it is the one it had before the option existed).
   */
  warmupSteps?: number;
  /**
   * No run or probe stops on the rule before this many steps (fit.ts; absent: none beyond fixedSteps,
   * and the settings hash of a config without it is the one it had before the option existed).
   */
  minSteps?: number;
  /** Learning-rate decays (× decayFactor) at the first stage ends; the next stage end stops the run. */
  lrDecays: number;
  decayFactor: number;
  /** Training samples used to evaluate the training metric (validation and test are always whole). */
  evalLimit: number;
}

/**
 * Learning rates (Adam). For each contender, width and task the rate is chosen on validation data
 * from full runs under the stop rule (the seed-1 runs at each candidate): first the start rates,
 * then one more grid step beyond whichever edge wins, until the chosen rate has a tried neighbour
 * on both sides or the grid ends (the tune record says so).
 */
export interface TuneSettings {
  /** The rates candidates come from, ascending (steps of about √10). */
  grid: number[];
  /** The first candidates of the WHT kinds and of dense (each a run of neighbours on the grid). */
  startWht: number[];
  startDense: number[];
}

export interface MemoriseSettings {
  inputSize: number;
  outputSize: number;
  /** A fit counts when the training nmse is at most this. */
  threshold: number;
  start: number;
  max: number;
  resolution: number;
  /** A probe trains until it fits, its training error stops improving (the train settings' rule), or this cap. */
  maxSteps: number;
  /**
   * Seeds after the first start their search at the first seed's capacity (search.ts `guess`)
   * instead of doubling from `start`: seeds of one model usually agree within the resolution, and
   * then each costs two probes near the capacity instead of about five. They wait for the first seed.
   */
  guessFromFirstSeed: boolean;
  /**
   * Pairs in each learning-rate candidate's probe, as a multiple of (parameters / outputSize), the
   * pairs the model could hold if every parameter stored one target value; candidates are scored
   * on the training nmse they reach. Below about 1 several rates fit it to ≈ 0 and the choice says
   * nothing about capacity.
   */
  tuneLoad: number;
  /** Run the capacity search only at reference widths up to this. */
  maxRefWidth: number;
  /**
   * Reference widths above maxRefWidth where the trend is tested, not assumed: for each contender
   * and budget a line through log N against log reference width, fitted to the capacities of the
   * last `trendPoints` searched widths, predicts N there, and one probe per factor trains on
   * factor × N pairs (seed 1, the rate chosen at the widest searched width). Fitting at 1/√2 of
   * the prediction and failing at √2 says the trend holds there within a factor √2.
   */
  probeRefWidths: number[];
  probeFactors: number[];
  trendPoints: number;
}

export interface ExperimentConfig {
  name: string;
  /** Widths of the reference Switch Net 4 (m = 4) layer that set each budget point. */
  refWidths: number[];
  /** Reference widths run first (the seed's point), before the rest in increasing order. */
  firstRefWidths: number[];
  budgets: BudgetKind[];
  /**
   * Contender ids: "switchnet4-m4", "switchnet4-m4-r2", "switchnet4-m8-r2", "butterfly-r2",
   * "filterbank-r2", "dense" (`-rN`: N input projection rounds with random flips).
   */
  contenders: string[];
  /** Contenders run only at reference widths up to a limit (the others run at every width). */
  contenderMaxRefWidth: Record<string, number>;
  /** WHT models wider than this are left out (the filter bank would be 262,144 wide at equal stored weights). */
  maxWhtWidth: number;
  tasks: TaskKind[];
  seeds: number[];
  /** Width-W layers per model (dense: hidden W×W layers). */
  depth: number;
  /** How WHT kinds place the input in the width: "repeat" (copies under different flips) or "pad". */
  placement: "pad" | "repeat";
  tune: TuneSettings;
  train: TrainSettings;
  memorise: MemoriseSettings;
  /** Smooth high-dimensional target (datasets.sinusoids). */
  smooth: {inputSize: number; outputSize: number; n: number; terms: number; frequency: number};
  /** 2-D classification (datasets.spiral). */
  classify: {n: number; arms: number; turns: number; noise: number};
  /** Picture regression (datasets.image of a built-in picture): train on n of size² pixels, test on all. */
  image: {size: number; picture: "smiley" | "rings"; rings: number; n: number};
}

/** The seed's point: the reference width of the question (a 65,536-wide Switch Net 4 layer against dense 1448 / 724 / 512). */
export const SEED_POINT = 65536;

/** The learning-rate grid: steps of about √10 from 3·10⁻⁵ to 1. */
export const RATE_GRID = [0.00003, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1];

export const FULL: ExperimentConfig = {
  name: "full",
  refWidths: [256, 1024, 4096, 16384, 65536],
  firstRefWidths: [SEED_POINT],
  budgets: ["params", "edges", "macs"],
  contenders: ["switchnet4-m4", "switchnet4-m4-r2", "filterbank-r2", "dense", "switchnet4-m8-r2", "butterfly-r2"],
  // The learned butterfly costs about an hour per run at 65,536: these two stop at 16,384.
  contenderMaxRefWidth: {"switchnet4-m8-r2": 16384, "butterfly-r2": 16384},
  maxWhtWidth: 65536,
  tasks: ["smooth", "classify", "image", "memorise"],
  seeds: [1, 2, 3],
  depth: 2,
  placement: "pad",
  tune: {grid: RATE_GRID, startWht: [0.003, 0.01, 0.03], startDense: [0.0003, 0.001, 0.003]},
  // Method 3 (2026-12-01): evaluations every 25 % of the steps so far, so that three of them span
  // about twice the steps (at 10 %, noise ended runs that were still learning: data/capacity/README.md,
  // "Checks of the method"); a 500-step warm-up for every contender (without it the wide dense layers
  // diverge at the rates just above their chosen ones); no stop on the rule before 2000 steps (a stall
  // in the warm-up ended a dense run at 500); a cap of 200,000 steps (at 40,000 and then 100,000 most
  // slow learners at the seed's point hit it one or two evaluations before the rule would have ended
  // them, with their best validation error already behind them: data/capacity/README.md, "Checks of the
  // method").
  train: {
    batchSize: 64,
    fixedSteps: 500,
    maxSteps: 200000,
    evalEvery: 100,
    evalGrowth: 1.25,
    patience: 3,
    minImprovement: 0.01,
    warmupSteps: 500,
    minSteps: 2000,
    lrDecays: 0,
    decayFactor: 0.1,
    evalLimit: 1024
  },
  memorise: {
    inputSize: 16,
    outputSize: 16,
    threshold: 0.05,
    start: 16,
    max: 65536,
    resolution: 0.125,
    maxSteps: 40000,
    guessFromFirstSeed: true,
    tuneLoad: 1,
    maxRefWidth: 16384,
    probeRefWidths: [SEED_POINT],
    probeFactors: [Math.SQRT1_2, Math.SQRT2],
    trendPoints: 3
  },
  smooth: {inputSize: 16, outputSize: 4, n: 4096, terms: 16, frequency: 0.5},
  classify: {n: 1280, arms: 3, turns: 1, noise: 0.03},
  image: {size: 32, picture: "smiley", rings: 1, n: 768}
};

export const SMALL: ExperimentConfig = {
  ...FULL,
  name: "small",
  refWidths: [32, 128, 512],
  firstRefWidths: [],
  contenders: ["switchnet4-m4", "switchnet4-m4-r2", "filterbank-r2", "dense"],
  contenderMaxRefWidth: {},
  seeds: [1, 2],
  tune: {grid: [0.001, 0.003, 0.01, 0.03, 0.1], startWht: [0.01, 0.03], startDense: [0.003, 0.01]},
  train: {
    ...FULL.train,
    batchSize: 32,
    fixedSteps: 60,
    maxSteps: 300,
    evalEvery: 30,
    warmupSteps: 30,
    minSteps: 120,
    lrDecays: 0
  },
  memorise: {
    ...FULL.memorise,
    inputSize: 8,
    outputSize: 8,
    start: 8,
    max: 1024,
    maxSteps: 300,
    resolution: 0.25,
    maxRefWidth: 128,
    probeRefWidths: [512],
    trendPoints: 2
  },
  smooth: {...FULL.smooth, inputSize: 8, n: 640},
  classify: {...FULL.classify, n: 640},
  image: {size: 16, picture: "smiley", rings: 1, n: 192}
};

export const TINY: ExperimentConfig = {
  ...FULL,
  name: "tiny",
  refWidths: [16, 32],
  firstRefWidths: [32],
  contenders: ["switchnet4-m4", "switchnet4-m4-r2", "filterbank-r2", "dense"],
  contenderMaxRefWidth: {"filterbank-r2": 16},
  seeds: [1, 2],
  tune: {grid: [0.003, 0.01, 0.03, 0.1], startWht: [0.01, 0.03], startDense: [0.01, 0.03]},
  train: {
    ...FULL.train,
    batchSize: 8,
    fixedSteps: 10,
    maxSteps: 30,
    evalEvery: 10,
    evalGrowth: 1,
    patience: 2,
    warmupSteps: undefined,
    minSteps: undefined,
    lrDecays: 1,
    evalLimit: 64
  },
  memorise: {
    inputSize: 4,
    outputSize: 4,
    threshold: 0.1,
    start: 2,
    max: 64,
    resolution: 0.5,
    maxSteps: 60,
    guessFromFirstSeed: true,
    tuneLoad: 1,
    maxRefWidth: 32,
    probeRefWidths: [64],
    probeFactors: [Math.SQRT1_2, Math.SQRT2],
    trendPoints: 2
  },
  smooth: {inputSize: 4, outputSize: 2, n: 80, terms: 4, frequency: 1},
  classify: {n: 80, arms: 2, turns: 0.5, noise: 0.03},
  image: {size: 6, picture: "rings", rings: 1, n: 24}
};

export const PRESETS: Record<string, ExperimentConfig> = {full: FULL, small: SMALL, tiny: TINY};

function positiveInts(name: string, values: unknown): number[] {
  if (!Array.isArray(values) || values.length === 0) fail(`${name} must be a non-empty array, got ${describe(values)}`);
  return values.map((v, i) => checkInteger(`${name}[${i}]`, v, 1));
}

function positiveRates(name: string, values: unknown): number[] {
  if (!Array.isArray(values) || values.length === 0) fail(`${name} must be a non-empty array, got ${describe(values)}`);
  return values.map((r, i) => {
    checkNumber(`${name}[${i}]`, r, 0);
    if (!(r > 0)) fail(`${name}[${i}] must be greater than 0, got ${r}`);
    return r as number;
  });
}

/** Checks a config; throws a SwitchNetError naming the first bad setting. Returns it. */
export function checkConfig(config: ExperimentConfig): ExperimentConfig {
  if (!Array.isArray(config.refWidths) || config.refWidths.length === 0)
    fail(`refWidths must be a non-empty array, got ${describe(config.refWidths)}`);
  config.refWidths.forEach((w, i) => checkPowerOfTwo(`refWidths[${i}]`, w));
  if (!Array.isArray(config.firstRefWidths))
    fail(`firstRefWidths must be an array, got ${describe(config.firstRefWidths)}`);
  config.firstRefWidths.forEach((w, i) => checkPowerOfTwo(`firstRefWidths[${i}]`, w));
  if (!Array.isArray(config.budgets) || config.budgets.length === 0)
    fail(`budgets must be a non-empty array, got ${describe(config.budgets)}`);
  for (const b of config.budgets)
    if (!BUDGET_KINDS.includes(b)) fail(`budgets must hold only ${BUDGET_KINDS.join(", ")}, got ${describe(b)}`);
  if (!Array.isArray(config.contenders) || config.contenders.length === 0)
    fail(`contenders must be a non-empty array, got ${describe(config.contenders)}`);
  for (const c of config.contenders) parseContender(c);
  if (typeof config.contenderMaxRefWidth !== "object" || config.contenderMaxRefWidth === null) {
    fail(`contenderMaxRefWidth must be an object {contender: width}, got ${describe(config.contenderMaxRefWidth)}`);
  }
  for (const [c, w] of Object.entries(config.contenderMaxRefWidth)) {
    parseContender(c);
    checkInteger(`contenderMaxRefWidth[${JSON.stringify(c)}]`, w, 1);
  }
  checkInteger("maxWhtWidth", config.maxWhtWidth, 1);
  if (!Array.isArray(config.tasks) || config.tasks.length === 0)
    fail(`tasks must be a non-empty array, got ${describe(config.tasks)}`);
  for (const t of config.tasks)
    if (!TASK_KINDS.includes(t)) fail(`tasks must hold only ${TASK_KINDS.join(", ")}, got ${describe(t)}`);
  if (!Array.isArray(config.seeds) || config.seeds.length === 0)
    fail(`seeds must be a non-empty array, got ${describe(config.seeds)}`);
  config.seeds.forEach((s, i) => checkInteger(`seeds[${i}]`, s));
  checkInteger("depth", config.depth, 1);
  if (config.placement !== "pad" && config.placement !== "repeat")
    fail(`placement must be "pad" or "repeat", got ${describe(config.placement)}`);
  const tune = config.tune;
  if (typeof tune !== "object" || tune === null) fail(`tune must be an object, got ${describe(tune)}`);
  const grid = positiveRates("tune.grid", tune.grid);
  for (let i = 1; i < grid.length; i++)
    if (!(grid[i] > grid[i - 1])) fail(`tune.grid must be ascending, got ${grid[i - 1]} then ${grid[i]}`);
  for (const name of ["startWht", "startDense"] as const) {
    for (const r of positiveRates(`tune.${name}`, tune[name]))
      if (!grid.includes(r)) fail(`tune.${name} must hold rates from tune.grid, got ${r}`);
  }
  const t = config.train;
  checkInteger("train.batchSize", t.batchSize, 1);
  checkInteger("train.fixedSteps", t.fixedSteps, 1);
  checkInteger("train.maxSteps", t.maxSteps, t.fixedSteps);
  checkInteger("train.evalEvery", t.evalEvery, 1);
  checkNumber("train.evalGrowth", t.evalGrowth, 1, 10);
  checkInteger("train.patience", t.patience, 1);
  checkNumber("train.minImprovement", t.minImprovement, 0, 1);
  if (t.warmupSteps !== undefined) checkInteger("train.warmupSteps", t.warmupSteps, 0, t.maxSteps);
  if (t.minSteps !== undefined) checkInteger("train.minSteps", t.minSteps, 0, t.maxSteps);
  checkInteger("train.lrDecays", t.lrDecays, 0, 10);
  checkNumber("train.decayFactor", t.decayFactor, 0, 1);
  checkInteger("train.evalLimit", t.evalLimit, 1);
  const m = config.memorise;
  checkInteger("memorise.inputSize", m.inputSize, 1);
  checkInteger("memorise.outputSize", m.outputSize, 1);
  checkNumber("memorise.threshold", m.threshold, 0);
  checkInteger("memorise.start", m.start, 1);
  checkInteger("memorise.max", m.max, m.start);
  checkNumber("memorise.resolution", m.resolution, 0, 10);
  checkInteger("memorise.maxSteps", m.maxSteps, 1);
  if (typeof m.guessFromFirstSeed !== "boolean")
    fail(`memorise.guessFromFirstSeed must be true or false, got ${describe(m.guessFromFirstSeed)}`);
  checkNumber("memorise.tuneLoad", m.tuneLoad, 0);
  if (!(m.tuneLoad > 0)) fail(`memorise.tuneLoad must be greater than 0, got ${m.tuneLoad}`);
  checkInteger("memorise.maxRefWidth", m.maxRefWidth, 1);
  if (!Array.isArray(m.probeRefWidths))
    fail(`memorise.probeRefWidths must be an array, got ${describe(m.probeRefWidths)}`);
  m.probeRefWidths.forEach((w, i) => {
    checkPowerOfTwo(`memorise.probeRefWidths[${i}]`, w);
    if (!(w > m.maxRefWidth))
      fail(`memorise.probeRefWidths[${i}] must be above memorise.maxRefWidth ${m.maxRefWidth}, got ${w}`);
  });
  positiveRates("memorise.probeFactors", m.probeFactors);
  checkInteger("memorise.trendPoints", m.trendPoints, 2);
  positiveInts("smooth", [config.smooth.inputSize, config.smooth.outputSize, config.smooth.n, config.smooth.terms]);
  checkNumber("smooth.frequency", config.smooth.frequency, 0);
  checkInteger("classify.n", config.classify.n, 4);
  checkInteger("classify.arms", config.classify.arms, 2);
  checkNumber("classify.turns", config.classify.turns, 0);
  checkNumber("classify.noise", config.classify.noise, 0);
  checkInteger("image.size", config.image.size, 2);
  checkInteger("image.n", config.image.n, 1, config.image.size * config.image.size);
  checkNumber("image.rings", config.image.rings, 0);
  if (config.image.picture !== "smiley" && config.image.picture !== "rings")
    fail(`image.picture must be "smiley" or "rings", got ${describe(config.image.picture)}`);
  return config;
}
