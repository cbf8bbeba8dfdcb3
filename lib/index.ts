/** Switch Net 4: the public API. This file only re-exports. */
export * from "./check.js";
export * from "./random.js";
export * from "./types.js";
export * from "./wht.js";
export * from "./projection.js";
export * from "./model.js";
export * from "./counts.js";
export * from "./losses.js";
export * from "./optim.js";
export * from "./train.js";
export * from "./csv.js";
// Generator names like `step`, `image` and `xor` are too generic for the top level: reach them as `datasets.*`.
export {datasets, pictures, withBiasInput} from "./datasets.js";
export type {
  Picture,
  SampleOptions,
  GaussiansOptions,
  SpiralOptions,
  SineOptions,
  StepOptions,
  SawtoothOptions,
  PolynomialOptions,
  ImageOptions,
  MemorisationOptions,
  SinusoidsOptions
} from "./datasets.js";
