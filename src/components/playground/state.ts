/**
 * The playground's whole state (data, models, optimiser) and its URL codec.
 *
 * `decodeState(search)` never throws: each malformed or out-of-range value becomes a message
 * naming the value and the allowed range, and that one value falls back to its default.
 * `encodeState(state)` writes every value, so a shared URL does not depend on today's defaults.
 */
import {MODEL_KINDS, PROJECTION_KINDS, GROUP_SIZES, type ModelKind, type ProjectionKind} from "../../lib/types.js";
import {checkInteger, checkNumber, checkOneOf, fail, isPowerOfTwo, SwitchNetError} from "../../lib/check.js";
import {MAX_PROJECTION_ROUNDS} from "../../lib/spec.js";

export const OPTIMIZERS = ["adam", "sgd"] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];
export const LOSSES = ["softmax-cross-entropy", "mse"] as const;
export type LossName = (typeof LOSSES)[number];

/**
 * Where the data comes from. `csv` and `upload` are the reader's own files (not kept in the URL);
 * `nd` is a generated task with more inputs than a plane can show (followed by its loss curves).
 */
export type DatasetFamily = "2d" | "1d" | "nd" | "image" | "csv" | "upload";

export interface DatasetChoice {
  name: string;
  label: string;
  family: DatasetFamily;
}

/** Every dataset the page offers, in menu order. */
export const DATASETS: readonly DatasetChoice[] = [
  {name: "spiral", label: "Spiral (2 classes)", family: "2d"},
  {name: "circle", label: "Circle (2 classes)", family: "2d"},
  {name: "xor", label: "XOR (2 classes)", family: "2d"},
  {name: "gaussians", label: "Gaussians (3 classes)", family: "2d"},
  {name: "sine", label: "Curve: sine", family: "1d"},
  {name: "step", label: "Curve: step", family: "1d"},
  {name: "sawtooth", label: "Curve: sawtooth", family: "1d"},
  {name: "polynomial", label: "Curve: cubic", family: "1d"},
  {name: "smooth16", label: "Smooth target, 16 inputs", family: "nd"},
  {name: "image:rings", label: "Picture: rings", family: "image"},
  {name: "image:checkerboard", label: "Picture: checkerboard", family: "image"},
  {name: "image:smiley", label: "Picture: smiley", family: "image"},
  {name: "upload", label: "Picture: your own image…", family: "upload"},
  {name: "csv", label: "Your own CSV…", family: "csv"}
];
export const DATASET_NAMES = DATASETS.map((d) => d.name);

export function datasetFamily(name: string): DatasetFamily {
  const found = DATASETS.find((d) => d.name === name);
  if (!found)
    fail(
      `dataset must be one of ${DATASET_NAMES.map((n) => JSON.stringify(n)).join(", ")}, got ${JSON.stringify(name)}`
    );
  return found.family;
}

/** The noise a dataset starts with when chosen (the Gaussians' spread is their noise). */
export function defaultNoise(name: string): number {
  return name === "gaussians" ? 0.2 : name === "smooth16" ? 0 : 0.05;
}

/**
 * The smooth 16-input target of the capacity experiment (lib/experiment/config.ts, FULL.smooth):
 * 4 outputs, each a random sum of 16 sinusoids of 16 inputs. The sample count is the state's.
 */
export const SMOOTH_TARGET = {inputSize: 16, outputSize: 4, terms: 16, frequency: 0.5} as const;

/** One model trained side by side with the others. Group size and projection only matter for some kinds. */
export interface ModelSettings {
  kind: ModelKind;
  width: number;
  depth: number;
  groupSize: number;
  projection: ProjectionKind;
  /**
   * Input projection rounds (1 to 3, default 1; WHT kinds only). One round gives a 2-D point only
   * four distinct features.
   */
  projectionRounds?: number;
}

export interface PlaygroundState {
  dataset: string;
  /** Standard deviation of the Gaussian noise on generated points (2-D) or targets (curves). */
  noise: number;
  /** Samples generated, train plus test (2-D sets and curves). */
  samples: number;
  seed: number;
  /**
   * Append a constant 1 to every input. These models have no biases, so without it they are
   * positively homogeneous (f(a·x) = a·f(x) for a > 0) and cannot tell a point from its scaled copy.
   */
  biasInput: boolean;
  /** Draw the test points too (hollow) on planes; a view setting, it does not reset training. */
  showTest: boolean;
  models: ModelSettings[];
  optimizer: OptimizerName;
  learningRate: number;
  batchSize: number;
  loss: LossName;
}

export const LIMITS = {
  noise: [0, 1],
  samples: [16, 5000],
  seed: [0, 2 ** 31 - 1],
  /** The widest any kind may be; each kind's own limit is MAX_WIDTH. */
  width: [1, 65536],
  depth: [1, 8],
  learningRate: [1e-5, 10],
  batchSize: [1, 1024],
  models: 4
} as const;

/**
 * Widest model of each kind in the page. The WHT kinds reach 65,536 (the width the blog post asks
 * about; its layer trains at tens of steps per second with the WebAssembly kernels); dense stops at
 * 4,096, past the 1448 that matches a 65,536-wide Switch Net 4 in connections.
 */
export const MAX_WIDTH: Record<ModelKind, number> = {
  switchnet4: 65536,
  butterfly: 65536,
  filterbank: 65536,
  dense: 4096
};

export const MODEL_LABELS: Record<ModelKind, string> = {
  switchnet4: "Switch Net 4",
  butterfly: "Learned butterfly",
  filterbank: "Fixed filter bank",
  dense: "Dense"
};

/** Defaults per kind: chosen so that each learns the default spiral visibly within seconds. */
export function defaultModel(kind: ModelKind): ModelSettings {
  switch (kind) {
    case "switchnet4":
      return {kind, width: 32, depth: 3, groupSize: 4, projection: "subrandom"};
    case "butterfly":
      return {kind, width: 32, depth: 3, groupSize: 4, projection: "subrandom"};
    case "filterbank":
      return {kind, width: 32, depth: 3, groupSize: 4, projection: "subrandom"};
    case "dense":
      return {kind, width: 16, depth: 2, groupSize: 4, projection: "subrandom"};
  }
}

export function defaultState(): PlaygroundState {
  return {
    dataset: "spiral",
    noise: 0.05,
    samples: 500,
    seed: 1,
    biasInput: true,
    showTest: false,
    models: [defaultModel("switchnet4"), defaultModel("dense")],
    optimizer: "adam",
    learningRate: 0.02,
    batchSize: 32,
    loss: "softmax-cross-entropy"
  };
}

/** Whether a kind is built on the WHT (width must then be a power of two). */
export function usesWht(kind: ModelKind): boolean {
  return kind !== "dense";
}

// ---------------------------------------------------------------- parsing single values

function parseNumber(name: string, raw: string, min: number, max: number): number {
  const trimmed = raw.trim();
  const value = trimmed === "" ? NaN : Number(trimmed);
  if (!Number.isFinite(value)) fail(`${name} must be a number between ${min} and ${max}, got ${JSON.stringify(raw)}`);
  return checkNumber(name, value, min, max);
}

function parseBoolean(name: string, raw: string): boolean {
  const v = raw.trim().toLowerCase();
  if (v === "1" || v === "true" || v === "on") return true;
  if (v === "0" || v === "false" || v === "off") return false;
  return fail(`${name} must be 1 or 0, got ${JSON.stringify(raw)}`);
}

function parseInteger(name: string, raw: string, min: number, max: number): number {
  const value = parseNumber(name, raw, min, max);
  if (!Number.isInteger(value))
    fail(`${name} must be a whole number between ${min} and ${max}, got ${JSON.stringify(raw)}`);
  return checkInteger(name, value, min, max);
}

/** The power of two nearest `value` (by ratio) within [1, max]. */
export function nearestPowerOfTwo(value: number, max: number): number {
  return Math.min(max, 2 ** Math.max(0, Math.round(Math.log2(Math.max(1, value)))));
}

/** Width rule for one kind: a power of two for WHT kinds, any whole number for dense; at most MAX_WIDTH[kind]. */
export function checkWidth(name: string, kind: ModelKind, value: number): number {
  const min = LIMITS.width[0],
    max = MAX_WIDTH[kind];
  if (typeof value === "number" && Number.isInteger(value) && value > max) {
    fail(`${name} must be between ${min} and ${max} for ${MODEL_LABELS[kind]}, got ${value}`);
  }
  checkInteger(name, value, min, max);
  if (usesWht(kind) && !isPowerOfTwo(value)) {
    fail(
      `${name} must be a power of two between ${min} and ${max} for ${MODEL_LABELS[kind]}, got ${value} (nearest: ${nearestPowerOfTwo(value, max)})`
    );
  }
  return value;
}

export function checkGroupSize(name: string, value: number, width: number): number {
  if (!(GROUP_SIZES as readonly number[]).includes(value)) {
    fail(`${name} must be one of ${GROUP_SIZES.join(", ")}, got ${value}`);
  }
  if (value > width) fail(`${name} must be at most the width ${width}, got ${value}`);
  return value;
}

/** Throws a SwitchNetError naming the first bad field of a model. */
export function checkModel(settings: ModelSettings, name = "model"): ModelSettings {
  const kind = checkOneOf(`${name} kind`, settings.kind, MODEL_KINDS);
  checkWidth(`${name} width`, kind, settings.width);
  checkInteger(`${name} depth`, settings.depth, LIMITS.depth[0], LIMITS.depth[1]);
  checkGroupSize(`${name} group size`, settings.groupSize, settings.width);
  checkOneOf(`${name} projection`, settings.projection, PROJECTION_KINDS);
  checkInteger(`${name} projection rounds`, settings.projectionRounds ?? 1, 1, MAX_PROJECTION_ROUNDS);
  return settings;
}

/** Throws a SwitchNetError naming the first bad value of a whole state. */
export function checkState(state: PlaygroundState): PlaygroundState {
  checkOneOf("dataset", state.dataset, DATASET_NAMES);
  checkNumber("noise", state.noise, ...LIMITS.noise);
  checkInteger("samples", state.samples, ...LIMITS.samples);
  checkInteger("seed", state.seed, ...LIMITS.seed);
  if (typeof state.biasInput !== "boolean") fail(`bias input must be true or false, got ${typeof state.biasInput}`);
  if (typeof state.showTest !== "boolean") fail(`show test data must be true or false, got ${typeof state.showTest}`);
  if (!Array.isArray(state.models) || state.models.length < 1 || state.models.length > LIMITS.models) {
    fail(
      `models must list between 1 and ${LIMITS.models} models, got ${Array.isArray(state.models) ? state.models.length : typeof state.models}`
    );
  }
  state.models.forEach((m, i) => checkModel(m, `model ${i + 1}`));
  checkOneOf("optimizer", state.optimizer, OPTIMIZERS);
  checkNumber("learning rate", state.learningRate, ...LIMITS.learningRate);
  checkInteger("batch size", state.batchSize, ...LIMITS.batchSize);
  checkOneOf("loss", state.loss, LOSSES);
  return state;
}

// ---------------------------------------------------------------- models in the URL

const KIND_CODES: Record<string, ModelKind> = {
  switchnet4: "switchnet4",
  sn4: "switchnet4",
  butterfly: "butterfly",
  filterbank: "filterbank",
  dense: "dense"
};

/**
 * `kind:width:depth:group:projection[:rounds]`, e.g. `switchnet4:32:3:4:subrandom` or
 * `switchnet4:32:3:4:random:2` (the rounds only when not 1, so older links stay as they were).
 */
export function encodeModel(m: ModelSettings): string {
  const fields: (string | number)[] = [m.kind, m.width, m.depth, m.groupSize, m.projection];
  if ((m.projectionRounds ?? 1) !== 1) fields.push(m.projectionRounds!);
  return fields.join(":");
}

/**
 * Parses one model token. Missing trailing fields take the kind's defaults silently; a bad
 * field takes its default and adds a message. A bad kind drops the model (returns null).
 */
export function decodeModel(token: string, index: number, messages: string[]): ModelSettings | null {
  const name = `model ${index + 1}`;
  const [kindRaw, widthRaw, depthRaw, groupRaw, projectionRaw, roundsRaw] = token.split(":");
  const kind = KIND_CODES[kindRaw?.trim().toLowerCase() ?? ""];
  if (!kind) {
    messages.push(
      `${name} kind must be one of ${MODEL_KINDS.map((k) => JSON.stringify(k)).join(", ")}, got ${JSON.stringify(kindRaw ?? "")}; model ignored`
    );
    return null;
  }
  const m = defaultModel(kind);
  // `fallback`: what an optional field left unset means (named in the message when the value is bad).
  const attempt = (
    raw: string | undefined,
    field: keyof ModelSettings,
    parse: (raw: string) => number | string,
    fallback?: number
  ) => {
    if (raw === undefined || raw === "") return;
    try {
      (m as unknown as Record<string, unknown>)[field] = parse(raw);
    } catch (error) {
      if (!(error instanceof SwitchNetError)) throw error;
      messages.push(`${error.message}; using ${(m as unknown as Record<string, unknown>)[field] ?? fallback}`);
    }
  };
  attempt(widthRaw, "width", (raw) => {
    const value = parseInteger(`${name} width`, raw, LIMITS.width[0], MAX_WIDTH[kind]);
    try {
      return checkWidth(`${name} width`, kind, value);
    } catch (error) {
      // A WHT width that is not a power of two takes the nearest one, as the message says.
      if (!(error instanceof SwitchNetError) || !usesWht(kind)) throw error;
      m.width = nearestPowerOfTwo(value, MAX_WIDTH[kind]);
      throw error;
    }
  });
  attempt(depthRaw, "depth", (raw) => parseInteger(`${name} depth`, raw, ...LIMITS.depth));
  if (m.groupSize > m.width) m.groupSize = Math.min(m.groupSize, largestGroupSize(m.width));
  attempt(groupRaw, "groupSize", (raw) =>
    checkGroupSize(`${name} group size`, parseInteger(`${name} group size`, raw, 1, 16), m.width)
  );
  attempt(projectionRaw, "projection", (raw) => checkOneOf(`${name} projection`, raw, PROJECTION_KINDS));
  attempt(
    roundsRaw,
    "projectionRounds",
    (raw) => parseInteger(`${name} projection rounds`, raw, 1, MAX_PROJECTION_ROUNDS),
    1
  );
  return m;
}

function largestGroupSize(width: number): number {
  let best: number = GROUP_SIZES[0];
  for (const g of GROUP_SIZES) if (g <= width) best = g;
  return best;
}

// ---------------------------------------------------------------- the whole state in the URL

type ScalarKey = Exclude<keyof PlaygroundState, "models">;

interface ScalarField {
  key: ScalarKey;
  param: string;
  parse(raw: string): PlaygroundState[ScalarKey];
}

const FIELDS: ScalarField[] = [
  {key: "dataset", param: "data", parse: (raw) => checkOneOf("dataset", raw, DATASET_NAMES)},
  {key: "noise", param: "noise", parse: (raw) => parseNumber("noise", raw, ...LIMITS.noise)},
  {key: "samples", param: "n", parse: (raw) => parseInteger("samples", raw, ...LIMITS.samples)},
  {key: "seed", param: "seed", parse: (raw) => parseInteger("seed", raw, ...LIMITS.seed)},
  {key: "biasInput", param: "bias", parse: (raw) => parseBoolean("bias input", raw)},
  {key: "showTest", param: "test", parse: (raw) => parseBoolean("show test data", raw)},
  {key: "optimizer", param: "opt", parse: (raw) => checkOneOf("optimizer", raw, OPTIMIZERS)},
  {key: "learningRate", param: "lr", parse: (raw) => parseNumber("learning rate", raw, ...LIMITS.learningRate)},
  {key: "batchSize", param: "batch", parse: (raw) => parseInteger("batch size", raw, ...LIMITS.batchSize)},
  {key: "loss", param: "loss", parse: (raw) => checkOneOf("loss", raw, LOSSES)}
];

/** The state as a query string (without the leading "?"), every value written out. */
export function encodeState(state: PlaygroundState): string {
  const params = new URLSearchParams();
  for (const field of FIELDS) {
    const value = state[field.key];
    params.set(field.param, typeof value === "boolean" ? (value ? "1" : "0") : String(value));
  }
  params.set("models", state.models.map(encodeModel).join(","));
  // Colons and commas read better unescaped; URLSearchParams escapes them.
  return params.toString().replace(/%3A/g, ":").replace(/%2C/g, ",");
}

export interface DecodedState {
  state: PlaygroundState;
  /** One message per value that was malformed or out of range (and replaced by its default). */
  messages: string[];
}

/** Every parameter decodeState reads. */
export const URL_PARAMS: readonly string[] = [...FIELDS.map((f) => f.param), "models"];

/**
 * Reads a query string ("?a=1&b=2" or "a=1&b=2"). An unknown parameter is ignored with a message
 * naming it and the parameters there are.
 */
export function decodeState(search: string): DecodedState {
  const params = new URLSearchParams(search.startsWith("?") || search.startsWith("#") ? search.slice(1) : search);
  const state = defaultState();
  const messages: string[] = [];
  const unknown = [...new Set(params.keys())].filter((key) => !URL_PARAMS.includes(key));
  for (const key of unknown) {
    messages.push(
      `unknown parameter ${key}=${JSON.stringify(params.get(key))} was ignored; the parameters are ${URL_PARAMS.join(", ")}` +
        (key === "width" || key === "depth"
          ? ` (a model's ${key} goes in models=kind:width:depth, e.g. models=switchnet4:64:3)`
          : "")
    );
  }
  for (const field of FIELDS) {
    const raw = params.get(field.param);
    if (raw === null) continue;
    try {
      (state as unknown as Record<string, unknown>)[field.key] = field.parse(raw);
    } catch (error) {
      if (!(error instanceof SwitchNetError)) throw error;
      messages.push(`${error.message}; using the default ${JSON.stringify(state[field.key])}`);
    }
  }
  const modelsRaw = params.get("models");
  if (modelsRaw !== null) {
    const tokens = modelsRaw
      .split(",")
      .map((t) => t.trim())
      .filter((t) => t !== "");
    if (tokens.length > LIMITS.models) {
      messages.push(
        `models must list at most ${LIMITS.models} models, got ${tokens.length}; keeping the first ${LIMITS.models}`
      );
    }
    const models = tokens
      .slice(0, LIMITS.models)
      .map((t, i) => decodeModel(t, i, messages))
      .filter((m): m is ModelSettings => m !== null);
    if (models.length > 0) state.models = models;
    else
      messages.push(
        `models must list at least one valid model, got ${JSON.stringify(modelsRaw)}; using the default models`
      );
  }
  return {state, messages};
}

/** A deep copy, so callers can edit freely. */
export function cloneState(state: PlaygroundState): PlaygroundState {
  return {...state, models: state.models.map((m) => ({...m}))};
}
