/**
 * "Match parameters": give each dense model the width whose stored parameter count (weights
 * plus biases) is nearest that of the first WHT model (Switch Net 4 first if there is one), so
 * the side-by-side comparison is at equal stored parameters. The count function is passed in
 * (the library's).
 */
import type {ModelSpec} from "../../lib/types.js";
import {cloneState, LIMITS, MAX_WIDTH, MODEL_LABELS, usesWht, type PlaygroundState} from "./state.js";
import {formatCount} from "../format.js";

export type CountFunction = (spec: ModelSpec) => number;

/**
 * The width in [min, max] whose count is nearest `target`, for a count that grows with the
 * width (binary search; ties go to the smaller width).
 */
export function nearestWidth(target: number, countAt: (width: number) => number, min: number, max: number): number {
  let lo = min,
    hi = max;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (countAt(mid) < target) lo = mid + 1;
    else hi = mid;
  }
  // lo is the first width with count ≥ target (or max); the one below may be nearer.
  if (lo > min && Math.abs(countAt(lo - 1) - target) <= Math.abs(countAt(lo) - target)) return lo - 1;
  return lo;
}

export interface MatchResult {
  /** The new state, or null when nothing could be matched. */
  state: PlaygroundState | null;
  /** What was done, or why nothing was. */
  message: string;
}

export function matchParameters(
  state: PlaygroundState,
  inputSize: number,
  outputSize: number,
  count: CountFunction
): MatchResult {
  const reference = state.models.find((m) => m.kind === "switchnet4") ?? state.models.find((m) => usesWht(m.kind));
  if (!reference)
    return {
      state: null,
      message: "Match parameters needs a Switch Net 4, butterfly or filter-bank model to match against"
    };
  if (!state.models.some((m) => m.kind === "dense"))
    return {state: null, message: "Match parameters sets dense widths; add a dense model first"};
  const specOf = (
    kind: PlaygroundState["models"][number]["kind"],
    width: number,
    depth: number,
    groupSize: number
  ): ModelSpec => ({kind, inputSize, outputSize, width, depth, ...(kind === "switchnet4" ? {groupSize} : {})});
  const target = count(specOf(reference.kind, reference.width, reference.depth, reference.groupSize));
  const next = cloneState(state);
  const changes: string[] = [];
  next.models.forEach((m, i) => {
    if (m.kind !== "dense") return;
    const width = nearestWidth(
      target,
      (w) => count(specOf("dense", w, m.depth, m.groupSize)),
      LIMITS.width[0],
      MAX_WIDTH.dense
    );
    changes.push(
      `model ${i + 1} width ${width} (${formatCount(count(specOf("dense", width, m.depth, m.groupSize)))} parameters, biases included)`
    );
    m.width = width;
  });
  return {
    state: next,
    message: `Matched to ${MODEL_LABELS[reference.kind]}'s ${formatCount(target)} stored parameters: ${changes.join(", ")}`
  };
}
