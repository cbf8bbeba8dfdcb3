// A seeded random regression dataset for tests that train (threads, teams, experiments).
import {createRng} from "../../lib/random.js";
import type {Dataset} from "../../lib/types.js";

/**
 * n training rows of normal inputs and targets; the first `testRows` of them are also the test
 * split. With `zeroEvery`, inputs at flat index i ≡ 3 (mod zeroEvery) are exact zeros (no draw), so
 * that paths special-casing zeros are reached.
 */
export function randomRegression(
  seed: number,
  n: number,
  inputSize: number,
  outputSize: number,
  options: {testRows?: number; zeroEvery?: number} = {}
): Dataset {
  const {testRows = 0, zeroEvery = 0} = options;
  const rng = createRng(seed);
  const x = Float32Array.from({length: n * inputSize}, (_, i) =>
    zeroEvery > 0 && i % zeroEvery === 3 ? 0 : rng.normal()
  );
  const y = Float32Array.from({length: n * outputSize}, () => rng.normal());
  return {
    name: "random",
    task: "regression",
    inputSize,
    outputSize,
    train: {x, y, n},
    test: {x: x.subarray(0, testRows * inputSize), y: y.subarray(0, testRows * outputSize), n: testRows}
  };
}
