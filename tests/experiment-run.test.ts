// A tiny configuration of the whole capacity experiment: every planned run lands in the store,
// every record passes the schema, reported counts match the models, runs are reproducible and a
// killed sweep resumes without redoing finished runs. Also the fit metrics on known values.
import {beforeAll, describe, expect, it} from "vitest";
import {createModel} from "../lib/model.js";
import {kernelMemoryStats} from "../lib/wasm/memory.js";
import {ready} from "../lib/wht.js";
import type {DisposableModel} from "../lib/types.js";
import {layerBudget, matchContenders, parseContender} from "../lib/experiment/budget.js";
import {TINY, checkConfig, type ExperimentConfig} from "../lib/experiment/config.js";
import {evaluate, fit, nmse} from "../lib/experiment/fit.js";
import {memoryStore, modelSpec, planExperiment, runExperiment, settingsHash} from "../lib/experiment/run.js";
import {validateRecord, type RunRecord} from "../lib/experiment/schema.js";
import {taskDataset, taskShape} from "../lib/experiment/tasks.js";

const config: ExperimentConfig = {...TINY, seeds: [1]};

function runs(records: ReturnType<typeof memoryStore>["all"]): RunRecord[] {
  return records.filter((r): r is RunRecord => r.type === "run");
}

/** A record without its wall-clock fields, for reproducibility checks. */
function results(r: RunRecord): unknown {
  const {seconds, msPerStep, date, ...rest} = r;
  void seconds; void msPerStep; void date;
  return JSON.parse(JSON.stringify(rest, (k, v) => (k === "seconds" ? undefined : v)));
}

describe("the tiny experiment", () => {
  const store = memoryStore();
  const first = runExperiment(config, {store, createModel});
  const plan = planExperiment(config);

  it("runs every planned item once and every record passes the schema", () => {
    expect(first.ran).toBe(plan.length);
    expect(first.skipped).toBe(0);
    const keys = runs(store.all).map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(keys)).toEqual(new Set(plan.map((p) => p.key)));
    for (const r of store.all) expect(() => validateRecord(JSON.parse(JSON.stringify(r)))).not.toThrow();
  });

  it("reports parameter counts and layer counts that match the models", () => {
    for (const r of runs(store.all)) {
      const contender = parseContender(r.contender);
      const spec = modelSpec(contender, r.width, r.depth, r.inputSize, r.outputSize, r.seed, config.placement);
      expect(r.parameterCount, r.key).toBe(createModel(spec).parameterCount);
      expect(r.layer).toEqual(layerBudget(contender, r.width));
      expect(r.inputSize).toBe(taskShape(r.task, config).inputSize);
    }
  });

  it("puts every contender at every budget point with the matched width", () => {
    const contenders = config.contenders.map(parseContender);
    for (const task of config.tasks) {
      for (const refWidth of config.refWidths) {
        if (task === "memorise" && refWidth > config.memorise.maxRefWidth) continue;
        for (const budget of config.budgets) {
          const minWidth = Math.max(taskShape(task, config).inputSize, taskShape(task, config).outputSize);
          for (const m of matchContenders(refWidth, budget, contenders)) {
            const width = m.contender.kind !== "dense" && m.width < minWidth ? 2 ** Math.ceil(Math.log2(minWidth)) : m.width;
            const item = plan.find((p) => p.task === task && p.contender.id === m.contender.id && p.width === width);
            expect(item, `${task} ${budget}@${refWidth} ${m.contender.id}`).toBeDefined();
            expect(item!.memberships.some((x) => x.budget === budget && x.refWidth === refWidth)).toBe(true);
          }
        }
      }
    }
  });

  it("chooses each learning rate among the candidates, once per model and task", () => {
    const tunes = store.all.filter((r) => r.type === "tune");
    expect(new Set(tunes.map((t) => t.key)).size).toBe(tunes.length);
    for (const r of runs(store.all)) {
      const tune = tunes.find((t) => t.key === r.learningRateFrom);
      expect(tune, r.key).toBeDefined();
      if (tune?.type === "tune") {
        expect(r.learningRate).toBe(tune.chosen);
        // Memorisation candidates train as long as a capacity probe may; the other tasks briefly.
        expect(tune.steps, tune.key).toBe(r.task === "memorise" ? config.memorise.tuneSteps : config.train.tuneSteps);
        const best = Math.min(...tune.candidates.map((c) => c.score));
        expect(tune.candidates.find((c) => c.learningRate === tune.chosen)!.score).toBe(best);
      }
    }
  });

  it("records the fixed-budget and plateau snapshots of fitting runs, and capacities for memorisation", () => {
    for (const r of runs(store.all)) {
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
        if (f.atFixed) expect(f.atFixed.step).toBe(config.train.fixedSteps);
        expect(f.optimizerSteps).toBeLessThanOrEqual(config.train.maxSteps);
      }
    }
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
    const all = runs(store.all);
    const kept = store.all.filter((r) => r !== all[all.length - 1] && r !== all[0]);
    const resumed = memoryStore(kept);
    const progress: number[] = [];
    const second = runExperiment(config, {store: resumed, createModel, onProgress: (p) => progress.push(p.done)});
    expect(second.ran).toBe(2);
    expect(second.skipped).toBe(plan.length - 2);
    expect(progress[progress.length - 1]).toBe(plan.length);
    // No new learning-rate sweeps: those records were kept.
    expect(resumed.all.filter((r) => r.type === "tune").length).toBe(store.all.filter((r) => r.type === "tune").length);
  });

  it("skips runs another process finished meanwhile (store.reload)", () => {
    const all = runs(store.all);
    const tunes = store.all.filter((r) => r.type === "tune");
    // The other process has finished every other run; this one starts knowing none of them.
    const theirs = all.filter((_, i) => i % 2 === 0);
    const shared = memoryStore([...tunes]);
    const result = runExperiment(config, {store: {...shared, reload: () => [...tunes, ...theirs, ...shared.all]}, createModel});
    expect(result.skipped).toBe(theirs.length);
    expect(result.ran).toBe(plan.length - theirs.length);
    const ranKeys = new Set(runs(shared.all).map((r) => r.key));
    for (const r of theirs) expect(ranKeys.has(r.key), r.key).toBe(false);
    expect(ranKeys.size + theirs.length).toBe(plan.length);
  });

  it("stops cleanly between runs when asked", () => {
    let calls = 0;
    const r = runExperiment(config, {store: memoryStore(), createModel, shouldStop: () => ++calls > 3});
    expect(r.stopped).toBe(true);
    expect(r.ran).toBe(3);
  });

  it("rejects a bad config before running anything", () => {
    const store2 = memoryStore();
    expect(() => runExperiment({...config, refWidths: [48]}, {store: store2, createModel})).toThrow(/refWidths\[0\] must be a power of two/);
    expect(() => checkConfig({...config, tasks: ["sing" as never]})).toThrow(/tasks must hold only/);
    expect(() => checkConfig({...config, learningRates: [0]})).toThrow(/learningRates\[0\] must be greater than 0/);
    expect(store2.all).toEqual([]);
  });
});

describe("fit metrics", () => {
  it("nmse is 0 for a perfect fit and 1 for predicting each output's mean", () => {
    const y = new Float32Array([1, 10, 3, 20, 5, 30]);
    expect(nmse(y, y, 3)).toBe(0);
    expect(nmse(new Float32Array([3, 20, 3, 20, 3, 20]), y, 3)).toBeCloseTo(1, 12);
    // Error of 1 on every value: 6 / (8 + 200).
    expect(nmse(y.map((v) => v + 1), y, 3)).toBeCloseTo(6 / 208, 12);
  });

  it("evaluate matches a direct computation, and fit is reproducible from its seed", () => {
    const data = taskDataset("classify", config, 2);
    const shape = taskShape("classify", config);
    const make = () => createModel({kind: "dense", inputSize: shape.inputSize, outputSize: shape.outputSize, width: 12, depth: 2, seed: 5});
    const model = make();
    const out = model.forward(data.test.x, data.test.n);
    let wrong = 0;
    for (let i = 0; i < data.test.n; i++) {
      const row = Array.from(out.subarray(i * shape.outputSize, (i + 1) * shape.outputSize));
      if (row.indexOf(Math.max(...row)) !== data.test.labels![i]) wrong++;
    }
    expect(evaluate(model, data.test, "error-rate", data.test.n, 5)).toBeCloseTo(wrong / data.test.n, 12);
    const options = {learningRate: 0.03, batchSize: 8, seed: 9, loss: shape.loss, metric: shape.metric, fixedSteps: 20, maxSteps: 60, evalEvery: 20, patience: 5};
    const a = fit(make(), data, options);
    const b = fit(make(), data, options);
    expect(a.curve).toEqual(b.curve);
    expect(a.curve.map((p) => p.step)).toEqual([0, 20, 40, 60]);
    expect(a.atPlateau.trainLoss).toBeLessThan(a.curve[1].trainLoss);
  });

  it("stops as soon as the target is reached", () => {
    const data = taskDataset("smooth", config, 1);
    const shape = taskShape("smooth", config);
    const model = createModel({kind: "dense", inputSize: shape.inputSize, outputSize: shape.outputSize, width: 8, depth: 1});
    const r = fit(model, data, {learningRate: 0.01, batchSize: 8, seed: 1, loss: "mse", metric: "nmse", fixedSteps: 0, maxSteps: 500, evalEvery: 10, patience: 100, target: 10});
    expect(r.reachedTarget).toBe(true);
    expect(r.steps).toBe(10);
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
    runExperiment(small, {store: disposing, createModel: (spec) => {
      const m = createModel(spec);
      made.push(m);
      return m;
    }});
    expect(made.length).toBeGreaterThan(planExperiment(small).length);
    expect(made.filter((m) => !m.disposed)).toEqual([]);
    // Only the kernels' own staging blocks may remain (they are kept for reuse).
    expect(kernelMemoryStats().inUse - before).toBeLessThan(2 ** 20);
    const keeping = memoryStore();
    runExperiment(small, {store: keeping, createModel: (spec) => ({...createModel(spec), dispose: undefined})});
    expect(runs(disposing.all).length).toBe(planExperiment(small).length);
    expect(runs(disposing.all).map(results)).toEqual(runs(keeping.all).map(results));
  });
});

describe("settingsHash", () => {
  it("changes with any setting a result depends on, not with which widths get a memorisation search", () => {
    const base = settingsHash("memorise", TINY);
    expect(settingsHash("memorise", {...TINY, memorise: {...TINY.memorise, maxRefWidth: 4096}})).toBe(base);
    expect(settingsHash("memorise", {...TINY, memorise: {...TINY.memorise, threshold: 0.2}})).not.toBe(base);
    expect(settingsHash("memorise", {...TINY, memorise: {...TINY.memorise, tuneSteps: 30}})).not.toBe(base);
    expect(settingsHash("memorise", {...TINY, memorise: {...TINY.memorise, tuneLoad: 0.5}})).not.toBe(base);
    expect(settingsHash("memorise", {...TINY, placement: "repeat"})).not.toBe(base);
    expect(settingsHash("smooth", {...TINY, smooth: {...TINY.smooth, n: 81}})).not.toBe(settingsHash("smooth", TINY));
    expect(settingsHash("smooth", {...TINY, refWidths: [64], contenders: ["dense"], seeds: [9]})).toBe(settingsHash("smooth", TINY));
  });
});
