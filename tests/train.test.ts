import {describe, expect, it} from "vitest";
import {createTrainer, train} from "../lib/train.js";
import {gaussians, sine, spiral, withBiasInput, xor} from "../lib/datasets.js";
import {createModel} from "../lib/model.js";
import {mse} from "../lib/losses.js";
import {SwitchNetError} from "../lib/check.js";
import {DIVERGENCE_FACTOR, TrainingDivergedError} from "../lib/divergence.js";
import {createRng} from "../lib/random.js";
import type {Dataset, Model, ModelKind, ModelSpec, ResolvedModelSpec} from "../lib/types.js";

/** y = W·x + b, a tiny Model for testing the trainer on its own. Records what forward sees. */
function linearModel(inputSize: number, outputSize: number, seed = 1) {
  const nW = inputSize * outputSize;
  const params = new Float32Array(nW + outputSize);
  const grads = new Float32Array(params.length);
  const rng = createRng(seed);
  for (let i = 0; i < nW; i++) params[i] = 0.1 * rng.normal();
  let lastInput: Float32Array = new Float32Array(0);
  let lastBatch = 0;
  const seen: Float32Array[] = []; // copies of each forward input
  const refs: Float32Array[] = []; // the input arrays themselves
  const spec = {
    kind: "dense",
    inputSize,
    outputSize,
    width: 1,
    depth: 1,
    groupSize: 4,
    projection: "subrandom",
    adjust: false,
    placement: "pad",
    initNoise: 0,
    seed
  } as ResolvedModelSpec;
  const model: Model & {seen: Float32Array[]; refs: Float32Array[]} = {
    spec,
    params,
    grads,
    parameterCount: params.length,
    seen,
    refs,
    forward(input, batch) {
      seen.push(input.slice());
      refs.push(input);
      lastInput = input;
      lastBatch = batch;
      const out = new Float32Array(batch * outputSize);
      for (let s = 0; s < batch; s++) {
        for (let o = 0; o < outputSize; o++) {
          let v = params[nW + o];
          for (let i = 0; i < inputSize; i++) v += params[o * inputSize + i] * input[s * inputSize + i];
          out[s * outputSize + o] = v;
        }
      }
      return out;
    },
    backward(gy) {
      const gx = new Float32Array(lastBatch * inputSize);
      for (let s = 0; s < lastBatch; s++) {
        for (let o = 0; o < outputSize; o++) {
          const g = gy[s * outputSize + o];
          grads[nW + o] += g;
          for (let i = 0; i < inputSize; i++) {
            grads[o * inputSize + i] += g * lastInput[s * inputSize + i];
            gx[s * inputSize + i] += g * params[o * inputSize + i];
          }
        }
      }
      return gx;
    },
    zeroGrad() {
      grads.fill(0);
    }
  };
  return model;
}

/** Noise-free linear data y = A·x + c with x uniform in [−1, 1]^3. */
const A = [
  [0.5, -1, 2],
  [1.5, 0, -0.25]
];
const C = [0.3, -0.7];
function linearData(n: number, seed: number): Dataset {
  const rng = createRng(seed);
  const split = (m: number) => {
    const x = Float32Array.from({length: m * 3}, () => 2 * rng.next() - 1);
    const y = new Float32Array(m * 2);
    for (let s = 0; s < m; s++) {
      for (let o = 0; o < 2; o++) y[s * 2 + o] = C[o] + A[o].reduce((sum, a, i) => sum + a * x[s * 3 + i], 0);
    }
    return {x, y, n: m};
  };
  return {
    name: "linear",
    task: "regression",
    inputSize: 3,
    outputSize: 2,
    train: split(n),
    test: split(Math.floor(n / 4))
  };
}

// The view, not the whole buffer: after ready() params may live inside the shared kernel memory.
const bits = (a: Float32Array) => [...new Uint32Array(a.buffer, a.byteOffset, a.length)];

describe("training a linear model", () => {
  it("SGD with momentum recovers the weights of noise-free linear data", () => {
    const model = linearModel(3, 2);
    const history = train(model, linearData(200, 1), {
      optimizer: "sgd",
      learningRate: 0.1,
      momentum: 0.9,
      batchSize: 10,
      epochs: 30
    });
    expect(history.length).toBe(30);
    for (let o = 0; o < 2; o++) {
      for (let i = 0; i < 3; i++) expect(model.params[o * 3 + i]).toBeCloseTo(A[o][i], 3);
      expect(model.params[6 + o]).toBeCloseTo(C[o], 3);
    }
    expect(history[29].testLoss!).toBeLessThan(1e-6);
    expect(history[29].testLoss!).toBeLessThan(history[0].testLoss! / 1000);
  });

  it("Adam with cross-entropy separates two Gaussian blobs", () => {
    const data = gaussians({classes: 2, n: 400, noise: 0.2, seed: 2});
    const model = linearModel(2, 2);
    const before = createTrainer(linearModel(2, 2), data).evaluate("test");
    const history = train(model, data, {optimizer: "adam", learningRate: 0.05, epochs: 10, batchSize: 16});
    const last = history[history.length - 1];
    expect(last.testAccuracy!).toBeGreaterThanOrEqual(0.95);
    expect(last.trainAccuracy!).toBeGreaterThanOrEqual(0.95);
    expect(last.testLoss!).toBeLessThan(before.loss / 2);
  });
});

describe("trainer mechanics", () => {
  it("visits every training sample once per epoch, last batch smaller, reusing its batch buffers", () => {
    const data = linearData(10, 3);
    const model = linearModel(3, 2);
    const t = createTrainer(model, data, {batchSize: 4, evaluateTrain: false, learningRate: 1e-9, optimizer: "sgd"});
    model.refs.length = 0; // the starting loss createTrainer measured
    for (let epoch = 1; epoch <= 2; epoch++) {
      model.seen.length = 0;
      const sizes: number[] = [];
      for (let s = 0; s < 3; s++) {
        t.step();
        sizes.push(model.seen[s].length / 3);
      }
      expect(sizes).toEqual([4, 4, 2]);
      expect(t.state).toMatchObject({epoch, step: 3 * epoch, position: 0});
      const visited = model.seen.flatMap((x) => [...x]).map((v) => v.toFixed(6));
      // each training row exactly once (rows are distinct random triples)
      const rows = new Set<string>();
      for (let r = 0; r < visited.length; r += 3) rows.add(visited.slice(r, r + 3).join());
      expect(rows.size).toBe(10);
      for (let i = 0; i < 10; i++)
        expect(rows.has([...data.train.x.subarray(3 * i, 3 * i + 3)].map((v) => v.toFixed(6)).join())).toBe(true);
    }
    // the same Float32Array views are passed every step
    expect(model.refs[0]).toBe(model.refs[1]);
    expect(model.refs[0].buffer).toBe(model.refs[2].buffer);
  });

  it("shuffles differently each epoch and per seed", () => {
    const order = (seed: number) => {
      const model = linearModel(3, 2);
      const t = createTrainer(model, linearData(12, 3), {
        batchSize: 12,
        seed,
        evaluateTrain: false,
        learningRate: 1e-9
      });
      model.seen.length = 0; // the starting loss createTrainer measured
      t.step();
      t.step();
      return model.seen.map((x) => [...x].join());
    };
    const a = order(1);
    expect(a[0]).not.toEqual(a[1]);
    expect(order(1)).toEqual(a);
    expect(order(2)[0]).not.toEqual(a[0]);
  });

  it("is deterministic: same seeds give bit-identical parameters; another shuffle seed does not", () => {
    const run = (seed: number) => {
      const model = linearModel(2, 2, 5);
      train(model, gaussians({classes: 2, n: 200, seed: 1}), {epochs: 3, batchSize: 7, seed});
      return bits(model.params);
    };
    const first = run(11);
    expect(run(11)).toEqual(first);
    expect(run(12)).not.toEqual(first);
  });

  it("evaluate gives the mean loss over a split and epoch() records it", () => {
    const data = linearData(37, 4);
    const model = linearModel(3, 2);
    const t = createTrainer(model, data, {batchSize: 8});
    const e = t.evaluate("test");
    const out = model.forward(data.test.x, data.test.n);
    expect(e.loss).toBeCloseTo(mse(out, data.test.y, data.test.n), 6);
    expect(e.accuracy).toBeUndefined();
    const record = t.epoch();
    expect(record).toMatchObject({epoch: 1, step: 5});
    expect(record.testLoss).toBeCloseTo(t.evaluate("test").loss, 12);
    expect(record.trainLoss).toBeCloseTo(t.evaluate("train").loss, 12);
    expect(Number.isFinite(record.batchLoss)).toBe(true);
    expect(t.state.history).toEqual([record]);
    expect(() => t.evaluate("valid" as never)).toThrow(/split must be one of "train", "test", got "valid"/);
  });

  it("epoch() after a few steps finishes the current epoch", () => {
    const t = createTrainer(linearModel(3, 2), linearData(20, 1), {batchSize: 5});
    t.step();
    t.step();
    expect(t.epoch()).toMatchObject({epoch: 1, step: 4});
    expect(t.epoch()).toMatchObject({epoch: 2, step: 8});
  });

  it("onEpoch returning false stops training; setLearningRate changes the optimiser", () => {
    const seen: number[] = [];
    const history = train(linearModel(3, 2), linearData(20, 1), {
      epochs: 10,
      onEpoch(record, trainer) {
        seen.push(record.epoch);
        trainer.setLearningRate(0.001 * record.epoch);
        return record.epoch < 3;
      }
    });
    expect(seen).toEqual([1, 2, 3]);
    expect(history.map((r) => r.learningRate)).toEqual([0.01, 0.001, 0.002]);
  });

  it("marks divergence, skips the update and stops: train() throws a TrainingDivergedError holding the history", () => {
    const model = linearModel(3, 2);
    let error: unknown;
    try {
      train(model, linearData(50, 1), {optimizer: "sgd", learningRate: 1e6, momentum: 0.9, epochs: 100, batchSize: 5});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TrainingDivergedError);
    expect(error).toBeInstanceOf(SwitchNetError);
    const {history, divergence} = error as TrainingDivergedError;
    expect(history.length).toBeGreaterThan(0);
    expect(history.length).toBeLessThan(100);
    expect(divergence.loss).toBeGreaterThan(DIVERGENCE_FACTOR * divergence.startLoss);
    expect((error as Error).message).toMatch(
      /^training diverged at step \d+ \(epoch 1\): the loss .* is more than 1000 × the starting loss .* \(sgd, learning rate 1000000\)/
    );
  });
});

describe("option and data checks", () => {
  const data = () => linearData(20, 1);
  const cases: Array<[string, () => [Model, Dataset, object], RegExp]> = [
    ["batchSize 0", () => [linearModel(3, 2), data(), {batchSize: 0}], /batchSize must be at least 1, got 0/],
    ["batchSize 2.5", () => [linearModel(3, 2), data(), {batchSize: 2.5}], /batchSize must be an integer, got 2.5/],
    [
      "learningRate 0",
      () => [linearModel(3, 2), data(), {learningRate: 0}],
      /learningRate must be greater than 0, got 0/
    ],
    [
      "learningRate NaN",
      () => [linearModel(3, 2), data(), {learningRate: NaN}],
      /learningRate must be a finite number, got NaN/
    ],
    [
      "learningRate Infinity",
      () => [linearModel(3, 2), data(), {learningRate: Infinity}],
      /learningRate must be a finite number, got Infinity/
    ],
    ["epochs 0", () => [linearModel(3, 2), data(), {epochs: 0}], /epochs must be at least 1, got 0/],
    [
      "optimizer",
      () => [linearModel(3, 2), data(), {optimizer: "lbfgs"}],
      /optimizer must be one of "sgd", "adam", got "lbfgs"/
    ],
    [
      "unknown option",
      () => [linearModel(3, 2), data(), {learningrate: 0.1}],
      /unknown training option "learningrate"/
    ],
    ["seed", () => [linearModel(3, 2), data(), {seed: "a"}], /seed must be an integer, got "a"/],
    [
      "cross-entropy on regression",
      () => [linearModel(3, 2), data(), {loss: "softmax-cross-entropy"}],
      /loss "softmax-cross-entropy" needs a classification dataset/
    ],
    [
      "inputSize mismatch",
      () => [linearModel(4, 2), data(), {}],
      /dataset.inputSize is 3 but the model's inputSize is 4/
    ],
    [
      "outputSize mismatch",
      () => [linearModel(3, 1), data(), {}],
      /dataset.outputSize is 2 but the model's outputSize is 1/
    ],
    [
      "NaN in train x",
      () => {
        const d = data();
        d.train.x[7] = NaN;
        return [linearModel(3, 2), d, {}];
      },
      /dataset.train.x must hold finite numbers, but dataset.train.x\[7\] is NaN/
    ],
    [
      "Infinity in test y",
      () => {
        const d = data();
        d.test.y[1] = Infinity;
        return [linearModel(3, 2), d, {}];
      },
      /dataset.test.y\[1\] is Infinity/
    ],
    [
      "short y",
      () => {
        const d = data();
        d.train.y = d.train.y.subarray(1);
        return [linearModel(3, 2), d, {}];
      },
      /dataset.train.y must be a Float32Array of length n × outputSize = 40/
    ],
    [
      "label out of range",
      () => {
        const d = gaussians({classes: 2, n: 20});
        d.train.labels![3] = 2;
        return [linearModel(2, 2), d, {}];
      },
      /dataset.train.labels\[3\] must be a class index from 0 to 1, got 2/
    ],
    [
      "empty train",
      () => {
        const d = data();
        d.train = {x: new Float32Array(0), y: new Float32Array(0), n: 0};
        return [linearModel(3, 2), d, {}];
      },
      /dataset.train.n must be at least 1, got 0/
    ],
    ["not a model", () => [{} as Model, data(), {}], /model must implement Model/]
  ];
  for (const [name, make, message] of cases) {
    it(`${name}: throws a SwitchNetError naming it, and changes nothing`, () => {
      const [model, dataset, options] = make();
      const params = model.params ? model.params.slice() : undefined;
      let error: unknown;
      try {
        train(model, dataset, options);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SwitchNetError);
      expect((error as Error).message).toMatch(message);
      if (params) expect(bits(model.params)).toEqual(bits(params));
    });
  }
});

describe("with a 1-D regression dataset", () => {
  it("full-batch gradient descent fits the least-squares line to sin(πx)", () => {
    const data = sine({n: 1000, noise: 0, seed: 3});
    // closed-form least squares on the training sample
    const {x, y, n} = data.train;
    let mx = 0,
      my = 0;
    for (let i = 0; i < n; i++) {
      mx += x[i] / n;
      my += y[i] / n;
    }
    let sxy = 0,
      sxx = 0;
    for (let i = 0; i < n; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) ** 2;
    }
    const slope = sxy / sxx;
    // on uniform [−1, 1] the population slope is E[x sin πx]/E[x²] = 3/π
    expect(slope).toBeCloseTo(3 / Math.PI, 1);
    const model = linearModel(1, 1);
    train(model, data, {
      optimizer: "sgd",
      learningRate: 0.5,
      momentum: 0.9,
      epochs: 400,
      batchSize: n,
      evaluateTrain: false
    });
    expect(model.params[0]).toBeCloseTo(slope, 4);
    expect(model.params[1]).toBeCloseTo(my - slope * mx, 4);
  });
});

/**
 * Every model kind learns xor and a 2-arm spiral with a fixed seed, to a stated test accuracy.
 * The WHT kinds have no biases, so their class regions are cones from the origin: enough for xor
 * on raw (x, y), but the spiral needs a constant third input (withBiasInput; dense has biases and
 * takes raw inputs). Settings were
 * chosen to clear the bar with margin over seeds 1–5 (recorded next to each).
 */
interface Setting {
  spec: Omit<ModelSpec, "kind" | "inputSize" | "outputSize">;
  options: Parameters<typeof train>[2];
  bar: number;
}
const learning: Record<ModelKind, {xor: Setting; spiral: Setting}> = {
  switchnet4: {
    // seeds 1–5: xor 0.97–1.00, spiral 0.98–1.00
    xor: {spec: {width: 16, depth: 2}, options: {optimizer: "adam", learningRate: 0.05, epochs: 10}, bar: 0.9},
    spiral: {spec: {width: 32, depth: 3}, options: {optimizer: "adam", learningRate: 0.05, epochs: 30}, bar: 0.8}
  },
  butterfly: {
    // seeds 1–5: xor 0.97–1.00, spiral 0.96–1.00 (at width 32, lr 0.05, 30 epochs one seed fell to 0.66)
    xor: {spec: {width: 16, depth: 2}, options: {optimizer: "adam", learningRate: 0.05, epochs: 10}, bar: 0.9},
    spiral: {spec: {width: 16, depth: 4}, options: {optimizer: "adam", learningRate: 0.03, epochs: 80}, bar: 0.8}
  },
  filterbank: {
    // seeds 1–5: xor 0.97–1.00, spiral 0.94–0.98
    xor: {spec: {width: 16, depth: 2}, options: {optimizer: "adam", learningRate: 0.05, epochs: 10}, bar: 0.9},
    spiral: {spec: {width: 32, depth: 3}, options: {optimizer: "adam", learningRate: 0.05, epochs: 30}, bar: 0.8}
  },
  dense: {
    // seeds 1–5: xor 0.97–1.00, spiral 0.98–1.00 (raw inputs: dense layers have biases)
    xor: {spec: {width: 16, depth: 2}, options: {optimizer: "adam", learningRate: 0.05, epochs: 10}, bar: 0.9},
    spiral: {spec: {width: 32, depth: 2}, options: {optimizer: "adam", learningRate: 0.05, epochs: 30}, bar: 0.8}
  }
};

describe("models learn xor and spiral", () => {
  for (const [kind, settings] of Object.entries(learning) as Array<[ModelKind, {xor: Setting; spiral: Setting}]>) {
    for (const task of ["xor", "spiral"] as const) {
      const {spec, options, bar} = settings[task];
      it(`${kind} reaches test accuracy ≥ ${bar} on ${task}`, () => {
        const raw = task === "xor" ? xor({seed: 1}) : spiral({seed: 1});
        const data = task === "spiral" && kind !== "dense" ? withBiasInput(raw) : raw;
        const model = createModel({kind, inputSize: data.inputSize, outputSize: 2, seed: 1, ...spec});
        const untrained = createTrainer(model, data).evaluate("test").accuracy!;
        const history = train(model, data, {batchSize: 32, seed: 1, evaluateTrain: false, ...options});
        const last = history[history.length - 1].testAccuracy!;
        expect(last).toBeGreaterThanOrEqual(bar);
        expect(last).toBeGreaterThan(untrained + 0.15);
      });
    }
  }

  it("training a switchnet4 model twice with the same seeds gives bit-identical parameters", () => {
    const run = () => {
      const data = withBiasInput(spiral({n: 200, seed: 3}));
      const model = createModel({kind: "switchnet4", inputSize: 3, outputSize: 2, width: 16, depth: 2, seed: 4});
      train(model, data, {epochs: 3, batchSize: 16, seed: 5, learningRate: 0.05});
      return bits(model.params);
    };
    const a = run();
    expect(run()).toEqual(a);
  });

  it("bad options leave a real model's parameters unchanged", () => {
    const model = createModel({kind: "switchnet4", inputSize: 2, outputSize: 2, width: 8, seed: 1});
    const before = bits(model.params);
    expect(() => train(model, xor({n: 50}), {learningRate: -0.1})).toThrow(
      /learningRate must be greater than 0, got -0.1/
    );
    expect(() => train(model, spiral({n: 50, arms: 3}), {})).toThrow(
      /dataset.outputSize is 3 but the model's outputSize is 2/
    );
    expect(bits(model.params)).toEqual(before);
  });
});
