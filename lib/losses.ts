/**
 * Loss functions and accuracy over flat batches.
 *
 * Outputs and targets are `batchSize × size` Float32Arrays, sample after sample. Each loss
 * returns the mean over samples and, when given a buffer, writes the gradient of that mean
 * with respect to the outputs into it (no allocation).
 *
 * - "mse": per sample ½·Σ_j (out_j − target_j)², averaged over samples. (Not divided by the
 *   output size: the gradient is simply (out − target) / batchSize.)
 * - "softmax-cross-entropy": per sample −Σ_j target_j · log softmax(out)_j with a stable
 *   log-sum-exp, averaged over samples. Targets are a distribution per sample (one-hot for
 *   classes); the gradient is (softmax(out)·Σ_j target_j − target) / batchSize.
 */
import {checkFloat32Array, checkInteger, checkOneOf, describe, fail} from "./check.js";

export type LossKind = "mse" | "softmax-cross-entropy";
export const LOSS_KINDS: readonly LossKind[] = ["mse", "softmax-cross-entropy"];

/** Mean loss over the batch; writes d(loss)/d(outputs) into `grad` when given. */
export type LossFunction = (
  outputs: Float32Array,
  targets: Float32Array,
  batchSize: number,
  grad?: Float32Array
) => number;

/** Checks shapes and returns the per-sample size. Cheap: no pass over the data. */
function checkBatch(outputs: Float32Array, targets: Float32Array, batchSize: number, grad?: Float32Array): number {
  checkFloat32Array("outputs", outputs);
  checkFloat32Array("targets", targets, outputs.length);
  checkInteger("batchSize", batchSize, 1);
  if (outputs.length % batchSize !== 0 || outputs.length === 0) {
    fail(`outputs length ${outputs.length} is not a positive multiple of batchSize ${batchSize}`);
  }
  if (grad !== undefined) checkFloat32Array("grad", grad, outputs.length);
  return outputs.length / batchSize;
}

/** Mean over samples of ½·Σ (out − target)². */
export function mse(outputs: Float32Array, targets: Float32Array, batchSize: number, grad?: Float32Array): number {
  checkBatch(outputs, targets, batchSize, grad);
  const inv = 1 / batchSize;
  let sum = 0;
  for (let i = 0; i < outputs.length; i++) {
    const d = outputs[i] - targets[i];
    sum += d * d;
    if (grad) grad[i] = d * inv;
  }
  return 0.5 * sum * inv;
}

/** Mean over samples of −Σ target · log softmax(out), computed with a stable log-sum-exp. */
export function softmaxCrossEntropy(
  outputs: Float32Array,
  targets: Float32Array,
  batchSize: number,
  grad?: Float32Array
): number {
  const size = checkBatch(outputs, targets, batchSize, grad);
  const inv = 1 / batchSize;
  let total = 0;
  for (let s = 0, off = 0; s < batchSize; s++, off += size) {
    let max = -Infinity;
    for (let j = 0; j < size; j++) if (outputs[off + j] > max) max = outputs[off + j];
    let sumExp = 0;
    for (let j = 0; j < size; j++) sumExp += Math.exp(outputs[off + j] - max);
    // log softmax_j = (out_j − max) − log Σ exp(out − max): subtract max first to keep precision.
    const logSum = Math.log(sumExp);
    let mass = 0;
    for (let j = 0; j < size; j++) {
      const t = targets[off + j];
      mass += t;
      if (t !== 0) total -= t * (outputs[off + j] - max - logSum);
    }
    if (grad) {
      for (let j = 0; j < size; j++) {
        const p = Math.exp(outputs[off + j] - max - logSum);
        grad[off + j] = (p * mass - targets[off + j]) * inv;
      }
    }
  }
  return total * inv;
}

const LOSSES: Record<LossKind, LossFunction> = {
  mse: mse,
  "softmax-cross-entropy": softmaxCrossEntropy
};

/** The loss function of a given kind. */
export function lossFunction(kind: LossKind): LossFunction {
  return LOSSES[checkOneOf("loss", kind, LOSS_KINDS)];
}

/**
 * Predicted class of one sample: the index of the largest output; with a single output,
 * class 1 when the output is at least 0.5, else class 0.
 */
export function predictClass(outputs: Float32Array, offset: number, size: number): number {
  if (size === 1) return outputs[offset] >= 0.5 ? 1 : 0;
  let best = 0;
  for (let j = 1; j < size; j++) if (outputs[offset + j] > outputs[offset + best]) best = j;
  return best;
}

/**
 * Fraction of samples whose predicted class equals the true class. `truth` is either an
 * Int32Array of class labels (one per sample) or a Float32Array of one-hot (or distribution)
 * targets of the same shape as `outputs`, whose largest entry is the class.
 */
export function accuracy(outputs: Float32Array, truth: Int32Array | Float32Array, batchSize: number): number {
  return countCorrect(outputs, truth, batchSize) / batchSize;
}

/** Number of samples whose predicted class equals the true class (see `accuracy`). */
export function countCorrect(outputs: Float32Array, truth: Int32Array | Float32Array, batchSize: number): number {
  checkFloat32Array("outputs", outputs);
  checkInteger("batchSize", batchSize, 1);
  if (outputs.length % batchSize !== 0 || outputs.length === 0) {
    fail(`outputs length ${outputs.length} is not a positive multiple of batchSize ${batchSize}`);
  }
  const size = outputs.length / batchSize;
  let correct = 0;
  if (truth instanceof Int32Array) {
    if (truth.length !== batchSize)
      fail(`labels must have length ${batchSize} (one per sample), got length ${truth.length}`);
    for (let s = 0; s < batchSize; s++) if (predictClass(outputs, s * size, size) === truth[s]) correct++;
  } else if (truth instanceof Float32Array) {
    checkFloat32Array("targets", truth, outputs.length);
    for (let s = 0; s < batchSize; s++) {
      if (predictClass(outputs, s * size, size) === predictClass(truth, s * size, size)) correct++;
    }
  } else {
    fail(`truth must be an Int32Array of labels or a Float32Array of one-hot targets, got ${describe(truth)}`);
  }
  return correct;
}
