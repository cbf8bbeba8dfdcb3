/** Switch Net 4: the public API. This file only re-exports. */
export * from "./check.js";
export * from "./random.js";
export * from "./types.js";
export * from "./wht.js";
export * from "./projection.js";
export * from "./spec.js";
export * from "./layers.js";
export * from "./model.js";
export * from "./counts.js";
export * from "./diversity.js";
export * from "./losses.js";
export * from "./optim.js";
export * from "./train.js";
export * from "./divergence.js";
export * from "./csv.js";
export {createPool, hardwareThreads, parallelUnavailableReason} from "./parallel.js";
export type {WhtPool} from "./parallel.js";
export {createTeam, createTeamSync, teamUnavailableReason, withTeam} from "./team.js";
export type {Team} from "./team.js";
export {
  allocate,
  inWasmMemory,
  kernelArray,
  releaseKernelArray,
  allocatedBytes,
  kernelMemoryStats
} from "./wasm/memory.js";
export type {WasmTensor, KernelMemoryStats} from "./wasm/memory.js";
export {simdSupported, relaxedSimdSupported, wasmFailure} from "./wasm/runtime.js";
export {setFusedMultiplyAdd, fusedMultiplyAdd} from "./kernels/gemm.js";
export type {FusedMultiplyAdd} from "./kernels/gemm.js";
export {runWhtBenchmark, runBatchBenchmark, runLayerBenchmark, kernelNames} from "./bench.js";
export type {BenchOptions, WhtBenchRow, WhtBenchResult, BatchBenchRow, LayerBenchRow} from "./bench.js";
export {ANCHORS, anchorComparison} from "./anchors.js";
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
export * as experiment from "./experiment/index.js";
