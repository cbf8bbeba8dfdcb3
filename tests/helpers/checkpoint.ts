// A small fit checkpoint for tests that write checkpoint files (its header is what they read).
import type {FitCheckpoint} from "../../lib/experiment/fit.js";

/** A checkpoint taken at STEP (pendingEval: taken at the step cap), with 64 parameters. */
export const fitCheckpointAt = (step: number, pendingEval = false): FitCheckpoint => ({
  version: 1,
  step,
  pendingEval,
  rate: 0.01,
  nextEval: step + 66,
  stageBest: Infinity,
  bestValue: 0.5,
  bestIndex: 0,
  fixedIndex: -1,
  stale: 0,
  decaysLeft: 0,
  decays: [],
  windowLoss: 0,
  windowSteps: 0,
  stepMs: 1,
  startLoss: 1,
  seconds: 1,
  curve: [],
  params: new Float32Array(64),
  optimizer: {kind: "adam", step, buffers: {m: new Float32Array(64), v: new Float32Array(64)}}
});
