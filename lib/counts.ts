/**
 * Counting one layer of each kind (SPEC.md, "Weights per input point"): the weights it stores,
 * the multiply-adds it runs per sample, and its edges — learned edges carry a weight, fixed
 * edges are the ±1 connections of a WHT and are NOT parameters. Three different comparisons
 * with a dense layer follow: equal stored weights, equal edges (connections), equal compute.
 *
 * One layer of width W (m = groupSize):
 * | kind       | stored           | active      | learned edges | fixed edges          | add/sub        |
 * | switchnet4 | 2·m·W            | m·W         | m·W           | 2·W·(log2 W − log2 m) | W·(log2 W − log2 m) |
 * | butterfly  | 2·W·log2 W + 2·W | 2·W·log2 W  | 2·W·log2 W    | 0                    | 0              |
 * | filterbank | 2·W              | W           | W             | 2·W·log2 W           | W·log2 W       |
 * | dense      | in·out (+ out biases) | in·out | in·out        | 0                    | 0              |
 * For switchnet4 the edges per input point are m + 2·(log2 W − log2 m), which is 2·log2 W for
 * m = 4: 48 edges at W = 8, 2,097,152 at W = 65,536 (≈ 1448²), with 524,288 stored weights and
 * 262,144 active ones. `modelCounts` sums a whole model's layers (and its input projection).
 */
import {checkInteger, checkOneOf, checkPowerOfTwo, describe, fail} from "./check.js";
import {GROUP_SIZES, MODEL_KINDS, type ModelKind} from "./types.js";
import {checkOptions} from "./check.js";
import {denseSizes} from "./dense.js";
import {resolveSpec} from "./spec.js";
import type {ModelSpec, ResolvedModelSpec} from "./types.js";

export interface LayerCounts {
  kind: ModelKind;
  width: number;
  /** The mini-layer size m (meaningful for switchnet4 only). */
  groupSize: number;
  /** Inputs and outputs of the layer: the width, except for a non-square dense layer. */
  inputSize: number;
  outputSize: number;
  /** Learned weights stored (biases excluded). */
  stored: number;
  /** Biases (dense only; the WHT kinds have none). */
  biases: number;
  /** Multiply-adds with learned weights per sample (the weights actually used). */
  active: number;
  /** Edges that carry a learned weight and are used per sample. */
  learnedEdges: number;
  /** Fixed ±1 edges of the WHT butterflies: connections, not parameters. */
  fixedEdges: number;
  /** learnedEdges + fixedEdges. */
  edges: number;
  /** Edges leaving each input point through the whole layer: edges / inputSize. */
  edgesPerPoint: number;
  /** Additions and subtractions of the fixed ±1 combiner per sample. */
  addSub: number;
}

export interface CountOptions {
  /** Switch Net 4 mini-layer size m (default 4). */
  groupSize?: number;
  /** Dense: inputs of the layer (default width). WHT kinds: only checked to fit the width. */
  inputSize?: number;
  /** Dense: outputs of the layer (default width). WHT kinds: only checked to fit the width. */
  outputSize?: number;
}

/** The counts of ONE layer of `kind` at `width` (see the table in the file comment). */
export function counts(kind: ModelKind, width: number, options: CountOptions = {}): LayerCounts {
  checkOneOf("kind", kind, MODEL_KINDS);
  options = checkOptions("options", options);
  const groupSize = options.groupSize ?? 4;
  if (!(GROUP_SIZES as readonly unknown[]).includes(groupSize))
    fail(`groupSize must be one of ${GROUP_SIZES.join(", ")}, got ${describe(groupSize)}`);
  if (kind === "dense") {
    // At most 2^30 each, like the WHT widths: the counts (products) then stay exact and finite.
    checkInteger("width", width, 1, 2 ** 30);
    const inputSize = checkInteger("inputSize", options.inputSize ?? width, 1, 2 ** 30);
    const outputSize = checkInteger("outputSize", options.outputSize ?? width, 1, 2 ** 30);
    const weights = inputSize * outputSize;
    return {
      kind,
      width,
      groupSize,
      inputSize,
      outputSize,
      stored: weights,
      biases: outputSize,
      active: weights,
      learnedEdges: weights,
      fixedEdges: 0,
      edges: weights,
      edgesPerPoint: outputSize,
      addSub: 0
    };
  }
  checkPowerOfTwo("width", width);
  if (kind === "butterfly" && width < 2)
    fail(`width must be at least 2 for a butterfly (it pairs elements), got ${width}`);
  if (kind === "switchnet4" && groupSize > width)
    fail(`groupSize must be at most the width ${width}, got ${groupSize}`);
  for (const name of ["inputSize", "outputSize"] as const) {
    if (options[name] !== undefined) checkInteger(name, options[name], 1, width);
  }
  const log = Math.log2(width);
  let stored: number, active: number, learnedEdges: number, fixedStages: number;
  if (kind === "switchnet4") {
    stored = 2 * groupSize * width;
    active = learnedEdges = groupSize * width;
    fixedStages = log - Math.log2(groupSize);
  } else if (kind === "butterfly") {
    stored = 2 * width * log + 2 * width;
    active = learnedEdges = 2 * width * log;
    fixedStages = 0;
  } else {
    stored = 2 * width;
    active = learnedEdges = width;
    fixedStages = log;
  }
  // Each butterfly stage: W/2 pairs, 4 edges and 2 additions/subtractions per pair.
  const fixedEdges = 2 * width * fixedStages;
  const edges = learnedEdges + fixedEdges;
  return {
    kind,
    width,
    groupSize,
    inputSize: width,
    outputSize: width,
    stored,
    biases: 0,
    active,
    learnedEdges,
    fixedEdges,
    edges,
    edgesPerPoint: edges / width,
    addSub: width * fixedStages
  };
}

export type CountMeasure = "edges" | "stored" | "active";

export interface EqualDenseOptions {
  /** The layer kind compared (default "switchnet4"). */
  kind?: ModelKind;
  /** Its group size (default 4). */
  groupSize?: number;
  /** What to equalise: edges (connections, default), stored weights, or active multiply-adds. */
  by?: CountMeasure;
}

/**
 * The width D of a square dense layer whose D² weights match one layer of `kind` at `width` in
 * the chosen measure, rounded to the nearest integer: equalDenseWidth(65536) = 1448 (edges),
 * 724 by stored weights, 512 by active multiply-adds (m = 4).
 */
export function equalDenseWidth(width: number, options: EqualDenseOptions = {}): number {
  options = checkOptions("options", options);
  const by = checkOneOf("by", options.by ?? "edges", ["edges", "stored", "active"] as const);
  const layer = counts(options.kind ?? "switchnet4", width, {groupSize: options.groupSize});
  return Math.round(Math.sqrt(layer[by]));
}

/**
 * Whole-model totals of a spec: the per-layer counts above summed over its layers
 * (same names, same meanings), plus the input projection where noted.
 */
export interface ModelCounts extends Pick<LayerCounts, "stored" | "biases" | "active" | "learnedEdges" | "edges"> {
  spec: ResolvedModelSpec;
  /** Counts of every learned layer in order (WHT kinds: depth equal layers; dense: depth + 1). */
  layers: LayerCounts[];
  /** Stored weights + biases: equals createModel(spec).parameterCount. */
  parameterCount: number;
  /** Includes the input projection's WHTs (2·W·log2 W edges per round) for the WHT kinds. */
  fixedEdges: number;
  /** Includes the input projection's W·log2 W per round for the WHT kinds. */
  addSub: number;
}

/**
 * Totals for a whole model, computed from the layer formulas (not from an allocated model), so a
 * test can hold them against createModel(spec).parameterCount. Validates the spec like createModel.
 */
export function modelCounts(spec: ModelSpec): ModelCounts {
  const resolved = resolveSpec(spec);
  const {kind, width, groupSize, depth} = resolved;
  let layers: LayerCounts[];
  let projectionStages = 0;
  if (kind === "dense") {
    const sizes = denseSizes(resolved);
    layers = sizes.slice(1).map((outputSize, l) => counts("dense", width, {inputSize: sizes[l], outputSize}));
  } else {
    layers = new Array(depth).fill(counts(kind, width, {groupSize}));
    projectionStages = Math.log2(width) * resolved.projectionRounds;
  }
  const sum = (key: keyof LayerCounts) => layers.reduce((s, layer) => s + (layer[key] as number), 0);
  const stored = sum("stored");
  const biases = sum("biases");
  const fixedEdges = sum("fixedEdges") + 2 * width * projectionStages;
  const learnedEdges = sum("learnedEdges");
  return {
    spec: resolved,
    layers,
    parameterCount: stored + biases,
    stored,
    biases,
    active: sum("active"),
    learnedEdges,
    fixedEdges,
    edges: learnedEdges + fixedEdges,
    addSub: sum("addSub") + width * projectionStages
  };
}
