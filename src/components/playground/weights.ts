/**
 * The trained-weights JSON file: what "Download weights" writes and "Load weights" reads.
 *
 *   {"format": "switchnet4-weights", "version": 1, "spec": {...resolved model spec...},
 *    "parameterCount": n, "params": [n numbers], "backend"?: "wasm-simd", "dataset"?: "...", "step"?: k}
 *
 * `backend` names the kernels the weights were trained with (`trainingKernels(kind)`: "scalar",
 * "wasm-simd", or "wasm-simd+fma" for a dense model whose products used fused multiply-add). The backends agree on one forward pass within float32 rounding, but training
 * amplifies those roundings, so the same seed trains to different weights on each. The field is a
 * record only: weights from either backend load on the other and compute the same function there
 * (within rounding).
 *
 * Parameters are written with 9 significant digits, enough to give back the exact float32.
 * Reading validates everything against the model it is loaded into and throws a
 * SwitchNetError that says what differs.
 */
import {fail, SwitchNetError} from "../../lib/check.js";
import type {ResolvedModelSpec} from "../../lib/types.js";

export const WEIGHTS_FORMAT = "switchnet4-weights";
export const WEIGHTS_VERSION = 1;

export interface WeightsFile {
  format: typeof WEIGHTS_FORMAT;
  version: typeof WEIGHTS_VERSION;
  spec: ResolvedModelSpec;
  parameterCount: number;
  params: number[];
  /** The kernels the weights were trained with (`trainingKernels(kind)`); a record, not a requirement. */
  backend?: string;
  /** Optional context: the dataset and step the weights were saved at. */
  dataset?: string;
  step?: number;
}

/** The JSON text of a weights file. */
export function encodeWeights(
  spec: ResolvedModelSpec,
  params: Float32Array,
  extra: {backend?: string; dataset?: string; step?: number} = {}
): string {
  const values = Array.from(params, (v) => Number(v.toPrecision(9)));
  const file: WeightsFile = {
    format: WEIGHTS_FORMAT,
    version: WEIGHTS_VERSION,
    spec: {...spec},
    parameterCount: params.length,
    params: values,
    ...extra
  };
  return JSON.stringify(file);
}

/** Spec fields that must match for weights to fit a model (initNoise only changed the starting point). */
export const STRUCTURAL_FIELDS: (keyof ResolvedModelSpec)[] = [
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
  "seed"
];

/** Values of fields that files written before the field existed leave out (they meant this). */
const FIELD_DEFAULTS: Partial<Record<keyof ResolvedModelSpec, unknown>> = {projectionRounds: 1};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Parses and validates a weights file for a model with spec `expected` and `parameterCount`
 * parameters. Returns the parameters. Throws a SwitchNetError naming the first problem.
 *
 * The fixed parts of a model (sign flips) depend on its seed, so the seed must match too;
 * only `initNoise`, which affects nothing after initialisation, may differ.
 */
export function decodeWeights(text: string, expected: ResolvedModelSpec, parameterCount: number): Float32Array {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    fail(`the weights file is not valid JSON (${(error as Error).message})`);
  }
  if (!isRecord(data))
    fail(`the weights file must hold a JSON object, got ${Array.isArray(data) ? "an array" : typeof data}`);
  if (data.format !== WEIGHTS_FORMAT)
    fail(`the weights file format must be "${WEIGHTS_FORMAT}", got ${JSON.stringify(data.format ?? null)}`);
  if (data.version !== WEIGHTS_VERSION)
    fail(`the weights file version must be ${WEIGHTS_VERSION}, got ${JSON.stringify(data.version ?? null)}`);
  if (!isRecord(data.spec)) fail("the weights file has no spec object");
  const spec = data.spec;
  const differences: string[] = [];
  for (const field of STRUCTURAL_FIELDS) {
    if ((spec[field] ?? FIELD_DEFAULTS[field]) !== expected[field]) {
      differences.push(
        `${field} ${JSON.stringify(spec[field] ?? null)} (this model: ${JSON.stringify(expected[field])})`
      );
    }
  }
  if (differences.length > 0) {
    fail(
      `the weights were saved from a different model: ${differences.join(", ")}; set the model's controls to match, then load again`
    );
  }
  const params = data.params;
  if (!Array.isArray(params)) fail("the weights file must have a params array");
  if (params.length !== parameterCount) {
    fail(
      `params must have ${parameterCount} numbers for this ${expected.kind} model (width ${expected.width}, depth ${expected.depth}), got ${params.length}`
    );
  }
  if (data.parameterCount !== undefined && data.parameterCount !== params.length) {
    fail(`parameterCount says ${JSON.stringify(data.parameterCount)} but params has ${params.length} numbers`);
  }
  if (data.backend !== undefined && typeof data.backend !== "string")
    fail(`backend must be a string (the kernels the weights were trained with), got ${JSON.stringify(data.backend)}`);
  const out = new Float32Array(parameterCount);
  for (let i = 0; i < parameterCount; i++) {
    const v = params[i];
    if (typeof v !== "number" || !Number.isFinite(v))
      fail(`params[${i}] must be a finite number, got ${JSON.stringify(v)}`);
    out[i] = v;
    // Checked after the conversion: a number beyond float32's range (±3.4e38) becomes ±Infinity.
    if (!Number.isFinite(out[i]))
      fail(`params[${i}] is ${v}, beyond the float32 range (at most ±3.4028235e38): it would load as ${out[i]}`);
  }
  return out;
}

/** Whether an error came from validation (and so belongs in a message, not the console). */
export function isValidationError(error: unknown): error is SwitchNetError {
  return error instanceof SwitchNetError;
}
