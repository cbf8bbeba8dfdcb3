/**
 * Stored parameters of a model spec (weights plus any biases), from the library's own count,
 * for the playground's "Match parameters" button.
 */
import {modelCounts} from "../../lib/counts.js";
import type {ModelSpec} from "../../lib/types.js";

export function storedWeights(spec: ModelSpec): number {
  return modelCounts(spec).parameterCount;
}
