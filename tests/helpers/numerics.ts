/**
 * Bit-level fingerprints of what every model kind computes: outputs and gradients of one
 * forward/backward, and the parameters after a few seeded training steps. The fixture
 * tests/fixtures/numerics.json holds these digests as computed by the code at commit e3fc95f
 * (before models could be disposed); tests/numerics.test.ts recomputes them and asks for the
 * same bits. Regenerate only on purpose: `npx tsx scripts/numerics-fixture.ts`.
 */
import {createHash} from "node:crypto";
import {createModel} from "../../lib/model.js";
import {createTrainer} from "../../lib/train.js";
import {memorisation} from "../../lib/datasets.js";
import {createRng} from "../../lib/random.js";
import type {Model, ModelSpec} from "../../lib/types.js";

export interface NumericsCase {
  name: string;
  spec: ModelSpec;
  batch: number;
  /** Optimiser steps (Adam, batch `batch`) before the trained parameters are fingerprinted. */
  steps: number;
}

/** Small cases reach every kernel (SIMD layers, gemm, row products, staging); wide ones the experiment's sizes. */
export const NUMERICS_CASES: NumericsCase[] = [
  {
    name: "switchnet4",
    spec: {kind: "switchnet4", inputSize: 20, outputSize: 64, width: 256, depth: 2, seed: 11},
    batch: 64,
    steps: 4
  },
  {
    name: "switchnet4-m8-adjust-repeat-random",
    spec: {
      kind: "switchnet4",
      inputSize: 9,
      outputSize: 5,
      width: 128,
      depth: 3,
      groupSize: 8,
      adjust: true,
      placement: "repeat",
      projection: "random",
      seed: 12
    },
    batch: 7,
    steps: 4
  },
  {
    name: "switchnet4-m2",
    spec: {kind: "switchnet4", inputSize: 6, outputSize: 3, width: 64, depth: 2, groupSize: 2, seed: 13},
    batch: 5,
    steps: 4
  },
  {
    name: "butterfly",
    spec: {kind: "butterfly", inputSize: 20, outputSize: 64, width: 256, depth: 2, seed: 14},
    batch: 64,
    steps: 4
  },
  {
    name: "filterbank",
    spec: {kind: "filterbank", inputSize: 20, outputSize: 64, width: 256, depth: 2, seed: 15},
    batch: 64,
    steps: 4
  },
  {
    name: "dense",
    spec: {kind: "dense", inputSize: 20, outputSize: 64, width: 40, depth: 2, seed: 16},
    batch: 64,
    steps: 4
  },
  {
    name: "switchnet4-65536",
    spec: {kind: "switchnet4", inputSize: 16, outputSize: 16, width: 65536, depth: 2, seed: 21},
    batch: 4,
    steps: 2
  },
  {
    name: "butterfly-65536",
    spec: {kind: "butterfly", inputSize: 16, outputSize: 16, width: 65536, depth: 2, seed: 22},
    batch: 4,
    steps: 2
  },
  {
    name: "filterbank-65536",
    spec: {kind: "filterbank", inputSize: 16, outputSize: 16, width: 65536, depth: 2, seed: 23},
    batch: 4,
    steps: 2
  },
  {
    name: "dense-1448",
    spec: {kind: "dense", inputSize: 16, outputSize: 16, width: 1448, depth: 2, seed: 24},
    batch: 4,
    steps: 2
  }
];

export type Digests = Record<string, string>;

/** First 16 hex digits of the SHA-256 of an array's bytes. */
export function digest(a: Float32Array): string {
  return createHash("sha256")
    .update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))
    .digest("hex")
    .slice(0, 16);
}

function normals(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({length: n}, () => rng.normal());
}

/**
 * The fingerprints of one case on `model` (fresh from createModel(c.spec)): initial params, one
 * forward and backward on seeded data, then `steps` trainer steps, the trained params and outputs.
 */
export function numericsDigests(c: NumericsCase, model: Model = createModel(c.spec)): Digests {
  const {inputSize, outputSize} = model.spec;
  const x = normals(c.batch * inputSize, 1000);
  const gy = normals(c.batch * outputSize, 1001);
  const d: Digests = {params: digest(model.params)};
  d.output = digest(model.forward(x, c.batch));
  d.inputGrad = digest(model.backward(gy));
  d.grads = digest(model.grads);
  const data = memorisation({n: 3 * c.batch, inputSize, outputSize, seed: 1002});
  const trainer = createTrainer(model, data, {
    batchSize: c.batch,
    optimizer: "adam",
    learningRate: 0.01,
    loss: "mse",
    seed: 1003
  });
  for (let s = 0; s < c.steps; s++) trainer.step();
  d.trainedParams = digest(model.params);
  d.trainedGrads = digest(model.grads);
  d.trainedOutput = digest(model.forward(x, c.batch));
  return d;
}
