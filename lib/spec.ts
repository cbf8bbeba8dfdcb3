/**
 * Model specs: the defaults, the limits createModel enforces, and `resolveSpec`, which checks
 * every field of a spec and fills in the defaults (lib/model.ts builds the model it names).
 */
import {checkInteger, checkOneOf, checkPowerOfTwo, describe, fail} from "./check.js";
import {GROUP_SIZES, MODEL_KINDS, PROJECTION_KINDS, type ModelSpec, type ResolvedModelSpec} from "./types.js";
import {denseParameterCount, denseSizes} from "./dense.js";
import {widthLayer} from "./layers.js";

/** Defaults filled in by `resolveSpec`. */
export const MODEL_DEFAULTS = {
  depth: 2,
  groupSize: 4,
  projection: "subrandom",
  adjust: false,
  placement: "pad",
  projectionRounds: 1,
  initNoise: 0.05,
  seed: 1
} as const;

/** Most rounds of the input projection a spec may ask for. */
export const MAX_PROJECTION_ROUNDS = 3;

/** Most layers createModel accepts (deeper stacks are refused before any layer is sized). */
export const MAX_DEPTH = 1024;

/** Largest initNoise createModel accepts: larger perturbations make the starting network overflow float32. */
export const MAX_INIT_NOISE = 100;

/** Largest parameter count createModel accepts (1 GiB of float32 for params, as much again for grads). */
export const MAX_PARAMETERS = 2 ** 28;

/** Largest workspace (saved activations and gradient rows, in floats) one forward call may need. */
export const MAX_WORKSPACE = 2 ** 28;

/** Floats of workspace per sample: what forward keeps for backward, plus backward's gradient rows. */
export function workspacePerSample(spec: ResolvedModelSpec): number {
  if (spec.kind === "dense") {
    const sizes = denseSizes(spec);
    return sizes.slice(0, -1).reduce((s, v) => s + v, 0) + 2 * Math.max(...sizes);
  }
  return (spec.depth + 4) * spec.width;
}

const SPEC_FIELDS = [
  "kind",
  "inputSize",
  "outputSize",
  "width",
  "depth",
  "groupSize",
  "projection",
  "projectionRounds",
  "adjust",
  "placement",
  "initNoise",
  "seed"
];

/** Whether `kind` places its input in a power-of-two width and mixes it with WHTs. */
export function isWhtKind(kind: string): boolean {
  return kind === "switchnet4" || kind === "butterfly" || kind === "filterbank";
}

/**
 * Checks every field of a spec and fills in the defaults. Throws a SwitchNetError naming the
 * first bad value and the rule it breaks.
 */
export function resolveSpec(spec: ModelSpec): ResolvedModelSpec {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
    fail(`spec must be an object with kind, inputSize, outputSize and width, got ${describe(spec)}`);
  }
  for (const key of Object.keys(spec)) {
    if (!SPEC_FIELDS.includes(key))
      fail(`spec has an unknown field ${JSON.stringify(key)}; known fields: ${SPEC_FIELDS.join(", ")}`);
  }
  const kind = checkOneOf("kind", spec.kind, MODEL_KINDS);
  const inputSize = checkInteger("inputSize", spec.inputSize, 1);
  const outputSize = checkInteger("outputSize", spec.outputSize, 1);
  const depth = checkInteger("depth", spec.depth ?? MODEL_DEFAULTS.depth, 1, MAX_DEPTH);
  const given = (name: string, value: unknown) =>
    value === undefined ? `${name} (default ${(MODEL_DEFAULTS as Record<string, unknown>)[name]})` : name;
  const groupSize = spec.groupSize ?? MODEL_DEFAULTS.groupSize;
  if (!(GROUP_SIZES as readonly unknown[]).includes(groupSize)) {
    fail(`groupSize must be one of ${GROUP_SIZES.join(", ")}, got ${describe(groupSize)}`);
  }
  const projection = checkOneOf("projection", spec.projection ?? MODEL_DEFAULTS.projection, PROJECTION_KINDS);
  const adjust = spec.adjust ?? MODEL_DEFAULTS.adjust;
  if (typeof adjust !== "boolean") fail(`adjust must be true or false, got ${describe(adjust)}`);
  const placement = checkOneOf("placement", spec.placement ?? MODEL_DEFAULTS.placement, ["pad", "repeat"] as const);
  const projectionRounds = checkInteger(
    "projectionRounds",
    spec.projectionRounds ?? MODEL_DEFAULTS.projectionRounds,
    1,
    MAX_PROJECTION_ROUNDS
  );
  const initNoise = spec.initNoise ?? MODEL_DEFAULTS.initNoise;
  if (typeof initNoise !== "number" || !Number.isFinite(initNoise) || initNoise < 0) {
    fail(`initNoise must be a finite number at least 0, got ${describe(initNoise)}`);
  }
  if (initNoise > MAX_INIT_NOISE) {
    fail(
      `initNoise must be at most ${MAX_INIT_NOISE} (it scales the random perturbation of the initial weights; 0.05 is the default), got ${initNoise}`
    );
  }
  const seed = checkInteger("seed", spec.seed ?? MODEL_DEFAULTS.seed);
  let width: number;
  if (isWhtKind(kind)) {
    width = checkPowerOfTwo("width", spec.width);
    if (kind === "butterfly" && width < 2)
      fail(`width must be at least 2 for a butterfly (it pairs elements), got ${width}`);
    if (width < inputSize)
      fail(
        `width must be at least inputSize ${inputSize} for ${kind} (the input is placed in a width-W vector), got ${width}`
      );
    if (width < outputSize)
      fail(
        `width must be at least outputSize ${outputSize} for ${kind} (the output is sliced from a width-W vector), got ${width}`
      );
    // Both are powers of two, so groupSize ≤ width also means groupSize divides width.
    if (kind === "switchnet4" && groupSize > width) {
      fail(`${given("groupSize", spec.groupSize)} must be at most the width ${width}, got ${groupSize}`);
    }
  } else {
    width = checkInteger("width", spec.width, 1);
  }
  const resolved: ResolvedModelSpec = {
    kind,
    inputSize,
    outputSize,
    width,
    depth,
    groupSize,
    projection,
    projectionRounds,
    adjust,
    placement,
    initNoise,
    seed
  };
  const count = parameterCountOf(resolved);
  if (count > MAX_PARAMETERS) {
    fail(
      `this ${kind} model would have ${count.toLocaleString("en-US")} parameters; the limit is ${MAX_PARAMETERS.toLocaleString("en-US")} (reduce width or depth)`
    );
  }
  return Object.freeze(resolved);
}

function parameterCountOf(spec: ResolvedModelSpec): number {
  return spec.kind === "dense" ? denseParameterCount(spec) : widthLayer(spec).size * spec.depth;
}
