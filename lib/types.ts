/**
 * The shapes shared across the library: model specs, the model interface, datasets.
 * Plain data only; no behaviour lives here.
 */
import type {Rng} from "./random.js";
import type {KernelCall} from "./team.js";

export type ModelKind = "switchnet4" | "butterfly" | "filterbank" | "dense";
export const MODEL_KINDS: readonly ModelKind[] = ["switchnet4", "butterfly", "filterbank", "dense"];

export type ProjectionKind = "random" | "subrandom";
export const PROJECTION_KINDS: readonly ProjectionKind[] = ["random", "subrandom"];

/** Group (mini-layer) sizes Switch Net 4 accepts. */
export const GROUP_SIZES = [1, 2, 4, 8, 16] as const;

export interface ModelSpec {
  kind: ModelKind;
  /** Features per sample. */
  inputSize: number;
  /** Outputs per sample. */
  outputSize: number;
  /**
   * Layer width. WHT-based kinds: a power of two at least as large as inputSize and outputSize
   * (the input is placed in a width-W vector, the output is sliced from it). Dense: the hidden width.
   */
  width: number;
  /** Number of width-W layers (default 2). */
  depth?: number;
  /** Switch Net 4 mini-layer size m (default 4). */
  groupSize?: number;
  /** Sign-flip pattern of the input projection (default "subrandom"). */
  projection?: ProjectionKind;
  /**
   * Rounds of the input projection v ← WHT(D_r ⊙ v)/√W, each with its own flips (1 to 3, default 1:
   * the author's single round). A small zero-padded input needs two: one round gives it at most
   * 2^ceil(log2 inputSize) distinct features at any width (SPEC.md, "Why more than one round").
   * WHT kinds only; dense ignores it.
   */
  projectionRounds?: number;
  /** Scale the placed input to RMS 1 before the projection (default false). */
  adjust?: boolean;
  /** How the input fills the width: zero-padding, or repeated copies (default "pad"). */
  placement?: "pad" | "repeat";
  /** Random perturbation of the zero-curvature initialisation (default 0.05). */
  initNoise?: number;
  /** Seed for flips and initial weights (default 1). */
  seed?: number;
}

export type ResolvedModelSpec = Required<ModelSpec>;

/** Options of Model.backward. */
export interface BackwardOptions {
  /** Whether the caller needs the gradient at the model input (default true). */
  inputGradient?: boolean;
}

/**
 * A trainable model over flat Float32Arrays. `forward` keeps what `backward` needs;
 * `backward` accumulates into `grads` (call `zeroGrad` between steps) and returns the
 * gradient with respect to the input of the last forward call.
 */
export interface Model {
  readonly spec: ResolvedModelSpec;
  readonly params: Float32Array;
  readonly grads: Float32Array;
  readonly parameterCount: number;
  forward(input: Float32Array, batchSize: number): Float32Array;
  /**
   * With `{inputGradient: false}` (the trainer's call) the model may skip the gradient at its input
   * and return an empty array; the parameter gradients are the same either way.
   */
  backward(gradOutput: Float32Array, options?: BackwardOptions): Float32Array;
  zeroGrad(): void;
  /** Frees the memory the model owns (models from createModel always have it; see DisposableModel). */
  dispose?(): void;
  /**
   * Keeps the projected input rows (the first layer's input) of up to `maxBytes` of distinct
   * inputs, so that an input seen again skips its projection: the same bits, since a kept row is
   * what the projection computed. Only WHT models with two or more projection rounds and no
   * `adjust` have one (one round is already cheap: see lib/model.ts); the others return null.
   * 0 empties and stops it. Returns its counters, live. Meant for training on a fixed set of
   * samples (a row of width W costs 4·W bytes).
   */
  cacheProjections?(maxBytes: number): ProjectionCacheStats | null;
}

/** What a model's projection cache holds and has done (see Model.cacheProjections). */
export interface ProjectionCacheStats {
  readonly rows: number;
  readonly bytes: number;
  readonly maxBytes: number;
  /** Rows served from the cache, and rows projected (kept or not), since the cache was set. */
  readonly hits: number;
  readonly misses: number;
}

/**
 * What createModel returns: a Model whose parameters, gradients and workspaces live in the
 * WebAssembly kernel memory (once the kernels are loaded) until `dispose()` gives them back.
 */
export interface DisposableModel extends Model {
  /**
   * Frees every block of kernel memory the model owns. Idempotent. Afterwards `params`, `grads`,
   * `forward`, `backward` and `zeroGrad` throw a SwitchNetError; views of `params` or `grads`
   * taken before are invalid (their memory goes to the next allocation).
   */
  dispose(): void;
  /** The same as dispose(), so that `using model = createModel(spec)` frees it at the end of the block. */
  [Symbol.dispose](): void;
  /** True once dispose() has run. */
  readonly disposed: boolean;
  /** See Model.cacheProjections (null for a model without a cache: dense, one round, adjust). */
  cacheProjections(maxBytes: number): ProjectionCacheStats | null;
}

/** A set of samples: x is n × inputSize, y is n × outputSize (one-hot for classification). */
export interface Split {
  x: Float32Array;
  y: Float32Array;
  n: number;
  /** Class index per sample, for classification. */
  labels?: Int32Array;
}

export interface Dataset {
  name: string;
  task: "classification" | "regression";
  inputSize: number;
  outputSize: number;
  /** Number of classes (classification only). */
  classes?: number;
  train: Split;
  test: Split;
  /** Free-form extras a page may want (e.g. image width and height). */
  meta?: Record<string, unknown>;
}

/**
 * One learned layer of a WHT model: maps each width-W row to a width-W row. Stateless apart from
 * scratch space, so one object serves every layer of a model (the weights are passed in).
 */
export interface WidthLayer {
  readonly name: string;
  readonly width: number;
  /** Learned weights stored per layer. */
  readonly size: number;
  /** Writes the initial weights (`noise` = initNoise) into w (length `size`). */
  init(w: Float32Array, rng: Rng, noise: number): void;
  /** y ← layer(x) for `batch` rows; x is left unchanged. */
  forward(x: Float32Array, y: Float32Array, w: Float32Array, batch: number): void;
  /**
   * Given the saved layer input x and the gradient gy at its output (overwritten as scratch):
   * writes the gradient at the input into gx and ADDS the weight gradient into gw.
   */
  backward(x: Float32Array, gy: Float32Array, gx: Float32Array, w: Float32Array, gw: Float32Array, batch: number): void;
  /**
   * `backward` without the gradient at the layer input (for the first layer when nothing needs the
   * gradient at the model input): gy gets overwritten and gw the same additions, in the same order.
   */
  weightBackward?(x: Float32Array, gy: Float32Array, w: Float32Array, gw: Float32Array, batch: number): void;
  /**
   * True if forward and backward compute each row the same way whatever the batch, and add each
   * weight gradient's rows in row order: then the model may run the batch in tiles of rows (the
   * same bits as one call on the whole batch).
   */
  readonly rowwise?: boolean;
  /**
   * Row-wise layers that can give the first `headWidth` outputs of each row alone (cheaper than
   * the whole row, for the last layer when the model's outputs are among them): `forwardHead`
   * writes what `forward` would write at columns 0 … headWidth − 1 of each row (the same bits) into
   * head (headWidth floats per row); `backwardHead` does `backward` (or, with gx null,
   * `weightBackward`) for an output gradient that is zero (+0) past column headWidth − 1 of each
   * row, given as g (headWidth floats per row): the same gx and gw bits. Both return false, doing
   * nothing, when they cannot (the caller then runs forward / backward).
   */
  readonly headWidth?: number;
  forwardHead?(x: Float32Array, head: Float32Array, w: Float32Array, batch: number): boolean;
  backwardHead?(
    x: Float32Array,
    g: Float32Array,
    gx: Float32Array | null,
    w: Float32Array,
    gw: Float32Array,
    batch: number
  ): boolean;
  /**
   * `forward` and `weightBackward` for inputs whose rows each repeat one pattern of `period`
   * floats, given as patterns (batch × period): the same bits as on the whole rows, which are never
   * built. False, doing nothing, when they cannot (the caller then builds the rows).
   */
  forwardPeriodic?(patterns: Float32Array, period: number, y: Float32Array, w: Float32Array, batch: number): boolean;
  weightBackwardPeriodic?(
    patterns: Float32Array,
    period: number,
    gy: Float32Array,
    w: Float32Array,
    gw: Float32Array,
    batch: number
  ): boolean;
  /**
   * The kernel calls a team of threads (lib/team.ts) runs for this layer, or null when its kernels
   * cannot run here (the model then lets the kernel wrappers split each call themselves).
   */
  teamKernels?(): LayerTeamKernels | null;
  /** Frees the layer's scratch, if it keeps any (idempotent). */
  dispose?(): void;
}

/**
 * A row-wise layer's work as kernel calls for a team of threads, on arrays in the kernel memory
 * (arguments are byte addresses): the row-wise calls give each row the bits of the layer's own
 * functions whatever the rows a call gets; the column calls (whole groups: multiples of `unit`)
 * give each weight gradient the additions of its rows, in row order, that the layer's backward does.
 * So a model that runs the row-wise calls split by rows and the column calls split by columns,
 * tiles of rows in order, gets the one-thread bits.
 */
export interface LayerTeamKernels {
  /** Columns per group (column ranges are multiples of it). */
  readonly unit: number;
  /** `forward` on `rows` rows. */
  forward(x: number, y: number, w: number, rows: number): KernelCall;
  /** Whether the head calls can run (forwardHead, backwardHeadColumns). */
  readonly head: boolean;
  /** `forwardHead` (headWidth floats per row) with `stack` (stackFloats floats, one per thread). */
  forwardHead(x: number, head: number, w: number, rows: number, stack: number): KernelCall;
  readonly stackFloats: number;
  /** `forwardPeriodic`, or null when the period does not fit. */
  forwardPeriodic(patterns: number, period: number, y: number, w: number, rows: number): KernelCall | null;
  /** Backward's first step on the output gradient rows (in place): the rest of backward is by columns. */
  transform(gy: number, rows: number): KernelCall;
  /** The rest of `backward` (gx null: of `weightBackward`) on columns c0 … c1 − 1 of every row, after `transform`. */
  backwardColumns(
    x: number,
    gy: number,
    gx: number | null,
    w: number,
    gw: number,
    rows: number,
    c0: number,
    c1: number
  ): KernelCall;
  /**
   * `backwardHead` on columns c0 … c1 − 1, from g already multiplied by `headScale` (what
   * backwardHead does itself; it refuses a −0 entry, and so must the caller).
   */
  backwardHeadColumns(
    x: number,
    g: number,
    gx: number | null,
    w: number,
    gw: number,
    rows: number,
    c0: number,
    c1: number
  ): KernelCall;
  readonly headScale: number;
  /** Sets to zero the weight gradients the column calls for c0 … c1 − 1 add to (gw: the layer's). */
  zeroColumns(gw: number, c0: number, c1: number): KernelCall;
  /** The rest of `weightBackwardPeriodic` on columns c0 … c1 − 1, after `transform`. */
  weightBackwardPeriodicColumns(
    patterns: number,
    period: number,
    gy: number,
    w: number,
    gw: number,
    rows: number,
    c0: number,
    c1: number
  ): KernelCall;
}
