import {describe, expect, it} from "vitest";
import {accuracy, countCorrect, lossFunction, mse, predictClass, softmaxCrossEntropy} from "../lib/losses.js";
import {SwitchNetError} from "../lib/check.js";
import {createRng} from "../lib/random.js";

/** Central finite differences of a loss with respect to each output, in float64 via a copy. */
function numericGrad(f: (o: Float32Array) => number, outputs: Float32Array, h = 1e-2): Float64Array {
  const g = new Float64Array(outputs.length);
  for (let i = 0; i < outputs.length; i++) {
    const o = outputs.slice();
    o[i] = outputs[i] + h;
    const up = f(o);
    o[i] = outputs[i] - h;
    const down = f(o);
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

function randomArray(n: number, seed: number, scale = 1): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({length: n}, () => scale * rng.normal());
}

describe("mse", () => {
  it("is the mean over samples of half the summed squared error", () => {
    const out = new Float32Array([1, 2, 3, 4]);
    const tgt = new Float32Array([0, 2, 1, 1]);
    // sample 0: ½(1² + 0²) = 0.5; sample 1: ½(2² + 3²) = 6.5; mean 3.5
    expect(mse(out, tgt, 2)).toBeCloseTo(3.5, 12);
    // one sample of four outputs: ½(1 + 0 + 4 + 9) = 7
    expect(mse(out, tgt, 1)).toBeCloseTo(7, 12);
  });

  it("writes the gradient (out − target)/batch, matching finite differences", () => {
    const out = randomArray(12, 1);
    const tgt = randomArray(12, 2);
    const grad = new Float32Array(12);
    mse(out, tgt, 3, grad);
    const numeric = numericGrad((o) => mse(o, tgt, 3), out);
    for (let i = 0; i < 12; i++) {
      expect(grad[i]).toBeCloseTo((out[i] - tgt[i]) / 3, 6);
      expect(grad[i]).toBeCloseTo(numeric[i], 3);
    }
  });

  it("is zero exactly at the target", () => {
    const t = randomArray(6, 3);
    const grad = new Float32Array(6).fill(9);
    expect(mse(t, t, 2, grad)).toBe(0);
    expect([...grad]).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe("softmax-cross-entropy", () => {
  it("equals a hand-computed value", () => {
    // outputs (1, 2, 3), one-hot class 2: −log(e³ / (e + e² + e³)) = log(1 + e⁻¹ + e⁻²)
    const out = new Float32Array([1, 2, 3]);
    const tgt = new Float32Array([0, 0, 1]);
    const expected = Math.log(1 + Math.exp(-1) + Math.exp(-2));
    expect(expected).toBeCloseTo(0.40760596444, 10);
    expect(softmaxCrossEntropy(out, tgt, 1)).toBeCloseTo(expected, 6);
    // class 0 instead: log(e + e² + e³) − 1 = 2.40760596
    expect(softmaxCrossEntropy(out, new Float32Array([1, 0, 0]), 1)).toBeCloseTo(2 + expected, 6);
    // two outputs 0, 0: log 2 whatever the class
    expect(softmaxCrossEntropy(new Float32Array([0, 0]), new Float32Array([0, 1]), 1)).toBeCloseTo(Math.LN2, 7);
  });

  it("gradient is softmax − target over batch, matching finite differences", () => {
    const batch = 4,
      size = 5;
    const out = randomArray(batch * size, 4, 2);
    const tgt = new Float32Array(batch * size);
    // two one-hot rows and two soft distributions
    tgt[0 * size + 1] = 1;
    tgt[1 * size + 4] = 1;
    tgt.set([0.2, 0.3, 0.5, 0, 0], 2 * size);
    tgt.set([0.1, 0.1, 0.1, 0.1, 0.6], 3 * size);
    const grad = new Float32Array(batch * size);
    softmaxCrossEntropy(out, tgt, batch, grad);
    const numeric = numericGrad((o) => softmaxCrossEntropy(o, tgt, batch), out, 1e-2);
    for (let i = 0; i < grad.length; i++) expect(grad[i]).toBeCloseTo(numeric[i], 4);
    // each row of the gradient sums to zero when targets sum to one
    for (let s = 0; s < batch; s++) {
      let sum = 0;
      for (let j = 0; j < size; j++) sum += grad[s * size + j];
      expect(Math.abs(sum)).toBeLessThan(1e-6);
    }
  });

  it("is stable for huge logits (log-sum-exp)", () => {
    const out = new Float32Array([1000, 0, -1000, 1e30, 1e30, -1e30]);
    const tgt = new Float32Array([0, 1, 0, 1, 0, 0]);
    const grad = new Float32Array(6);
    const loss = softmaxCrossEntropy(out, tgt, 2, grad);
    // sample 0: 1000 − 0 = 1000; sample 1: log 2
    expect(loss).toBeCloseTo((1000 + Math.LN2) / 2, 6);
    for (const g of grad) expect(Number.isFinite(g)).toBe(true);
    expect(grad[0]).toBeCloseTo(0.5, 6);
    expect(grad[1]).toBeCloseTo(-0.5, 6);
  });

  it("lossFunction picks by name and rejects unknown names", () => {
    expect(lossFunction("mse")).toBe(mse);
    expect(lossFunction("softmax-cross-entropy")).toBe(softmaxCrossEntropy);
    expect(() => lossFunction("hinge" as never)).toThrow(
      /loss must be one of "mse", "softmax-cross-entropy", got "hinge"/
    );
  });
});

describe("shape checks", () => {
  it("throws SwitchNetErrors naming the bad value", () => {
    const a = new Float32Array(6);
    expect(() => mse(a, new Float32Array(5), 2)).toThrow(SwitchNetError);
    expect(() => mse(a, new Float32Array(5), 2)).toThrow(/targets must have length 6, got length 5/);
    expect(() => mse(a, a, 4)).toThrow(/not a positive multiple of batchSize 4/);
    expect(() => mse(a, a, 0)).toThrow(/batchSize must be at least 1, got 0/);
    expect(() => softmaxCrossEntropy(a, a, 2, new Float32Array(2))).toThrow(/grad must have length 6/);
    expect(() => mse([1, 2] as never, a, 1)).toThrow(/outputs must be a Float32Array/);
  });
});

describe("accuracy", () => {
  const outputs = new Float32Array([
    0.1,
    0.9,
    0.0, // → 1
    2.0,
    1.0,
    0.5, // → 0
    0.0,
    0.0,
    3.0, // → 2
    1.0,
    5.0,
    4.0 // → 1
  ]);
  it("compares argmax with labels", () => {
    expect(accuracy(outputs, new Int32Array([1, 0, 2, 1]), 4)).toBe(1);
    expect(accuracy(outputs, new Int32Array([1, 1, 2, 2]), 4)).toBe(0.5);
    expect(countCorrect(outputs, new Int32Array([0, 1, 0, 0]), 4)).toBe(0);
  });
  it("compares argmax with one-hot targets", () => {
    const onehot = new Float32Array(12);
    [1, 0, 0, 1].forEach((c, s) => (onehot[s * 3 + c] = 1));
    expect(accuracy(outputs, onehot, 4)).toBe(0.75);
  });
  it("thresholds a single output at 0.5", () => {
    expect(predictClass(new Float32Array([0.7]), 0, 1)).toBe(1);
    expect(accuracy(new Float32Array([0.7, 0.2, 0.5]), new Int32Array([1, 1, 1]), 3)).toBeCloseTo(2 / 3, 12);
  });
  it("rejects labels of the wrong length", () => {
    expect(() => accuracy(outputs, new Int32Array(3), 4)).toThrow(/labels must have length 4/);
    expect(() => accuracy(outputs, [1, 2] as never, 4)).toThrow(/truth must be an Int32Array/);
  });
});
