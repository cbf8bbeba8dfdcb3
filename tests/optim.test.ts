import {describe, expect, it} from "vitest";
import {createAdam, createOptimizer, createSgd, type Optimizer, type OptimizerState} from "../lib/optim.js";
import {SwitchNetError} from "../lib/check.js";

// f(p) = ½ Σ a_i (p_i − c_i)², minimum at c, gradient a ⊙ (p − c).
const a = [1, 4, 0.25, 2];
const c = [1, -2, 0.5, 3];
function quadGrad(p: Float32Array, g: Float32Array): void {
  for (let i = 0; i < p.length; i++) g[i] = a[i] * (p[i] - c[i]);
}
function run(opt: Optimizer, steps: number, start = [0, 0, 0, 0]): Float32Array {
  const p = Float32Array.from(start);
  const g = new Float32Array(p.length);
  for (let s = 0; s < steps; s++) {
    quadGrad(p, g);
    opt.step(p, g);
  }
  return p;
}
function maxError(p: Float32Array): number {
  return Math.max(...[...p].map((v, i) => Math.abs(v - c[i])));
}

describe("SGD", () => {
  it("matches hand-computed first and second steps with momentum", () => {
    const opt = createSgd(2, {learningRate: 0.1, momentum: 0.9});
    const p = new Float32Array([1, -2]);
    const g = new Float32Array([0.5, 1]);
    opt.step(p, g);
    // v = g; p − 0.1·v
    expect(p[0]).toBeCloseTo(0.95, 6);
    expect(p[1]).toBeCloseTo(-2.1, 6);
    opt.step(p, g);
    // v = 0.9·g + g = 1.9·g; p − 0.19·g
    expect(p[0]).toBeCloseTo(0.95 - 0.095, 6);
    expect(p[1]).toBeCloseTo(-2.1 - 0.19, 6);
    expect(opt.state.step).toBe(2);
    expect(opt.state.buffers.velocity[1]).toBeCloseTo(1.9, 6);
  });

  it("adds weight decay to the gradient", () => {
    const opt = createSgd(1, {learningRate: 0.5, momentum: 0, weightDecay: 0.1});
    const p = new Float32Array([2]);
    opt.step(p, new Float32Array([1]));
    // g' = 1 + 0.1·2 = 1.2; p = 2 − 0.6
    expect(p[0]).toBeCloseTo(1.4, 6);
  });

  it("steps a quadratic to its minimum (with and without momentum)", () => {
    expect(maxError(run(createSgd(4, {learningRate: 0.2, momentum: 0}), 400))).toBeLessThan(1e-4);
    expect(maxError(run(createSgd(4, {learningRate: 0.1, momentum: 0.9}), 400))).toBeLessThan(1e-4);
    // a learning rate above 2/max(a) = 0.5 diverges on plain gradient descent: the check can fail
    expect(maxError(run(createSgd(4, {learningRate: 0.6, momentum: 0}), 50))).toBeGreaterThan(10);
  });
});

describe("Adam", () => {
  it("matches hand-computed first and second steps (bias correction)", () => {
    const lr = 0.01,
      b1 = 0.9,
      b2 = 0.999,
      eps = 1e-8;
    const opt = createAdam(3, {learningRate: lr});
    const p = new Float32Array([1, 1, 1]);
    const g1 = [2, -0.5, 0];
    opt.step(p, new Float32Array(g1));
    // t = 1: m̂ = g, v̂ = g², step = lr·g/(|g| + ε) ≈ lr·sign(g)
    expect(p[0]).toBeCloseTo(1 - (lr * 2) / (2 + eps), 7);
    expect(p[1]).toBeCloseTo(1 + (lr * 0.5) / (0.5 + eps), 7);
    expect(p[2]).toBe(1);
    const g2 = [1, 1, 0];
    const before = Float64Array.from(p);
    opt.step(p, new Float32Array(g2));
    for (let i = 0; i < 2; i++) {
      const m = b1 * (1 - b1) * g1[i] + (1 - b1) * g2[i];
      const v = b2 * (1 - b2) * g1[i] ** 2 + (1 - b2) * g2[i] ** 2;
      const mHat = m / (1 - b1 ** 2);
      const vHat = v / (1 - b2 ** 2);
      expect(p[i]).toBeCloseTo(before[i] - (lr * mHat) / (Math.sqrt(vHat) + eps), 6);
    }
    expect(opt.state.step).toBe(2);
  });

  it("steps a quadratic to its minimum", () => {
    expect(maxError(run(createAdam(4, {learningRate: 0.05}), 3000))).toBeLessThan(1e-3);
    // and is far from it early on: the first steps move each coordinate by about lr
    expect(maxError(run(createAdam(4, {learningRate: 0.05}), 5))).toBeGreaterThan(2);
  });
});

describe("state", () => {
  it("is plain Float32Arrays that can be saved and loaded to continue identically", () => {
    for (const kind of ["sgd", "adam"] as const) {
      const opt = createOptimizer(kind, 4, {learningRate: 0.05});
      const p = run(opt, 7);
      for (const buf of Object.values(opt.state.buffers)) expect(buf).toBeInstanceOf(Float32Array);
      const saved: OptimizerState = structuredClone(opt.state);
      const copy = createOptimizer(kind, 4, {learningRate: 0.05});
      copy.load(saved);
      const p2 = p.slice();
      const g = new Float32Array(4);
      for (let s = 0; s < 5; s++) {
        quadGrad(p, g);
        opt.step(p, g);
        quadGrad(p2, g);
        copy.step(p2, g);
      }
      expect([...p2]).toEqual([...p]);
      expect(copy.state.step).toBe(12);
    }
  });

  it("reset zeroes the buffers and step count; setLearningRate validates", () => {
    const opt = createAdam(4);
    run(opt, 3);
    opt.reset();
    expect(opt.state.step).toBe(0);
    expect([...opt.state.buffers.m, ...opt.state.buffers.v].every((v) => v === 0)).toBe(true);
    opt.setLearningRate(0.5);
    expect(opt.options.learningRate).toBe(0.5);
    expect(() => opt.setLearningRate(0)).toThrow(/learningRate must be greater than 0, got 0/);
    expect(opt.options.learningRate).toBe(0.5);
  });

  it("load rejects a state of another kind or size", () => {
    const sgd = createSgd(4);
    expect(() => createAdam(4).load(sgd.state)).toThrow(/optimizer state is for "sgd", expected "adam"/);
    expect(() => createSgd(5).load(sgd.state)).toThrow(/state.buffers.velocity must have length 5, got length 4/);
  });
});

describe("option checks", () => {
  it("throws SwitchNetErrors naming the value and the rule", () => {
    expect(() => createSgd(4, {learningRate: -1})).toThrow(SwitchNetError);
    expect(() => createSgd(4, {learningRate: -1})).toThrow(/learningRate must be greater than 0, got -1/);
    expect(() => createSgd(4, {learningRate: NaN})).toThrow(/learningRate must be a finite number, got NaN/);
    expect(() => createSgd(4, {momentum: 1})).toThrow(/momentum must be less than 1, got 1/);
    expect(() => createAdam(4, {beta2: 1.5})).toThrow(/beta2 must be between 0 and 1, got 1.5/);
    expect(() => createAdam(4, {epsilon: 0})).toThrow(/epsilon must be greater than 0, got 0/);
    expect(() => createSgd(4, {weightDecay: -1})).toThrow(/weightDecay must be at least 0, got -1/);
    expect(() => createAdam(4, {lr: 0.1} as never)).toThrow(/unknown optimizer option "lr"/);
    expect(() => createOptimizer("rmsprop" as never, 4)).toThrow(
      /optimizer must be one of "sgd", "adam", got "rmsprop"/
    );
  });

  it("rejects params or grads of the wrong length before changing anything", () => {
    const opt = createSgd(3, {learningRate: 0.1});
    const p = new Float32Array([1, 2, 3]);
    expect(() => opt.step(p, new Float32Array(2))).toThrow(/grads must have length 3, got length 2/);
    expect([...p]).toEqual([1, 2, 3]);
    expect(opt.state.step).toBe(0);
  });
});
