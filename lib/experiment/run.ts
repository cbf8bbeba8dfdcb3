/**
 * The sweep runner: plans every (task, contender, width, seed) run the config asks for, skips
 * the ones already in the store, and saves each run the moment it finishes, so a killed sweep
 * resumes where it stopped. Storage is injected (`ResultStore`): the script appends JSON lines
 * to a file, the page's loader and the tests keep records in memory. No file access here.
 *
 * The learning rate of each contender at each width and task is chosen once (on the first
 * seed) by a short sweep over `config.learningRates`, scored on validation data carved out of
 * the training split (memorisation: on the training fit of a probe with as many target values as
 * the model has parameters, trained as long as a capacity probe may run).
 */
import {fail} from "../check.js";
import {deriveSeed} from "../random.js";
import {modelCounts} from "../model.js";
import type {Model, ModelSpec} from "../types.js";
import {layerBudget, matchContenders, parseContender, type BudgetKind, type Contender, type LayerBudget} from "./budget.js";
import {checkConfig, type ExperimentConfig} from "./config.js";
import {fit, type Point} from "./fit.js";
import {memorisationCapacity, memoriseProbe} from "./memorise.js";
import {SCHEMA_VERSION, validateRecord, type ResultRecord, type RunRecord, type Snapshot, type TaskKind, type TuneRecord} from "./schema.js";
import {taskDataset, taskShape, validationDataset} from "./tasks.js";
import {backend} from "../wht.js";

/**
 * Where records go. `records()` is read at the start of a sweep; `reload()`, when given, is
 * called before each run so that runs another process has finished meanwhile are skipped.
 */
export interface ResultStore {
  records(): ResultRecord[];
  append(record: ResultRecord): void;
  reload?(): ResultRecord[];
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

/** One run to do. */
export interface PlanItem {
  key: string;
  tuneKey: string;
  task: TaskKind;
  contender: Contender;
  width: number;
  depth: number;
  seed: number;
  /** Every budget point this model stands at (the same model can serve several). */
  memberships: Membership[];
  /** Rough relative cost, for the ETA. */
  cost: number;
}

/** The model spec of a contender at a width (dense gets one more hidden layer: `depth` W×W layers). */
export function modelSpec(
  c: Contender, width: number, depth: number, inputSize: number, outputSize: number, seed: number, placement: "pad" | "repeat"
): ModelSpec {
  if (c.kind === "dense") return {kind: "dense", inputSize, outputSize, width, depth: depth + 1, seed};
  return {kind: c.kind, inputSize, outputSize, width, depth, groupSize: c.groupSize, placement, seed};
}

/** A short stable hash of the settings a task's results depend on (part of every key). */
export function settingsHash(task: TaskKind, config: ExperimentConfig): string {
  const relevant = {
    task, depth: config.depth, placement: config.placement, learningRates: config.learningRates, train: config.train,
    // maxRefWidth only selects which widths get a memorisation search; it changes no run's result.
    data: task === "memorise" ? {...config.memorise, maxRefWidth: undefined} : config[task]
  };
  const text = JSON.stringify(relevant);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

function perSampleCost(layer: LayerBudget, depth: number, width: number, io: number): number {
  // Forward + backward ≈ 3× the forward work: multiply-adds, plus edges for the WHT adds.
  return 3 * depth * (layer.macs + layer.edges) + 3 * width * io;
}

/** Every run the config asks for, cheapest budget points first, deduplicated across budgets. */
export function planExperiment(config: ExperimentConfig): PlanItem[] {
  checkConfig(config);
  const contenders = config.contenders.map(parseContender);
  const items = new Map<string, PlanItem>();
  const refWidths = [...config.refWidths].sort((a, b) => a - b);
  for (const refWidth of refWidths) {
    for (const task of config.tasks) {
      if (task === "memorise" && refWidth > config.memorise.maxRefWidth) continue;
      const shape = taskShape(task, config);
      const hash = settingsHash(task, config);
      const minWidth = Math.max(shape.inputSize, shape.outputSize);
      for (const budget of config.budgets) {
        const matched = matchContenders(refWidth, budget, contenders, {});
        for (const m of matched) {
          let width = m.width;
          if (m.contender.kind !== "dense" && width < minWidth) {
            // WHT kinds must hold the input and output: the smallest power of two that does.
            width = 2 ** Math.ceil(Math.log2(minWidth));
          }
          const layer = layerBudget(m.contender, width);
          const membership: Membership = {budget, refWidth, target: m.target, ratio: layer[budget] / m.target};
          for (const seed of config.seeds) {
            const key = `${task}|${m.contender.id}|w${width}|d${config.depth}|s${seed}|${hash}`;
            const existing = items.get(key);
            if (existing) {
              if (!existing.memberships.some((e) => e.budget === budget && e.refWidth === refWidth)) existing.memberships.push(membership);
              continue;
            }
            const io = shape.inputSize + shape.outputSize;
            const samples = task === "memorise"
              ? config.memorise.maxSteps * config.train.batchSize * 6
              : (config.train.maxSteps + config.learningRates.length * config.train.tuneSteps / config.seeds.length) * config.train.batchSize;
            items.set(key, {
              key,
              tuneKey: `tune|${task}|${m.contender.id}|w${width}|d${config.depth}|${hash}`,
              task,
              contender: m.contender,
              width,
              depth: config.depth,
              seed,
              memberships: [membership],
              cost: samples * perSampleCost(layer, config.depth, width, io)
            });
          }
        }
      }
    }
  }
  // Budget points in increasing size; within one, seeds in order, so each seed completes a point.
  const order = (p: PlanItem) => Math.min(...p.memberships.map((m) => m.refWidth));
  return [...items.values()].sort((a, b) =>
    order(a) - order(b) || config.seeds.indexOf(a.seed) - config.seeds.indexOf(b.seed) ||
    config.tasks.indexOf(a.task) - config.tasks.indexOf(b.task) || a.cost - b.cost);
}

/** Progress of a sweep, for a progress bar. */
export interface Progress {
  /** Runs finished (including ones found already done) and planned. */
  done: number;
  total: number;
  /** Cost units finished and planned (already-done runs excluded from both). */
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
  /** Only plan items that pass (e.g. a range of reference widths). */
  filter?: (item: PlanItem) => boolean;
  onProgress?: (progress: Progress) => void;
  /** Checked between runs; return true to stop cleanly. */
  shouldStop?: () => boolean;
  /** Clock in seconds (default performance.now). */
  clock?: () => number;
}

const clean = (v: number): number | null => (Number.isFinite(v) ? v : null);

function snapshot(p: Point): Snapshot {
  return {step: p.step, trainLoss: clean(p.trainLoss), train: clean(p.train), test: clean(p.test)};
}

/** Chooses the learning rate of one plan item by a short sweep (see the file comment). */
export function tune(item: PlanItem, config: ExperimentConfig, createModel: (spec: ModelSpec) => Model): TuneRecord {
  const shape = taskShape(item.task, config);
  const seed = config.seeds[0];
  const spec = modelSpec(item.contender, item.width, item.depth, shape.inputSize, shape.outputSize, seed, config.placement);
  const started = Date.now();
  const candidates: {learningRate: number; score: number}[] = [];
  const t = config.train;
  if (item.task === "memorise") {
    // Score: training nmse of a probe of tuneLoad × parameters / outputSize pairs (1: as many target
    // values as parameters), trained for memorise.tuneSteps (as long as a capacity probe may run).
    const m = config.memorise;
    const params = modelCounts(spec).parameterCount;
    const n = Math.max(m.start, Math.min(m.max, Math.round((m.tuneLoad * params) / m.outputSize)));
    for (const learningRate of config.learningRates) {
      const p = memoriseProbe(n, {spec, createModel, seed, biasInput: true, threshold: 0, learningRate, batchSize: t.batchSize,
        epochs: m.epochs, minSteps: m.tuneSteps, maxSteps: m.tuneSteps, patience: 1000});
      candidates.push({learningRate, score: p.error});
    }
  } else {
    const data = validationDataset(taskDataset(item.task, config, seed));
    for (const learningRate of config.learningRates) {
      const model = createModel(spec);
      let r: ReturnType<typeof fit>;
      try {
        r = fit(model, data, {learningRate, batchSize: t.batchSize, seed: deriveSeed(seed, 7), loss: shape.loss,
          metric: shape.metric, fixedSteps: 0, maxSteps: t.tuneSteps, evalEvery: t.tuneSteps, patience: 1000, evalLimit: t.evalLimit});
      } finally {
        model.dispose?.();
      }
      const score = r.atPlateau.test;
      candidates.push({learningRate, score: Number.isFinite(score) ? score : Infinity});
    }
  }
  let best = candidates[0];
  for (const c of candidates) if (c.score < best.score) best = c;
  const record: TuneRecord = {
    type: "tune", schema: SCHEMA_VERSION, key: item.tuneKey, task: item.task, contender: item.contender.id,
    width: item.width, depth: item.depth, seed, steps: item.task === "memorise" ? config.memorise.tuneSteps : t.tuneSteps,
    // JSON has no Infinity: a diverged candidate is stored with the largest finite score.
    candidates: candidates.map((c) => ({learningRate: c.learningRate, score: Number.isFinite(c.score) ? c.score : Number.MAX_VALUE})),
    chosen: best.learningRate,
    seconds: (Date.now() - started) / 1000
  };
  return validateRecord(record) as TuneRecord;
}

/**
 * Runs one plan item at a given learning rate and returns its record (disposing of the models it
 * made). A memorisation search trains a fresh model per probe, so it builds none of its own.
 */
export function runItem(item: PlanItem, config: ExperimentConfig, learningRate: number, createModel: (spec: ModelSpec) => Model): RunRecord {
  const shape = taskShape(item.task, config);
  const spec = modelSpec(item.contender, item.width, item.depth, shape.inputSize, shape.outputSize, item.seed, config.placement);
  const t = config.train;
  const started = Date.now();
  let fitRecord: RunRecord["fit"] = null;
  let capacity: RunRecord["capacity"] = null;
  let msPerStep = 0;
  let parameterCount: number;
  if (item.task === "memorise") {
    parameterCount = modelCounts(spec).parameterCount;
    const m = config.memorise;
    let steps = 0;
    let ms = 0;
    const result = memorisationCapacity({
      spec, createModel, seed: item.seed, biasInput: true, threshold: m.threshold, learningRate, batchSize: t.batchSize,
      epochs: m.epochs, minSteps: m.minSteps, maxSteps: m.maxSteps, start: m.start, max: m.max, resolution: m.resolution,
      onProbe: (p) => {
        steps += p.steps;
        ms += (p.seconds ?? 0) * 1000;
      }
    });
    msPerStep = steps > 0 ? ms / steps : 0;
    capacity = {threshold: m.threshold, largestFitted: result.largestFitted, smallestFailed: result.smallestFailed, probes: result.probes};
  } else {
    const data = taskDataset(item.task, config, item.seed);
    const model = createModel(spec);
    let r: ReturnType<typeof fit>;
    try {
      parameterCount = model.parameterCount;
      r = fit(model, data, {
        learningRate, batchSize: t.batchSize, seed: deriveSeed(item.seed, 7), loss: shape.loss, metric: shape.metric,
        fixedSteps: t.fixedSteps, maxSteps: t.maxSteps, evalEvery: t.evalEvery, patience: t.patience, evalLimit: t.evalLimit
      });
    } finally {
      model.dispose?.();
    }
    msPerStep = r.msPerStep;
    fitRecord = {
      optimizerSteps: r.steps, fixedSteps: t.fixedSteps, atFixed: r.atFixed ? snapshot(r.atFixed) : null,
      atPlateau: snapshot(r.atPlateau), plateauReached: r.plateauReached, diverged: r.diverged, curve: r.curve.map(snapshot)
    };
  }
  const record: RunRecord = {
    type: "run", schema: SCHEMA_VERSION, key: item.key, task: item.task, contender: item.contender.id,
    kind: item.contender.kind, groupSize: item.contender.groupSize, width: item.width, depth: item.depth,
    placement: config.placement, inputSize: shape.inputSize, outputSize: shape.outputSize, seed: item.seed,
    parameterCount, layer: layerBudget(item.contender, item.width), metric: shape.metric,
    optimizer: "adam", batchSize: t.batchSize, learningRate, learningRateFrom: item.tuneKey,
    fit: fitRecord, capacity, msPerStep, seconds: (Date.now() - started) / 1000, date: new Date().toISOString(),
    backend: backend()
  };
  return validateRecord(record) as RunRecord;
}

/**
 * Runs every planned item not yet in the store, saving tune and run records as they finish.
 * Returns how many runs it did and how many it found done.
 */
export function runExperiment(config: ExperimentConfig, options: RunOptions): {ran: number; skipped: number; stopped: boolean; diverged: string[]} {
  checkConfig(config);
  const {store, createModel} = options;
  if (typeof createModel !== "function") fail("createModel must be a function spec => Model");
  const clock = options.clock ?? (() => (typeof performance !== "undefined" ? performance.now() : Date.now()) / 1000);
  const plan = planExperiment(config).filter(options.filter ?? (() => true));
  const existing = store.records();
  const doneKeys = new Set(existing.filter((r) => r.type === "run").map((r) => r.key));
  const tuned = new Map<string, number>();
  for (const r of existing) if (r.type === "tune") tuned.set(r.key, r.chosen);

  const todo = plan.filter((p) => !doneKeys.has(p.key));
  const totalCost = todo.reduce((s, p) => s + p.cost, 0);
  let doneCost = 0;
  let done = plan.length - todo.length;
  const start = clock();
  const report = (label: string) => {
    const elapsed = clock() - start;
    options.onProgress?.({
      done, total: plan.length, doneCost, totalCost, elapsedSeconds: elapsed,
      etaSeconds: doneCost > 0 ? (elapsed / doneCost) * (totalCost - doneCost) : null, label
    });
  };
  let ran = 0;
  let skipped = plan.length - todo.length;
  // Keys of the runs done now whose training diverged (lib/divergence.ts): the caller says so.
  const diverged: string[] = [];
  for (const item of todo) {
    if (options.shouldStop?.()) return {ran, skipped, stopped: true, diverged};
    if (store.reload) {
      for (const r of store.reload()) {
        if (r.type === "run") doneKeys.add(r.key);
        else if (r.type === "tune" && !tuned.has(r.key)) tuned.set(r.key, r.chosen);
      }
      if (doneKeys.has(item.key)) {
        // Another process finished it while this one was busy.
        skipped++;
        done++;
        doneCost += item.cost;
        continue;
      }
    }
    const label = `${item.task} ${item.contender.id} W=${item.width} seed ${item.seed}`;
    report(label);
    let learningRate = tuned.get(item.tuneKey);
    if (learningRate === undefined) {
      report(`${label}: choosing the learning rate`);
      const record = tune(item, config, createModel);
      store.append(record);
      tuned.set(record.key, record.chosen);
      learningRate = record.chosen;
    }
    report(label);
    const record = runItem(item, config, learningRate, createModel);
    store.append(record);
    if (record.fit?.diverged) diverged.push(record.key);
    ran++;
    done++;
    doneCost += item.cost;
  }
  report("done");
  return {ran, skipped, stopped: false, diverged};
}

/** The budget points of a run record under a config (the inverse of the plan's dedup). */
export function membershipsOf(record: RunRecord, config: ExperimentConfig): Membership[] {
  const item = planExperiment(config).find((p) => p.key === record.key);
  return item ? item.memberships : [];
}
