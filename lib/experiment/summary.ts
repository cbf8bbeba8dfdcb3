/**
 * Summaries of capacity-experiment records for the page: one row per (task, budget point,
 * contender) with mean and spread over seeds, training curves as flat rows, and the
 * wall-clock cost per sample of each model. Pure functions over parsed records.
 */
import {BUDGET_NAMES, type BudgetKind} from "./budget.js";
import type {ExperimentConfig} from "./config.js";
import {
  candidateKey,
  checkpointKey,
  planExperiment,
  planGroups,
  planTrendProbes,
  seedRunKey,
  trendPoints,
  trendProbeKey
} from "./run.js";
import type {ResultRecord, RunRecord, TaskKind, TrendProbeRecord} from "./schema.js";

/** Mean, sample standard deviation, extremes and count. */
export interface Stat {
  mean: number;
  sd: number;
  min: number;
  max: number;
  n: number;
}

/** Statistics of the finite values (null when there are none). */
export function stat(values: readonly (number | null | undefined)[]): Stat | null {
  const v = values.filter((x): x is number => typeof x === "number" && Number.isFinite(x));
  if (v.length === 0) return null;
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  const sd = v.length > 1 ? Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (v.length - 1)) : 0;
  return {mean, sd, min: Math.min(...v), max: Math.max(...v), n: v.length};
}

export interface PointSummary {
  task: TaskKind;
  budget: BudgetKind;
  budgetName: string;
  refWidth: number;
  /** The per-layer budget of the reference Switch Net 4 layer. */
  target: number;
  contender: string;
  width: number;
  /** The contender's own per-layer count / target. */
  ratio: number;
  parameterCount: number;
  seeds: number[];
  metric: "nmse" | "error-rate";
  /** Test metric after the fixed step budget. */
  fixed: Stat | null;
  /**
   * The reported test metric: at the evaluation with the best validation metric (early stopping's
   * choice; schema-1 runs without a validation split: at the plateau or step cap).
   */
  plateau: Stat | null;
  /** Test metric at the last evaluation (the plateau or the cap). */
  final: Stat | null;
  trainPlateau: Stat | null;
  steps: Stat | null;
  /** Runs that stopped on a plateau rather than the step cap. */
  plateaus: number;
  /** Memorisation: largest N fitted, and N per stored parameter. */
  capacity: Stat | null;
  capacityPerParameter: Stat | null;
  /** Milliseconds per training sample (forward + backward + update). */
  msPerSample: Stat | null;
  learningRates: number[];
}

/**
 * The run records, each key once (the first): two sweeps sharing a file may both finish a run.
 * Learning-rate candidates are left out (the chosen one is stored again as the first seed's run).
 */
export function runsOf(records: readonly ResultRecord[]): RunRecord[] {
  const seen = new Set<string>();
  return records.filter((r): r is RunRecord => {
    if (r.type !== "run" || r.candidate || seen.has(r.key)) return false;
    seen.add(r.key);
    return true;
  });
}

/** One row per task, budget point and contender, over the seeds found in `records`. */
export function summarise(records: readonly ResultRecord[], config: ExperimentConfig): PointSummary[] {
  const plan = new Map(planExperiment(config).map((p) => [p.key, p]));
  const groups = new Map<
    string,
    {
      row: Omit<
        PointSummary,
        | "fixed"
        | "plateau"
        | "final"
        | "trainPlateau"
        | "steps"
        | "plateaus"
        | "capacity"
        | "capacityPerParameter"
        | "msPerSample"
        | "learningRates"
        | "seeds"
      >;
      runs: RunRecord[];
    }
  >();
  for (const r of runsOf(records)) {
    const item = plan.get(r.key);
    if (!item) continue;
    for (const m of item.memberships) {
      const id = `${r.task}|${m.budget}|${m.refWidth}|${r.contender}`;
      let g = groups.get(id);
      if (!g) {
        g = {
          row: {
            task: r.task,
            budget: m.budget,
            budgetName: BUDGET_NAMES[m.budget],
            refWidth: m.refWidth,
            target: m.target,
            contender: r.contender,
            width: r.width,
            ratio: m.ratio,
            parameterCount: r.parameterCount,
            metric: r.metric
          },
          runs: []
        };
        groups.set(id, g);
      }
      if (!g.runs.some((x) => x.seed === r.seed)) g.runs.push(r);
    }
  }
  const rows: PointSummary[] = [];
  for (const {row, runs} of groups.values()) {
    runs.sort((a, b) => a.seed - b.seed);
    rows.push({
      ...row,
      seeds: runs.map((r) => r.seed),
      fixed: stat(runs.map((r) => r.fit?.atFixed?.test)),
      plateau: stat(runs.map((r) => (r.fit?.atBest ?? r.fit?.atPlateau)?.test)),
      final: stat(runs.map((r) => r.fit?.atPlateau.test)),
      trainPlateau: stat(runs.map((r) => r.fit?.atPlateau.train)),
      steps: stat(runs.map((r) => r.fit?.optimizerSteps)),
      plateaus: runs.filter((r) => r.fit?.plateauReached).length,
      capacity: stat(runs.map((r) => r.capacity?.largestFitted)),
      capacityPerParameter: stat(runs.map((r) => (r.capacity ? r.capacity.largestFitted / r.parameterCount : null))),
      msPerSample: stat(runs.map((r) => r.msPerStep / r.batchSize)),
      learningRates: [...new Set(runs.map((r) => r.learningRate))].sort((a, b) => a - b)
    });
  }
  const taskOrder = (t: TaskKind) => config.tasks.indexOf(t);
  const contenderOrder = (c: string) => config.contenders.indexOf(c);
  return rows.sort(
    (a, b) =>
      taskOrder(a.task) - taskOrder(b.task) ||
      a.budget.localeCompare(b.budget) ||
      a.refWidth - b.refWidth ||
      contenderOrder(a.contender) - contenderOrder(b.contender)
  );
}

export interface CurvePoint {
  task: TaskKind;
  contender: string;
  width: number;
  seed: number;
  step: number;
  train: number | null;
  test: number | null;
  trainLoss: number | null;
}

/** Training curves of every fitting run, as flat rows (one per evaluation). */
export function curves(records: readonly ResultRecord[]): CurvePoint[] {
  const out: CurvePoint[] = [];
  for (const r of runsOf(records)) {
    if (!r.fit) continue;
    for (const p of r.fit.curve) {
      out.push({
        task: r.task,
        contender: r.contender,
        width: r.width,
        seed: r.seed,
        step: p.step,
        train: p.train,
        test: p.test,
        trainLoss: p.trainLoss
      });
    }
  }
  return out;
}

export interface TimingRow {
  contender: string;
  width: number;
  depth: number;
  batchSize: number;
  parameterCount: number;
  msPerSample: Stat;
}

/** Wall-clock milliseconds per training sample of each model, over all its fitting runs. */
export function timings(records: readonly ResultRecord[]): TimingRow[] {
  const groups = new Map<string, RunRecord[]>();
  for (const r of runsOf(records)) {
    if (!r.fit || r.msPerStep <= 0) continue;
    const id = `${r.contender}|${r.width}|${r.depth}|${r.batchSize}`;
    groups.set(id, [...(groups.get(id) ?? []), r]);
  }
  return [...groups.values()]
    .map((runs) => ({
      contender: runs[0].contender,
      width: runs[0].width,
      depth: runs[0].depth,
      batchSize: runs[0].batchSize,
      parameterCount: runs[0].parameterCount,
      msPerSample: stat(runs.map((r) => r.msPerStep / r.batchSize))!
    }))
    .sort((a, b) => a.contender.localeCompare(b.contender) || a.width - b.width);
}

/** How many contenders the plan puts at each task and budget of one reference width ("task|budget" → count). */
export function contendersPlannedAt(config: ExperimentConfig, refWidth: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const g of planGroups(config)) {
    for (const m of g.memberships)
      if (m.refWidth === refWidth) out[`${g.task}|${m.budget}`] = (out[`${g.task}|${m.budget}`] ?? 0) + 1;
  }
  return out;
}

/** One trend tested above the searched widths: the line, and its probes by factor. */
export interface TrendCheck {
  contender: string;
  width: number;
  refWidth: number;
  /** The budgets the probed model stands at. */
  budgets: BudgetKind[];
  points: {refWidth: number; width: number; capacity: number; censored: boolean}[];
  /** null with verdict "no line". */
  slope: number | null;
  predicted: number | null;
  probes: {factor: number; n: number; fitted: boolean; error: number; steps: number; converged: boolean}[];
  /**
   * "holds" when every probe below the prediction fitted and every one above it failed; "over"
   * when a probe below failed (the trend predicts more than the model holds); "under" when one
   * above fitted; "pending" while a probe is missing; "no line" when the searches are done but
   * fewer than two of the searched widths fit any pairs (no power law goes through N = 0, so
   * there is nothing to predict or probe: slope and predicted are null, probes empty).
   */
  verdict: "holds" | "over" | "under" | "pending" | "no line";
}

/** The trend probes in `records`, one row per planned trend (each probe key once, the first). */
export function trendChecks(records: readonly ResultRecord[], config: ExperimentConfig): TrendCheck[] {
  const byKey = new Map<string, TrendProbeRecord>();
  for (const r of records) if (r.type === "trend-probe" && !byKey.has(r.key)) byKey.set(r.key, r);
  const rows: TrendCheck[] = [];
  for (const t of planTrendProbes(config)) {
    /** The model, its budgets and its measured points: what every row of this trend says. */
    const about = (points: readonly TrendCheck["points"][number][]) => ({
      contender: t.contender.id,
      width: t.width,
      refWidth: t.refWidth,
      budgets: t.memberships.map((m) => m.budget),
      points: points.map(({refWidth, width, capacity, censored}) => ({refWidth, width, capacity, censored}))
    });
    const found = config.memorise.probeFactors
      .map((f) => byKey.get(trendProbeKey(t, f)))
      .filter((r): r is TrendProbeRecord => r !== undefined);
    if (found.length === 0) {
      // The searches done, but no line: say so rather than leave the model out.
      const points = trendPoints(t, config, records);
      if (points !== null && points.filter((p) => p.capacity > 0).length < 2)
        rows.push({...about(points), slope: null, predicted: null, probes: [], verdict: "no line"});
      continue;
    }
    const probes = found
      .map((r) => ({
        factor: r.factor,
        n: r.probe.n,
        fitted: r.probe.fitted,
        error: r.probe.error,
        steps: r.probe.steps,
        converged: r.probe.plateauReached ?? false
      }))
      .sort((a, b) => a.factor - b.factor);
    const over = probes.some((p) => p.factor <= 1 && !p.fitted);
    const under = probes.some((p) => p.factor >= 1 && p.fitted);
    const complete = found.length === config.memorise.probeFactors.length;
    rows.push({
      ...about(found[0].trend.points),
      slope: found[0].trend.slope,
      predicted: found[0].trend.predicted,
      probes,
      verdict: over ? "over" : under ? "under" : complete ? "holds" : "pending"
    });
  }
  return rows;
}

/** A fitting run at a reference width that is under way: suspended at a checkpoint, not yet recorded. */
export interface UnderwayRun {
  task: TaskKind;
  contender: string;
  width: number;
  /** A learning-rate candidate (seed 1 at `learningRate`) or a seed's run at the chosen rate. */
  candidate: boolean;
  seed: number;
  learningRate: number;
  /** Steps trained so far, of at most `maxSteps`. */
  step: number;
  maxSteps: number;
}

/**
 * The fitting runs at `refWidth` that are under way: the checkpoints (`checkpointSummary` of each
 * file: its tag and step) that belong to a candidate or seed run of a group there. Checkpoints at a
 * step cap (`atCap`) belong to runs that have their records and are left out, as are those of other
 * widths, settings or runs (a grid rate's candidate key or a seed's key must match exactly).
 */
export function runsUnderway(
  config: ExperimentConfig,
  refWidth: number,
  checkpoints: readonly {tag: {key: string; learningRate: number; seed: number}; step: number; atCap: boolean}[]
): UnderwayRun[] {
  const runs = new Map<string, Omit<UnderwayRun, "step" | "learningRate">>();
  for (const g of planGroups(config)) {
    if (g.task === "memorise" || !g.memberships.some((m) => m.refWidth === refWidth)) continue;
    const base = {task: g.task, contender: g.contender.id, width: g.width, maxSteps: config.train.maxSteps};
    for (const rate of config.tune.grid)
      runs.set(checkpointKey(candidateKey(g, rate), g.task, config), {...base, candidate: true, seed: config.seeds[0]});
    for (const seed of config.seeds)
      runs.set(checkpointKey(seedRunKey(g, seed), g.task, config), {...base, candidate: false, seed});
  }
  return checkpoints
    .filter((c) => !c.atCap && runs.has(c.tag.key))
    .map((c) => ({...runs.get(c.tag.key)!, learningRate: c.tag.learningRate, step: c.step}))
    .sort((a, b) => a.task.localeCompare(b.task) || a.contender.localeCompare(b.contender) || a.seed - b.seed);
}
