// Suspending a fitting run and continuing it from its checkpoint gives the unbroken run's record,
// bit for bit: in fit(), through the checkpoint's bytes, and in a sweep stopped by its deadline.
import {beforeAll, describe, expect, it} from "vitest";
import {createModel} from "../lib/model.js";
import {ready} from "../lib/wht.js";
import {parseContender} from "../lib/experiment/budget.js";
import {TINY, type ExperimentConfig} from "../lib/experiment/config.js";
import {fit, type FitCheckpoint, type FitOptions, type FitResult} from "../lib/experiment/fit.js";
import type {Model} from "../lib/types.js";
import {
  checkpointFromBytes,
  checkpointHeaderBytes,
  checkpointSummaryOf,
  checkpointSummary,
  checkpointToBytes,
  type CheckpointTag
} from "../lib/experiment/checkpoint.js";
import {
  candidateKey,
  checkpointKey,
  checkpointMismatch,
  fitRun,
  fitRunResumable,
  memoryCheckpoints,
  memoryStore,
  modelSpec,
  planGroups,
  runExperiment
} from "../lib/experiment/run.js";
import type {RunRecord} from "../lib/experiment/schema.js";
import {splitValidation, taskDataset, taskShape} from "../lib/experiment/tasks.js";

// Long enough for several suspension checks, a warm-up, a decay and the stop rule.
const cfg: ExperimentConfig = {
  ...TINY,
  seeds: [1, 2],
  tasks: ["smooth", "image"],
  contenders: ["switchnet4-m4", "switchnet4-m4-r2", "dense"],
  train: {
    ...TINY.train,
    maxSteps: 1500,
    evalEvery: 40,
    evalGrowth: 1.25,
    patience: 2,
    warmupSteps: 200,
    minSteps: 300,
    lrDecays: 1
  }
};

/** A record without its wall-clock fields. */
function results(r: RunRecord): unknown {
  const {seconds, msPerStep, date, ...rest} = r;
  void seconds;
  void msPerStep;
  void date;
  return rest;
}

/** A run continued from checkpoints ends as the unbroken one: every point, the stop and the parameters. */
function expectSameRun(result: FitResult, model: Model, unbroken: FitResult, whole: Model): void {
  expect(result.curve).toEqual(unbroken.curve);
  expect(result.atBest).toEqual(unbroken.atBest);
  expect(result.atFixed).toEqual(unbroken.atFixed);
  expect(result.decays).toEqual(unbroken.decays);
  expect(result.plateauReached).toBe(unbroken.plateauReached);
  expect(result.steps).toBe(unbroken.steps);
  expect(Array.from(model.params)).toEqual(Array.from(whole.params));
}

const tag: CheckpointTag = {key: "smooth|x|w32|d2|s1|abc", backend: "wasm-simd", learningRate: 0.01, seed: 1};

beforeAll(async () => {
  expect(await ready()).toBe("wasm-simd");
});

describe("fit suspended and resumed", () => {
  const shape = taskShape("smooth", cfg);
  const {data, validation} = splitValidation(taskDataset("smooth", cfg, 1));
  const options = (extra: Partial<FitOptions>): FitOptions => ({
    learningRate: 0.03,
    batchSize: 8,
    seed: 5,
    loss: shape.loss,
    metric: shape.metric,
    fixedSteps: 10,
    maxSteps: 1500,
    evalEvery: 40,
    evalGrowth: 1.25,
    patience: 2,
    minSteps: 300,
    warmupSteps: 200,
    lrDecays: 1,
    validation,
    suspendCheckEvery: 64,
    ...extra
  });
  const specs = [
    modelSpec(parseContender("switchnet4-m4-r2"), 32, 2, shape.inputSize, shape.outputSize, 3, "pad"),
    modelSpec(parseContender("dense"), 12, 2, shape.inputSize, shape.outputSize, 3, "pad")
  ];

  for (const spec of specs) {
    it(`${spec.kind}: breaks in the warm-up, after it and after a decay end where the unbroken run ends`, () => {
      const whole = createModel(spec);
      const unbroken = fit(whole, data, options({}));
      expect(unbroken.decays.length).toBe(1); // the run passes a decay…
      expect(unbroken.steps).toBeGreaterThan(unbroken.decays[0] + 64); // …and trains on after it
      const breaks = [128, 448, unbroken.decays[0] + 64 - ((unbroken.decays[0] + 64) % 64)];
      let resume: FitCheckpoint | undefined;
      let parts = 0;
      let result = unbroken;
      let model = createModel(spec);
      for (;;) {
        model.dispose?.();
        model = createModel(spec); // a fresh model each time, as a new session makes
        result = fit(model, data, options({resume, shouldSuspend: (step) => breaks.includes(step)}));
        parts++;
        if (!result.suspended) break;
        expect(breaks).toContain(result.suspended.step);
        // Through the bytes a file would hold.
        resume = checkpointFromBytes(checkpointToBytes(tag, result.suspended)).checkpoint;
      }
      expect(parts).toBe(breaks.length + 1);
      expectSameRun(result, model, unbroken, whole);
      model.dispose?.();
      whole.dispose?.();
    });
  }

  it("autosaves a checkpoint when asked, and a run resumed from it ends the same", () => {
    const spec = specs[0];
    const saved: FitCheckpoint[] = [];
    const m1 = createModel(spec);
    const unbroken = fit(
      m1,
      data,
      options({wantCheckpoint: (step) => step === 320, onCheckpoint: (c) => saved.push(c)})
    );
    expect(unbroken.suspended).toBeUndefined();
    expect(saved.map((c) => c.step)).toEqual([320]);
    const m2 = createModel(spec);
    const resumed = fit(m2, data, options({resume: saved[0]}));
    expectSameRun(resumed, m2, unbroken, m1);
    m1.dispose?.();
    m2.dispose?.();
  });

  it("continues a run stopped at a step cap under a higher cap as if that had been its cap", () => {
    const spec = specs[0];
    // No stop on the rule: every run here ends at its cap.
    const long = options({patience: 1000, lrDecays: 0, maxSteps: 1200});
    const m1 = createModel(spec);
    const unbroken = fit(m1, data, long);
    expect(unbroken.steps).toBe(1200);
    const evalSteps = unbroken.curve.map((p) => p.step);
    // A cap between two evaluations, and one on an evaluation.
    for (const cap of [700, 613]) {
      expect(evalSteps.includes(cap)).toBe(cap === 613);
      const capped: FitCheckpoint[] = [];
      const m2 = createModel(spec);
      const first = fit(m2, data, {...long, maxSteps: cap, onCap: (c) => capped.push(c)});
      expect(first.steps).toBe(cap);
      expect(first.curve.at(-1)!.step).toBe(cap); // the capped run evaluates at its cap
      expect(capped.map((c) => [c.step, c.pendingEval])).toEqual([[cap, true]]);
      const m3 = createModel(spec);
      const resume = checkpointFromBytes(checkpointToBytes(tag, capped[0])).checkpoint;
      const second = fit(m3, data, {...long, resume});
      expectSameRun(second, m3, unbroken, m1);
      m2.dispose?.();
      m3.dispose?.();
    }
    m1.dispose?.();
  });

  it("rejects a checkpoint that does not fit the model or the run", () => {
    const spec = specs[0];
    const model = createModel(spec);
    const checkpoint = fit(model, data, options({shouldSuspend: (step) => step === 128})).suspended!;
    const other = createModel({...spec, width: 64});
    expect(() => fit(other, data, options({resume: checkpoint}))).toThrow(/resume.params must .*length/);
    expect(() => fit(model, data, options({resume: {...checkpoint, version: 2} as never}))).toThrow(
      /resume must be a checkpoint made by fit/
    );
    expect(() => fit(model, data, options({resume: checkpoint, maxSteps: 100}))).toThrow(/resume.step/);
    const shortAdam = {
      ...checkpoint.optimizer,
      buffers: {m: checkpoint.optimizer.buffers.m.subarray(1), v: checkpoint.optimizer.buffers.v}
    };
    expect(() => fit(model, data, options({resume: {...checkpoint, optimizer: shortAdam}}))).toThrow(
      /resume.optimizer does not fit this run: state.buffers.m must/
    );
    other.dispose?.();
    model.dispose?.();
  });
});

describe("checkpoint bytes", () => {
  const checkpoint: FitCheckpoint = {
    version: 1,
    step: 512,
    pendingEval: false,
    rate: 0.001,
    nextEval: 640,
    stageBest: Infinity,
    bestValue: 0.25,
    bestIndex: 1,
    fixedIndex: -1,
    stale: 1,
    decaysLeft: 0,
    decays: [400],
    windowLoss: 1.5,
    windowSteps: 12,
    stepMs: 3.25,
    startLoss: 2,
    seconds: 9,
    curve: [
      {step: 0, trainLoss: NaN, train: 1, test: 1, validation: 1, learningRate: 0.01},
      {step: 500, trainLoss: 0.5, train: 0.2, test: -Infinity, validation: 0.25, learningRate: 0.001}
    ],
    params: Float32Array.from([1.5, -0, 3e-39, -7]),
    optimizer: {
      kind: "adam",
      step: 512,
      buffers: {m: Float32Array.from([1, 2, 3, 4]), v: Float32Array.from([0, 0.5, 1e-30, 9])}
    }
  };

  it("round-trip every number, non-finite ones included", () => {
    const back = checkpointFromBytes(checkpointToBytes(tag, checkpoint));
    expect(back.tag).toEqual(tag);
    expect(back.checkpoint).toEqual(checkpoint);
    expect(Object.is(back.checkpoint.params[1], -0)).toBe(true);
    expect(back.checkpoint.curve[0].trainLoss).toBeNaN();
    expect(back.checkpoint.stageBest).toBe(Infinity);
  });

  it("say what is wrong with bytes that are not a whole checkpoint", () => {
    const bytes = checkpointToBytes(tag, checkpoint);
    expect(() => checkpointFromBytes(bytes.subarray(0, bytes.length - 4))).toThrow(/cut off or padded/);
    const wrong = Uint8Array.from(bytes);
    wrong[0] = 0x41;
    expect(() => checkpointFromBytes(wrong)).toThrow(/not a fit checkpoint: it starts with "AN4CKPT1"/);
    expect(() => checkpointFromBytes(new Uint8Array(4))).toThrow(/at least 12 bytes, got 4/);
  });

  it("give the tag and step from the header alone, without the arrays", () => {
    const bytes = checkpointToBytes(tag, checkpoint);
    const need = checkpointHeaderBytes(bytes.subarray(0, 12));
    expect(need).toBeLessThan(bytes.length - 4 * checkpoint.params.length);
    expect(need % 4).toBe(0);
    expect(checkpointSummary(bytes.slice(0, need))).toEqual({tag, step: checkpoint.step, atCap: false});
    expect(checkpointSummary(bytes)).toEqual({tag, step: checkpoint.step, atCap: false});
    const capped = checkpointToBytes(tag, {...checkpoint, pendingEval: true});
    expect(checkpointSummary(capped)).toEqual({tag, step: checkpoint.step, atCap: true});
    expect(() => checkpointSummary(bytes.slice(0, need - 1))).toThrow(
      new RegExp(`header says ${need - 12} bytes, but only ${need - 13} follow`)
    );
    expect(() => checkpointHeaderBytes(new Uint8Array(12))).toThrow(/not a fit checkpoint/);
  });

  it("read through a prefix reader, ask for the preamble and the header only", () => {
    const bytes = checkpointToBytes(tag, checkpoint);
    const asked: number[] = [];
    const reader = (file: Uint8Array) => (length: number) => {
      asked.push(length);
      return file.slice(0, length);
    };
    expect(checkpointSummaryOf(reader(bytes))).toEqual({tag, step: checkpoint.step, atCap: false});
    expect(asked).toEqual([12, checkpointHeaderBytes(bytes.subarray(0, 12))]);
    expect(asked[1]).toBeLessThan(bytes.length - 4 * checkpoint.params.length);
    // A file shorter than its preamble, or cut inside its header, is named as such.
    expect(() => checkpointSummaryOf(reader(bytes.slice(0, 5)))).toThrow(/at least 12 bytes, got 5/);
    expect(() => checkpointSummaryOf(reader(bytes.slice(0, 40)))).toThrow(/but only 28 follow/);
  });

  it("a checkpoint of another run, seed, rate or backend is not continued", () => {
    expect(checkpointMismatch(tag, {...tag})).toBeNull();
    expect(checkpointMismatch(tag, {...tag, backend: "js"})).toBe('its backend is "wasm-simd", this run\'s "js"');
    expect(checkpointMismatch(tag, {...tag, learningRate: 0.03})).toMatch(/learningRate is 0.01/);
    expect(checkpointMismatch(tag, {...tag, seed: 2})).toMatch(/seed is 1/);
  });
});

describe("a sweep suspended at its deadline", () => {
  const groups = planGroups(cfg).filter((g) => g.task === "smooth" && g.contender.id === "switchnet4-m4-r2");
  const only = (g: {key: string}) => g.key === groups[0].key;

  it("saves the running fit, and the next sweep continues it to the unbroken sweep's records", () => {
    const whole = memoryStore();
    runExperiment(cfg, {store: whole, createModel, filter: only});
    const unbroken = whole.all.filter((r): r is RunRecord => r.type === "run");
    expect(unbroken.length).toBeGreaterThan(2);

    const store = memoryStore();
    const checkpoints = memoryCheckpoints();
    let sweeps = 0;
    let suspensions = 0;
    for (; sweeps < 50; sweeps++) {
      // Each sweep's time is up after a few suspension checks (timeLeft is asked at each).
      let asked = 0;
      const r = runExperiment(cfg, {
        store,
        createModel,
        filter: only,
        checkpoints,
        timeLeft: () => (++asked > 6 ? 0 : 3600),
        onProgress: (p) => {
          if (/ suspended at step \d+ \(saved/.test(p.label)) suspensions++;
        }
      });
      if (!r.stopped) break;
    }
    expect(suspensions).toBeGreaterThan(1);
    const broken = store.all.filter((r): r is RunRecord => r.type === "run");
    // Each is deleted when its run's record is written, but for runs that stopped at the cap.
    const capped = broken.filter((r) => !r.fit!.plateauReached && r.fit!.optimizerSteps === cfg.train.maxSteps);
    expect(new Set(checkpoints.files.keys())).toEqual(
      new Set(capped.filter((r) => r.candidate || r.seed !== 1).map((r) => checkpointKey(r.key, "smooth", cfg)))
    );
    expect(broken.map((r) => r.key)).toEqual(unbroken.map((r) => r.key));
    expect(broken.map(results)).toEqual(unbroken.map(results));
  });

  it("leaves a checkpoint at the step cap, from which a sweep with a higher cap trains on", () => {
    const low: ExperimentConfig = {...cfg, train: {...cfg.train, maxSteps: 400, patience: 1000, lrDecays: 0}};
    const high: ExperimentConfig = {...low, train: {...low.train, maxSteps: 1000}};
    const lowGroup = (c: ExperimentConfig) => (g: {key: string; task: string; contender: {id: string}}) =>
      g.task === "smooth" &&
      g.contender.id === "switchnet4-m4" &&
      g.key === planGroups(c).find((x) => x.task === "smooth" && x.contender.id === "switchnet4-m4")!.key;
    const checkpoints = memoryCheckpoints();
    const lowStore = memoryStore();
    runExperiment(low, {store: lowStore, createModel, filter: lowGroup(low), checkpoints});
    const lowRuns = lowStore.all.filter(
      (r): r is RunRecord => r.type === "run" && (r.candidate === true || r.seed !== 1)
    );
    expect(lowRuns.length).toBeGreaterThan(1);
    expect(lowRuns.every((r) => r.fit!.optimizerSteps === 400 && !r.fit!.plateauReached)).toBe(true);
    expect(new Set(checkpoints.files.keys())).toEqual(new Set(lowRuns.map((r) => checkpointKey(r.key, "smooth", low))));
    // The higher cap: every run of the lower one goes on from step 400, to the records of a sweep from scratch.
    const messages: string[] = [];
    const highStore = memoryStore();
    runExperiment(high, {
      store: highStore,
      createModel,
      filter: lowGroup(high),
      checkpoints,
      onProgress: (p) => messages.push(p.label)
    });
    const fresh = memoryStore();
    runExperiment(high, {store: fresh, createModel, filter: lowGroup(high)});
    const runsOf = (s: ReturnType<typeof memoryStore>) => s.all.filter((r): r is RunRecord => r.type === "run");
    // Continued: each run of the higher cap that the lower one ran too (same key but for the cap, same rate).
    const lowByKey = new Map(lowRuns.map((r) => [checkpointKey(r.key, "smooth", low), r.learningRate]));
    const continued = runsOf(fresh).filter(
      (r) => (r.candidate || r.seed !== 1) && lowByKey.get(checkpointKey(r.key, "smooth", high)) === r.learningRate
    );
    expect(continued.length).toBeGreaterThan(1);
    expect(messages.filter((m) => m.endsWith("continuing from its earlier step cap, 400")).length).toBe(
      continued.length
    );
    expect(runsOf(highStore).map(results)).toEqual(runsOf(fresh).map(results));
    expect(checkpointKey(lowRuns[0].key, "smooth", low)).toBe(checkpointKey(runsOf(fresh)[0].key, "smooth", high));
  });

  /** A sweep given a checkpoint of candidate 0.01's run, tagged with `rate` and changed by `change`. */
  function sweepWithCheckpoint(rate: number, change: (c: FitCheckpoint) => FitCheckpoint) {
    const g = groups[0];
    const key = candidateKey(g, 0.01);
    let n = 0;
    const out = fitRunResumable(g, cfg, 1, 0.01, createModel, key, undefined, {shouldSuspend: () => ++n > 1});
    if (!("suspended" in out)) throw new Error("the run was not suspended");
    const checkpoints = memoryCheckpoints();
    const ckKey = checkpointKey(key, "smooth", cfg);
    checkpoints.save({key: ckKey, backend: "wasm-simd", learningRate: rate, seed: 1}, change(out.suspended));
    const store = memoryStore();
    const messages: string[] = [];
    runExperiment(cfg, {store, createModel, filter: only, checkpoints, onProgress: (p) => messages.push(p.label)});
    const record = store.all.find((r): r is RunRecord => r.type === "run" && r.key === key)!;
    // It starts over: the record of a run that never had a checkpoint.
    expect(results(record)).toEqual(results(fitRun(g, cfg, 1, 0.01, createModel, key)));
    return {
      label: `${g.task} ${g.contender.id} W=${g.width} rate 0.01 (choosing the rate)`,
      messages,
      record,
      left: checkpoints.load(ckKey)
    };
  }

  it("starts from step 0 when a checkpoint no longer fits the model, and says so", () => {
    const {label, messages} = sweepWithCheckpoint(0.01, (c) => ({...c, params: c.params.subarray(2)}));
    expect(messages.filter((m) => m.includes("starting again"))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${label.replace(/[().]/g, "\\$&")}: starting again, not from its checkpoint \\(resume\\.params must`
        )
      )
    ]);
  });

  it("starts from step 0 when the checkpoint belongs to another rate, and says so", () => {
    const {label, messages, record, left} = sweepWithCheckpoint(0.03, (c) => c);
    expect(messages.filter((m) => m.includes("starting again"))).toEqual([
      `${label}: starting again, not from its checkpoint (its learningRate is 0.03, this run's 0.01)`
    ]);
    // The old rate's checkpoint is gone: replaced by this run's cap checkpoint when it stopped at the cap.
    if (record.fit!.plateauReached) expect(left).toBeNull();
    else
      expect([left!.tag.learningRate, left!.checkpoint.step, left!.checkpoint.pendingEval]).toEqual([0.01, 1500, true]);
  });
});

describe("a sweep with checkpoints near its deadline", () => {
  // Two groups of the smooth task in plan order; `measure` makes the first look slow, the second quick.
  const [first, second] = planGroups(cfg).filter((g) => g.task === "smooth");
  const both = (g: {key: string}) => g.key === first.key || g.key === second.key;
  // No recorded run: worst case = 1.25 × measured ms per step × the 1500-step cap.
  const measure = (g: {key: string}) => (g.key === first.key ? 1600 : 1);
  const slowWorst = (1.25 * 1600 * cfg.train.maxSteps) / 1000; // 3000 seconds
  /** The group of each run record, in the order the sweep wrote them. */
  const order = (s: ReturnType<typeof memoryStore>) =>
    s.all.filter((r): r is RunRecord => r.type === "run").map((r) => (r.learningRateFrom === first.key ? "A" : "B"));

  /** A sweep of the two groups with a deadline: `timeLeft` as the sweep asks it. */
  const sweep = (timeLeft: () => number) => {
    const store = memoryStore();
    runExperiment(cfg, {store, createModel, filter: both, measure, checkpoints: memoryCheckpoints(), timeLeft});
    return store;
  };

  it("runs the work that ends in time first, and a longer run that could end in a sweep only when nothing else is open", () => {
    // This sweep has 4000 s (the slow runs could end in a sweep of that length), then 2000 s are left.
    let asked = 0;
    const seen = order(sweep(() => (asked++ === 0 ? 4000 : 2000)));
    expect(seen.filter((x) => x === "B").length).toBeGreaterThan(1);
    expect(seen.filter((x) => x === "A").length).toBeGreaterThan(1);
    // Every quick run before the first slow one, though the slow group comes first in plan order.
    expect(seen.indexOf("A")).toBe(seen.lastIndexOf("B") + 1);
    expect(planGroups(cfg).findIndex((g) => g.key === first.key)).toBeLessThan(
      planGroups(cfg).findIndex((g) => g.key === second.key)
    );
  });

  it("starts a run longer than the whole sweep in plan order (it has to span sweeps)", () => {
    expect(order(sweep(() => slowWorst - 1000))[0]).toBe("A");
  });

  it("prices a suspended run by the steps its checkpoint has left", () => {
    const key = candidateKey(first, 0.01);
    let n = 0;
    const out = fitRunResumable(first, cfg, 1, 0.01, createModel, key, undefined, {shouldSuspend: () => ++n > 4});
    if (!("suspended" in out)) throw new Error("the run was not suspended");
    const at = out.suspended.step;
    expect(at).toBeGreaterThan(0);
    const checkpoints = memoryCheckpoints();
    const ckKey = checkpointKey(key, "smooth", cfg);
    checkpoints.save({key: ckKey, backend: "wasm-simd", learningRate: 0.01, seed: 1}, out.suspended);
    expect(checkpoints.step(ckKey)).toBe(at);
    expect(checkpoints.step("no such key")).toBeNull();
    const rest = (slowWorst * (cfg.train.maxSteps - at)) / cfg.train.maxSteps;
    // Time for the rest of the suspended run, not for a whole slow run; the sweep itself could hold one.
    const left = (rest + slowWorst) / 2;
    let asked = 0;
    const store = memoryStore();
    const messages: string[] = [];
    runExperiment(cfg, {
      store,
      createModel,
      filter: both,
      measure,
      checkpoints,
      timeLeft: () => (asked++ === 0 ? 2 * slowWorst : left),
      onProgress: (p) => messages.push(p.label)
    });
    const runs = store.all.filter((r): r is RunRecord => r.type === "run");
    expect(runs[0].key).toBe(key);
    expect(messages[0]).toMatch(/rate 0\.01 \(choosing the rate\)$/);
    expect(messages[1]).toMatch(new RegExp(`: continuing from step ${at}$`));
  });
});
