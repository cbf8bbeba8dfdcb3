// The dry run's CPU-hour estimate (lib/experiment/estimate.ts) on the records of a real tiny sweep:
// finished work counts as done, what is missing is priced from the nearest timed group's steps and
// milliseconds per step (scaled by step cost), suspended runs and saved probes count off.
import {beforeAll, describe, expect, it} from "vitest";
import {createModel} from "../lib/model.js";
import {ready} from "../lib/wht.js";
import {TINY, type ExperimentConfig} from "../lib/experiment/config.js";
import {estimateHours} from "../lib/experiment/estimate.js";
import {
  candidateKey,
  checkpointKey,
  memoryStore,
  planGroups,
  planTrendProbes,
  runExperiment,
  seedRunKey,
  startRates,
  stepCost,
  trendProbeAsGroup,
  type PlanGroup
} from "../lib/experiment/run.js";
import {median} from "../lib/experiment/trend.js";
import type {ResultRecord, RunRecord} from "../lib/experiment/schema.js";

const config: ExperimentConfig = {...TINY, contenders: ["switchnet4-m4", "dense"], tasks: ["smooth", "memorise"]};
const isRun = (r: ResultRecord): r is RunRecord => r.type === "run";
const steps = (r: RunRecord) =>
  r.capacity !== null ? r.capacity.probes.reduce((s, p) => s + p.steps, 0) : r.fit!.optimizerSteps;

describe("estimateHours", () => {
  let records: ResultRecord[] = [];
  const groups = planGroups(config);
  const trends = planTrendProbes(config, groups).map(trendProbeAsGroup);
  const all = [...groups, ...trends];
  const group = (task: string, contender: string, width: number): PlanGroup =>
    groups.find((g) => g.task === task && g.contender.id === contender && g.width === width)!;
  beforeAll(async () => {
    await ready();
    const store = memoryStore();
    runExperiment(config, {store, createModel});
    records = store.all;
  });

  it("counts a finished sweep as done, with its recorded seconds", () => {
    const byTask = new Map(estimateHours(config, all, records).map((e) => [e.task, e]));
    for (const task of ["smooth", "memorise", "probe"] as const) {
      const e = byTask.get(task)!;
      expect(e.runsLeft).toBe(0);
      expect(e.hoursLeft).toBe(0);
    }
    // Each run made once: a fitting group's first seed is its chosen candidate's run.
    const made = records
      .filter(isRun)
      .filter((r) => r.task === "smooth" && (r.candidate === true || r.seed !== config.seeds[0]));
    const smooth = byTask.get("smooth")!;
    expect(smooth.runsDone).toBe(made.length);
    expect(smooth.hoursDone).toBeCloseTo(made.reduce((s, r) => s + r.seconds, 0) / 3600, 12);
    const probes = records.filter((r) => r.type === "trend-probe");
    expect(byTask.get("probe")!.runsDone).toBe(probes.length);
    expect(probes.length).toBeGreaterThan(0);
  });

  it("prices a missing group from the nearest timed width of the same contender, scaled by step cost", () => {
    // Drop every record of Switch Net 4 at the widest smooth width: its start rates and seeds are left.
    const widest = Math.max(
      ...groups.filter((g) => g.task === "smooth" && g.contender.id === "switchnet4-m4").map((g) => g.width)
    );
    const g = group("smooth", "switchnet4-m4", widest);
    const kept = records.filter(
      (r) => !(r.type === "tune" && r.key === g.key) && !(isRun(r) && r.learningRateFrom === g.key)
    );
    const [e] = estimateHours(config, [g], kept);
    const left = startRates(g.contender, config).length + config.seeds.length - 1;
    expect(e.runsLeft).toBe(left);
    expect(e.scaledGroups).toBe(1);
    expect(e.timedGroups).toBe(0);
    // The nearest other Switch Net 4 group by step cost, on any task, gives the milliseconds per step;
    // every finished smooth run the steps per run.
    const cost = (x: PlanGroup) => stepCost(config, x.task, x.contender, x.width);
    const others = groups.filter((x) => x.contender.id === "switchnet4-m4" && x.key !== g.key);
    const byCost = [...others].sort(
      (a, b) => Math.abs(Math.log(cost(a) / cost(g))) - Math.abs(Math.log(cost(b) / cost(g)))
    );
    const made = (x: PlanGroup) =>
      kept
        .filter(isRun)
        .filter(
          (r) =>
            r.learningRateFrom === x.key &&
            (r.task === "memorise" || r.candidate === true || r.seed !== config.seeds[0])
        );
    const timed = byCost.find((x) => made(x).length > 0)!;
    const ms = (median(made(timed).map((r) => r.msPerStep)) * cost(g)) / cost(timed);
    const perRun = median(groups.filter((x) => x.task === "smooth").flatMap((x) => made(x).map(steps)));
    expect(e.hoursLeft).toBeCloseTo((left * perRun * ms) / 3.6e6, 12);
    expect(e.hoursLeft).toBeGreaterThan(0);

    // A suspended candidate counts its steps off (at least a quarter of them stays to go).
    const rate = startRates(g.contender, config)[0];
    const done = Math.floor(perRun / 2);
    const suspended = new Map([[checkpointKey(candidateKey(g, rate), g.task, config), done]]);
    const [f] = estimateHours(config, [g], kept, suspended);
    expect(f.stepsDone).toBe(done);
    expect(f.hoursLeft).toBeCloseTo(((left * perRun - done) * ms) / 3.6e6, 12);
    const far = new Map([[checkpointKey(seedRunKey(g, config.seeds[1]), g.task, config), 4 * perRun]]);
    const [h] = estimateHours(config, [g], kept, far);
    // 4·perRun done: max(perRun − 4·perRun, perRun) = perRun to go, within the cap.
    const rest = Math.min(config.train.maxSteps - 4 * perRun, perRun);
    expect(h.hoursLeft).toBeCloseTo((((left - 1) * perRun + rest) * ms) / 3.6e6, 12);
  });

  it("counts the rate the rule asks for next when the best candidate sits at the grid's edge", () => {
    const g = groups.find((x) => x.task === "smooth" && x.contender.id === "switchnet4-m4")!;
    const start = startRates(g.contender, config);
    const lowest = Math.min(...start);
    // The group's candidates with the lowest start rate made the clear winner; no rate chosen yet.
    const edited = records
      .filter((r) => !(r.type === "tune" && r.key === g.key))
      .filter((r) => !(isRun(r) && r.learningRateFrom === g.key && r.candidate !== true))
      .map((r) => {
        if (!isRun(r) || r.learningRateFrom !== g.key) return r;
        const copy = structuredClone(r);
        copy.fit!.atBest!.validation = r.learningRate === lowest ? 0.001 : 0.5;
        return copy;
      });
    const below = config.tune.grid.filter((x) => x < lowest);
    expect(below.length).toBeGreaterThan(0);
    const [e] = estimateHours(config, [g], edited);
    // the next grid rate below, then the later seeds (the first seed's run is the chosen candidate's)
    expect(e.runsLeft).toBe(1 + config.seeds.length - 1);
    const [f] = estimateHours(
      config,
      [g],
      edited.filter((r) => !(isRun(r) && r.learningRateFrom === g.key && r.learningRate === start[1]))
    );
    // a missing start rate comes first, before any widening
    expect(f.runsLeft).toBe(1 + config.seeds.length - 1);
  });

  it("tells memorisation's candidates, first seed and later seeds apart, and counts saved probes off", () => {
    const g = group(
      "memorise",
      "switchnet4-m4",
      Math.max(...groups.filter((x) => x.task === "memorise" && x.contender.id === "switchnet4-m4").map((x) => x.width))
    );
    const mine = records.filter(isRun).filter((r) => r.learningRateFrom === g.key);
    // Keep the candidates and the rate choice; drop the seeds' searches and their saved probes.
    const kept = records.filter(
      (r) =>
        !(isRun(r) && r.learningRateFrom === g.key && r.candidate !== true) &&
        !(r.type === "memorise-probe" && mine.some((m) => m.key === r.run))
    );
    const [e] = estimateHours(config, [g], kept);
    expect(e.runsLeft).toBe(config.seeds.length);
    expect(e.timedGroups).toBe(1);
    // Own candidates time it; the seeds' steps are the medians of every other memorisation search's,
    // first seed and later seeds apart.
    const ms = median(mine.filter((r) => r.candidate === true).map((r) => r.msPerStep));
    const seedRuns = (seed: (s: number) => boolean) =>
      records
        .filter(isRun)
        .filter((r) => r.task === "memorise" && r.learningRateFrom !== g.key && r.candidate !== true && seed(r.seed));
    const firstSteps = median(seedRuns((s) => s === config.seeds[0]).map(steps));
    const laterSteps = median(seedRuns((s) => s !== config.seeds[0]).map(steps));
    expect(firstSteps).toBeGreaterThan(laterSteps); // a later seed starts at the first seed's capacity
    expect(e.hoursLeft).toBeCloseTo(((firstSteps + (config.seeds.length - 1) * laterSteps) * ms) / 3.6e6, 12);

    // The first seed's saved probes count off its search.
    const firstKey = seedRunKey(g, config.seeds[0]);
    const saved = records.filter((r) => r.type === "memorise-probe" && r.run === firstKey);
    expect(saved.length).toBeGreaterThan(0);
    const [f] = estimateHours(config, [g], [...kept, ...saved]);
    const savedSteps = saved.reduce((s, r) => s + (r.type === "memorise-probe" ? r.probe.steps : 0), 0);
    expect(f.stepsDone).toBe(savedSteps);
    const firstLeft = Math.max(firstSteps - savedSteps, savedSteps / 4);
    expect(f.hoursLeft).toBeCloseTo(((firstLeft + (config.seeds.length - 1) * laterSteps) * ms) / 3.6e6, 12);
  });

  it("says nothing about hours before any run is timed, and counts every start rate and seed", () => {
    const byTask = new Map(estimateHours(config, all, []).map((e) => [e.task, e]));
    const fitting = groups.filter((g) => g.task === "smooth");
    const memorise = groups.filter((g) => g.task === "memorise");
    const rates = (g: PlanGroup) => startRates(g.contender, config).length;
    expect(byTask.get("smooth")!.runsLeft).toBe(fitting.reduce((s, g) => s + rates(g) + config.seeds.length - 1, 0));
    expect(byTask.get("memorise")!.runsLeft).toBe(memorise.reduce((s, g) => s + rates(g) + config.seeds.length, 0));
    expect(byTask.get("probe")!.runsLeft).toBe(trends.length * config.memorise.probeFactors.length);
    for (const e of byTask.values()) {
      expect(e.hoursLeft).toBeNull();
      expect(e.runsDone).toBe(0);
    }
  });
});
