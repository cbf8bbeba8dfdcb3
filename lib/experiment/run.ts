/**
 * The sweep runner. The plan is a list of groups, one per (task, contender, width): each group
 * first chooses its learning rate, then runs every seed at it. Storage is injected
 * (`ResultStore`): the script appends JSON lines to a file, the page's loader and the tests keep
 * records in memory. No file access here.
 *
 * Choosing the rate at the horizon that is reported (config.ts, TuneSettings): every candidate
 * rate is a full run of the first seed under the stop rule, on the training split less a
 * validation part, scored by its best validation error. Candidates start at the kind's start
 * rates; while the best is the highest (lowest) rate tried, the next grid rate above (below) is
 * tried too. The chosen candidate's run then IS the first seed's run (stored again under the run
 * key), and the other seeds run at that rate on the same split. Memorisation scores candidates
 * by the training nmse of one probe holding as many target values as the model has parameters,
 * and runs its capacity search for every seed.
 *
 * Everything is derived from the records, so a killed sweep resumes where it stopped, and several
 * processes can share one store: each claims a piece of work before starting it (`claim`), and
 * works on what is not claimed; the work after a group's choice waits for its candidates.
 */
import {SwitchNetError, checkInteger, fail} from "../check.js";
import {memorisation} from "../datasets.js";
import {deriveSeed} from "../random.js";
import {modelCounts} from "../counts.js";
import type {Model, ModelSpec} from "../types.js";
import {
  layerBudget,
  matchContenders,
  parseContender,
  type BudgetKind,
  type Contender,
  type LayerBudget
} from "./budget.js";
import {checkConfig, type ExperimentConfig} from "./config.js";
import {checkpointFromBytes, checkpointSummary, checkpointToBytes, type CheckpointTag} from "./checkpoint.js";
import {fit, type FitCheckpoint, type FitResult, type Point} from "./fit.js";
import {memorisationCapacity, memoriseProbe, type MemoriseOptions} from "./memorise.js";
import type {Probe} from "./search.js";
import {
  SCHEMA_VERSION,
  memoriseProbeKey,
  validateRecord,
  type MemoriseProbeRecord,
  type ResultRecord,
  type RunRecord,
  type Snapshot,
  type TaskKind,
  type TrendProbeRecord,
  type TuneRecord
} from "./schema.js";
import {splitValidation, taskDataset, taskShape} from "./tasks.js";
import {fitTrend, median, type TrendPoint} from "./trend.js";
import {trainingKernels} from "../kernels/label.js";

/**
 * Where records go. `records()` is read at the start of a sweep; `reload()`, when given, is
 * called before each piece of work so that what another process finished meanwhile counts.
 * `claim(key)` reserves a piece of work for this process (false: another one has it) and
 * `release(key)` gives it back; a store without them serves one process.
 */
export interface ResultStore {
  records(): ResultRecord[];
  append(record: ResultRecord): void;
  reload?(): ResultRecord[];
  claim?(key: string): boolean;
  release?(key: string): void;
}

/** A store that keeps everything in memory. */
export function memoryStore(initial: ResultRecord[] = []): ResultStore & {all: ResultRecord[]} {
  const all = [...initial];
  return {all, records: () => all, append: (r) => void all.push(r)};
}

/** One budget point a model stands at. */
export interface Membership {
  budget: BudgetKind;
  refWidth: number;
  target: number;
  /** The model's own count / the target (1 = exact). */
  ratio: number;
}

/** One (task, contender, width): its rate is chosen once, then each seed runs. */
export interface PlanGroup {
  /** The tune key: "tune|task|contender|wW|dD|hash". */
  key: string;
  task: TaskKind;
  contender: Contender;
  width: number;
  depth: number;
  /** Every budget point this model stands at (the same model can serve several). */
  memberships: Membership[];
  /** Rough relative cost of one run, for the ETA and for sharing the plan out. */
  cost: number;
}

/** One final run of a group at one seed. */
export interface PlanItem {
  key: string;
  tuneKey: string;
  task: TaskKind;
  contender: Contender;
  width: number;
  depth: number;
  seed: number;
  memberships: Membership[];
  cost: number;
}

/** The model spec of a contender at a width (dense gets one more hidden layer: `depth` W×W layers). */
export function modelSpec(
  c: Contender,
  width: number,
  depth: number,
  inputSize: number,
  outputSize: number,
  seed: number,
  placement: "pad" | "repeat"
): ModelSpec {
  if (c.kind === "dense") return {kind: "dense", inputSize, outputSize, width, depth: depth + 1, seed};
  const rounds: Partial<ModelSpec> = c.rounds > 1 ? {projectionRounds: c.rounds, projection: "random"} : {};
  return {kind: c.kind, inputSize, outputSize, width, depth, groupSize: c.groupSize, placement, ...rounds, seed};
}

/** A short stable hash of the settings a task's results depend on (part of every key). */
export function settingsHash(task: TaskKind, config: ExperimentConfig): string {
  const relevant = {
    task,
    depth: config.depth,
    placement: config.placement,
    tune: config.tune,
    // Memorisation has its own cap (config.memorise.maxSteps): the fitting tasks' cap is not its setting.
    train: task === "memorise" ? {...config.train, maxSteps: undefined} : config.train,
    // maxRefWidth and the trend probes only select work; they change no search's result (a
    // probe's key names its own pair count).
    data:
      task === "memorise"
        ? {
            ...config.memorise,
            maxRefWidth: undefined,
            probeRefWidths: undefined,
            probeFactors: undefined,
            trendPoints: undefined
          }
        : config[task]
  };
  const text = JSON.stringify(relevant);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

function perSampleCost(layer: LayerBudget, depth: number, width: number, io: number, rounds: number): number {
  // Forward + backward ≈ 3× the forward work: multiply-adds, plus edges for the WHT adds.
  return 3 * depth * (layer.macs + layer.edges) + 3 * width * (io + 2 * rounds * Math.log2(Math.max(2, width)));
}

const runKey = (g: PlanGroup, seed: number, hash: string) =>
  `${g.task}|${g.contender.id}|w${g.width}|d${g.depth}|s${seed}|${hash}`;
const hashOf = (g: PlanGroup) => g.key.slice(g.key.lastIndexOf("|") + 1);

/** The key of a group's final run at a seed (the first seed's is its chosen candidate's run, stored again). */
export function seedRunKey(g: PlanGroup, seed: number): string {
  return runKey(g, seed, hashOf(g));
}

/** The key of a learning-rate candidate's run. */
export function candidateKey(g: PlanGroup, learningRate: number): string {
  return `cand|${g.task}|${g.contender.id}|w${g.width}|d${g.depth}|lr${learningRate}|${hashOf(g)}`;
}

/** The models that stand at a budget point of a task: WHT kinds at least as wide as the input and output, none above maxWhtWidth. */
function budgetPoints(
  config: ExperimentConfig,
  refWidth: number,
  task: TaskKind
): {contender: Contender; width: number; membership: Membership}[] {
  const shape = taskShape(task, config);
  const minWidth = Math.max(shape.inputSize, shape.outputSize);
  const allowed = config.contenders
    .map(parseContender)
    .filter((c) => refWidth <= (config.contenderMaxRefWidth[c.id] ?? Infinity));
  const points: {contender: Contender; width: number; membership: Membership}[] = [];
  for (const budget of config.budgets) {
    for (const m of matchContenders(refWidth, budget, allowed, {})) {
      let width = m.width;
      if (m.contender.kind !== "dense" && width < minWidth) {
        // WHT kinds must hold the input and output: the smallest power of two that does.
        width = 2 ** Math.ceil(Math.log2(minWidth));
      }
      if (m.contender.kind !== "dense" && width > config.maxWhtWidth) continue;
      const layer = layerBudget(m.contender, width);
      points.push({
        contender: m.contender,
        width,
        membership: {budget, refWidth, target: m.target, ratio: layer[budget] / m.target}
      });
    }
  }
  return points;
}

/** Relative cost of one training step (a batch) of a contender at a width on a task: what `PlanGroup.cost` counts per step. */
export function stepCost(config: ExperimentConfig, task: TaskKind, c: Contender, width: number): number {
  return runCost(config, task, c, width, config.train.batchSize);
}

/** Relative cost of training `samples` samples of a contender at a width on a task. */
function runCost(config: ExperimentConfig, task: TaskKind, c: Contender, width: number, samples: number): number {
  const shape = taskShape(task, config);
  return (
    samples * perSampleCost(layerBudget(c, width), config.depth, width, shape.inputSize + shape.outputSize, c.rounds)
  );
}

/** Every group the config asks for, in the order they run: firstRefWidths, then increasing width. */
export function planGroups(config: ExperimentConfig): PlanGroup[] {
  checkConfig(config);
  const groups = new Map<string, PlanGroup & {refWidth: number}>();
  const refWidths = [...config.refWidths].sort((a, b) => a - b);
  for (const refWidth of refWidths) {
    for (const task of config.tasks) {
      if (task === "memorise" && refWidth > config.memorise.maxRefWidth) continue;
      const hash = settingsHash(task, config);
      for (const {contender, width, membership} of budgetPoints(config, refWidth, task)) {
        const key = `tune|${task}|${contender.id}|w${width}|d${config.depth}|${hash}`;
        const existing = groups.get(key);
        if (existing) {
          if (!existing.memberships.some((e) => e.budget === membership.budget && e.refWidth === refWidth))
            existing.memberships.push(membership);
          continue;
        }
        // A fitting run: half the step cap. Memorisation, per run of the group: a rate candidate is one
        // probe, seed 1's search about five probes near the capacity, a later seed's about two
        // (guessFromFirstSeed; five without it), each near the cap: (3 + 5 + 2 + 2) / 6 = 2 on average.
        const probesPerRun = config.memorise.guessFromFirstSeed ? 2 : 3;
        const samples =
          (task === "memorise" ? config.memorise.maxSteps * probesPerRun : config.train.maxSteps / 2) *
          config.train.batchSize;
        groups.set(key, {
          key,
          task,
          contender,
          width,
          depth: config.depth,
          memberships: [membership],
          refWidth,
          cost: runCost(config, task, contender, width, samples)
        });
      }
    }
  }
  // A group runs early when any of its budget points is in firstRefWidths (the filter bank at
  // 65,536 serves the 16,384 point under two budgets and the 65,536 point under the third).
  const first = (g: PlanGroup) =>
    Math.min(
      ...g.memberships.map((m) => {
        const i = config.firstRefWidths.indexOf(m.refWidth);
        return i < 0 ? config.firstRefWidths.length : i;
      })
    );
  const contenderOrder = (c: Contender) => config.contenders.indexOf(c.id);
  return [...groups.values()]
    .sort(
      (a, b) =>
        first(a) - first(b) ||
        (first(a) < config.firstRefWidths.length ? 0 : a.refWidth - b.refWidth) ||
        config.tasks.indexOf(a.task) - config.tasks.indexOf(b.task) ||
        contenderOrder(a.contender) - contenderOrder(b.contender) ||
        a.width - b.width
    )
    .map(({refWidth: _refWidth, ...g}) => g);
}

/** Every final run the config asks for: each group at each seed. */
export function planExperiment(config: ExperimentConfig): PlanItem[] {
  return planGroups(config).flatMap((g) =>
    config.seeds.map((seed) => ({
      key: runKey(g, seed, hashOf(g)),
      tuneKey: g.key,
      task: g.task,
      contender: g.contender,
      width: g.width,
      depth: g.depth,
      seed,
      memberships: g.memberships,
      cost: g.cost
    }))
  );
}

/* ------------------------------------------------------------------ the trend's probes */

/** The memorisation trend of one contender under one budget, tested at a reference width above the searched ones. */
export interface TrendProbeGroup {
  /** "trend|memorise|contender|wW|dD|from:W1,W2,…|hash" (the widths its trend is fitted to). */
  key: string;
  contender: Contender;
  width: number;
  depth: number;
  refWidth: number;
  /** The budget points the probed model stands at (those whose trends are the same line). */
  memberships: Membership[];
  /** The memorisation groups the trend is fitted to, narrowest first; the last one's rate is used. */
  sources: {refWidth: number; group: PlanGroup}[];
  /** Relative cost of one probe (it may train to the step cap). */
  cost: number;
}

/** One probe of a trend: `factor` × the predicted number of pairs. */
export const trendProbeKey = (t: TrendProbeGroup, factor: number) => `${t.key}|x${factor.toFixed(4)}`;

/**
 * The trend probes the config asks for (MemoriseSettings.probeRefWidths), in the order they run.
 * A budget's trend is fitted to the memorisation groups at the widest `trendPoints` searched
 * reference widths under the same budget; budgets whose trends come from the same groups share
 * one probe.
 */
export function planTrendProbes(
  config: ExperimentConfig,
  groups: readonly PlanGroup[] = planGroups(config)
): TrendProbeGroup[] {
  const m = config.memorise;
  if (!config.tasks.includes("memorise")) return [];
  const hash = settingsHash("memorise", config);
  const searched = [...new Set(config.refWidths.filter((r) => r <= m.maxRefWidth))].sort((a, b) => a - b);
  const memorise = groups.filter((g) => g.task === "memorise");
  const probes = new Map<string, TrendProbeGroup>();
  for (const refWidth of [...m.probeRefWidths].sort((a, b) => a - b)) {
    for (const {contender, width, membership} of budgetPoints(config, refWidth, "memorise")) {
      const sources = searched
        .flatMap((r) => {
          const group = memorise.find(
            (g) =>
              g.contender.id === contender.id &&
              g.memberships.some((x) => x.budget === membership.budget && x.refWidth === r)
          );
          return group ? [{refWidth: r, group}] : [];
        })
        .slice(-m.trendPoints);
      if (sources.length < 2) continue; // no line through fewer than two searched widths
      const key = `trend|memorise|${contender.id}|w${width}|d${config.depth}|from:${sources.map((x) => x.group.width).join(",")}|${hash}`;
      const existing = probes.get(key);
      if (existing) {
        existing.memberships.push(membership);
        continue;
      }
      // One probe trains at most maxSteps steps.
      const cost = runCost(config, "memorise", contender, width, m.maxSteps * config.train.batchSize);
      probes.set(key, {key, contender, width, depth: config.depth, refWidth, memberships: [membership], sources, cost});
    }
  }
  return [...probes.values()];
}

/** A trend probe as a plan group, for filters and shards that work on groups. */
export function trendProbeAsGroup(t: TrendProbeGroup): PlanGroup {
  return {
    key: t.key,
    task: "memorise",
    contender: t.contender,
    width: t.width,
    depth: t.depth,
    memberships: t.memberships,
    cost: t.cost
  };
}

/* ------------------------------------------------------------------ the rate choice */

/** Where a group's rate choice stands, given the scores of the candidates tried so far. */
export type Decision =
  | {status: "need"; rates: number[]}
  | {status: "chosen"; learningRate: number; edge: "low" | "high" | null};

/** The start rates of a contender. */
export function startRates(c: Contender, config: ExperimentConfig): number[] {
  return c.kind === "dense" ? config.tune.startDense : config.tune.startWht;
}

/**
 * The rule of the file comment. `scores` maps each tried rate to its score (lower is better;
 * Infinity for a diverged run). Ties go to the middle of the tied rates.
 */
export function decideRate(
  scores: ReadonlyMap<number, number>,
  start: readonly number[],
  grid: readonly number[]
): Decision {
  const missing = start.filter((r) => !scores.has(r));
  if (missing.length > 0) return {status: "need", rates: missing};
  const tried = [...scores.keys()].sort((a, b) => a - b);
  const finite = tried.filter((r) => Number.isFinite(scores.get(r)!));
  if (finite.length === 0) {
    // Every candidate diverged: try lower rates until one does not.
    const lower = grid.filter((r) => r < tried[0]);
    if (lower.length > 0) return {status: "need", rates: [lower[lower.length - 1]]};
    return fail(`every learning rate down to ${tried[0]} diverged; widen the grid below it`);
  }
  const bestScore = Math.min(...finite.map((r) => scores.get(r)!));
  const tied = finite.filter((r) => scores.get(r)! <= bestScore * (1 + 1e-9) + 1e-15);
  const best = tied[Math.floor((tied.length - 1) / 2)];
  const index = grid.indexOf(best);
  if (best === tried[0] && index > 0) return {status: "need", rates: [grid[index - 1]]};
  if (best === tried[tried.length - 1] && index >= 0 && index < grid.length - 1)
    return {status: "need", rates: [grid[index + 1]]};
  const edge = best === tried[0] ? "low" : best === tried[tried.length - 1] ? "high" : null;
  return {status: "chosen", learningRate: best, edge};
}

/* ------------------------------------------------------------------ single runs */

const clean = (v: number): number | null => (Number.isFinite(v) ? v : null);

function snapshot(p: Point): Snapshot {
  return {
    step: p.step,
    trainLoss: clean(p.trainLoss),
    train: clean(p.train),
    test: clean(p.test),
    validation: clean(p.validation),
    learningRate: p.learningRate
  };
}

function baseRecord(
  g: PlanGroup,
  config: ExperimentConfig,
  seed: number,
  key: string,
  learningRate: number,
  parameterCount: number
) {
  const shape = taskShape(g.task, config);
  return {
    type: "run" as const,
    schema: SCHEMA_VERSION,
    key,
    task: g.task,
    contender: g.contender.id,
    kind: g.contender.kind,
    groupSize: g.contender.groupSize,
    width: g.width,
    depth: g.depth,
    placement: config.placement,
    projectionRounds: g.contender.kind === "dense" ? undefined : g.contender.rounds,
    projection: g.contender.kind === "dense" ? undefined : g.contender.rounds > 1 ? "random" : "subrandom",
    inputSize: shape.inputSize,
    outputSize: shape.outputSize,
    seed,
    parameterCount,
    layer: layerBudget(g.contender, g.width),
    metric: shape.metric,
    optimizer: "adam",
    batchSize: config.train.batchSize,
    learningRate,
    learningRateFrom: g.key,
    backend: trainingKernels(g.contender.kind)
  };
}

function memoriseOptions(
  g: PlanGroup,
  config: ExperimentConfig,
  seed: number,
  learningRate: number,
  createModel: (spec: ModelSpec) => Model
): MemoriseOptions {
  const shape = taskShape(g.task, config);
  const t = config.train;
  const m = config.memorise;
  return {
    spec: modelSpec(g.contender, g.width, g.depth, shape.inputSize, shape.outputSize, seed, config.placement),
    createModel,
    seed,
    biasInput: true,
    threshold: m.threshold,
    learningRate,
    batchSize: t.batchSize,
    maxSteps: m.maxSteps,
    evalEvery: t.evalEvery,
    evalGrowth: t.evalGrowth,
    patience: t.patience,
    minImprovement: t.minImprovement,
    warmupSteps: t.warmupSteps,
    minSteps: t.minSteps,
    lrDecays: t.lrDecays,
    decayFactor: t.decayFactor,
    start: m.start,
    max: m.max,
    resolution: m.resolution,
    projectionCacheBytes: PROJECTION_CACHE_BYTES
  };
}

/**
 * Bytes of projected input rows a run's model keeps (Model.cacheProjections: two-round models
 * skip the projection of an input seen before; the same bits). 1 GiB holds 4096 rows of 256 KiB
 * at W = 65,536 (every picture pixel; all 4096 rows of the smooth target: 2622 training, 655
 * validation, 819 test) and 16,384 memorisation pairs at W = 16,384. About 15 % less time per
 * step on the picture at 65,536 (49 against 58–62 ms per step, 1000 steps each, measured side by
 * side on a busy 2-core machine, 2026-12-02). Two workers then hold up to 2 GiB of rows besides
 * their models.
 */
export const PROJECTION_CACHE_BYTES = 2 ** 30;

/** One training run of a fitting task under the stop rule, on the training split less its validation part. */
export function fitRun(
  g: PlanGroup,
  config: ExperimentConfig,
  seed: number,
  learningRate: number,
  createModel: (spec: ModelSpec) => Model,
  key = runKey(g, seed, hashOf(g)),
  onEval?: (point: Point) => void
): RunRecord {
  const out = fitRunResumable(g, config, seed, learningRate, createModel, key, onEval);
  if (!("record" in out)) fail("a run without shouldSuspend cannot be suspended");
  return out.record;
}

/** How a fitting run may be suspended and continued (lib/experiment/checkpoint.ts). */
export interface RunControl {
  /** The checkpoint of this very run to continue from. */
  resume?: FitCheckpoint;
  /** Asked every few hundred steps: true suspends the run. */
  shouldSuspend?: () => boolean;
  /** Asked every few hundred steps: true hands a checkpoint to `onCheckpoint` (an autosave). */
  wantCheckpoint?: () => boolean;
  onCheckpoint?: (checkpoint: FitCheckpoint) => void;
  /** Called when the run reaches its step cap, with the checkpoint a higher cap continues from. */
  onCap?: (checkpoint: FitCheckpoint) => void;
}

/**
 * `fitRun` that can be suspended (`control.shouldSuspend`) and continued (`control.resume`): the
 * record of a continued run is the record of the run without the break, bit for bit, except for
 * its timings (which add the parts' seconds).
 */
export function fitRunResumable(
  g: PlanGroup,
  config: ExperimentConfig,
  seed: number,
  learningRate: number,
  createModel: (spec: ModelSpec) => Model,
  key = runKey(g, seed, hashOf(g)),
  onEval?: (point: Point) => void,
  control: RunControl = {}
): {record: RunRecord} | {suspended: FitCheckpoint} {
  if (g.task === "memorise") fail("fitRun is for the fitting tasks; memorisation runs a capacity search");
  const shape = taskShape(g.task, config);
  const spec = modelSpec(g.contender, g.width, g.depth, shape.inputSize, shape.outputSize, seed, config.placement);
  const t = config.train;
  const started = Date.now();
  const {data, validation} = splitValidation(taskDataset(g.task, config, seed));
  const model = createModel(spec);
  model.cacheProjections?.(PROJECTION_CACHE_BYTES);
  let r: FitResult;
  let parameterCount: number;
  try {
    parameterCount = model.parameterCount;
    r = fit(model, data, {
      learningRate,
      batchSize: t.batchSize,
      seed: deriveSeed(seed, 7),
      loss: shape.loss,
      metric: shape.metric,
      fixedSteps: t.fixedSteps,
      maxSteps: t.maxSteps,
      evalEvery: t.evalEvery,
      evalGrowth: t.evalGrowth,
      patience: t.patience,
      minImprovement: t.minImprovement,
      warmupSteps: t.warmupSteps,
      minSteps: t.minSteps,
      lrDecays: t.lrDecays,
      decayFactor: t.decayFactor,
      evalLimit: t.evalLimit,
      validation,
      onEval,
      resume: control.resume,
      shouldSuspend: control.shouldSuspend,
      wantCheckpoint: control.wantCheckpoint,
      onCheckpoint: control.onCheckpoint,
      onCap: control.onCap
    });
  } finally {
    model.dispose?.();
  }
  if (r.suspended) return {suspended: r.suspended};
  const record: RunRecord = {
    ...baseRecord(g, config, seed, key, learningRate, parameterCount),
    fit: {
      optimizerSteps: r.steps,
      fixedSteps: t.fixedSteps,
      atFixed: r.atFixed ? snapshot(r.atFixed) : null,
      atPlateau: snapshot(r.atPlateau),
      atBest: snapshot(r.atBest),
      decays: r.decays,
      plateauReached: r.plateauReached,
      diverged: r.diverged,
      curve: r.curve.map(snapshot)
    },
    capacity: null,
    msPerStep: r.msPerStep,
    seconds: (Date.now() - started) / 1000 + (control.resume?.seconds ?? 0),
    date: new Date().toISOString()
  };
  if (key.startsWith("cand|")) record.candidate = true;
  return {record: validateRecord(record) as RunRecord};
}

/** A memorisation candidate: one probe of tuneLoad × parameters / outputSize pairs (threshold 0: it trains to the rule). */
export function memoriseCandidate(
  g: PlanGroup,
  config: ExperimentConfig,
  learningRate: number,
  createModel: (spec: ModelSpec) => Model
): RunRecord {
  const seed = config.seeds[0];
  const options = memoriseOptions(g, config, seed, learningRate, createModel);
  const m = config.memorise;
  const parameterCount = modelCounts(options.spec).parameterCount;
  const n = Math.max(m.start, Math.min(m.max, Math.round((m.tuneLoad * parameterCount) / m.outputSize)));
  const started = Date.now();
  const p = memoriseProbe(n, {...options, threshold: 0});
  const record: RunRecord = {
    ...baseRecord(g, config, seed, candidateKey(g, learningRate), learningRate, parameterCount),
    candidate: true,
    fit: null,
    capacity: {threshold: 0, largestFitted: 0, smallestFailed: n, probes: [{...p, fitted: false}]},
    msPerStep: p.steps > 0 ? ((p.seconds ?? 0) * 1000) / p.steps : 0,
    seconds: (Date.now() - started) / 1000,
    date: new Date().toISOString()
  };
  return validateRecord(record) as RunRecord;
}

/** The memorisation capacity search of one seed at a chosen rate. */
export function memoriseRun(
  g: PlanGroup,
  config: ExperimentConfig,
  seed: number,
  learningRate: number,
  createModel: (spec: ModelSpec) => Model,
  resume: MemoriseResume = {}
): RunRecord {
  const options = memoriseOptions(g, config, seed, learningRate, createModel);
  const parameterCount = modelCounts(options.spec).parameterCount;
  const key = runKey(g, seed, hashOf(g));
  const known = new Map<number, Probe>();
  for (const r of resume.records ?? []) {
    if (r.type === "memorise-probe" && r.run === key && r.learningRate === learningRate && !known.has(r.probe.n))
      known.set(r.probe.n, r.probe);
  }
  const result = memorisationCapacity({
    ...options,
    guess: resume.guess,
    known: (n) => {
      const stored = known.get(n);
      if (stored === undefined && resume.shouldStop?.())
        throw new SearchStopped(`stopped before the probe of ${n} pairs`);
      return stored;
    },
    onProbe: (p) =>
      resume.onProbe?.(
        validateRecord({
          type: "memorise-probe",
          schema: SCHEMA_VERSION,
          key: memoriseProbeKey(key, learningRate, p.n),
          run: key,
          seed,
          learningRate,
          threshold: config.memorise.threshold,
          probe: p,
          date: new Date().toISOString()
        }) as MemoriseProbeRecord
      )
  });
  // Steps and seconds of every probe, the resumed ones included.
  const steps = result.probes.reduce((t, p) => t + p.steps, 0);
  const seconds = result.probes.reduce((t, p) => t + (p.seconds ?? 0), 0);
  const ms = seconds * 1000;
  const record: RunRecord = {
    ...baseRecord(g, config, seed, key, learningRate, parameterCount),
    fit: null,
    capacity: {
      threshold: config.memorise.threshold,
      largestFitted: result.largestFitted,
      smallestFailed: result.smallestFailed,
      probes: result.probes
    },
    msPerStep: steps > 0 ? ms / steps : 0,
    seconds,
    date: new Date().toISOString()
  };
  return validateRecord(record) as RunRecord;
}

/** What a memorisation search starts from besides its settings. */
export interface MemoriseResume {
  /** Records to find this search's saved probes in ("memorise-probe" records of its run key and rate). */
  records?: readonly ResultRecord[];
  /** Called with the record of each probe it trains, to be saved at once. */
  onProbe?: (record: MemoriseProbeRecord) => void;
  /** A first pair count to try (search.ts), e.g. the first seed's capacity. */
  guess?: number;
  /** Asked before each probe it would train: true ends the search there (it throws; the probes so far are saved). */
  shouldStop?: () => boolean;
}

/** The trend points of a probe's sources from the records (null while a source's seeds are not all done). */
export function trendPoints(
  t: TrendProbeGroup,
  config: ExperimentConfig,
  records: readonly ResultRecord[]
): TrendPoint[] | null {
  const points: TrendPoint[] = [];
  for (const {refWidth, group} of t.sources) {
    const bySeed = new Map<number, RunRecord>();
    for (const r of records) {
      if (
        r.type === "run" &&
        !r.candidate &&
        r.task === "memorise" &&
        r.learningRateFrom === group.key &&
        r.capacity &&
        !bySeed.has(r.seed)
      ) {
        bySeed.set(r.seed, r);
      }
    }
    if (!config.seeds.every((seed) => bySeed.has(seed))) return null;
    const runs = config.seeds.map((seed) => bySeed.get(seed)!);
    const seeds = runs.map((r) => r.capacity!.largestFitted);
    points.push({
      refWidth,
      width: group.width,
      capacity: median(seeds),
      seeds,
      censored: runs.some((r) => r.capacity!.smallestFailed === null)
    });
  }
  return points;
}

/**
 * One probe of a trend: trains seed 1 on factor × the predicted N pairs at the rate chosen at the
 * widest searched width, and says whether it fitted.
 */
export function trendProbeRun(
  t: TrendProbeGroup,
  config: ExperimentConfig,
  factor: number,
  points: readonly TrendPoint[],
  learningRate: number,
  createModel: (spec: ModelSpec) => Model
): TrendProbeRecord {
  const trend = fitTrend(points, t.refWidth);
  const n = Math.max(1, Math.round(trend.predicted * factor));
  const g = trendProbeAsGroup(t);
  const seed = config.seeds[0];
  const options = memoriseOptions(g, config, seed, learningRate, createModel);
  const started = Date.now();
  const p = memoriseProbe(n, options);
  const base = baseRecord(
    g,
    config,
    seed,
    trendProbeKey(t, factor),
    learningRate,
    modelCounts(options.spec).parameterCount
  );
  const record: TrendProbeRecord = {
    type: "trend-probe",
    schema: SCHEMA_VERSION,
    key: base.key,
    contender: base.contender,
    kind: base.kind,
    groupSize: base.groupSize,
    width: base.width,
    depth: base.depth,
    projectionRounds: base.projectionRounds,
    projection: base.projection,
    inputSize: base.inputSize,
    outputSize: base.outputSize,
    refWidth: t.refWidth,
    seed,
    parameterCount: base.parameterCount,
    learningRate,
    learningRateFrom: t.sources[t.sources.length - 1].group.key,
    trend: {points: trend.points, slope: trend.slope, predicted: trend.predicted},
    factor,
    threshold: config.memorise.threshold,
    probe: p,
    msPerStep: p.steps > 0 ? ((p.seconds ?? 0) * 1000) / p.steps : 0,
    seconds: (Date.now() - started) / 1000,
    date: new Date().toISOString(),
    backend: base.backend
  };
  return validateRecord(record) as TrendProbeRecord;
}

/** A candidate's score: its best validation error (memorisation: its probe's training nmse). */
export function candidateScore(r: RunRecord): number {
  const v = r.fit ? r.fit.atBest?.validation : r.capacity?.probes[0]?.error;
  return typeof v === "number" && Number.isFinite(v) && !r.fit?.diverged ? v : Infinity;
}

/* ------------------------------------------------------------------ the sweep */

/** Progress of a sweep, for a progress bar. */
export interface Progress {
  /** Runs finished (candidates and seeds, including ones found done) and expected in all. */
  done: number;
  total: number;
  /** Cost units finished and expected (work found done excluded from both). */
  doneCost: number;
  totalCost: number;
  elapsedSeconds: number;
  /** Remaining seconds estimated from the cost done so far (null before the first run ends). */
  etaSeconds: number | null;
  /** What is running now. */
  label: string;
}

export interface RunOptions {
  store: ResultStore;
  createModel: (spec: ModelSpec) => Model;
  /** Only groups that pass (e.g. a range of reference widths, or a shard). */
  filter?: (group: PlanGroup) => boolean;
  onProgress?: (progress: Progress) => void;
  /** Processes working through the same plan at once (the ETA divides the remaining work among them; default 1). */
  sharedBy?: number;
  /** Checked between runs (and, with `checkpoints`, inside fitting runs, which it suspends); true stops cleanly. */
  shouldStop?: () => boolean;
  /** Clock in seconds (default performance.now). */
  clock?: () => number;
  /** Waits while all open work is claimed by other processes (default: blocks the thread). */
  sleep?: (ms: number) => void;
  /** Called at every evaluation of a fitting run, with what is running (progress inside long runs). */
  onEval?: (label: string, point: Point) => void;
  /**
   * Seconds until the sweep must end (say, when the machine is taken away). Work whose worst case
   * (`worstSeconds`) would not end in time is not started, so shorter open work runs first; a
   * memorisation search stops between probes (its probes are saved); when nothing open fits, the
   * sweep stops. Default: no limit.
   */
  timeLeft?: () => number;
  /** Milliseconds per step of a group with no recorded run, for timeLeft (default: timeSteps). */
  measure?: (g: PlanGroup) => number;
  /**
   * Where suspended fitting runs wait (lib/experiment/checkpoint.ts). With it, a fitting run
   * (candidate or seed) starts when the worst case of the steps it has left ends in time, or when
   * it could not end within the whole of this sweep's time anyway (it has to span sweeps); only when
   * no open work passes that does the first fitting run start whatever its worst case, while at
   * least a minute is left. So a sweep's last hour goes to work that ends in it, and what is
   * suspended at the deadline is as little as the plan allows. A run is suspended when the time is
   * up or `shouldStop` says so; the next sweep continues it from its checkpoint, with the same bits
   * as a run without the break. It is also saved every
   * `checkpointEvery` seconds, so a killed process loses at most that much. The checkpoint is
   * deleted with the run's record, except when the run stopped at its step cap: a sweep with a
   * higher cap continues it from there (`checkpointKey`). Memorisation and trend probes keep the
   * rule above. Without it: as before.
   */
  checkpoints?: CheckpointStore;
  /** Seconds between the saves of a running fitting run's checkpoint (default 600). */
  checkpointEvery?: number;
}

/** Checkpoints of fitting runs by `checkpointKey` (the script keeps them in files, the tests in memory). */
export interface CheckpointStore {
  load(key: string): {tag: CheckpointTag; checkpoint: FitCheckpoint} | null;
  /** The step of the checkpoint kept under `key` (null: none), read without its arrays. */
  step(key: string): number | null;
  save(tag: CheckpointTag, checkpoint: FitCheckpoint): void;
  remove(key: string): void;
}

/** A checkpoint store in memory that keeps bytes, as a file store does. */
export function memoryCheckpoints(): CheckpointStore & {files: Map<string, Uint8Array>} {
  const files = new Map<string, Uint8Array>();
  return {
    files,
    load: (key) => (files.has(key) ? checkpointFromBytes(files.get(key)!) : null),
    step: (key) => (files.has(key) ? checkpointSummary(files.get(key)!).step : null),
    save: (tag, checkpoint) => void files.set(tag.key, checkpointToBytes(tag, checkpoint)),
    remove: (key) => void files.delete(key)
  };
}

/** Why a saved checkpoint cannot continue a run with `tag` (null: it can). */
export function checkpointMismatch(saved: CheckpointTag, tag: CheckpointTag): string | null {
  for (const field of ["key", "backend", "learningRate", "seed"] as const) {
    if (saved[field] !== tag[field])
      return `its ${field} is ${JSON.stringify(saved[field])}, this run's ${JSON.stringify(tag[field])}`;
  }
  return null;
}

/**
 * The key a fitting run's checkpoint is kept under: its run key with the settings hash taken
 * without the step cap. So the same run under a higher cap (another hash, so another run key)
 * finds the checkpoint of a suspended run (any step below the new cap) or of a run that stopped at
 * the old cap, and trains on from there instead of from step 0.
 */
export function checkpointKey(key: string, task: TaskKind, config: ExperimentConfig): string {
  const uncapped = settingsHash(task, {...config, train: {...config.train, maxSteps: 0}});
  return `fit|${key.slice(0, key.lastIndexOf("|"))}|${uncapped}`;
}

/** With a checkpoint store, a fitting run starts only while this many seconds are left. */
const MIN_START_SECONDS = 60;

/** Thrown inside a memorisation search to stop it between probes (its probes are saved). */
class SearchStopped extends Error {}

/**
 * The worst-case seconds of one run (a fitting run to its step cap) or one memorisation probe (to
 * its step cap) of a group: the group's slowest recorded milliseconds per step plus 10 % when it
 * has a run, otherwise `measure(g)` (milliseconds per step of a few steps timed now; by default
 * `timeSteps`) plus 25 %, kept per group. Returns the estimator for a set of records.
 */
export function worstSeconds(
  config: ExperimentConfig,
  records: readonly ResultRecord[],
  measure: (g: PlanGroup) => number
): (g: PlanGroup) => number {
  const own = new Map<string, number>();
  for (const r of records) {
    if (r.type !== "run" || !(r.msPerStep > 0)) continue;
    own.set(r.learningRateFrom, Math.max(own.get(r.learningRateFrom) ?? 0, r.msPerStep));
  }
  return (g) => {
    const steps = g.task === "memorise" ? config.memorise.maxSteps : config.train.maxSteps;
    const ms = own.has(g.key) ? 1.1 * own.get(g.key)! : 1.25 * measure(g);
    return (ms * steps) / 1000;
  };
}

/**
 * Milliseconds per training step of a group's model, timed over a few steps (after two untimed
 * ones) on random data of its task's shape (a step's cost does not depend on the data). About a
 * second at the widest models.
 */
export function timeSteps(
  g: PlanGroup,
  config: ExperimentConfig,
  createModel: (spec: ModelSpec) => Model,
  steps = 20
): number {
  const shape = taskShape(g.task, config);
  const spec = modelSpec(g.contender, g.width, g.depth, shape.inputSize, shape.outputSize, 1, config.placement);
  const data = memorisation({
    n: 4 * config.train.batchSize,
    inputSize: shape.inputSize,
    outputSize: shape.outputSize,
    seed: 1
  });
  const model = createModel(spec);
  const run = (maxSteps: number) =>
    fit(model, data, {
      learningRate: 1e-4,
      batchSize: config.train.batchSize,
      seed: 1,
      loss: "mse",
      metric: "nmse",
      fixedSteps: 0,
      maxSteps,
      evalEvery: maxSteps,
      patience: 1,
      evalLimit: config.train.batchSize,
      watch: "train"
    }).msPerStep;
  try {
    run(2); // the first steps of a model are slower (its memory is touched for the first time)
    return run(steps);
  } finally {
    model.dispose?.();
  }
}

type Work =
  | {kind: "candidate"; group: PlanGroup; key: string; learningRate: number}
  | {kind: "seed"; group: PlanGroup; key: string; seed: number; learningRate: number; guess?: number}
  | {
      kind: "trend";
      group: PlanGroup;
      trend: TrendProbeGroup;
      key: string;
      factor: number;
      points: TrendPoint[];
      learningRate: number;
    };

/** What a group's records say: candidate scores by rate, finished run keys, its tune record. */
export interface GroupState {
  scores: Map<number, number>;
  candidates: Map<number, RunRecord>;
  runs: Set<string>;
  tune: TuneRecord | null;
}

export function groupStates(groups: readonly PlanGroup[], records: readonly ResultRecord[]): Map<string, GroupState> {
  const states = new Map<string, GroupState>(
    groups.map((g) => [g.key, {scores: new Map(), candidates: new Map(), runs: new Set(), tune: null}])
  );
  for (const r of records) {
    if (r.type === "tune") {
      const s = states.get(r.key);
      if (s && !s.tune) s.tune = r;
    } else if (r.type === "run") {
      if (r.candidate) {
        const s = states.get(r.learningRateFrom);
        if (s && !s.candidates.has(r.learningRate)) {
          s.candidates.set(r.learningRate, r);
          s.scores.set(r.learningRate, candidateScore(r));
        }
      } else {
        states.get(r.learningRateFrom)?.runs.add(r.key);
      }
    }
  }
  return states;
}

function sleepBlocking(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs every piece of work the plan still needs, saving each record the moment it is made.
 * Returns how many runs this call made (candidates and seeds), whether it was stopped, and the
 * keys of the runs it made whose training diverged (lib/divergence.ts).
 */
export function runExperiment(
  config: ExperimentConfig,
  options: RunOptions
): {ran: number; skipped: number; stopped: boolean; diverged: string[]} {
  checkConfig(config);
  const {store, createModel} = options;
  if (typeof createModel !== "function") fail("createModel must be a function spec => Model");
  const clock = options.clock ?? (() => (typeof performance !== "undefined" ? performance.now() : Date.now()) / 1000);
  const sleep = options.sleep ?? sleepBlocking;
  // Milliseconds per step of groups without a recorded run, timed once when a deadline needs them.
  const timed = new Map<string, number>();
  const measure = options.measure ?? ((g: PlanGroup) => timeSteps(g, config, createModel));
  const measured = (g: PlanGroup) => {
    if (!timed.has(g.key)) timed.set(g.key, measure(g));
    return timed.get(g.key)!;
  };
  const filter = options.filter ?? (() => true);
  const allGroups = planGroups(config);
  const groups = allGroups.filter(filter);
  const trends = planTrendProbes(config, allGroups).filter((t) => filter(trendProbeAsGroup(t)));
  const factors = config.memorise.probeFactors;
  const expected = (g: PlanGroup) =>
    startRates(g.contender, config).length + config.seeds.length - (g.task === "memorise" ? 0 : 1);
  const total = groups.reduce((s, g) => s + expected(g), 0) + trends.length * factors.length;
  const totalCostAll =
    groups.reduce((s, g) => s + expected(g) * g.cost, 0) + trends.reduce((s, t) => s + factors.length * t.cost, 0);
  const trendDone = (records: readonly ResultRecord[]) =>
    new Set(records.filter((r) => r.type === "trend-probe").map((r) => r.key));
  let latest = store.records();
  const countDone = (states: Map<string, GroupState>) => {
    let runs = 0;
    let cost = 0;
    for (const g of groups) {
      const s = states.get(g.key)!;
      const seedRuns = s.runs.size - (s.tune && g.task !== "memorise" ? 1 : 0);
      const n = s.candidates.size + Math.max(0, seedRuns);
      runs += n;
      cost += n * g.cost;
    }
    const done = trendDone(latest);
    for (const t of trends) {
      for (const f of factors) {
        if (!done.has(trendProbeKey(t, f))) continue;
        runs++;
        cost += t.cost;
      }
    }
    return {runs, cost};
  };
  let states = groupStates(groups, latest);
  // This sweep's whole time: a fitting run whose worst case is longer must span sweeps anyway.
  const sweepSeconds = options.timeLeft?.() ?? Infinity;
  const sharedBy = checkInteger("sharedBy", options.sharedBy ?? 1, 1);
  const initial = countDone(states);
  const skipped = initial.runs;
  const start = clock();
  let ran = 0;
  let ranCost = 0;
  const diverged: string[] = [];
  const report = (label: string) => {
    const elapsed = clock() - start;
    const done = countDone(states);
    const remainingCost = Math.max(0, totalCostAll - done.cost);
    options.onProgress?.({
      done: done.runs,
      total: Math.max(total, done.runs),
      doneCost: ranCost,
      totalCost: ranCost + remainingCost,
      elapsedSeconds: elapsed,
      etaSeconds: ranCost > 0 ? ((elapsed / ranCost) * remainingCost) / sharedBy : null,
      label
    });
  };

  // A fitting run with a checkpoint store: continued from its checkpoint when there is one,
  // saved every checkpointEvery seconds, suspended at the deadline or the stop signal.
  const fitWithCheckpoints = (
    g: PlanGroup,
    seed: number,
    key: string,
    learningRate: number,
    label: string,
    onEval: ((p: Point) => void) | undefined
  ): {record: RunRecord} | {suspended: FitCheckpoint} => {
    const checkpoints = options.checkpoints!;
    const maxSteps = config.train.maxSteps;
    const tag: CheckpointTag = {
      key: checkpointKey(key, g.task, config),
      backend: trainingKernels(g.contender.kind),
      learningRate,
      seed
    };
    const saved = checkpoints.load(tag.key);
    let resume: FitCheckpoint | undefined;
    if (saved) {
      const at = saved.checkpoint.step;
      const mismatch =
        checkpointMismatch(saved.tag, tag) ??
        (at > maxSteps || (at === maxSteps && !saved.checkpoint.pendingEval)
          ? `it is at step ${at}, past this run's cap of ${maxSteps}`
          : null);
      if (mismatch) report(`${label}: starting again, not from its checkpoint (${mismatch})`);
      else {
        resume = saved.checkpoint;
        report(`${label}: continuing from ${resume.pendingEval ? "its earlier step cap, " : "step "}${at}`);
      }
    }
    const every = options.checkpointEvery ?? 600;
    let lastSave = clock();
    const control: RunControl = {
      shouldSuspend: () => (options.shouldStop?.() ?? false) || (options.timeLeft?.() ?? Infinity) <= 0,
      wantCheckpoint: () => clock() - lastSave >= every,
      onCheckpoint: (checkpoint) => {
        checkpoints.save(tag, checkpoint);
        lastSave = clock();
      },
      onCap: (checkpoint) => checkpoints.save(tag, checkpoint)
    };
    let out: ReturnType<typeof fitRunResumable>;
    try {
      out = fitRunResumable(g, config, seed, learningRate, createModel, key, onEval, {...control, resume});
    } catch (e) {
      // A checkpoint the model no longer fits (say, after a change of its parameter layout): start over.
      if (!resume || !(e instanceof SwitchNetError) || !e.message.startsWith("resume")) throw e;
      report(`${label}: starting again, not from its checkpoint (${e.message})`);
      out = fitRunResumable(g, config, seed, learningRate, createModel, key, onEval, control);
    }
    if ("suspended" in out) {
      checkpoints.save(tag, out.suspended);
      report(`stopping: ${label} suspended at step ${out.suspended.step} (saved: the next sweep continues it)`);
      return out;
    }
    // Kept only where a higher cap would go on: a run that stopped at the cap.
    const f = out.record.fit!;
    if (f.plateauReached || f.diverged || f.optimizerSteps < maxSteps) checkpoints.remove(tag.key);
    return out;
  };

  for (;;) {
    if (options.shouldStop?.()) return {ran, skipped, stopped: true, diverged};
    if (store.reload) {
      latest = store.reload();
      states = groupStates(groups, latest);
    } else latest = store.records();
    // Open work in plan order; record choices that the candidates now settle.
    const open: Work[] = [];
    for (const g of groups) {
      const s = states.get(g.key)!;
      let learningRate: number;
      if (s.tune) learningRate = s.tune.chosen;
      else {
        const decision = decideRate(s.scores, startRates(g.contender, config), config.tune.grid);
        if (decision.status === "need") {
          for (const rate of decision.rates)
            open.push({kind: "candidate", group: g, key: candidateKey(g, rate), learningRate: rate});
          continue;
        }
        learningRate = decision.learningRate;
        if (store.claim && !store.claim(g.key)) continue; // another process is writing this choice
        if (store.reload && groupStates([g], store.reload()).get(g.key)!.tune) {
          store.release?.(g.key); // it wrote the choice while we looked
          continue;
        }
        const tune: TuneRecord = {
          type: "tune",
          schema: SCHEMA_VERSION,
          key: g.key,
          task: g.task,
          contender: g.contender.id,
          width: g.width,
          depth: g.depth,
          seed: config.seeds[0],
          steps: g.task === "memorise" ? config.memorise.maxSteps : config.train.maxSteps,
          candidates: [...s.scores]
            .sort((a, b) => a[0] - b[0])
            .map(([rate, score]) => ({
              learningRate: rate,
              score: Number.isFinite(score) ? score : Number.MAX_VALUE,
              key: candidateKey(g, rate)
            })),
          chosen: learningRate,
          edge: decision.edge,
          seconds: [...s.candidates.values()].reduce((t, r) => t + r.seconds, 0)
        };
        store.append(validateRecord(tune));
        s.tune = tune;
        if (g.task !== "memorise") {
          // The chosen candidate's run is the first seed's run.
          const chosen = s.candidates.get(learningRate)!;
          const {candidate: _candidate, ...rest} = chosen;
          const first: RunRecord = {...rest, key: runKey(g, config.seeds[0], hashOf(g))};
          store.append(validateRecord(first));
          s.runs.add(first.key);
        }
        store.release?.(g.key);
      }
      const firstKey = runKey(g, config.seeds[0], hashOf(g));
      for (const seed of config.seeds) {
        const key = runKey(g, seed, hashOf(g));
        if (s.runs.has(key)) continue;
        if (g.task === "memorise" && config.memorise.guessFromFirstSeed && seed !== config.seeds[0]) {
          // Later seeds start at the first seed's capacity: open once it is known.
          const first = latest.find(
            (r): r is RunRecord => r.type === "run" && r.key === firstKey && r.capacity !== null
          );
          if (!first) continue;
          const guess = first.capacity!.largestFitted;
          open.push({kind: "seed", group: g, key, seed, learningRate, guess: guess > 0 ? guess : undefined});
        } else open.push({kind: "seed", group: g, key, seed, learningRate});
      }
    }
    // The trends' probes, once every seed of their searched widths is done.
    const probed = trendDone(latest);
    for (const t of trends) {
      const missing = factors.filter((f) => !probed.has(trendProbeKey(t, f)));
      if (missing.length === 0) continue;
      const points = trendPoints(t, config, latest);
      const widest = t.sources[t.sources.length - 1].group;
      const tune = latest.find((r): r is TuneRecord => r.type === "tune" && r.key === widest.key);
      if (!points || !tune) continue;
      // No line goes through N = 0: such a trend gets no probe (the summary's row says "no line").
      const usable = points.filter((p) => p.capacity > 0);
      if (usable.length < 2) continue;
      for (const factor of missing) {
        open.push({
          kind: "trend",
          group: trendProbeAsGroup(t),
          trend: t,
          key: trendProbeKey(t, factor),
          factor,
          points: usable,
          learningRate: tune.chosen
        });
      }
    }
    if (open.length === 0) {
      report("done");
      return {ran, skipped, stopped: false, diverged};
    }
    // Before a deadline: only work whose worst case ends in time (a memorisation search: its next probe).
    const left = options.timeLeft?.() ?? Infinity;
    const worst = Number.isFinite(left) ? worstSeconds(config, latest, measured) : null;
    // In plan order, the first that ends in time and is not another process's (timing only what is looked at).
    let anyInTime = worst === null;
    const suspendable = (w: Work) =>
      options.checkpoints !== undefined && w.kind !== "trend" && w.group.task !== "memorise";
    // A fitting run's worst case over the steps its checkpoint has left.
    const remaining = (w: Work) => {
      const full = worst!(w.group);
      if (!suspendable(w)) return full;
      const at = options.checkpoints!.step(checkpointKey(w.key, w.group.task, config));
      const cap = config.train.maxSteps;
      return at === null ? full : (full * Math.max(0, cap - at)) / cap;
    };
    const claim = (w: Work) => !store.claim || store.claim(w.key);
    let work = open.find((w) => {
      if (worst !== null) {
        const r = remaining(w);
        if (r > left && !(suspendable(w) && r > sweepSeconds && left >= MIN_START_SECONDS)) return false;
        anyInTime = true;
      }
      return claim(w);
    });
    if (!work && worst !== null && left >= MIN_START_SECONDS) {
      // Nothing ends in time: a fitting run starts anyway and is suspended at the deadline.
      work = open.find((w) => suspendable(w) && (anyInTime = true) && claim(w));
    }
    if (!anyInTime) {
      report(`stopping: no open run can end in the ${Math.max(0, Math.round(left / 60))} minutes left`);
      return {ran, skipped, stopped: true, diverged};
    }
    if (work && store.reload) {
      // Another process may have finished it between our read and our claim: look again.
      const fresh = groupStates([work.group], store.reload()).get(work.group.key)!;
      const done =
        work.kind === "candidate"
          ? fresh.candidates.has(work.learningRate)
          : work.kind === "trend"
            ? trendDone(store.records()).has(work.key)
            : fresh.runs.has(work.key);
      if (done) {
        store.release?.(work.key);
        continue;
      }
    }
    if (!work) {
      // Everything open is being run by another process: wait for it.
      report("waiting for work claimed by another process");
      sleep(5000);
      continue;
    }
    const g = work.group;
    const label =
      `${g.task} ${g.contender.id} W=${g.width} ` +
      (work.kind === "candidate"
        ? `rate ${work.learningRate} (choosing the rate)`
        : work.kind === "trend"
          ? `trend probe at ${work.factor.toFixed(2)} × the predicted N (rate ${work.learningRate})`
          : `seed ${work.seed} at rate ${work.learningRate}`);
    report(label);
    const onEval = options.onEval ? (p: Point) => options.onEval!(label, p) : undefined;
    try {
      if (work.kind === "trend") {
        store.append(trendProbeRun(work.trend, config, work.factor, work.points, work.learningRate, createModel));
        ran++;
        ranCost += work.trend.cost;
        continue;
      }
      let record: RunRecord;
      if (g.task !== "memorise" && options.checkpoints) {
        const seed = work.kind === "candidate" ? config.seeds[0] : work.seed;
        const out = fitWithCheckpoints(g, seed, work.key, work.learningRate, label, onEval);
        if ("suspended" in out) return {ran, skipped, stopped: true, diverged};
        record = out.record;
      } else if (work.kind === "candidate") {
        record =
          g.task === "memorise"
            ? memoriseCandidate(g, config, work.learningRate, createModel)
            : fitRun(g, config, config.seeds[0], work.learningRate, createModel, work.key, onEval);
      } else {
        record =
          g.task === "memorise"
            ? memoriseRun(g, config, work.seed, work.learningRate, createModel, {
                records: latest,
                onProbe: (probe) => store.append(probe),
                guess: work.guess,
                shouldStop: () =>
                  (options.shouldStop?.() ?? false) ||
                  worstSeconds(config, store.records(), measured)(g) > (options.timeLeft?.() ?? Infinity)
              })
            : fitRun(g, config, work.seed, work.learningRate, createModel, undefined, onEval);
      }
      store.append(record);
      if (record.fit?.diverged) diverged.push(record.key);
      const s = states.get(g.key)!;
      if (work.kind === "candidate") {
        s.candidates.set(work.learningRate, record);
        s.scores.set(work.learningRate, candidateScore(record));
      } else s.runs.add(record.key);
      ran++;
      ranCost += g.cost;
    } catch (e) {
      if (!(e instanceof SearchStopped)) throw e;
      report("stopping: a memorisation search stopped between probes (its probes are saved)");
      return {ran, skipped, stopped: true, diverged};
    } finally {
      store.release?.(work.key);
    }
  }
}

/** The budget points of a run record under a config (the inverse of the plan's dedup). */
export function membershipsOf(record: RunRecord, config: ExperimentConfig): Membership[] {
  const group = planGroups(config).find((g) => g.key === record.learningRateFrom);
  return group ? group.memberships : [];
}
