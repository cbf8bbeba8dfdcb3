/**
 * How many CPU hours a sweep still needs, estimated from its own records (the dry run prints it).
 *
 * A run's time is its steps times its milliseconds per step, and both are taken from finished runs
 * as close to it as the records allow:
 * - milliseconds per step: the group's own runs (median), else the same contender's group of the
 *   nearest step cost on any task (a step's cost depends on the task only through the input and
 *   output sizes, which `stepCost` counts; small widths carry more fixed cost per step, so the
 *   nearest is the best guess) scaled by the ratio of `stepCost`s, else the nearest step cost of
 *   any contender on the task, else of any group;
 * - steps per run: the group's own finished runs (median), else every finished run of the task
 *   (on the records of 2026-12-02 the task's median was off by a factor of 1.6 in the median
 *   group, the nearest width of the same contender by 1.9), else half the step cap (fitting) or
 *   1, 5 and 2 step caps for a memorisation rate candidate, first seed's search and later seed's
 *   search. Memorisation tells those three apart, since a later seed starts at the first seed's
 *   capacity; a trend probe above the searched widths counts as a full step cap.
 * Work already done counts off: a suspended fitting run's checkpoint (its steps) and a memorisation
 * search's saved probes. A suspended run that has already gone past the median still has at
 * least a quarter of its steps to go (the next evaluation is 25 % of the steps later).
 * The rates still to try are those the rule asks for now (`decideRate`: missing start rates, or
 * the next rate beyond an edge); rates a later widening adds are not counted, so the run counts
 * are lower bounds and the hours an estimate, not a promise.
 */
import type {ExperimentConfig} from "./config.js";
import {
  candidateKey,
  checkpointKey,
  decideRate,
  groupStates,
  planGroups,
  seedRunKey,
  startRates,
  stepCost,
  type PlanGroup
} from "./run.js";
import type {ResultRecord, RunRecord, TaskKind} from "./schema.js";
import {median} from "./trend.js";

/** The estimate for one task's selected groups ("probe": memorisation's trend probes). */
export interface HoursEstimate {
  task: TaskKind | "probe";
  /** Runs still to make: untried start rates and seeds, or trend probes (a widening choice adds more). */
  runsLeft: number;
  /** Estimated CPU hours for them, or null when no run of any group has been timed yet. */
  hoursLeft: number | null;
  /** Finished runs of the selected groups and their recorded CPU hours. */
  runsDone: number;
  hoursDone: number;
  /** Groups with runs left whose milliseconds per step are their own, or scaled from another group. */
  timedGroups: number;
  scaledGroups: number;
  /** Steps of unfinished runs already done (checkpoints, saved probes) and so counted off. */
  stepsDone: number;
}

type Role = "run" | "candidate" | "first" | "later";

interface Sample {
  group: PlanGroup;
  role: Role;
  steps: number;
  msPerStep: number;
  seconds: number;
}

const stepsOf = (r: RunRecord) =>
  r.capacity !== null ? r.capacity.probes.reduce((s, p) => s + p.steps, 0) : (r.fit?.optimizerSteps ?? 0);

/**
 * The estimate of the file comment for `selected` (plan groups and, as `trendProbeAsGroup`,
 * trend probes). `checkpointSteps` maps a checkpoint key (`checkpointKey`) to the steps its
 * suspended run has done.
 */
export function estimateHours(
  config: ExperimentConfig,
  selected: readonly PlanGroup[],
  records: readonly ResultRecord[],
  checkpointSteps: ReadonlyMap<string, number> = new Map()
): HoursEstimate[] {
  const all = planGroups(config);
  const byKey = new Map(all.map((g) => [g.key, g]));
  const first = config.seeds[0];
  // What the sweep itself reads from the records: each group's candidate scores, its rate choice, its runs.
  const states = groupStates(all, records);
  // Finished runs, one per run made (the first seed's fitting run is its chosen candidate's, stored again).
  const samples: Sample[] = [];
  for (const r of records) {
    if (r.type !== "run") continue;
    const g = byKey.get(r.learningRateFrom);
    if (!g) continue;
    if (r.candidate !== true && r.seed === first && r.task !== "memorise") continue;
    const role: Role =
      r.task !== "memorise" ? "run" : r.candidate === true ? "candidate" : r.seed === first ? "first" : "later";
    samples.push({group: g, role, steps: stepsOf(r), msPerStep: r.msPerStep, seconds: r.seconds});
  }
  const cost = (g: PlanGroup) => stepCost(config, g.task, g.contender, g.width);
  const distance = (a: PlanGroup, b: PlanGroup) => Math.abs(Math.log(cost(a) / cost(b)));
  /** The samples of the group nearest to g (by step cost) among those `pick` keeps. */
  const nearest = (g: PlanGroup, pick: (s: Sample) => boolean): Sample[] => {
    let best: PlanGroup | null = null;
    for (const s of samples) if (pick(s) && (best === null || distance(g, s.group) < distance(g, best))) best = s.group;
    return best === null ? [] : samples.filter((s) => s.group.key === best!.key && pick(s));
  };
  const msPerStep = (g: PlanGroup): {ms: number; own: boolean} | null => {
    const tiers: ((s: Sample) => boolean)[] = [
      (s) => s.group.key === g.key && s.msPerStep > 0,
      (s) => s.group.contender.id === g.contender.id && s.msPerStep > 0,
      (s) => s.group.task === g.task && s.msPerStep > 0,
      (s) => s.msPerStep > 0
    ];
    for (const [i, tier] of tiers.entries()) {
      const found = nearest(g, tier);
      if (found.length === 0) continue;
      const ms = median(found.map((s) => s.msPerStep));
      return {ms: (ms * cost(g)) / cost(found[0].group), own: i === 0};
    }
    return null;
  };
  const stepsPerRun = (g: PlanGroup, role: Role): number => {
    for (const tier of [
      (s: Sample) => s.group.key === g.key && s.role === role,
      (s: Sample) => s.group.task === g.task && s.role === role
    ]) {
      const found = samples.filter(tier);
      if (found.length > 0) return median(found.map((s) => s.steps));
    }
    const cap = g.task === "memorise" ? config.memorise.maxSteps : config.train.maxSteps;
    return role === "run" ? cap / 2 : role === "candidate" ? cap : role === "first" ? 5 * cap : 2 * cap;
  };
  // Steps a memorisation search has saved as probes, by run key.
  const probeSteps = new Map<string, number>();
  for (const r of records)
    if (r.type === "memorise-probe") probeSteps.set(r.run, (probeSteps.get(r.run) ?? 0) + r.probe.steps);
  const trendDone = new Map<string, {seconds: number}[]>();
  for (const r of records) {
    if (r.type !== "trend-probe") continue;
    const at = r.key.lastIndexOf("|x");
    const key = at < 0 ? r.key : r.key.slice(0, at);
    if (!trendDone.has(key)) trendDone.set(key, []);
    trendDone.get(key)!.push({seconds: r.seconds});
  }

  const out = new Map<string, HoursEstimate>();
  for (const g of selected) {
    const trend = g.key.startsWith("trend|");
    const task: TaskKind | "probe" = trend ? "probe" : g.task;
    if (!out.has(task))
      out.set(task, {
        task,
        runsLeft: 0,
        hoursLeft: 0,
        runsDone: 0,
        hoursDone: 0,
        timedGroups: 0,
        scaledGroups: 0,
        stepsDone: 0
      });
    const e = out.get(task)!;
    // What is left: [role, steps to go] per run.
    const left: [Role, number][] = [];
    if (trend) {
      const done = trendDone.get(g.key) ?? [];
      e.runsDone += done.length;
      e.hoursDone += done.reduce((s, d) => s + d.seconds, 0) / 3600;
      for (let i = done.length; i < config.memorise.probeFactors.length; i++)
        left.push(["candidate", config.memorise.maxSteps]);
    } else {
      const state = states.get(g.key);
      const mine = samples.filter((s) => s.group.key === g.key);
      e.runsDone += mine.length;
      e.hoursDone += mine.reduce((s, x) => s + x.seconds, 0) / 3600;
      const tuned = state?.tune != null;
      const memorise = g.task === "memorise";
      const cap = memorise ? Infinity : config.train.maxSteps;
      const togo = (role: Role, runKey: string) => {
        const expected = stepsPerRun(g, role);
        const done = memorise
          ? (probeSteps.get(runKey) ?? 0)
          : (checkpointSteps.get(checkpointKey(runKey, g.task, config)) ?? 0);
        e.stepsDone += done;
        left.push([role, Math.min(cap - done, Math.max(expected - done, done / 4))]);
      };
      if (!tuned) {
        // The rates the rule asks for next: missing start rates, or the next one beyond an edge.
        const decision = decideRate(state?.scores ?? new Map(), startRates(g.contender, config), config.tune.grid);
        if (decision.status === "need")
          for (const rate of decision.rates) togo(memorise ? "candidate" : "run", candidateKey(g, rate));
      }
      for (const seed of config.seeds) {
        // A fitting group's first seed is its chosen candidate's run (stored again when the rate is chosen).
        if (!memorise && seed === first && !tuned) continue;
        const key = seedRunKey(g, seed);
        if (state?.runs.has(key)) continue;
        togo(memorise ? (seed === first ? "first" : "later") : "run", key);
      }
    }
    if (left.length === 0) continue;
    e.runsLeft += left.length;
    const timing = msPerStep(g);
    if (timing === null || e.hoursLeft === null) {
      e.hoursLeft = null;
      continue;
    }
    if (timing.own) e.timedGroups++;
    else e.scaledGroups++;
    e.hoursLeft += left.reduce((s, [, steps]) => s + (steps * timing.ms) / 3.6e6, 0);
  }
  return [...out.values()];
}
