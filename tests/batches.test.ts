// The batching core (lib/batches.ts, lib/step.ts) shared by the trainer, the experiment's fit and the
// playground: both ways a pass ends, the seeded order, chunked forwards, and one training step's
// divergence and overflow outcomes.
import {describe, expect, it} from "vitest";
import {createBatchSampler, forwardInChunks, predictInChunks, type PassEnd} from "../lib/batches.js";
import {trainingStep} from "../lib/step.js";
import {NonFiniteError, DIVERGENCE_FACTOR} from "../lib/divergence.js";
import {lossFunction} from "../lib/losses.js";
import {createOptimizer} from "../lib/optim.js";
import {createRng} from "../lib/random.js";
import {SwitchNetError} from "../lib/check.js";
import type {Model, ResolvedModelSpec, Split} from "../lib/types.js";

/** n samples whose input is (s, −s) and target s + 0.5: each row names its sample. */
function numbered(n: number): Split {
  const x = new Float32Array(2 * n);
  const y = new Float32Array(n);
  for (let s = 0; s < n; s++) {
    x[2 * s] = s;
    x[2 * s + 1] = -s;
    y[s] = s + 0.5;
  }
  return {x, y, n};
}

/** The samples of `batches` batches, batch by batch (checking each row's input and target agree). */
function draw(n: number, batchSize: number, seed: number, passEnd: PassEnd, batches: number): number[][] {
  const sampler = createBatchSampler(numbered(n), batchSize, seed, passEnd);
  const out: number[][] = [];
  for (let k = 0; k < batches; k++) {
    const b = sampler.next();
    expect(b.x.length).toBe(2 * b.rows);
    expect(b.y.length).toBe(b.rows);
    expect(b.grad.length).toBe(b.rows);
    const rows = Array.from({length: b.rows}, (_, i) => b.x[2 * i]);
    expect(rows.map((_s, i) => [b.x[2 * i + 1], b.y[i]])).toEqual(rows.map((s) => [-s, s + 0.5]));
    out.push(rows);
  }
  return out;
}

function isPermutation(values: number[], n: number): boolean {
  return values.length === n && [...values].sort((a, b) => a - b).every((v, i) => v === i);
}

describe("the batch sampler", () => {
  it('"short-batch": a pass of 23 samples in batches of 5 is four of 5 and one of 3, each pass a permutation', () => {
    const batches = draw(23, 5, 7, "short-batch", 15);
    expect(batches.map((b) => b.length)).toEqual([5, 5, 5, 5, 3, 5, 5, 5, 5, 3, 5, 5, 5, 5, 3]);
    const passes = [batches.slice(0, 5), batches.slice(5, 10), batches.slice(10)].map((p) => p.flat());
    for (const p of passes) expect(isPermutation(p, 23)).toBe(true);
    expect(passes[1]).not.toEqual(passes[0]);
  });

  it("the first pass is 0 … n − 1 shuffled by the seed's generator, the next shuffles that order again", () => {
    const order = Array.from({length: 23}, (_, i) => i);
    const rng = createRng(7);
    rng.shuffle(order);
    const first = [...order];
    rng.shuffle(order);
    const batches = draw(23, 5, 7, "short-batch", 10).flat();
    expect(batches).toEqual([...first, ...order]);
  });

  it('"wrap": every batch is full, and the samples come in the same stream as "short-batch" for the same seed', () => {
    const wrap = draw(23, 5, 7, "wrap", 14);
    expect(wrap.every((b) => b.length === 5)).toBe(true);
    const stream = draw(23, 5, 7, "short-batch", 20).flat();
    expect(wrap.flat()).toEqual(stream.slice(0, 70));
    // The fifth batch holds the last 3 samples of the first pass and the first 2 of the second.
    expect(wrap[4]).toEqual(stream.slice(20, 25));
  });

  it("reports the position in the pass, and a batch size of at least n gives one batch per pass", () => {
    const sampler = createBatchSampler(numbered(7), 3, 1, "short-batch");
    const positions = Array.from({length: 4}, () => (sampler.next(), sampler.position));
    expect(positions).toEqual([3, 6, 0, 3]);
    expect(sampler.batchSize).toBe(3);
    for (const passEnd of ["short-batch", "wrap"] as const) {
      const big = draw(4, 10, 2, passEnd, 2);
      expect(big.map((b) => b.length)).toEqual([4, 4]);
      expect(big.every((b) => isPermutation(b, 4))).toBe(true);
    }
  });

  it("gives other orders for other seeds, and the same for the same seed", () => {
    expect(draw(50, 8, 3, "wrap", 10)).toEqual(draw(50, 8, 3, "wrap", 10));
    expect(draw(50, 8, 3, "wrap", 10)).not.toEqual(draw(50, 8, 4, "wrap", 10));
  });
});

/** out = 2·x + 1 per row (inputSize = outputSize = width), recording every forward's row count. */
function doublingModel(width: number, calls: number[] = []): Model {
  const spec = {kind: "dense", inputSize: width, outputSize: width, width, depth: 1} as ResolvedModelSpec;
  return {
    spec,
    params: new Float32Array(1),
    grads: new Float32Array(1),
    parameterCount: 1,
    forward(input, batch) {
      calls.push(batch);
      return input.map((v) => 2 * v + 1);
    },
    backward: () => new Float32Array(0),
    zeroGrad() {}
  };
}

describe("chunked forwards", () => {
  it("visit the first n rows in order, in chunks of at most `chunk` rows", () => {
    const calls: number[] = [];
    const model = doublingModel(3, calls);
    const x = Float32Array.from({length: 3 * 12}, (_, i) => i);
    const seen: [number, number, number[]][] = [];
    forwardInChunks(model, x, 11, 4, (out, start, rows) => seen.push([start, rows, Array.from(out)]));
    expect(calls).toEqual([4, 4, 3]);
    expect(seen.map(([start, rows]) => [start, rows])).toEqual([
      [0, 4],
      [4, 4],
      [8, 3]
    ]);
    expect(seen.flatMap(([, , out]) => out)).toEqual(Array.from(x.subarray(0, 33), (v) => 2 * v + 1));
  });

  it("run each forward through the runner given", () => {
    let runs = 0;
    const run = <T>(f: () => T): T => (runs++, f());
    forwardInChunks(doublingModel(2), new Float32Array(20), 10, 3, () => {}, run);
    expect(runs).toBe(4);
  });

  it("predictInChunks gathers the outputs of every chunk", () => {
    const x = Float32Array.from({length: 2 * 9}, (_, i) => i / 4);
    expect(Array.from(predictInChunks(doublingModel(2), x, 9, 2))).toEqual(Array.from(x, (v) => 2 * v + 1));
    expect(predictInChunks(doublingModel(2), x, 5, 100)).toEqual(x.subarray(0, 10).map((v) => 2 * v + 1));
  });
});

describe("one training step", () => {
  const batchOf = (rows: number, width: number) => ({
    rows,
    x: new Float32Array(rows * width).fill(1),
    y: new Float32Array(rows * width),
    grad: new Float32Array(rows * width)
  });
  const mse = lossFunction("mse");

  /** The doubling model with a gradient and a backward that may overflow. */
  function stepModel(width: number, backwardOverflows = false) {
    const log: string[] = [];
    const model = doublingModel(width);
    return {
      log,
      model: {
        ...model,
        params: new Float32Array(2).fill(1),
        grads: new Float32Array(2),
        parameterCount: 2,
        zeroGrad: () => void log.push("zeroGrad"),
        backward: () => {
          log.push("backward");
          if (backwardOverflows) throw new NonFiniteError("the gradient overflowed");
          return new Float32Array(0);
        }
      } satisfies Model
    };
  }

  it("zeroes the gradients, runs forward, loss, backward and the update, and returns the loss before it", () => {
    const {model, log} = stepModel(2);
    model.grads.set([0.5, -0.5]);
    const optimizer = createOptimizer("sgd", 2, {learningRate: 0.1, momentum: 0});
    const batch = batchOf(3, 2);
    // Outputs 3 against targets 0: the loss and its gradient are those of lib/losses.ts on them.
    const outcome = trainingStep(model, batch, mse, optimizer, 9);
    const loss = mse(new Float32Array(6).fill(3), new Float32Array(6), 3);
    expect(outcome).toEqual({loss, reason: null, overflowed: false});
    expect(log).toEqual(["zeroGrad", "backward"]);
    expect(Array.from(model.params)).toEqual([1 - 0.1 * 0.5, 1 + 0.1 * 0.5].map(Math.fround));
    const expected = new Float32Array(6);
    mse(new Float32Array(6).fill(3), new Float32Array(6), 3, expected);
    expect(batch.grad).toEqual(expected);
  });

  it("skips backward and the update when the loss is above the divergence rule's bound", () => {
    const {model, log} = stepModel(2);
    const optimizer = createOptimizer("sgd", 2, {learningRate: 0.1});
    const outcome = trainingStep(model, batchOf(1, 2), mse, optimizer, 9 / (2 * DIVERGENCE_FACTOR));
    expect(outcome.loss).toBe(9);
    expect(outcome.reason).toMatch(/the loss 9 is more than 1000 × the starting loss/);
    expect(outcome.overflowed).toBe(false);
    expect(log).toEqual(["zeroGrad"]);
    expect(Array.from(model.params)).toEqual([1, 1]);
  });

  it("turns an overflow into a divergence, keeping the loss when it was known before", () => {
    const {model} = stepModel(2, true);
    const optimizer = createOptimizer("sgd", 2, {learningRate: 0.1});
    expect(trainingStep(model, batchOf(1, 2), mse, optimizer, 9)).toEqual({
      loss: 9,
      reason: "the gradient overflowed",
      overflowed: true
    });
    const overflowing = {
      ...model,
      forward: () => {
        throw new NonFiniteError("the output overflowed");
      }
    };
    expect(trainingStep(overflowing, batchOf(1, 2), mse, optimizer, 9)).toEqual({
      loss: NaN,
      reason: "the output overflowed",
      overflowed: true
    });
  });

  it("passes other errors on, and refuses a forward of the wrong length", () => {
    const {model} = stepModel(2);
    const optimizer = createOptimizer("sgd", 2, {learningRate: 0.1});
    const short = {...model, forward: () => new Float32Array(3)};
    expect(() => trainingStep(short, batchOf(2, 2), mse, optimizer, 9)).toThrow(SwitchNetError);
    expect(() => trainingStep(short, batchOf(2, 2), mse, optimizer, 9)).toThrow(
      "model.forward returned 3 values for a batch of 2; expected 4"
    );
    const broken = {
      ...model,
      forward: () => {
        throw new RangeError("out of memory");
      }
    };
    expect(() => trainingStep(broken, batchOf(1, 2), mse, optimizer, 9)).toThrow(RangeError);
  });
});
