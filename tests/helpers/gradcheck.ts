// Finite-difference gradient checks for float32 models, done in float64 around the float32 model.
//
// For a probe direction d, the target array (parameters or input) is set to fl32(x + ε·d) and
// fl32(x − ε·d). The float32 rounding means the step actually taken is Δ± = fl32(x ± ε·d) − x, which
// is exact in float64, so the analytic prediction is g·(Δ+ − Δ−) and rounding of the step is not an
// error source. The numeric side is L(x + Δ+) − L(x + Δ−) with L summed in float64.
//
// Kinks: the switches (and ReLU) make the models piecewise smooth, and a switch that flips inside
// [x − ε·d, x + ε·d] biases the central difference. So each probe also evaluates the loss at
// ±ε/2 and computes the three second differences of the five equally spaced values; they vanish
// where L is linear along the segment. A probe whose largest second difference exceeds a quarter of
// the tolerance is SKIPPED (not counted); callers assert that most probes were checked.
// Smooth curvature (adjust, or products of weights of several layers) also bends the segment,
// which is why ε is kept small. (Third differences would separate curvature from kinks, but the
// float32 noise of the loss swamps them at this ε: measured, they skipped 30–40 % of probes.) The checker's power is itself tested: it must flag a gradient
// that is wrong by 1 % and one with a single entry dropped (tests/gradients.test.ts).
import {createRng} from "../../lib/random.js";
import type {Model} from "../../lib/types.js";

export interface GradCheckOptions {
  /** The array perturbed in place (restored afterwards). */
  target: Float32Array;
  /** The analytic gradient of `loss` with respect to `target`. */
  gradient: ArrayLike<number>;
  /** The loss at the current contents of `target`, in float64. */
  loss: () => number;
  /** Seed of the probe directions. */
  seed: number;
  /** Random Gaussian directions over the whole array (default 6). */
  directions?: number;
  /** Single coordinates, chosen at random (default 6). */
  coordinates?: number;
  /** Step per unit of direction (default 3e-4). */
  eps?: number;
  /** Relative tolerance (default 3e-3). */
  rtol?: number;
  /** Absolute tolerance on the loss difference: the float32 noise level of the loss. */
  atol: number;
}

export interface GradCheckReport {
  checked: number;
  skipped: number;
  /** Largest |numeric − analytic| / (rtol·scale + atol) over checked probes (≤ 1 passes). */
  worst: number;
  failures: string[];
}

export function gradCheck(options: GradCheckOptions): GradCheckReport {
  const {target, gradient, loss, atol} = options;
  const eps = options.eps ?? 3e-4;
  const rtol = options.rtol ?? 3e-3;
  const rng = createRng(options.seed);
  const original = Float64Array.from(target);
  const n = target.length;
  const l0 = loss();
  const report: GradCheckReport = {checked: 0, skipped: 0, worst: 0, failures: []};

  const step = (d: Float64Array, sign: number): {value: number; delta: Float64Array} => {
    for (let i = 0; i < n; i++) target[i] = original[i] + sign * eps * d[i];
    const delta = new Float64Array(n);
    for (let i = 0; i < n; i++) delta[i] = target[i] - original[i];
    const value = loss();
    target.set(original);
    return {value, delta};
  };

  const probe = (d: Float64Array, label: string) => {
    const plus = step(d, 1);
    const minus = step(d, -1);
    const numeric = plus.value - minus.value;
    let analytic = 0;
    for (let i = 0; i < n; i++) analytic += gradient[i] * (plus.delta[i] - minus.delta[i]);
    const tolerance = rtol * Math.max(Math.abs(numeric), Math.abs(analytic)) + atol;
    // Second differences over the four half-steps: near zero when L is linear on the segment.
    const f = [minus.value, step(d, -0.5).value, l0, step(d, 0.5).value, plus.value];
    const bend = Math.max(...[1, 2, 3].map((i) => Math.abs(f[i - 1] - 2 * f[i] + f[i + 1])));
    if (bend > tolerance / 4) {
      report.skipped++;
      return;
    }
    report.checked++;
    const ratio = Math.abs(numeric - analytic) / tolerance;
    report.worst = Math.max(report.worst, ratio);
    if (ratio > 1)
      report.failures.push(`${label}: numeric ${numeric.toExponential(4)} vs analytic ${analytic.toExponential(4)}`);
  };

  for (let p = 0; p < (options.directions ?? 6); p++) {
    const d = new Float64Array(n);
    for (let i = 0; i < n; i++) d[i] = rng.normal();
    probe(d, `direction ${p}`);
  }
  for (let p = 0; p < (options.coordinates ?? 6); p++) {
    const d = new Float64Array(n);
    const i = rng.int(n);
    d[i] = 1;
    probe(d, `coordinate ${i}`);
  }
  return report;
}

/** Σ c·out in float64. */
export function dot(c: ArrayLike<number>, out: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < c.length; i++) s += c[i] * out[i];
  return s;
}

/** Σ |c·out| in float64: the scale that float32 noise in the loss is relative to. */
export function absDot(c: ArrayLike<number>, out: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < c.length; i++) s += Math.abs(c[i] * out[i]);
  return s;
}

export interface ModelGradCheck {
  params: GradCheckReport;
  input: GradCheckReport;
}

export interface ModelGradCheckOptions {
  eps?: number;
  rtol?: number;
  /** Relative float32 noise of the loss (atol = noise·Σ|c·out|, default 3e-7, about 5 float32 ulps). */
  noise?: number;
  /** Directions and coordinates per check (default 6 each). */
  probes?: number;
  /** Alters the analytic gradients before checking (to test the checker's power). */
  tamper?: (gw: Float64Array, gx: Float64Array) => void;
}

/**
 * Checks a model's parameter and input gradients for the loss L = Σ c·forward(x) at a random
 * input x (N(0, 1)) and random weights c (N(0, 1)), both seeded.
 */
export function checkModelGradients(
  model: Model,
  batch: number,
  seed: number,
  options: ModelGradCheckOptions = {}
): ModelGradCheck {
  const rng = createRng(seed);
  const {inputSize, outputSize} = model.spec;
  const x = new Float32Array(batch * inputSize).map(() => rng.normal());
  const c = new Float32Array(batch * outputSize).map(() => rng.normal());
  model.zeroGrad();
  const out = model.forward(x, batch);
  const gx = Float64Array.from(model.backward(c));
  const gw = Float64Array.from(model.grads);
  options.tamper?.(gw, gx);
  const lossAt = () => dot(c, model.forward(x, batch));
  // float32 noise of the loss: a few ulps of each term, times the number of roundings along the way.
  const atol = (options.noise ?? 3e-7) * absDot(c, out);
  const probes = options.probes ?? 6;
  const common = {loss: lossAt, eps: options.eps, rtol: options.rtol, atol, directions: probes, coordinates: probes};
  return {
    params: gradCheck({...common, target: model.params, gradient: gw, seed: seed + 1}),
    input: gradCheck({...common, target: x, gradient: gx, seed: seed + 2})
  };
}
