/**
 * One optimiser step on a mini-batch, as the trainer (lib/train.ts) and the experiment's `fit`
 * (lib/experiment/fit.ts) take it: zero the gradients, forward, the loss and its gradient, and —
 * unless the divergence rule of lib/divergence.ts says the step diverged — backward (parameter
 * gradients only) and the optimiser's update.
 */
import {fail} from "./check.js";
import {divergenceReason, NonFiniteError} from "./divergence.js";
import type {LossFunction} from "./losses.js";
import type {Optimizer} from "./optim.js";
import type {Model} from "./types.js";
import type {Batch, Runner} from "./batches.js";

export interface StepOutcome {
  /** The batch's mean loss before the update (NaN when the model's numbers overflowed before it was known). */
  loss: number;
  /** Why the step diverged (its update was then skipped or not finished), or null. */
  reason: string | null;
  /** True when the model's numbers left the float32 range (a NonFiniteError) during the step. */
  overflowed: boolean;
}

/**
 * Takes one step on `batch`. `startLoss` is the divergence rule's reference (the loss over the
 * training split before the first update); `run` wraps the step (the trainer runs it in its team).
 */
export function trainingStep(
  model: Model,
  batch: Batch,
  loss: LossFunction,
  optimizer: Optimizer,
  startLoss: number,
  run: Runner = (f) => f()
): StepOutcome {
  const {rows, x, y, grad} = batch;
  let value = NaN;
  try {
    const reason = run(() => {
      // In the runner too: with a team, a model may share the zeroing across its threads (lib/dense.ts) or
      // leave it to the threads of its backward (lib/model.ts).
      model.zeroGrad();
      const out = model.forward(x, rows);
      if (out.length !== y.length) {
        fail(`model.forward returned ${out.length} values for a batch of ${rows}; expected ${y.length}`);
      }
      value = loss(out, y, rows, grad);
      const why = divergenceReason(value, startLoss);
      if (why === null) {
        // Training needs only the parameter gradients: the model may skip the one at its input.
        model.backward(grad, {inputGradient: false});
        optimizer.step(model.params, model.grads);
      }
      return why;
    });
    return {loss: value, reason, overflowed: false};
  } catch (error) {
    if (!(error instanceof NonFiniteError)) throw error;
    return {loss: value, reason: error.message, overflowed: true};
  }
}
