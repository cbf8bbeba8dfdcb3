// A tiny configuration of the whole capacity experiment: every planned run lands in the store,
// every record passes the schema, reported counts match the models, rates are chosen by the
// rule, runs are reproducible, a killed sweep resumes without redoing finished runs and two
// processes share the work. Also the fit metrics and the stop rule on known values.
import {beforeAll, describe, expect, it} from "vitest";
import {createModel} from "../lib/model.js";
import {kernelMemoryStats} from "../lib/wasm/memory.js";
import {ready} from "../lib/wht.js";
import type {DisposableModel} from "../lib/types.js";
import {layerBudget, matchContenders, parseContender} from "../lib/experiment/budget.js";
import {TINY, checkConfig, type ExperimentConfig} from "../lib/experiment/config.js";
import {evaluate, fit, nmse} from "../lib/experiment/fit.js";
import {
  decideRate,
  memoryStore,
  modelSpec,
  type ResultStore,
  planExperiment,
  planGroups,
  planTrendProbes,
  runExperiment,
  settingsHash,
  startRates,
  trendPoints,
  trendProbeKey,
  timeSteps,
  trendProbeRun,
  worstSeconds
} from "../lib/experiment/run.js";
import {
  validateRecord,
  type MemoriseProbeRecord,
  type ResultRecord,
  type RunRecord,
  type TrendProbeRecord,
  type TuneRecord
} from "../lib/experiment/schema.js";
import {fitTrend} from "../lib/experiment/trend.js";
import {splitValidation, taskDataset, taskShape} from "../lib/experiment/tasks.js";

const config: ExperimentConfig = {...TINY, seeds: [1]};

function runs(records: ReturnType<typeof memoryStore>["all"]): RunRecord[] {
  return records.filter((r): r is RunRecord => r.type === "run");
}

/** A record without its wall-clock fields, for reproducibility checks. */
function results(r: RunRecord): unknown {
  const {seconds, msPerStep, date, ...rest} = r;
  void seconds;
  void msPerStep;
  void date;
  return JSON.parse(JSON.stringify(rest, (k, v) => (k === "seconds" ? undefined : v)));
}

describe("the tiny experiment", () => {
  const store = memoryStore();
  const first = runExperiment(config, {store, createModel});
  const plan = planExperiment(config);
  const groups = planGroups(config);
  const tunes = store.all.filter((r): r is TuneRecord => r.type === "tune");
  const candidates = runs(store.all).filter((r) => r.candidate);
  const finals = runs(store.all).filter((r) => !r.candidate);
  const trendProbes = store.all.filter((r): r is TrendProbeRecord => r.type === "trend-probe");

  it("runs every planned seed once, after the candidates, and every record passes the schema", () => {
    const keys = finals.map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(keys)).toEqual(new Set(plan.map((p) => p.key)));
    expect(first.skipped).toBe(0);
    // Fitting tasks reuse the chosen candidate as the first seed's run; memorisation runs every seed.
    const reused = groups.filter((g) => g.task !== "memorise").length;
    expect(first.ran).toBe(candidates.length + plan.length - reused + trendProbes.length);
    for (const r of store.all) expect(() => validateRecord(JSON.parse(JSON.stringify(r)))).not.toThrow();
  });

  it("reports parameter counts and layer counts that match the models", () => {
    for (const r of runs(store.all)) {
      const contender = parseContender(r.contender);
      const spec = modelSpec(contender, r.width, r.depth, r.inputSize, r.outputSize, r.seed, config.placement);
      expect(r.parameterCount, r.key).toBe(createModel(spec).parameterCount);
      expect(r.layer).toEqual(layerBudget(contender, r.width));
      expect(r.inputSize).toBe(taskShape(r.task, config).inputSize);
      if (contender.kind !== "dense") {
        expect(r.projectionRounds).toBe(contender.rounds);
        expect(r.projection).toBe(contender.rounds > 1 ? "random" : "subrandom");
      }
    }
  });

  it("puts every allowed contender at every budget point with the matched width", () => {
    const contenders = config.contenders.map(parseContender);
    for (const task of config.tasks) {
      for (const refWidth of config.refWidths) {
        if (task === "memorise" && refWidth > config.memorise.maxRefWidth) continue;
        const allowed = contenders.filter((c) => refWidth <= (config.contenderMaxRefWidth[c.id] ?? Infinity));
        expect(allowed.length).toBeLessThanOrEqual(contenders.length);
        for (const budget of config.budgets) {
          const minWidth = Math.max(taskShape(task, config).inputSize, taskShape(task, config).outputSize);
          for (const m of matchContenders(refWidth, budget, allowed)) {
            const width =
              m.contender.kind !== "dense" && m.width < minWidth ? 2 ** Math.ceil(Math.log2(minWidth)) : m.width;
            const group = groups.find((g) => g.task === task && g.contender.id === m.contender.id && g.width === width);
            expect(group, `${task} ${budget}@${refWidth} ${m.contender.id}`).toBeDefined();
            expect(group!.memberships.some((x) => x.budget === budget && x.refWidth === refWidth)).toBe(true);
          }
        }
      }
    }
    // The contender limited to reference width 16 never stands at 32.
    expect(groups.some((g) => g.contender.id === "filterbank-r2" && g.memberships.some((m) => m.refWidth === 32))).toBe(
      false
    );
  });

  it("runs the first reference widths first", () => {
    const firstBlock = groups.findIndex((g) => !g.memberships.some((m) => config.firstRefWidths.includes(m.refWidth)));
    expect(firstBlock).toBeGreaterThan(0);
    expect(
      groups.slice(firstBlock).some((g) => g.memberships.some((m) => config.firstRefWidths.includes(m.refWidth)))
    ).toBe(false);
  });

  it("chooses each rate from full candidate runs: the best validation score, with tried neighbours on both sides or at the grid's end", () => {
    expect(new Set(tunes.map((t) => t.key)).size).toBe(tunes.length);
    expect(tunes.length).toBe(groups.length);
    for (const g of groups) {
      const tune = tunes.find((t) => t.key === g.key)!;
      const tried = tune.candidates.map((c) => c.learningRate);
      for (const r of startRates(g.contender, config)) expect(tried).toContain(r);
      const best = Math.min(...tune.candidates.map((c) => c.score));
      expect(tune.candidates.find((c) => c.learningRate === tune.chosen)!.score, g.key).toBe(best);
      const lower = tried.some((r) => r < tune.chosen);
      const higher = tried.some((r) => r > tune.chosen);
      const grid = config.tune.grid;
      expect(lower || tune.chosen === grid[0], g.key).toBe(true);
      expect(higher || tune.chosen === grid[grid.length - 1], g.key).toBe(true);
      expect(tune.edge).toBe(!lower ? "low" : !higher ? "high" : null);
      // Each candidate's score is the best validation error its own run reached.
      for (const c of tune.candidates) {
        const run = candidates.find((r) => r.key === c.key)!;
        expect(run.learningRate).toBe(c.learningRate);
        if (run.fit) expect(c.score).toBe(Math.min(...run.fit.curve.map((p) => p.validation ?? Infinity)));
      }
      for (const r of finals.filter((x) => x.learningRateFrom === g.key)) expect(r.learningRate).toBe(tune.chosen);
    }
  });

  it("stores the chosen candidate's run again as the first seed's run of a fitting task", () => {
    for (const g of groups.filter((x) => x.task !== "memorise")) {
      const tune = tunes.find((t) => t.key === g.key)!;
      const chosen = candidates.find((r) => r.learningRateFrom === g.key && r.learningRate === tune.chosen)!;
      const seed1 = finals.find((r) => r.learningRateFrom === g.key && r.seed === config.seeds[0])!;
      expect({...seed1, key: chosen.key, candidate: true}).toEqual(chosen);
    }
  });

  it("records the fixed-budget, best and plateau snapshots of fitting runs, and capacities for memorisation", () => {
    for (const r of finals) {
      if (r.task === "memorise") {
        expect(r.fit).toBeNull();
        const c = r.capacity!;
        const fitted = c.probes.filter((p) => p.fitted).map((p) => p.n);
        expect(c.largestFitted).toBe(fitted.length ? Math.max(...fitted) : 0);
        for (const p of c.probes) if (p.fitted) expect(p.error).toBeLessThanOrEqual(c.threshold);
      } else {
        const f = r.fit!;
        expect(f.curve[0].step).toBe(0);
        expect(f.atPlateau).toEqual(f.curve[f.curve.length - 1]);
        expect(f.curve).toContainEqual(f.atBest);
        expect(f.atBest!.validation).toBe(Math.min(...f.curve.map((p) => p.validation!)));
        if (f.atFixed) expect(f.atFixed.step).toBe(config.train.fixedSteps);
        expect(f.optimizerSteps).toBeLessThanOrEqual(config.train.maxSteps);
        expect(f.plateauReached || f.optimizerSteps === config.train.maxSteps).toBe(true);
      }
    }
  });

  it("tests the memorisation trend above the searched widths: a probe each side of its prediction", () => {
    const trends = planTrendProbes(config);
    // Switch Net 4 (1 and 2 rounds) shares one probe among its three budgets; dense has one per budget.
    expect(trends.map((t) => `${t.contender.id} w${t.width} ${t.memberships.map((m) => m.budget).join(",")}`)).toEqual([
      "switchnet4-m4 w64 params,edges,macs",
      "switchnet4-m4-r2 w64 params,edges,macs",
      "dense w22 params",
      "dense w28 edges",
      "dense w16 macs"
    ]);
    const factors = config.memorise.probeFactors;
    // A line needs two searched widths with a capacity above 0 (tiny dense models can fit none).
    const testable = trends.filter((t) => trendPoints(t, config, store.all)!.filter((p) => p.capacity > 0).length >= 2);
    expect(testable.length).toBeGreaterThan(0);
    expect(new Set(trendProbes.map((r) => r.key))).toEqual(
      new Set(testable.flatMap((t) => factors.map((f) => trendProbeKey(t, f))))
    );
    for (const t of testable) {
      const points = trendPoints(t, config, store.all)!;
      // Each point is the searched group's capacity, at the last trendPoints searched reference widths.
      expect(points.map((p) => p.refWidth)).toEqual([16, 32]);
      for (const [i, p] of points.entries()) {
        const seeds = finals
          .filter((r) => r.learningRateFrom === t.sources[i].group.key)
          .map((r) => r.capacity!.largestFitted);
        expect(p.seeds).toEqual(seeds);
        expect(p.width).toBe(t.sources[i].group.width);
      }
      const widest = tunes.find((x) => x.key === t.sources[1].group.key)!;
      for (const f of factors) {
        const r = trendProbes.find((x) => x.key === trendProbeKey(t, f))!;
        const line = fitTrend(points, 64);
        expect(r.trend.slope).toBeCloseTo(line.slope, 12);
        expect(r.trend.predicted).toBeCloseTo(line.predicted, 9);
        expect(r.probe.n).toBe(Math.max(1, Math.round(line.predicted * f)));
        expect(r.learningRate).toBe(widest.chosen);
        expect(r.probe.fitted).toBe(r.probe.error <= config.memorise.threshold);
        expect(() => validateRecord(JSON.parse(JSON.stringify(r)))).not.toThrow();
        // The same probe again gives the same numbers.
        const again = trendProbeRun(t, config, f, points, widest.chosen, createModel);
        expect({...again.probe, seconds: 0}).toEqual({...r.probe, seconds: 0});
      }
    }
  });

  it("runs a trend's probes only once every seed of its searched widths is done", () => {
    const trends = planTrendProbes(config);
    const source = trends[0].sources[1].group.key;
    const without = store.all.filter(
      (r) => r.type !== "trend-probe" && !(r.type === "run" && !r.candidate && r.learningRateFrom === source)
    );
    expect(trendPoints(trends[0], config, without)).toBeNull();
    const resumed = memoryStore(without);
    const second = runExperiment(config, {store: resumed, createModel, filter: (g) => g.key === trends[0].key});
    expect(second.ran).toBe(0);
    const third = runExperiment(config, {
      store: memoryStore(store.all.filter((r) => r.type !== "trend-probe")),
      createModel
    });
    expect(third.ran).toBe(trendProbes.length);
  });

  it("is reproducible: a second sweep from scratch gives the same numbers", () => {
    const again = memoryStore();
    runExperiment({...config, tasks: ["smooth", "memorise"]}, {store: again, createModel});
    for (const r of runs(again.all)) {
      const original = runs(store.all).find((o) => o.key === r.key)!;
      expect(results(r)).toEqual(results(original));
    }
  });

  it("resumes: finished runs are skipped and only missing ones run", () => {
    // Drop one memorisation run, and one fitting group's choice with its chosen candidate and first-seed run.
    const later = finals.filter((r) => r.task === "memorise").at(-1)!; // memorisation runs every seed itself
    const g = groups.find((x) => x.task !== "memorise")!;
    const tune = tunes.find((t) => t.key === g.key)!;
    const chosen = candidates.find((r) => r.learningRateFrom === g.key && r.learningRate === tune.chosen)!;
    const seed1 = finals.find((r) => r.learningRateFrom === g.key && r.seed === config.seeds[0])!;
    const dropped = new Set<ResultRecord>([later, tune, chosen, seed1]);
    const resumed = memoryStore(store.all.filter((r) => !dropped.has(r)));
    const second = runExperiment(config, {store: resumed, createModel});
    expect(second.ran).toBe(2);
    expect(new Set(runs(resumed.all).map((r) => r.key))).toEqual(new Set(runs(store.all).map((r) => r.key)));
    expect(resumed.all.filter((r) => r.type === "tune").length).toBe(tunes.length);
    expect(results(runs(resumed.all).find((r) => r.key === seed1.key)!)).toEqual(results(seed1));
  });

  it("skips work another process finished meanwhile (store.reload)", () => {
    // The other process has written the first half of the records by the time this one looks.
    const theirs = store.all.slice(0, Math.floor(store.all.length / 2));
    const shared = memoryStore();
    const result = runExperiment(config, {store: {...shared, reload: () => [...theirs, ...shared.all]}, createModel});
    const mine = runs(shared.all).map((r) => r.key);
    expect(new Set(mine).size).toBe(mine.length);
    for (const r of runs(theirs)) expect(mine.includes(r.key), r.key).toBe(false);
    expect(result.ran).toBeLessThan(first.ran);
    const all = new Set([...mine, ...runs(theirs).map((r) => r.key)]);
    for (const p of plan) expect(all.has(p.key), p.key).toBe(true);
  });

  it("leaves work claimed by another process to it, and waits while all open work is claimed", () => {
    const small: ExperimentConfig = {
      ...config,
      tasks: ["smooth"],
      refWidths: [16],
      contenders: ["dense"],
      budgets: ["edges"]
    };
    const held = new Set<string>();
    const base = memoryStore();
    let sleeps = 0;
    const plan16 = planGroups(small);
    // The other process holds every first-round candidate until this one has waited twice, then finishes them.
    const other = runs(store.all).filter((r) => r.candidate && r.learningRateFrom === plan16[0].key);
    for (const r of other) held.add(r.key);
    let theirs: ResultRecord[] = [];
    const result = runExperiment(small, {
      createModel,
      store: {
        ...base,
        reload: () => [...theirs, ...base.all],
        claim: (key) => !held.has(key),
        release: () => undefined
      },
      sleep: () => {
        if (++sleeps === 2) {
          theirs = other;
          held.clear();
        }
      }
    });
    expect(sleeps).toBe(2);
    for (const r of runs(base.all))
      expect(
        other.some((o) => o.key === r.key),
        r.key
      ).toBe(false);
    expect(result.stopped).toBe(false);
    expect(runs(base.all).filter((r) => !r.candidate).length).toBe(small.seeds.length);
  });

  it("reports progress with an ETA that the processes sharing the plan divide among them", () => {
    const small: ExperimentConfig = {
      ...config,
      tasks: ["smooth"],
      refWidths: [16],
      contenders: ["dense"],
      budgets: ["edges"]
    };
    const etas = (sharedBy: number) => {
      let t = 0;
      const seen: (number | null)[] = [];
      runExperiment(small, {
        store: memoryStore(),
        createModel,
        clock: () => (t += 1),
        sharedBy,
        onProgress: (p) => seen.push(p.etaSeconds)
      });
      return seen;
    };
    const one = etas(1);
    expect(one[0]).toBeNull(); // nothing finished yet: no speed to go by
    expect(one.some((e) => e !== null && e > 0)).toBe(true);
    expect(etas(2)).toEqual(one.map((e) => (e === null ? null : e / 2)));
    expect(() => runExperiment(small, {store: memoryStore(), createModel, sharedBy: 0})).toThrow(/sharedBy must be/);
  });

  it("stops cleanly between runs when asked", () => {
    let calls = 0;
    const r = runExperiment(config, {store: memoryStore(), createModel, shouldStop: () => ++calls > 3});
    expect(r.stopped).toBe(true);
    expect(r.ran).toBe(3);
  });

  it("rejects a bad config before running anything", () => {
    const store2 = memoryStore();
    expect(() => runExperiment({...config, refWidths: [48]}, {store: store2, createModel})).toThrow(
      /refWidths\[0\] must be a power of two/
    );
    expect(() => checkConfig({...config, tasks: ["sing" as never]})).toThrow(/tasks must hold only/);
    expect(() => checkConfig({...config, tune: {...config.tune, grid: [0.1, 0.01]}})).toThrow(
      /tune.grid must be ascending, got 0.1 then 0.01/
    );
    expect(() => checkConfig({...config, tune: {...config.tune, startWht: [0.5]}})).toThrow(
      /tune.startWht must hold rates from tune.grid, got 0.5/
    );
    expect(() => checkConfig({...config, contenders: ["dense-r2"]})).toThrow(/dense has no input projection/);
    expect(store2.all).toEqual([]);
  });
});

describe("decideRate", () => {
  const grid = [0.001, 0.003, 0.01, 0.03, 0.1];
  const scores = (entries: [number, number][]) => new Map(entries);

  it("asks for the start rates first", () => {
    expect(decideRate(scores([[0.01, 1]]), [0.003, 0.01, 0.03], grid)).toEqual({status: "need", rates: [0.003, 0.03]});
  });

  it("chooses an interior best, and widens past an edge that wins", () => {
    expect(
      decideRate(
        scores([
          [0.003, 2],
          [0.01, 1],
          [0.03, 3]
        ]),
        [0.003, 0.01, 0.03],
        grid
      )
    ).toEqual({status: "chosen", learningRate: 0.01, edge: null});
    expect(
      decideRate(
        scores([
          [0.003, 2],
          [0.01, 1.5],
          [0.03, 1]
        ]),
        [0.003, 0.01, 0.03],
        grid
      )
    ).toEqual({status: "need", rates: [0.1]});
    expect(
      decideRate(
        scores([
          [0.003, 1],
          [0.01, 1.5],
          [0.03, 2]
        ]),
        [0.003, 0.01, 0.03],
        grid
      )
    ).toEqual({status: "need", rates: [0.001]});
  });

  it("says when the grid's end is chosen", () => {
    const s = scores([
      [0.03, 2],
      [0.1, 1]
    ]);
    expect(decideRate(s, [0.03, 0.1], grid)).toEqual({status: "chosen", learningRate: 0.1, edge: "high"});
    expect(
      decideRate(
        scores([
          [0.001, 1],
          [0.003, 2]
        ]),
        [0.001, 0.003],
        grid
      )
    ).toEqual({status: "chosen", learningRate: 0.001, edge: "low"});
  });

  it("breaks ties toward the middle of the tied rates, and steps down when every rate diverged", () => {
    expect(
      decideRate(
        scores([
          [0.003, 0],
          [0.01, 0],
          [0.03, 0]
        ]),
        [0.003, 0.01, 0.03],
        grid
      )
    ).toEqual({status: "chosen", learningRate: 0.01, edge: null});
    expect(
      decideRate(
        scores([
          [0.01, Infinity],
          [0.03, Infinity]
        ]),
        [0.01, 0.03],
        grid
      )
    ).toEqual({status: "need", rates: [0.003]});
    expect(
      decideRate(
        scores([
          [0.003, 1],
          [0.01, Infinity],
          [0.03, Infinity]
        ]),
        [0.003, 0.01, 0.03],
        grid
      )
    ).toEqual({status: "need", rates: [0.001]});
  });
});

describe("fit metrics", () => {
  it("nmse is 0 for a perfect fit and 1 for predicting each output's mean", () => {
    const y = new Float32Array([1, 10, 3, 20, 5, 30]);
    expect(nmse(y, y, 3)).toBe(0);
    expect(nmse(new Float32Array([3, 20, 3, 20, 3, 20]), y, 3)).toBeCloseTo(1, 12);
    // Error of 1 on every value: 6 / (8 + 200).
    expect(
      nmse(
        y.map((v) => v + 1),
        y,
        3
      )
    ).toBeCloseTo(6 / 208, 12);
  });

  it("evaluate matches a direct computation, and fit is reproducible from its seed", () => {
    const data = taskDataset("classify", config, 2);
    const shape = taskShape("classify", config);
    const make = () =>
      createModel({
        kind: "dense",
        inputSize: shape.inputSize,
        outputSize: shape.outputSize,
        width: 12,
        depth: 2,
        seed: 5
      });
    const model = make();
    const out = model.forward(data.test.x, data.test.n);
    let wrong = 0;
    for (let i = 0; i < data.test.n; i++) {
      const row = Array.from(out.subarray(i * shape.outputSize, (i + 1) * shape.outputSize));
      if (row.indexOf(Math.max(...row)) !== data.test.labels![i]) wrong++;
    }
    expect(evaluate(model, data.test, "error-rate", data.test.n, 5)).toBeCloseTo(wrong / data.test.n, 12);
    const options = {
      learningRate: 0.03,
      batchSize: 8,
      seed: 9,
      loss: shape.loss,
      metric: shape.metric,
      fixedSteps: 20,
      maxSteps: 60,
      evalEvery: 20,
      patience: 5
    };
    const a = fit(make(), data, options);
    const b = fit(make(), data, options);
    expect(a.curve).toEqual(b.curve);
    expect(a.curve.map((p) => p.step)).toEqual([0, 20, 40, 60]);
    expect(a.atPlateau.trainLoss).toBeLessThan(a.curve[1].trainLoss);
  });

  it("warms the learning rate up linearly: Adam's first step moves each weight by rate / warmupSteps", () => {
    const data = taskDataset("smooth", config, 1);
    const shape = taskShape("smooth", config);
    const make = () =>
      createModel({
        kind: "dense",
        inputSize: shape.inputSize,
        outputSize: shape.outputSize,
        width: 12,
        depth: 2,
        seed: 5
      });
    const options = {
      learningRate: 0.02,
      batchSize: 8,
      seed: 9,
      loss: shape.loss,
      metric: shape.metric,
      fixedSteps: 0,
      evalEvery: 5,
      patience: 50
    };
    // One step: Adam's bias-corrected first update is ±rate for every weight whose gradient is not 0.
    const model = make();
    const before = Float32Array.from(model.params);
    fit(model, data, {...options, maxSteps: 1, evalEvery: 1, warmupSteps: 10});
    const moved = Array.from(model.params, (p, i) => Math.abs(p - before[i])).filter((d) => d > 0);
    expect(moved.length).toBeGreaterThan(model.params.length / 2);
    for (const d of moved) expect(d).toBeCloseTo(0.02 / 10, 5);
    // The rate in use at each evaluation: step / warmupSteps of the rate, then the rate itself.
    const warm = fit(make(), data, {...options, maxSteps: 20, warmupSteps: 10});
    expect(warm.curve.map((p) => [p.step, p.learningRate])).toEqual([
      [0, 0.02],
      [5, 0.01],
      [10, 0.02],
      [15, 0.02],
      [20, 0.02]
    ]);
    // No warm-up and warmupSteps 0 are the same run, and a warm-up changes the run.
    const plain = fit(make(), data, {...options, maxSteps: 20});
    expect(fit(make(), data, {...options, maxSteps: 20, warmupSteps: 0}).curve).toEqual(plain.curve);
    expect(warm.curve[4].trainLoss).not.toBe(plain.curve[4].trainLoss);
    expect(() => fit(make(), data, {...options, maxSteps: 20, warmupSteps: -1})).toThrow(/warmupSteps must be/);
  });

  it("stops as soon as the target is reached", () => {
    const data = taskDataset("smooth", config, 1);
    const shape = taskShape("smooth", config);
    const model = createModel({
      kind: "dense",
      inputSize: shape.inputSize,
      outputSize: shape.outputSize,
      width: 8,
      depth: 1
    });
    const r = fit(model, data, {
      learningRate: 0.01,
      batchSize: 8,
      seed: 1,
      loss: "mse",
      metric: "nmse",
      fixedSteps: 0,
      maxSteps: 500,
      evalEvery: 10,
      patience: 100,
      target: 10
    });
    expect(r.reachedTarget).toBe(true);
    expect(r.steps).toBe(10);
  });
});

describe("the stop rule", () => {
  const data = taskDataset("smooth", config, 1);
  const shape = taskShape("smooth", config);
  const {data: trainData, validation} = splitValidation(data);
  const make = () =>
    createModel({kind: "dense", inputSize: shape.inputSize, outputSize: shape.outputSize, width: 8, depth: 1, seed: 2});
  const base = {batchSize: 8, seed: 1, loss: "mse" as const, metric: "nmse" as const, fixedSteps: 0};

  it("spaces evaluations at least evalEvery apart and (evalGrowth − 1)·step later on", () => {
    const r = fit(make(), trainData, {
      ...base,
      learningRate: 0.001,
      maxSteps: 400,
      evalEvery: 10,
      evalGrowth: 1.5,
      patience: 1000,
      validation
    });
    expect(r.curve.map((p) => p.step)).toEqual([0, 10, 20, 30, 45, 68, 102, 153, 230, 345, 400]);
  });

  it("watches the validation metric: atBest is its minimum, and a stage ends after `patience` evaluations without a 1 % gain", () => {
    const r = fit(make(), trainData, {
      ...base,
      learningRate: 0.03,
      maxSteps: 5000,
      evalEvery: 10,
      patience: 3,
      validation
    });
    expect(r.plateauReached).toBe(true);
    const values = r.curve.map((p) => p.validation);
    expect(r.atBest.validation).toBe(Math.min(...values));
    // The last three evaluations did not beat the best before them by 1 %.
    const before = Math.min(...values.slice(0, -3));
    for (const v of values.slice(-3)) expect(v).toBeGreaterThanOrEqual(before * 0.99);
    expect(r.curve.every((p) => p.learningRate === 0.03)).toBe(true);
  });

  it("stops no run before minSteps, and leaves a run that did not stop before it exactly as it was", () => {
    const rule = {...base, learningRate: 0.03, maxSteps: 5000, evalEvery: 10, patience: 3, validation};
    const free = fit(make(), trainData, rule);
    expect(free.plateauReached).toBe(true);
    // A floor above where the free run stopped: the run goes on to at least the floor, on the same path.
    const floor = free.steps + 50;
    const held = fit(make(), trainData, {...rule, minSteps: floor});
    expect(held.steps).toBeGreaterThanOrEqual(floor);
    expect(held.curve.slice(0, free.curve.length)).toEqual(free.curve);
    // A floor at or below where it stopped changes nothing, bit for bit (the re-keyed method-3 records rest on this).
    for (const m of [0, 1, free.steps]) {
      const same = fit(make(), trainData, {...rule, minSteps: m});
      expect(same.steps).toBe(free.steps);
      expect(same.curve).toEqual(free.curve);
    }
    expect(() => fit(make(), trainData, {...rule, minSteps: -1})).toThrow(/minSteps must be/);
  });

  it("leaves a run that stopped on the rule before the cap exactly as it was under a higher cap", () => {
    // The method-3 records that ended on the rule below 40,000 steps were kept when the cap rose to 100,000.
    const rule = {
      ...base,
      learningRate: 0.03,
      maxSteps: 5000,
      evalEvery: 10,
      evalGrowth: 1.25,
      patience: 3,
      validation
    };
    const free = fit(make(), trainData, rule);
    expect(free.plateauReached).toBe(true);
    for (const cap of [free.steps + 1, free.steps * 2, 100000]) {
      const same = fit(make(), trainData, {...rule, maxSteps: cap});
      expect(same.steps).toBe(free.steps);
      expect(same.curve).toEqual(free.curve);
      expect(same.atBest).toEqual(free.atBest);
    }
  });

  it("decays the learning rate at the first stage ends and stops at the next", () => {
    const r = fit(make(), trainData, {
      ...base,
      learningRate: 0.03,
      maxSteps: 5000,
      evalEvery: 10,
      patience: 3,
      validation,
      lrDecays: 2,
      decayFactor: 0.1
    });
    expect(r.decays.length).toBe(2);
    for (const p of r.curve) {
      const decayed = r.decays.filter((d) => d < p.step).length;
      expect(p.learningRate).toBeCloseTo(0.03 * 0.1 ** decayed, 12);
    }
    expect(r.plateauReached).toBe(true);
    const once = fit(make(), trainData, {
      ...base,
      learningRate: 0.03,
      maxSteps: 5000,
      evalEvery: 10,
      patience: 3,
      validation
    });
    expect(r.steps).toBeGreaterThan(once.steps);
  });

  it("ends at the cap without plateauReached", () => {
    const r = fit(make(), trainData, {
      ...base,
      learningRate: 0.0001,
      maxSteps: 50,
      evalEvery: 10,
      patience: 100,
      validation
    });
    expect(r.steps).toBe(50);
    expect(r.plateauReached).toBe(false);
  });
});

describe("the sweep gives kernel memory back", () => {
  beforeAll(async () => {
    expect(await ready()).toBe("wasm-simd");
  });

  it("disposes of every model it makes, with the same results as a sweep that never disposes", () => {
    const small: ExperimentConfig = {...config, tasks: ["smooth", "memorise"]};
    const made: DisposableModel[] = [];
    const before = kernelMemoryStats().inUse;
    const disposing = memoryStore();
    runExperiment(small, {
      store: disposing,
      createModel: (spec) => {
        const m = createModel(spec);
        made.push(m);
        return m;
      }
    });
    expect(made.length).toBeGreaterThan(planExperiment(small).length);
    expect(runs(disposing.all).some((r) => r.candidate)).toBe(true);
    expect(made.filter((m) => !m.disposed)).toEqual([]);
    // Only the kernels' own staging blocks may remain (they are kept for reuse).
    expect(kernelMemoryStats().inUse - before).toBeLessThan(2 ** 20);
    const keeping = memoryStore();
    runExperiment(small, {store: keeping, createModel: (spec) => ({...createModel(spec), dispose: undefined})});
    expect(runs(disposing.all).filter((r) => !r.candidate).length).toBe(planExperiment(small).length);
    expect(runs(disposing.all).map(results)).toEqual(runs(keeping.all).map(results));
  });
});

describe("settingsHash", () => {
  it("changes with any setting a result depends on, not with which widths get a memorisation search", () => {
    const base = settingsHash("memorise", TINY);
    expect(settingsHash("memorise", {...TINY, memorise: {...TINY.memorise, maxRefWidth: 4096}})).toBe(base);
    expect(settingsHash("memorise", {...TINY, memorise: {...TINY.memorise, threshold: 0.2}})).not.toBe(base);
    expect(settingsHash("memorise", {...TINY, memorise: {...TINY.memorise, maxSteps: 30}})).not.toBe(base);
    // The fitting tasks' cap is theirs alone: raising it re-keys no memorisation record.
    expect(settingsHash("memorise", {...TINY, train: {...TINY.train, maxSteps: 99}})).toBe(base);
    expect(settingsHash("memorise", {...TINY, train: {...TINY.train, batchSize: 9}})).not.toBe(base);
    expect(settingsHash("smooth", {...TINY, train: {...TINY.train, maxSteps: 99}})).not.toBe(
      settingsHash("smooth", TINY)
    );
    expect(settingsHash("smooth", {...TINY, train: {...TINY.train, lrDecays: 0}})).not.toBe(
      settingsHash("smooth", TINY)
    );
    expect(settingsHash("smooth", {...TINY, tune: {...TINY.tune, startWht: [0.003]}})).not.toBe(
      settingsHash("smooth", TINY)
    );
    expect(settingsHash("memorise", {...TINY, memorise: {...TINY.memorise, tuneLoad: 0.5}})).not.toBe(base);
    expect(settingsHash("memorise", {...TINY, placement: "repeat"})).not.toBe(base);
    expect(settingsHash("smooth", {...TINY, smooth: {...TINY.smooth, n: 81}})).not.toBe(settingsHash("smooth", TINY));
    expect(settingsHash("smooth", {...TINY, refWidths: [64], contenders: ["dense"], seeds: [9]})).toBe(
      settingsHash("smooth", TINY)
    );
  });
});

describe("memorisation searches", () => {
  // Two seeds, so the second starts at the first one's capacity; one contender keeps it quick.
  const mem: ExperimentConfig = {...TINY, seeds: [1, 2], tasks: ["memorise"], contenders: ["switchnet4-m4"]};
  // On the WASM kernels throughout (a rerun must use the backend the first run used).
  const store = memoryStore();
  let searches: RunRecord[] = [];
  let probeRecords: MemoriseProbeRecord[] = [];
  beforeAll(async () => {
    expect(await ready()).toBe("wasm-simd");
    runExperiment(mem, {store, createModel});
    searches = runs(store.all).filter((r) => !r.candidate);
    probeRecords = store.all.filter((r): r is MemoriseProbeRecord => r.type === "memorise-probe");
  });

  it("start later seeds at the first seed's capacity", () => {
    const groups = planGroups(mem);
    expect(searches.length).toBe(groups.length * 2);
    for (const g of groups) {
      const [s1, s2] = [1, 2].map((seed) => searches.find((r) => r.learningRateFrom === g.key && r.seed === seed)!);
      const guess = s1.capacity!.largestFitted;
      expect(guess).toBeGreaterThan(0);
      expect(s2.capacity!.probes[0].n).toBe(guess);
      expect(s1.capacity!.probes[0].n).toBe(mem.memorise.start);
      // Both brackets are within the resolution.
      for (const r of [s1, s2]) {
        const c = r.capacity!;
        expect(
          c.smallestFailed! <= c.largestFitted * (1 + mem.memorise.resolution) ||
            c.smallestFailed! - c.largestFitted <= 1
        ).toBe(true);
      }
    }
  });

  it("save every probe the moment it ends, under its search's key, rate and pair count", () => {
    expect(probeRecords.length).toBe(searches.reduce((t, r) => t + r.capacity!.probes.length, 0));
    for (const r of searches) {
      const saved = probeRecords.filter((p) => p.run === r.key);
      expect(saved.map((p) => p.probe)).toEqual(r.capacity!.probes);
      for (const p of saved) {
        expect(p.key).toBe(`${r.key}|lr${r.learningRate}|n${p.probe.n}`);
        expect(p.learningRate).toBe(r.learningRate);
      }
    }
  });

  it("resume a search cut off mid-way from its saved probes: the same result, only the missing probes trained", () => {
    const cut = searches.find((r) => r.capacity!.probes.length >= 3)!;
    const keep = 2; // the process was killed during its third probe
    const kept = probeRecords.filter((p) => p.run === cut.key).slice(0, keep);
    const resumed = memoryStore(
      store.all.filter((r) => r !== cut && (r.type !== "memorise-probe" || r.run !== cut.key))
    );
    resumed.all.push(...kept);
    const before = resumed.all.length;
    const second = runExperiment(mem, {store: resumed, createModel});
    expect(second.ran).toBe(1);
    const added = resumed.all.slice(before);
    expect(added.filter((r) => r.type === "memorise-probe").length).toBe(cut.capacity!.probes.length - keep);
    const again = runs(added)[0];
    expect(results(again)).toEqual(results(cut));
    // Probes stored at another rate belong to another search: they are not reused.
    const other = memoryStore(
      store.all
        .filter((r) => r !== cut && (r.type !== "memorise-probe" || r.run !== cut.key))
        .concat(
          kept.map((p) => ({
            ...p,
            learningRate: p.learningRate * 3,
            key: `${p.run}|lr${p.learningRate * 3}|n${p.probe.n}`
          }))
        )
    );
    const n = other.all.length;
    runExperiment(mem, {store: other, createModel});
    expect(other.all.slice(n).filter((r) => r.type === "memorise-probe").length).toBe(cut.capacity!.probes.length);
  });

  it("wait for the first seed before a later seed's search opens, while another process runs it", () => {
    const g = planGroups(mem)[0];
    const [s1, s2] = [1, 2].map((seed) => searches.find((r) => r.learningRateFrom === g.key && r.seed === seed)!);
    const all = store.all.filter(
      (r) => !(r.type === "run" && !r.candidate && r.learningRateFrom === g.key) && r.type !== "memorise-probe"
    );
    // Another process holds seed 1's claim; it finishes while this one waits.
    const events: string[] = [];
    const shared: ResultStore = {
      records: () => all,
      reload: () => all,
      append: (r) => {
        if (r.type === "run") events.push(`ran seed ${r.seed}`);
        all.push(r);
      },
      claim: (key) => key !== s1.key,
      release: () => {}
    };
    const sleep = () => {
      events.push("waited");
      if (!all.includes(s1)) all.push(s1);
    };
    runExperiment(mem, {store: shared, createModel, sleep, filter: (x) => x.key === g.key});
    expect(events).toEqual(["waited", "ran seed 2"]);
    expect(results(runs(all).find((r) => r.key === s2.key)!)).toEqual(results(s2));
  });
});

describe("a sweep with a deadline (timeLeft)", () => {
  const cfg: ExperimentConfig = {
    ...TINY,
    seeds: [1, 2],
    tasks: ["smooth", "memorise"],
    contenders: ["switchnet4-m4", "dense"]
  };
  const store = memoryStore();
  let finals: RunRecord[] = [];
  beforeAll(async () => {
    expect(await ready()).toBe("wasm-simd");
    runExperiment(cfg, {store, createModel});
    finals = runs(store.all).filter((r) => !r.candidate);
  });
  /** The records without every seed-2 run (and its saved probes): open work of known speed. */
  const withoutSeed2 = () =>
    store.all.filter(
      (r) => !(r.type === "run" && !r.candidate && r.seed === 2) && !(r.type === "memorise-probe" && r.seed === 2)
    );

  it("estimates a run's worst case from its group's slowest run, or from steps timed now when it has none", () => {
    const never = () => {
      throw new Error("timed a group that has runs");
    };
    const worst = worstSeconds(cfg, store.all, never);
    for (const g of planGroups(cfg)) {
      const mine = runs(store.all).filter((r) => r.learningRateFrom === g.key);
      const steps = g.task === "memorise" ? cfg.memorise.maxSteps : cfg.train.maxSteps;
      expect(worst(g)).toBeCloseTo((1.1 * Math.max(...mine.map((r) => r.msPerStep)) * steps) / 1000, 12);
    }
    // A group with no runs yet: 1.25 × the timed milliseconds per step, over its step cap.
    const wider = planGroups({...cfg, refWidths: [64]}).find((g) => g.task === "smooth")!;
    expect(worstSeconds(cfg, store.all, () => 2)(wider)).toBeCloseTo((1.25 * 2 * cfg.train.maxSteps) / 1000, 12);
    // The timing itself: a positive number of milliseconds, more for a wider model.
    const narrow = planGroups(cfg).find((g) => g.task === "smooth" && g.contender.id === "switchnet4-m4")!;
    const wide = planGroups({...cfg, refWidths: [4096]}).find(
      (g) => g.task === "smooth" && g.contender.id === "switchnet4-m4"
    )!;
    const [a, b] = [narrow, wide].map((g) => timeSteps(g, cfg, createModel, 20));
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(a);
  });

  it("starts only work whose worst case ends in time, in plan order among those, then stops", () => {
    const records = withoutSeed2();
    const worst = worstSeconds(cfg, records, () => 0);
    const open = planGroups(cfg)
      .map((g) => ({g, w: worst(g)}))
      .sort((a, b) => a.w - b.w);
    // Room for the quicker half of the groups' seed-2 runs only.
    const limit = (open[Math.floor(open.length / 2) - 1].w + open[Math.floor(open.length / 2)].w) / 2;
    const s = memoryStore(records);
    const r = runExperiment(cfg, {store: s, createModel, timeLeft: () => limit});
    expect(r.stopped).toBe(true);
    const ran = runs(s.all.slice(records.length)).map((x) => x.learningRateFrom);
    expect(new Set(ran)).toEqual(new Set(open.filter((o) => o.w <= limit).map((o) => o.g.key)));
    // With no time left nothing starts.
    const none = memoryStore(records);
    expect(runExperiment(cfg, {store: none, createModel, timeLeft: () => 0})).toMatchObject({ran: 0, stopped: true});
    expect(none.all.length).toBe(records.length);
  });

  it("times a group with no recorded run once, and only when a deadline needs it", () => {
    const records = store.all.filter((r) => !(r.type === "run" && r.learningRateFrom === planGroups(cfg)[0].key));
    const g0 = planGroups(cfg)[0];
    const timedKeys: string[] = [];
    const measure = (g: {key: string}) => {
      timedKeys.push(g.key);
      return 1e9; // far too slow for any deadline
    };
    const s = memoryStore(records.filter((r) => r.type !== "tune" || r.key !== g0.key));
    runExperiment(cfg, {store: s, createModel, measure, timeLeft: () => 3600, filter: (g) => g.key === g0.key});
    expect(timedKeys).toEqual([g0.key]);
    expect(runs(s.all).filter((r) => r.learningRateFrom === g0.key)).toEqual([]);
    const free = memoryStore(records.filter((r) => r.type !== "tune" || r.key !== g0.key));
    runExperiment(cfg, {store: free, createModel, measure, filter: (g) => g.key === g0.key});
    expect(timedKeys).toEqual([g0.key]);
    expect(runs(free.all).filter((r) => r.learningRateFrom === g0.key).length).toBeGreaterThan(0);
  });

  it("stops a memorisation search between probes, and the next sweep finishes it with the same result", () => {
    const records = withoutSeed2();
    const search = finals.find((r) => r.task === "memorise" && r.seed === 2 && r.capacity!.probes.length >= 2)!;
    const only = (g: {key: string}) => g.key === search.learningRateFrom;
    const s = memoryStore(records);
    let probes = 0;
    const append = s.append;
    s.append = (r) => {
      if (r.type === "memorise-probe") probes++;
      append(r);
    };
    const first = runExperiment(cfg, {store: s, createModel, filter: only, shouldStop: () => probes >= 1});
    expect(first).toMatchObject({ran: 0, stopped: true});
    expect(s.all.slice(records.length).map((r) => r.type)).toEqual(["memorise-probe"]);
    const second = runExperiment(cfg, {store: s, createModel, filter: only});
    expect(second.ran).toBe(1);
    expect(results(runs(s.all).find((r) => r.key === search.key)!)).toEqual(results(search));
    expect(probes).toBe(search.capacity!.probes.length);
  });
});
