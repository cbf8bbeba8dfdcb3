/**
 * The memory a playground model needs, worked out from its settings before it is built, and the
 * check that the models of a session fit the page's WebAssembly kernel memory together.
 *
 * A model keeps its parameters, gradients and activations in the kernel memory (lib/wasm/memory.ts,
 * 2 GiB at most, shared by every model of the worker), and the trainer keeps the optimiser's state
 * there too, beside the parameters (Adam: two floats per parameter, SGD with momentum: one). The
 * estimate counts floats: it is an estimate (allocator rounding and small buffers are left out),
 * labelled as one.
 */
import {fail, SwitchNetError} from "../../lib/check.js";
import {modelCounts} from "../../lib/counts.js";
import {workspaceFloats as workspaceFloatsOf} from "../../lib/model.js";
import {MAX_WORKSPACE, resolveSpec, workspacePerSample} from "../../lib/spec.js";
import type {ModelSpec} from "../../lib/types.js";
import {
  datasetFamily,
  MODEL_LABELS,
  SMOOTH_TARGET,
  type ModelSettings,
  type OptimizerName,
  type PlaygroundState
} from "./state.js";
import {formatCount} from "../format.js";

/** The most the kernel memory can hold (lib/wasm/memory.ts MAX_PAGES × 64 KiB). */
export const KERNEL_MEMORY_BYTES = 2 ** 31;

/** Rows the page evaluates at once to draw a learned function (engine.ts predict). */
export function drawChunkRows(width: number): number {
  return Math.max(1, Math.min(1024, Math.floor(2 ** 19 / Math.max(1, width))));
}

export interface MemoryEstimate {
  /** Parameters (weights and biases). */
  parameters: number;
  /** Bytes in the kernel memory: parameters, gradients, the optimiser's state and the workspaces. */
  kernelBytes: number;
  /** Of those, the optimiser's state (the trainer keeps it in the kernel memory beside the parameters). */
  optimizerBytes: number;
  /** All the model needs (= kernelBytes). */
  bytes: number;
  /** Floats of activations one training step keeps (batch × per-sample workspace). */
  workspaceFloats: number;
}

/** The spec a playground model has on data with `inputSize` inputs (constant input included) and `outputSize` outputs. */
export function settingsSpec(settings: ModelSettings, inputSize: number, outputSize: number): ModelSpec {
  const spec: ModelSpec = {kind: settings.kind, inputSize, outputSize, width: settings.width, depth: settings.depth};
  if (settings.kind === "switchnet4") spec.groupSize = settings.groupSize;
  if (settings.kind !== "dense") {
    spec.projection = settings.projection;
    spec.projectionRounds = settings.projectionRounds ?? 1;
  }
  return spec;
}

/**
 * The memory one model needs for training with `batchSize` and `optimizer` on `threads` threads
 * (the threaded Switch Net 4 path keeps more rows of gradient workspace; lib/model.ts
 * workspaceFloats; for the butterfly also its backward scratch and the SIMD kernels' planar weight
 * copies, one block a worker keeps for all its butterfly models, counted in full for each, so
 * several models' sum is an upper bound). Throws a SwitchNetError for a bad spec.
 */
export function modelMemory(spec: ModelSpec, batchSize: number, optimizer: OptimizerName, threads = 1): MemoryEstimate {
  const resolved = resolveSpec(spec);
  const parameters = modelCounts(resolved).parameterCount;
  const perSample = workspacePerSample(resolved);
  const rows = Math.max(batchSize, drawChunkRows(resolved.width));
  const workspaceFloats = batchSize * perSample;
  const optimizerBytes = 4 * parameters * (optimizer === "adam" ? 2 : 1);
  const kernelBytes = 4 * (2 * parameters + workspaceFloatsOf(resolved, rows, batchSize, threads)) + optimizerBytes;
  return {parameters, kernelBytes, optimizerBytes, bytes: kernelBytes, workspaceFloats};
}

/** Bytes as "12.5 MiB" or "1.20 GiB" (binary units). */
export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(bytes >= 100 * 2 ** 20 ? 0 : 1)} MiB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KiB`;
}

/**
 * Throws a SwitchNetError, before anything is built, when one model's training batch is larger
 * than a forward call may hold, or when the models together need more kernel memory than there is
 * (trained on `threads` threads).
 */
export function checkMemory(
  specs: readonly ModelSpec[],
  batchSize: number,
  optimizer: OptimizerName,
  threads = 1
): MemoryEstimate[] {
  const estimates = specs.map((spec, i) => {
    try {
      return modelMemory(spec, batchSize, optimizer, threads);
    } catch (error) {
      if (error instanceof SwitchNetError) fail(`model ${i + 1} (${MODEL_LABELS[spec.kind]}): ${error.message}`);
      throw error;
    }
  });
  estimates.forEach((e, i) => {
    if (e.workspaceFloats > MAX_WORKSPACE) {
      fail(
        `model ${i + 1} (${MODEL_LABELS[specs[i].kind]}) would keep ${formatCount(e.workspaceFloats)} floats of activations per step at batch size ${batchSize}; a step may keep at most ${formatCount(MAX_WORKSPACE)}: lower the batch size, width or depth`
      );
    }
  });
  const total = estimates.reduce((s, e) => s + e.kernelBytes, 0);
  if (total > KERNEL_MEMORY_BYTES) {
    const each = estimates.map((e, i) => `model ${i + 1}: ${formatBytes(e.kernelBytes)}`).join(", ");
    fail(
      `these models need about ${formatBytes(total)} of WebAssembly memory together (${each}); a page can hold at most ${formatBytes(KERNEL_MEMORY_BYTES)}: lower a width, a depth or the batch size`
    );
  }
  return estimates;
}

/**
 * Inputs (constant input included) and outputs of the data a state names, known before the data
 * is built; `csv` gives the shape of the reader's CSV once read (null before: unknown).
 */
export function dataShape(
  state: PlaygroundState,
  csv?: {inputSize: number; outputSize: number} | null
): {inputSize: number; outputSize: number} | null {
  const bias = state.biasInput ? 1 : 0;
  const family = datasetFamily(state.dataset);
  let shape: {inputSize: number; outputSize: number} | null;
  switch (family) {
    case "2d":
      shape = {inputSize: 2, outputSize: state.dataset === "gaussians" ? 3 : 2};
      break;
    case "1d":
      shape = {inputSize: 1, outputSize: 1};
      break;
    case "nd":
      shape = {inputSize: SMOOTH_TARGET.inputSize, outputSize: SMOOTH_TARGET.outputSize};
      break;
    case "image":
    case "upload":
      shape = {inputSize: 2, outputSize: 3};
      break;
    case "csv":
      shape = csv ?? null;
      break;
  }
  return shape && {inputSize: shape.inputSize + bias, outputSize: shape.outputSize};
}

/**
 * The memory each model of a state needs on `threads` threads (null where the data's shape is not
 * known yet); throws for a bad model.
 */
export function stateMemory(
  state: PlaygroundState,
  csv?: {inputSize: number; outputSize: number} | null,
  threads = 1
): MemoryEstimate[] | null {
  const shape = dataShape(state, csv);
  if (!shape) return null;
  return state.models.map((m) =>
    modelMemory(settingsSpec(m, shape.inputSize, shape.outputSize), state.batchSize, state.optimizer, threads)
  );
}
