// Bad numbers and bad options at the public API (issue 12): options given as null get a
// SwitchNetError; non-finite numbers follow one rule (refused where they come in, overflow raises
// a NonFiniteError; the raw transforms wht/whtBatch are documented as unchecked and have checked
// twins); divergence is reported the same way for SGD and Adam, by train(), by a Trainer, by the
// playground's session and by the experiment's fit().
import {describe, expect, it} from "vitest";
import * as lib from "../lib/index.js";
import {
  createAdam,
  createModel,
  createSgd,
  createTrainer,
  datasets,
  DIVERGENCE_FACTOR,
  NonFiniteError,
  SwitchNetError,
  train,
  TrainingDivergedError,
  wht,
  whtBatch,
  whtBatchChecked,
  whtChecked
} from "../lib/index.js";
import {fit} from "../lib/experiment/fit.js";
import {createSession} from "../src/components/playground/engine.js";
import {defaultState} from "../src/components/playground/state.js";

const xorModel = (seed = 1) =>
  createModel({kind: "switchnet4", inputSize: 2, outputSize: 2, width: 16, depth: 2, seed});

describe("options given as null (or another non-object)", () => {
  const x = () => new Float32Array(8);
  const cases: [string, () => unknown][] = [
    ["wht", () => wht(x(), null as never)],
    ["whtChecked", () => whtChecked(x(), null as never)],
    ["whtBatch", () => whtBatch(x(), null as never)],
    ["whtBatchChecked", () => whtBatchChecked(x(), null as never)],
    ["signFlips", () => lib.signFlips(8, null as never)],
    ["counts", () => lib.counts("switchnet4", 8, null as never)],
    ["equalDenseWidth", () => lib.equalDenseWidth(8, null as never)],
    ["kernelArray", () => lib.kernelArray(4, null as never)],
    ["createSgd", () => createSgd(4, null as never)],
    ["createAdam", () => createAdam(4, null as never)],
    ["createTrainer", () => createTrainer(xorModel(), datasets.xor(), null as never)],
    ["train", () => train(xorModel(), datasets.xor(), null as never)],
    ["parseCsv", () => lib.parseCsv("a,b\n1,2\n3,4\n", null as never)],
    ["createModel", () => createModel(null as never)],
    [
      "searchCapacity",
      () => lib.experiment.searchCapacity(() => ({n: 1, fitted: true, error: 0, steps: 0}), null as never)
    ],
    ["wht with a string", () => wht(x(), "normalize" as never)],
    ["counts with an array", () => lib.counts("switchnet4", 8, [4] as never)]
  ];
  for (const [name, call] of cases) {
    it(`${name}: a SwitchNetError that names the options`, () => {
      expect(call).toThrow(SwitchNetError);
      expect(call).toThrow(/must be an object|got null|got "normalize"|an array/);
    });
  }
  for (const [name, call] of [
    ["createPool", () => lib.createPool(null as never)],
    ["runWhtBenchmark", () => lib.runWhtBenchmark(null as never)]
  ] as const) {
    it(`${name}: rejects with a SwitchNetError`, async () => {
      await expect((call as () => Promise<unknown>)()).rejects.toThrow(SwitchNetError);
    });
  }
});

describe("non-finite numbers: one rule", () => {
  it("the raw wht passes NaN through (documented); whtChecked refuses it by index, before changing anything", () => {
    const x = Float32Array.from([1, 2, NaN, 4]);
    expect(Number.isNaN(wht(x.slice())[0])).toBe(true);
    const y = x.slice();
    expect(() => whtChecked(y)).toThrow("x must hold finite numbers, but x[2] is NaN");
    expect(Array.from(y)).toEqual(Array.from(x).map((v) => v)); // untouched (NaN compares by toEqual)
    const batch = Float32Array.from([1, 2, 3, 4, 5, Infinity, 7, 8]);
    expect(() => whtBatchChecked(batch, {size: 4})).toThrow("x[5] is Infinity");
  });

  it("whtChecked refuses values whose sums could overflow float32, and agrees with wht otherwise", () => {
    const n = 1024;
    const x = new Float32Array(n).fill(1);
    x[9] = 1e37;
    expect(() => whtChecked(x)).toThrow(SwitchNetError);
    expect(() => whtChecked(x)).toThrow(
      /x\[9\] is 9\.99.*e\+36: the sums of a length-1024 transform could overflow float32, so every \|x\| must be at most 3\.32e\+35/
    );
    x[9] = 3e35;
    const checked = whtChecked(x.slice(), {normalize: true});
    expect(checked.every(Number.isFinite)).toBe(true);
    expect(Array.from(checked)).toEqual(Array.from(wht(x.slice(), {normalize: true})));
  });

  it("a model refuses inputs whose numbers overflow inside it (near 3e38), and still works afterwards", async () => {
    // Every kind, on both backends: finite outputs, or a NonFiniteError; never NaN quietly.
    await lib.ready();
    for (const name of ["scalar", "wasm-simd"]) {
      lib.setBackend(name);
      for (const kind of lib.MODEL_KINDS)
        for (const adjust of [false, true]) {
          const m = createModel({kind, inputSize: 2, outputSize: 2, width: 16, adjust});
          for (const v of [
            [3e38, -3e38],
            [3.4e38, 3.4e38],
            [1e30, -1e-30]
          ]) {
            try {
              expect(m.forward(Float32Array.from(v), 1).every(Number.isFinite)).toBe(true);
            } catch (error) {
              expect(error, `${name} ${kind} ${v}`).toBeInstanceOf(NonFiniteError);
            }
          }
          m.dispose();
        }
    }
    lib.setBackend("wasm-simd");
    const model = xorModel();
    const huge = Float32Array.from([3e38, -3e38]);
    expect(() => model.forward(huge, 1)).toThrow(NonFiniteError);
    expect(() => model.forward(huge, 1)).toThrow(
      /output of the model is not finite \(output\[\d\] is (NaN|-?Infinity)\): its numbers overflowed float32 \(largest \|input\| 3\.00e\+38/
    );
    // Nothing to backpropagate from a refused forward.
    expect(() => model.backward(new Float32Array(2))).toThrow("backward needs a forward call first");
    const out = model.forward(Float32Array.from([0.5, -0.25]), 1);
    expect(out.every(Number.isFinite)).toBe(true);
    lib.setBackend("auto");
  });

  it("counts refuse a dense width whose counts would overflow (found by fast-check: 1.3e154 gave Infinity)", () => {
    expect(() => lib.counts("dense", 1.3407807929942597e154)).toThrow(
      "width must be between 1 and 1073741824, got 1.3407807929942597e+154"
    );
    expect(lib.counts("dense", 2 ** 30).stored).toBe(2 ** 60);
  });

  it("a depth beyond the stated limit is refused by name (fast-check found depth 1e300 crashing a dense model with a RangeError)", () => {
    for (const kind of lib.MODEL_KINDS) {
      expect(() => createModel({kind, inputSize: 1, outputSize: 1, width: 4, depth: 1e300})).toThrow(SwitchNetError);
      expect(() => createModel({kind, inputSize: 1, outputSize: 1, width: 4, depth: 1e300})).toThrow(
        "depth must be between 1 and 1024, got 1e+300"
      );
    }
  });

  it("initNoise beyond the stated limit is refused at createModel (1e20 used to give NaN outputs)", () => {
    expect(() => createModel({kind: "switchnet4", inputSize: 2, outputSize: 2, width: 16, initNoise: 1e20})).toThrow(
      "initNoise must be at most 100 (it scales the random perturbation of the initial weights; 0.05 is the default), got 100000000000000000000"
    );
    // At the limit, every output is finite or the forward says why not.
    for (const kind of lib.MODEL_KINDS) {
      const model = createModel({kind, inputSize: 2, outputSize: 2, width: 16, depth: 8, initNoise: 100});
      try {
        expect(model.forward(Float32Array.from([1, -1]), 1).every(Number.isFinite)).toBe(true);
      } catch (error) {
        expect(error).toBeInstanceOf(NonFiniteError);
      }
    }
  });

  it("an optimiser refuses non-finite gradients before changing anything, and says when a step overflows", () => {
    for (const make of [createSgd, createAdam]) {
      const params = Float32Array.from([1, 2, 3]);
      const opt = make(3, {learningRate: 0.1});
      expect(() => opt.step(params, Float32Array.from([0, NaN, 0]))).toThrow(
        "grads must hold finite numbers, but grads[1] is NaN"
      );
      expect(Array.from(params)).toEqual([1, 2, 3]);
      expect(opt.state.step).toBe(0);
    }
    const params = Float32Array.from([3e38, 1]);
    expect(() => createSgd(2, {learningRate: 1e30, momentum: 0}).step(params, Float32Array.from([-1e9, 0]))).toThrow(
      NonFiniteError
    );
  });
});

describe("divergence: the same for every optimiser", () => {
  const data = datasets.xor({seed: 1});
  for (const [optimizer, learningRate] of [
    ["adam", 10],
    ["adam", 1e3],
    ["adam", 1e6],
    ["sgd", 100],
    ["sgd", 1e4]
  ] as const) {
    it(`${optimizer} at learning rate ${learningRate}: train() throws a TrainingDivergedError, the trainer says so`, () => {
      const model = xorModel();
      let error: unknown;
      try {
        train(model, data, {optimizer, learningRate, epochs: 100, seed: 1});
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TrainingDivergedError);
      expect(error).toBeInstanceOf(SwitchNetError);
      const e = error as TrainingDivergedError;
      expect(e.message).toMatch(
        new RegExp(
          `^training diverged at step \\d+ \\(epoch \\d+\\): .* \\(${optimizer}, learning rate ${learningRate}\\)\\. Lower the learning rate`
        )
      );
      expect(e.history.length).toBeLessThan(100);
      const {loss, startLoss} = e.divergence;
      expect(!Number.isFinite(loss) || loss > DIVERGENCE_FACTOR * startLoss).toBe(true);
      // The same settings through a Trainer: the flag, the reason, and a plain error on the next step.
      const trainer = createTrainer(xorModel(), data, {optimizer, learningRate, seed: 1});
      for (let i = 0; i < 10_000 && !trainer.state.diverged; i++) trainer.step();
      expect(trainer.state.diverged).toBe(true);
      expect(trainer.state.divergence?.reason).toBe(e.divergence.reason);
      expect(() => trainer.step()).toThrow(/^this training diverged at step \d+: /);
      // The diverged model gives finite outputs or says it overflowed; never NaN quietly.
      try {
        expect(trainer.model.forward(data.test.x.subarray(0, 20), 10).every(Number.isFinite)).toBe(true);
      } catch (overflow) {
        expect(overflow).toBeInstanceOf(NonFiniteError);
      }
    });
  }

  it("a sensible learning rate does not count as divergence", () => {
    expect(() => train(xorModel(), data, {optimizer: "adam", learningRate: 0.02, epochs: 20, seed: 1})).not.toThrow();
    expect(() => train(xorModel(), data, {optimizer: "sgd", learningRate: 0.1, epochs: 20, seed: 1})).not.toThrow();
  });

  it("an update that blows the parameters up without overflowing shows at the epoch's evaluation: divergence, not NaN in a record (found by fast-check)", () => {
    let error: unknown;
    try {
      train(xorModel(), datasets.xor({n: 60, seed: 3}), {
        epochs: 1,
        batchSize: 48,
        optimizer: "sgd",
        learningRate: 3.5e38
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TrainingDivergedError);
    expect((error as Error).message).toMatch(
      /^training diverged at step 1 \(epoch 1\): (the update made params|output of the model is not finite)/
    );
  });

  it("the playground's session reports it for Adam", () => {
    const state = {...defaultState(), dataset: "xor", samples: 200, optimizer: "adam" as const, learningRate: 10};
    const session = createSession(state);
    try {
      session.run(300);
      const snapshot = session.snapshot(true);
      expect(snapshot.models.map((m) => m.diverged)).toContain(true);
    } finally {
      session.dispose();
    }
  });

  it("the experiment's fit() reports it for Adam", () => {
    const model = xorModel();
    const result = fit(model, data, {
      learningRate: 1e3,
      batchSize: 16,
      seed: 1,
      loss: "softmax-cross-entropy",
      metric: "error-rate",
      fixedSteps: 50,
      maxSteps: 2000,
      evalEvery: 50,
      patience: 5
    });
    expect(result.diverged).toBe(true);
    expect(result.steps).toBeLessThan(2000);
  });
});
