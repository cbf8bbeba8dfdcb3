/**
 * When training counts as diverged, the same rule for every optimiser and for the capacity
 * experiment's own loop (lib/experiment/fit.ts):
 *   - a mini-batch loss that is not finite (NaN or ±Infinity), or
 *   - a mini-batch loss above DIVERGENCE_FACTOR × the starting loss: the mean loss over the
 *     training split before the first update.
 * And the error numbers that leave the float32 range raise (NonFiniteError).
 */
import {SwitchNetError} from "./check.js";
import type {Model, Split} from "./types.js";
import {forwardInChunks} from "./batches.js";

/** A mini-batch loss this many times the starting loss means the training diverged. */
export const DIVERGENCE_FACTOR = 1000;

/**
 * Thrown when a computation would give NaN or ±Infinity: a model's output or gradient left the
 * float32 range (its parameters or inputs are too large), or an update overflowed. Training
 * turns it into divergence.
 */
export class NonFiniteError extends SwitchNetError {}

/** Why `loss` means divergence against `startLoss`, or null when it does not. */
export function divergenceReason(loss: number, startLoss: number): string | null {
  if (!Number.isFinite(loss)) return `the loss became ${loss}`;
  if (Number.isFinite(startLoss) && loss > DIVERGENCE_FACTOR * startLoss) {
    return `the loss ${formatLoss(loss)} is more than ${DIVERGENCE_FACTOR} × the starting loss ${formatLoss(startLoss)}`;
  }
  return null;
}

function formatLoss(x: number): string {
  return Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(2) : String(Number(x.toPrecision(4)));
}

/** Where and why a training run diverged. */
export interface Divergence {
  /**
   * The optimiser step (counting from 0) that showed it: its loss diverged (its update was then
   * not applied), or its update overflowed the model's numbers.
   */
  step: number;
  /** Epochs completed before that step. */
  epoch: number;
  /** The mini-batch loss that diverged (NaN when the model's numbers overflowed). */
  loss: number;
  /** The loss over the training split before the first update. */
  startLoss: number;
  /** Says what happened, in words. */
  reason: string;
}

/**
 * Thrown by `train()` when the training diverged (see the file comment). `history` holds the
 * epochs recorded up to and including the one that diverged; `divergence` says where and why.
 */
export class TrainingDivergedError extends SwitchNetError {
  constructor(
    readonly divergence: Divergence,
    readonly history: unknown[],
    setting: string
  ) {
    super(
      `training diverged at step ${divergence.step + 1} (epoch ${divergence.epoch + 1}): ${divergence.reason}` +
        ` (${setting}). Lower the learning rate and train a fresh model; error.history holds the epochs so far`
    );
  }
}

/**
 * The mean loss of `model` over the first `limit` samples of `split`, evaluated in chunks of
 * `chunk` rows. `loss(out, y, rows)` returns a chunk's mean loss.
 */
export function splitLoss(
  model: Model,
  split: Split,
  loss: (out: Float32Array, y: Float32Array, rows: number) => number,
  chunk: number,
  limit = split.n
): number {
  const n = Math.min(split.n, limit);
  if (n === 0) return NaN;
  const outSize = split.y.length / split.n;
  let sum = 0;
  forwardInChunks(model, split.x, n, chunk, (out, start, rows) => {
    sum += loss(out, split.y.subarray(start * outSize, (start + rows) * outSize), rows) * rows;
  });
  return sum / n;
}
