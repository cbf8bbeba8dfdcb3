/**
 * The capacity experiment's result schema and its validator.
 *
 * Results are JSON lines (schema 2: runs to convergence with validation-chosen rates; schema 1,
 * the capped runs of the first method, survives only in superseded.jsonl). Five record types:
 * - "session": one per invocation of the runner: command, machine, date, library version, config;
 * - "tune": the learning-rate sweep of one contender at one width on one task (chosen on
 *   validation data, or on the training fit for memorisation);
 * - "run": one finished run of one contender at one width, task and seed;
 * - "trend-probe": one memorisation probe above the searched widths, testing the trend's prediction;
 * - "memorise-probe": one probe of a memorisation search still going on, saved the moment it ends so
 *   that a search cut off (a search at a wide width takes hours) resumes where it stopped; the
 *   search's "run" record repeats every probe.
 * A run does not name its budget: the same model (say Switch Net 4 m = 4 at W = 65,536) takes
 * part in all three budgets. `budget.ts` recomputes which budget points a run belongs to.
 */
import {describe, fail} from "../check.js";
import {GROUP_SIZES, MODEL_KINDS, type ModelKind} from "../types.js";
import {BUDGET_KINDS, type BudgetKind, type LayerBudget} from "./budget.js";

export const SCHEMA_VERSION = 2;

export type TaskKind = "memorise" | "smooth" | "image" | "classify";
export const TASK_KINDS: readonly TaskKind[] = ["memorise", "smooth", "image", "classify"];

/** What each task reports; lower is better for both. */
export const TASK_METRIC: Record<TaskKind, "nmse" | "error-rate"> = {
  memorise: "nmse",
  smooth: "nmse",
  image: "nmse",
  classify: "error-rate"
};

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  platform: string;
}

export interface SessionRecord {
  type: "session";
  schema: number;
  command: string;
  date: string;
  machine: Machine;
  libVersion: string;
  gitCommit: string | null;
  config: Record<string, unknown>;
}

/** Error and training loss at one moment of a run. */
export interface Snapshot {
  step: number;
  /** Training loss (the optimised loss, averaged over the steps since the last snapshot). */
  trainLoss: number | null;
  /** The task's metric on the training set. */
  train: number | null;
  /** The task's metric on the held-out test set. */
  test: number | null;
  /** The task's metric on the validation split (the stop rule and the rate choice watch it). */
  validation?: number | null;
  /** The learning rate in use. */
  learningRate?: number;
}

export interface ProbeRecord {
  n: number;
  fitted: boolean;
  error: number;
  steps: number;
  seconds?: number;
  /** Stopped on the fit or the stop rule, not the step cap. */
  plateauReached?: boolean;
}

export interface CapacityRecord {
  /** The stated error: a fit counts when the training nmse is at most this. */
  threshold: number;
  largestFitted: number;
  smallestFailed: number | null;
  probes: ProbeRecord[];
}

export interface TuneRecord {
  type: "tune";
  schema: number;
  key: string;
  task: TaskKind;
  contender: string;
  width: number;
  depth: number;
  seed: number;
  steps: number;
  /** Each candidate's score: best validation metric of its run (memorisation: training nmse of its probe). */
  candidates: {learningRate: number; score: number; key?: string}[];
  chosen: number;
  /**
   * "low" or "high" when the chosen rate is the grid's end (no neighbour beyond it to try);
   * null when it has tried neighbours on both sides.
   */
  edge?: "low" | "high" | null;
  seconds: number;
}

/** A training run on a fitting or classification task. */
export interface FitRecord {
  optimizerSteps: number;
  /** Fixed step budget, and the moment the run reached it (null if the run stopped before). */
  fixedSteps: number;
  atFixed: Snapshot | null;
  /** The plateau (or the step cap), and the steps it took. */
  atPlateau: Snapshot;
  /** The evaluation with the best validation metric (the reported error). */
  atBest?: Snapshot;
  /** Steps at which the learning rate was decayed. */
  decays?: number[];
  plateauReached: boolean;
  diverged: boolean;
  curve: Snapshot[];
}

export interface RunRecord {
  type: "run";
  schema: number;
  key: string;
  task: TaskKind;
  contender: string;
  kind: ModelKind;
  groupSize: number;
  width: number;
  /** Width-W layers (dense: hidden W×W layers; its spec depth is one more). */
  depth: number;
  /** How a WHT kind places its input in the width ("pad" or "repeat"; unused by dense). */
  placement: string;
  /** Input projection rounds and their flips (WHT kinds). */
  projectionRounds?: number;
  projection?: string;
  /**
   * True for a learning-rate candidate's run (seed 1, key "cand|…"); the chosen one is stored
   * again under the run key. Summaries skip candidates.
   */
  candidate?: boolean;
  inputSize: number;
  outputSize: number;
  seed: number;
  /** Stored parameters of the whole model, as the model reports them. */
  parameterCount: number;
  /** Counts of one width-W layer (what the budgets match). */
  layer: LayerBudget;
  metric: "nmse" | "error-rate";
  optimizer: string;
  batchSize: number;
  learningRate: number;
  /** The key of the tune record the learning rate came from. */
  learningRateFrom: string;
  /** Fitting and classification tasks (null for memorisation). */
  fit: FitRecord | null;
  /** Memorisation (null for the other tasks). */
  capacity: CapacityRecord | null;
  msPerStep: number;
  seconds: number;
  date: string;
  /**
   * The WHT and layer kernels the run trained with (`trainingKernels(kind)`: "scalar", "wasm-simd",
   * or "wasm-simd+fma" for dense products with fused multiply-add, never on by default in Node). The
   * backends round differently and training amplifies that, so a rerun on the other backend
   * gives other numbers. Optional: records written before this field existed have none.
   */
  backend?: string;
}

/**
 * A test of the memorisation trend above the searched widths (config.ts, probeRefWidths): one
 * probe of `factor` × the predicted N pairs, seed 1, at the rate chosen at the widest searched
 * width. Like a run it does not name its budgets; its trend's points do name their widths.
 */
export interface TrendProbeRecord {
  type: "trend-probe";
  schema: number;
  key: string;
  contender: string;
  kind: ModelKind;
  groupSize: number;
  width: number;
  depth: number;
  projectionRounds?: number;
  projection?: string;
  inputSize: number;
  outputSize: number;
  /** The reference width the trend is tested at. */
  refWidth: number;
  seed: number;
  parameterCount: number;
  learningRate: number;
  /** The tune key of the widest searched width (where the rate comes from). */
  learningRateFrom: string;
  trend: {
    points: {refWidth: number; width: number; capacity: number; seeds: number[]; censored: boolean}[];
    slope: number;
    predicted: number;
  };
  factor: number;
  /** The stated error (training nmse) a fit must reach. */
  threshold: number;
  probe: ProbeRecord;
  msPerStep: number;
  seconds: number;
  date: string;
  backend?: string;
}

/** The key of a memorisation search's saved probe of n pairs: `${run}|lr${learningRate}|n${n}`. */
export const memoriseProbeKey = (run: string, learningRate: number, n: number) => `${run}|lr${learningRate}|n${n}`;

/** One finished probe of a memorisation search (the run `run`, at `learningRate`), saved for resuming. */
export interface MemoriseProbeRecord {
  type: "memorise-probe";
  schema: number;
  /** `${run}|lr${learningRate}|n${probe.n}`. */
  key: string;
  /** The key of the search's run record. */
  run: string;
  seed: number;
  learningRate: number;
  threshold: number;
  probe: ProbeRecord;
  date: string;
}

export type ResultRecord = SessionRecord | TuneRecord | RunRecord | TrendProbeRecord | MemoriseProbeRecord;

/* ---------------------------------------------------------------- validation */

type Obj = Record<string, unknown>;

function at(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function obj(path: string, value: unknown): Obj {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    fail(`${path} must be an object, got ${describe(value)}`);
  return value as Obj;
}

function num(o: Obj, path: string, key: string, min = -Infinity): number {
  const v = o[key];
  if (typeof v !== "number" || !Number.isFinite(v))
    fail(`${at(path, key)} must be a finite number, got ${describe(v)}`);
  if (v < min) fail(`${at(path, key)} must be at least ${min}, got ${v}`);
  return v;
}

function int(o: Obj, path: string, key: string, min = -Infinity): number {
  const v = num(o, path, key, min);
  if (!Number.isInteger(v)) fail(`${at(path, key)} must be an integer, got ${v}`);
  return v;
}

function str(o: Obj, path: string, key: string): string {
  const v = o[key];
  if (typeof v !== "string" || v.length === 0) fail(`${at(path, key)} must be a non-empty string, got ${describe(v)}`);
  return v;
}

function oneOf<T extends string>(o: Obj, path: string, key: string, allowed: readonly T[]): T {
  const v = o[key];
  if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) {
    fail(`${at(path, key)} must be one of ${allowed.join(", ")}, got ${describe(v)}`);
  }
  return v as T;
}

function bool(o: Obj, path: string, key: string): boolean {
  const v = o[key];
  if (typeof v !== "boolean") fail(`${at(path, key)} must be true or false, got ${describe(v)}`);
  return v;
}

function arr(o: Obj, path: string, key: string): unknown[] {
  const v = o[key];
  if (!Array.isArray(v)) fail(`${at(path, key)} must be an array, got ${describe(v)}`);
  return v;
}

function snapshot(path: string, value: unknown): void {
  const o = obj(path, value);
  int(o, path, "step", 0);
  // A metric is null when it was not finite (a diverged run, or no loss yet at step 0).
  if (o.trainLoss !== null) num(o, path, "trainLoss");
  if (o.train !== null) num(o, path, "train", 0);
  if (o.test !== null) num(o, path, "test", 0);
  if (o.validation !== undefined && o.validation !== null) num(o, path, "validation", 0);
}

function validateSession(o: Obj): void {
  str(o, "", "command");
  if (Number.isNaN(Date.parse(str(o, "", "date")))) fail(`date must be an ISO date, got ${describe(o.date)}`);
  const m = obj("machine", o.machine);
  str(m, "machine", "cpu");
  int(m, "machine", "cores", 1);
  str(m, "machine", "node");
  str(m, "machine", "platform");
  str(o, "", "libVersion");
  if (o.gitCommit !== null && typeof o.gitCommit !== "string")
    fail(`gitCommit must be a string or null, got ${describe(o.gitCommit)}`);
  obj("config", o.config);
}

function validateTune(o: Obj): void {
  str(o, "", "key");
  oneOf(o, "", "task", TASK_KINDS);
  str(o, "", "contender");
  int(o, "", "width", 1);
  int(o, "", "depth", 1);
  int(o, "", "seed");
  int(o, "", "steps", 0);
  const candidates = arr(o, "", "candidates");
  if (candidates.length === 0) fail("candidates must hold at least one learning rate");
  candidates.forEach((c, i) => {
    const p = `candidates[${i}]`;
    const co = obj(p, c);
    num(co, p, "learningRate", 0);
    const score = co.score;
    if (typeof score !== "number" || Number.isNaN(score))
      fail(`${p}.score must be a number (Infinity for a diverged run), got ${describe(score)}`);
  });
  const chosen = num(o, "", "chosen", 0);
  if (!candidates.some((c) => (c as Obj).learningRate === chosen))
    fail(`chosen must be one of the candidates' learning rates, got ${chosen}`);
  num(o, "", "seconds", 0);
}

function validateRun(o: Obj): void {
  str(o, "", "key");
  const task = oneOf(o, "", "task", TASK_KINDS);
  str(o, "", "contender");
  const kind = oneOf(o, "", "kind", MODEL_KINDS);
  const groupSize = int(o, "", "groupSize", 1);
  if (kind === "switchnet4" && !(GROUP_SIZES as readonly number[]).includes(groupSize)) {
    fail(`groupSize must be one of ${GROUP_SIZES.join(", ")}, got ${groupSize}`);
  }
  const width = int(o, "", "width", 1);
  int(o, "", "depth", 1);
  oneOf(o, "", "placement", ["pad", "repeat"] as const);
  const inputSize = int(o, "", "inputSize", 1);
  const outputSize = int(o, "", "outputSize", 1);
  if (kind !== "dense" && (width < inputSize || width < outputSize)) {
    fail(`width must be at least inputSize ${inputSize} and outputSize ${outputSize} for ${kind}, got ${width}`);
  }
  int(o, "", "seed");
  int(o, "", "parameterCount", 1);
  const layer = obj("layer", o.layer);
  for (const b of BUDGET_KINDS as readonly BudgetKind[]) num(layer, "layer", b, 1);
  const metric = oneOf(o, "", "metric", ["nmse", "error-rate"] as const);
  if (metric !== TASK_METRIC[task]) fail(`metric must be ${TASK_METRIC[task]} for task ${task}, got ${metric}`);
  str(o, "", "optimizer");
  int(o, "", "batchSize", 1);
  num(o, "", "learningRate", 0);
  str(o, "", "learningRateFrom");
  if (task === "memorise") {
    if (o.fit !== null) fail(`fit must be null for task memorise, got ${describe(o.fit)}`);
    const c = obj("capacity", o.capacity);
    const threshold = num(c, "capacity", "threshold", 0);
    const largest = int(c, "capacity", "largestFitted", 0);
    if (c.smallestFailed !== null) {
      const failed = int(c, "capacity", "smallestFailed", 1);
      if (failed <= largest) fail(`capacity.smallestFailed must exceed largestFitted ${largest}, got ${failed}`);
    }
    const probes = arr(c, "capacity", "probes");
    if (probes.length === 0) fail("capacity.probes must hold at least one probe");
    probes.forEach((p, i) => probe(`capacity.probes[${i}]`, p, threshold));
    if (largest > 0 && !probes.some((p) => (p as Obj).n === largest && (p as Obj).fitted)) {
      fail(`capacity.largestFitted ${largest} must be a probe that fitted`);
    }
  } else {
    if (o.capacity !== null) fail(`capacity must be null for task ${task}, got ${describe(o.capacity)}`);
    const f = obj("fit", o.fit);
    const steps = int(f, "fit", "optimizerSteps", 0);
    int(f, "fit", "fixedSteps", 0);
    if (f.atFixed !== null) snapshot("fit.atFixed", f.atFixed);
    snapshot("fit.atPlateau", f.atPlateau);
    if ((f.atPlateau as Obj).step !== steps)
      fail(`fit.atPlateau.step must equal fit.optimizerSteps ${steps}, got ${describe((f.atPlateau as Obj).step)}`);
    if (f.atBest !== undefined) snapshot("fit.atBest", f.atBest);
    bool(f, "fit", "plateauReached");
    bool(f, "fit", "diverged");
    const curve = arr(f, "fit", "curve");
    if (curve.length === 0) fail("fit.curve must hold at least the snapshot at step 0");
    curve.forEach((s, i) => snapshot(`fit.curve[${i}]`, s));
  }
  num(o, "", "msPerStep", 0);
  num(o, "", "seconds", 0);
  if (Number.isNaN(Date.parse(str(o, "", "date")))) fail(`date must be an ISO date, got ${describe(o.date)}`);
  if (o.backend !== undefined) str(o, "", "backend");
}

function validateTrendProbe(o: Obj): void {
  str(o, "", "key");
  str(o, "", "contender");
  oneOf(o, "", "kind", MODEL_KINDS);
  int(o, "", "groupSize", 1);
  int(o, "", "width", 1);
  int(o, "", "depth", 1);
  int(o, "", "inputSize", 1);
  int(o, "", "outputSize", 1);
  int(o, "", "refWidth", 1);
  int(o, "", "seed");
  int(o, "", "parameterCount", 1);
  num(o, "", "learningRate", 0);
  str(o, "", "learningRateFrom");
  const t = obj("trend", o.trend);
  const points = arr(t, "trend", "points");
  if (points.length < 2) fail(`trend.points must hold at least 2 searched widths, got ${points.length}`);
  points.forEach((p, i) => {
    const path = `trend.points[${i}]`;
    const po = obj(path, p);
    int(po, path, "refWidth", 1);
    int(po, path, "width", 1);
    num(po, path, "capacity", 0);
    arr(po, path, "seeds").forEach((n, j) => {
      if (typeof n !== "number" || !Number.isInteger(n) || n < 0)
        fail(`${path}.seeds[${j}] must be a whole number of pairs, got ${describe(n)}`);
    });
    bool(po, path, "censored");
  });
  num(t, "trend", "slope");
  num(t, "trend", "predicted", 0);
  num(o, "", "factor", 0);
  const threshold = num(o, "", "threshold", 0);
  probe("probe", o.probe, threshold);
  num(o, "", "msPerStep", 0);
  num(o, "", "seconds", 0);
  if (Number.isNaN(Date.parse(str(o, "", "date")))) fail(`date must be an ISO date, got ${describe(o.date)}`);
  if (o.backend !== undefined) str(o, "", "backend");
}

function probe(path: string, value: unknown, threshold: number): void {
  const po = obj(path, value);
  int(po, path, "n", 1);
  const fitted = bool(po, path, "fitted");
  const error = num(po, path, "error", 0);
  if (fitted && !(error <= threshold))
    fail(`${path} is marked fitted but its error ${error} is above the threshold ${threshold}`);
  int(po, path, "steps", 0);
}

function validateMemoriseProbe(o: Obj): void {
  const run = str(o, "", "run");
  int(o, "", "seed");
  const rate = num(o, "", "learningRate", 0);
  const threshold = num(o, "", "threshold", 0);
  probe("probe", o.probe, threshold);
  const key = memoriseProbeKey(run, rate, (o.probe as Obj).n as number);
  if (o.key !== key) fail(`key must be ${JSON.stringify(key)} (run, rate and pairs), got ${describe(o.key)}`);
  if (Number.isNaN(Date.parse(str(o, "", "date")))) fail(`date must be an ISO date, got ${describe(o.date)}`);
}

/** Checks one parsed record; returns it typed, or throws a SwitchNetError naming the field. */
export function validateRecord(value: unknown): ResultRecord {
  const o = obj("record", value);
  const type = oneOf(o, "", "type", ["session", "tune", "run", "trend-probe", "memorise-probe"] as const);
  if (o.schema !== SCHEMA_VERSION && o.schema !== 1)
    fail(`schema must be ${SCHEMA_VERSION} (or 1, the first method's), got ${describe(o.schema)}`);
  if (type === "session") validateSession(o);
  else if (type === "tune") validateTune(o);
  else if (type === "trend-probe") validateTrendProbe(o);
  else if (type === "memorise-probe") validateMemoriseProbe(o);
  else validateRun(o);
  return value as ResultRecord;
}

/**
 * Parses JSON lines into records. A last line cut short (the run was killed mid-write) is
 * skipped and counted; any other bad line throws, naming its line number.
 */
export function parseResults(text: string): {records: ResultRecord[]; truncated: number} {
  const lines = text.split("\n");
  const records: ResultRecord[] = [];
  let truncated = 0;
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      const isLast = lines.slice(i + 1).every((l) => l.trim() === "");
      if (isLast) {
        truncated++;
        return;
      }
      fail(`line ${i + 1} is not valid JSON`);
    }
    try {
      records.push(validateRecord(value));
    } catch (e) {
      fail(`line ${i + 1}: ${(e as Error).message}`);
    }
  });
  return {records, truncated};
}
