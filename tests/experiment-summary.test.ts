// Summaries for the capacity page: statistics, one row per budget point from real tiny-sweep
// records, and the page's row shapers and plain-words verdicts.
import {describe, expect, it} from "vitest";
import {createModel} from "../lib/model.js";
import {TINY} from "../lib/experiment/config.js";
import {
  candidateKey,
  checkpointKey,
  memoryStore,
  planExperiment,
  planGroups,
  runExperiment,
  seedRunKey
} from "../lib/experiment/run.js";
import type {ResultRecord, RunRecord, TaskKind, TrendProbeRecord} from "../lib/experiment/schema.js";
import {curves, runsUnderway, stat, summarise, timings, trendChecks} from "../lib/experiment/summary.js";
import {errorRows} from "../src/components/capacity/error-chart.js";
import {capacityRows} from "../src/components/capacity/memorise-chart.js";
import {curveRows} from "../src/components/capacity/curves-chart.js";
import {matchTableRows} from "../src/components/capacity/tables.js";

const config = {...TINY, seeds: [1, 2]};
const store = memoryStore();
runExperiment(config, {store, createModel});
// The seeds' runs (learning-rate candidates are not part of any summary).
const runs = store.all.filter((r): r is RunRecord => r.type === "run" && !r.candidate);
const summary = summarise(store.all, config);

describe("stat", () => {
  it("gives mean, sample standard deviation and extremes of the finite values", () => {
    const s = stat([1, 2, 3, 4, null, NaN, undefined])!;
    expect(s).toEqual({mean: 2.5, sd: Math.sqrt(5 / 3), min: 1, max: 4, n: 4});
    expect(stat([7])).toEqual({mean: 7, sd: 0, min: 7, max: 7, n: 1});
    expect(stat([null, Infinity])).toBeNull();
  });
});

describe("summarise", () => {
  it("has one row per task, budget point and contender, over both seeds", () => {
    const expected = new Set<string>();
    for (const item of planExperiment(config))
      for (const m of item.memberships) expected.add(`${item.task}|${m.budget}|${m.refWidth}|${item.contender.id}`);
    expect(new Set(summary.map((r) => `${r.task}|${r.budget}|${r.refWidth}|${r.contender}`))).toEqual(expected);
    for (const r of summary) expect(r.seeds).toEqual([1, 2]);
  });

  it("counts a run once when two sweeps sharing a file both recorded it", () => {
    const doubled = [...store.all, ...runs.slice(0, 5).map((r) => ({...r, seconds: r.seconds + 1}))];
    expect(summarise(doubled, config)).toEqual(summary);
    expect(curves(doubled)).toEqual(curves(store.all));
    expect(timings(doubled)).toEqual(timings(store.all));
  });

  it("averages exactly the runs of its point", () => {
    for (const row of summary.filter((r) => r.task !== "memorise").slice(0, 10)) {
      const own = runs.filter((r) => r.task === row.task && r.contender === row.contender && r.width === row.width);
      expect(own.length).toBe(2);
      // The reported error: the test error where the validation error was best.
      const values = own.map((r) => r.fit!.atBest!.test!);
      expect(row.final!.mean).toBeCloseTo((own[0].fit!.atPlateau.test! + own[1].fit!.atPlateau.test!) / 2, 12);
      expect(row.plateau!.mean).toBeCloseTo((values[0] + values[1]) / 2, 12);
      expect(row.plateau!.min).toBe(Math.min(...values));
      expect(row.capacity).toBeNull();
    }
    for (const row of summary.filter((r) => r.task === "memorise")) {
      const own = runs.filter((r) => r.task === "memorise" && r.contender === row.contender && r.width === row.width);
      expect(row.capacity!.mean).toBe((own[0].capacity!.largestFitted + own[1].capacity!.largestFitted) / 2);
      expect(row.plateau).toBeNull();
    }
  });

  it("ignores runs from other settings (their keys are not in the plan)", () => {
    const other = summarise(store.all, {...config, train: {...config.train, maxSteps: 31}});
    expect(other.filter((r) => r.task !== "memorise")).toEqual([]);
  });

  it("flattens curves and timings", () => {
    const points = curves(store.all);
    expect(points.length).toBe(runs.reduce((s, r) => s + (r.fit ? r.fit.curve.length : 0), 0));
    const t = timings(store.all);
    for (const row of t) expect(row.msPerSample.mean).toBeGreaterThan(0);
  });
});

describe("trendChecks", () => {
  const probes = store.all.filter((r): r is TrendProbeRecord => r.type === "trend-probe");
  it("has one row per probed trend, with its probes in factor order and a verdict that follows them", () => {
    const rows = trendChecks(store.all, config);
    expect(rows.length).toBe(new Set(probes.map((p) => p.key.slice(0, p.key.lastIndexOf("|")))).size);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.probes.map((p) => p.factor)).toEqual([...config.memorise.probeFactors].sort((a, b) => a - b));
      const [low, high] = row.probes;
      expect(low.n).toBe(Math.max(1, Math.round(row.predicted! * low.factor)));
      expect(row.verdict).toBe(!low.fitted ? "over" : high.fitted ? "under" : "holds");
    }
  });
  it("says which way a trend misses, and waits for a missing probe", () => {
    const first = probes[0];
    const base = first.key.slice(0, first.key.lastIndexOf("|"));
    const pair = probes.filter((p) => p.key.startsWith(base + "|")).sort((a, b) => a.factor - b.factor);
    const variant = (lowFits: boolean, highFits: boolean): ResultRecord[] => [
      {...pair[0], probe: {...pair[0].probe, fitted: lowFits}},
      {...pair[1], probe: {...pair[1].probe, fitted: highFits}}
    ];
    const verdict = (records: ResultRecord[]) =>
      trendChecks(records, config).find((r) => r.contender === first.contender && r.width === first.width)!.verdict;
    expect(verdict(variant(true, false))).toBe("holds");
    expect(verdict(variant(false, false))).toBe("over");
    expect(verdict(variant(true, true))).toBe("under");
    expect(verdict([pair[0]].map((p) => ({...p, probe: {...p.probe, fitted: true}})))).toBe("pending");
  });
  it("gives a trend whose searches fit no pairs a row that says there is no line", () => {
    // Every searched width's runs with capacity 0: the runner probes nothing, the summary says why.
    const zeroed = store.all
      .filter((r) => r.type !== "trend-probe")
      .map((r) =>
        r.type === "run" && r.task === "memorise" && r.capacity
          ? {...r, capacity: {...r.capacity, largestFitted: 0, smallestFailed: 1}}
          : r
      );
    const rows = trendChecks(zeroed, config);
    expect(rows.length).toBe(trendChecks(store.all, config).length);
    for (const row of rows) {
      expect(row.verdict).toBe("no line");
      expect(row.probes).toEqual([]);
      expect(row.predicted).toBeNull();
      expect(row.points.every((p) => p.capacity === 0 && !p.censored)).toBe(true);
    }
    // Without the searches' records there is no row at all (nothing is known yet).
    expect(
      trendChecks(
        zeroed.filter((r) => r.type !== "run"),
        config
      )
    ).toEqual([]);
  });
});

describe("the page's row shapers", () => {
  it("errorRows keeps one task and reads the chosen moment", () => {
    const rows = errorRows(summary, "smooth", "fixed");
    expect(rows.length).toBe(summary.filter((r) => r.task === "smooth" && r.fixed).length);
    const first = summary.find((r) => r.task === "smooth" && r.fixed)!;
    expect(rows[0].mean).toBe(first.fixed!.mean);
  });

  it("capacityRows keeps memorisation rows only", () => {
    const rows = capacityRows(summary);
    expect(rows.length).toBe(summary.filter((r) => r.task === "memorise").length);
    for (const r of rows) expect(r.perParameter).toBeCloseTo(r.mean / r.parameterCount, 1);
  });

  it("curveRows picks the models asked for and drops step 0", () => {
    const rows = curveRows(curves(store.all), "image", [
      {contender: "dense", width: runs.find((r) => r.task === "image" && r.kind === "dense")!.width}
    ]);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.contender).toBe("dense");
      expect(r.step).toBeGreaterThan(0);
    }
  });

  it("matchTableRows gives one row per contender with a width per budget", () => {
    const matches = [
      {
        refWidth: 65536,
        budget: "params",
        target: 524288,
        contender: "dense",
        width: 724,
        ratio: 1.0012,
        params: 0,
        edges: 0,
        macs: 0
      },
      {
        refWidth: 65536,
        budget: "edges",
        target: 2097152,
        contender: "dense",
        width: 1448,
        ratio: 0.9998,
        params: 0,
        edges: 0,
        macs: 0
      },
      {
        refWidth: 65536,
        budget: "params",
        target: 524288,
        contender: "butterfly",
        width: 16384,
        ratio: 0.9375,
        params: 0,
        edges: 0,
        macs: 0
      },
      {
        refWidth: 1024,
        budget: "params",
        target: 8192,
        contender: "dense",
        width: 90,
        ratio: 1,
        params: 0,
        edges: 0,
        macs: 0
      }
    ];
    expect(matchTableRows(matches, 65536)).toEqual([
      ["dense", "724", "1,448"],
      ["learned butterfly", "16,384 (×0.94)", "—"]
    ]);
  });
});

describe("timeTrainingSteps", () => {
  it("times every model for the rounds asked, after a warm-up step that trains it", async () => {
    const {timeTrainingSteps} = await import("../lib/experiment/timing.js");
    const spec = {kind: "switchnet4" as const, inputSize: 5, outputSize: 3, width: 16, depth: 2, seed: 4};
    const dense = {kind: "dense" as const, inputSize: 5, outputSize: 3, width: 7, depth: 2, seed: 4};
    const built: ReturnType<typeof createModel>[] = [];
    const results = timeTrainingSteps(
      [
        {label: "a", spec},
        {label: "b", spec: dense}
      ],
      (s) => {
        const m = createModel(s);
        built.push(m);
        return m;
      },
      {batchSize: 4, rounds: 3}
    );
    expect(results.map((r) => r.label)).toEqual(["a", "b"]);
    for (const r of results) {
      expect(r.rounds.length).toBe(3);
      expect(r.batchSize).toBe(4);
      expect([...r.rounds].sort((x, y) => x - y)[1]).toBe(r.msPerSample);
    }
    expect(results[1].parameterCount).toBe(createModel(dense).parameterCount);
    // 1 warm-up + 3 timed Adam steps moved the weights away from a fresh model's.
    const fresh = createModel(spec).params;
    expect(built[0].params.some((v, i) => v !== fresh[i])).toBe(true);
  });
});

describe("runsUnderway", () => {
  const at32 = planGroups(config).filter((g) => g.task !== "memorise" && g.memberships.some((m) => m.refWidth === 32));
  const only16 = planGroups(config).find(
    (g) => g.task !== "memorise" && !g.memberships.some((m) => m.refWidth === 32)
  )!;
  const [a, b] = at32;
  const ck = (key: string, task: TaskKind, learningRate: number, seed: number, step: number, atCap = false) => ({
    tag: {key: checkpointKey(key, task, config), learningRate, seed},
    step,
    atCap
  });

  it("names the suspended candidates and seed runs of the reference width, and nothing else", () => {
    const found = runsUnderway(config, 32, [
      ck(candidateKey(a, 0.01), a.task, 0.01, 1, 12),
      ck(seedRunKey(b, 2), b.task, 0.03, 2, 20),
      ck(seedRunKey(a, 2), a.task, 0.01, 2, 30, true), // at the cap: the run has its record
      ck(candidateKey(only16, 0.01), only16.task, 0.01, 1, 5), // another reference width
      ck(candidateKey(a, 0.02), a.task, 0.02, 1, 5), // a rate off the grid: no run of the plan
      {tag: {key: "fit|something|else", learningRate: 0.01, seed: 1}, step: 3, atCap: false}
    ]);
    const expected = [
      {task: a.task, contender: a.contender.id, width: a.width, candidate: true, seed: 1, learningRate: 0.01, step: 12},
      {task: b.task, contender: b.contender.id, width: b.width, candidate: false, seed: 2, learningRate: 0.03, step: 20}
    ].map((r) => ({...r, maxSteps: config.train.maxSteps}));
    expect(found).toEqual(expect.arrayContaining(expected));
    expect(found.length).toBe(2);
    expect(runsUnderway(config, 32, [])).toEqual([]);
    expect(runsUnderway(config, 16, [ck(candidateKey(only16, 0.01), only16.task, 0.01, 1, 5)])).toMatchObject([
      {contender: only16.contender.id, width: only16.width, step: 5}
    ]);
  });
});
