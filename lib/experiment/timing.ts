/**
 * Wall-clock cost of one training step (forward, backward, Adam update) of the models at one
 * budget point, measured in one process with the models interleaved round by round, so their
 * ratio is fair even on a shared machine whose speed drifts (docs/ANCHORS.md: compare only ratios
 * measured in one run). Used by the capacity page's loader for the 65,536 ↔ 1448 point.
 */
import {checkInteger} from "../check.js";
import {lossFunction} from "../losses.js";
import {createOptimizer} from "../optim.js";
import {createRng} from "../random.js";
import type {Model, ModelSpec} from "../types.js";

export interface TimedModel {
  /** A label for the page, e.g. "dense W=1448". */
  label: string;
  spec: ModelSpec;
}

export interface TimingResult {
  label: string;
  spec: ModelSpec;
  parameterCount: number;
  batchSize: number;
  /** Milliseconds per sample of every timed round, in order. */
  rounds: number[];
  /** Median of `rounds`. */
  msPerSample: number;
}

const now = (): number => (typeof performance !== "undefined" ? performance.now() : Date.now());

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Times `rounds` training steps of each model at `batchSize` (after one untimed warm-up step),
 * taking the models in turn within each round. Inputs and targets are seeded random numbers.
 */
export function timeTrainingSteps(
  models: readonly TimedModel[],
  createModel: (spec: ModelSpec) => Model,
  options: {batchSize?: number; rounds?: number; seed?: number} = {}
): TimingResult[] {
  const batch = checkInteger("batchSize", options.batchSize ?? 16, 1);
  const rounds = checkInteger("rounds", options.rounds ?? 5, 1);
  const rng = createRng(checkInteger("seed", options.seed ?? 1));
  const mse = lossFunction("mse");
  const setups = models.map((m) => {
    const model = createModel(m.spec);
    const x = new Float32Array(batch * m.spec.inputSize).map(() => 2 * rng.next() - 1);
    const y = new Float32Array(batch * m.spec.outputSize).map(() => 2 * rng.next() - 1);
    const grad = new Float32Array(y.length);
    const optimizer = createOptimizer("adam", model.params.length, {learningRate: 1e-3});
    const step = () => {
      model.zeroGrad();
      mse(model.forward(x, batch), y, batch, grad);
      model.backward(grad, {inputGradient: false});
      optimizer.step(model.params, model.grads);
    };
    step();
    return {m, model, step, times: [] as number[]};
  });
  for (let r = 0; r < rounds; r++) {
    for (const s of setups) {
      const t0 = now();
      s.step();
      s.times.push((now() - t0) / batch);
    }
  }
  return setups.map((s) => ({
    label: s.m.label,
    spec: s.m.spec,
    parameterCount: s.model.parameterCount,
    batchSize: batch,
    rounds: s.times,
    msPerSample: median(s.times)
  }));
}
