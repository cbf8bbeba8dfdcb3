/**
 * The batching core shared by the trainer (lib/train.ts), the capacity experiment's `fit`
 * (lib/experiment/fit.ts) and the playground (src/components/playground/engine.ts): seeded
 * shuffled mini-batches, and the model's forward over many rows in chunks.
 *
 * The sampler visits the samples of a split in passes, each in an order shuffled by a generator
 * seeded with `seed` (the order of the pass before, shuffled again in place, starting from
 * 0, 1, …, n − 1), and copies a batch's rows into buffers made once. How a pass ends is named:
 * - "short-batch" (the trainer, whose passes are epochs): a batch never crosses the end of a pass;
 *   a pass of n samples ends on a batch of the n mod batchSize left, when that is not 0.
 * - "wrap" (fit, which counts steps, not epochs): every batch is full; a batch that reaches the end
 *   of a pass goes on with the start of the next, shuffled then.
 * With batchSize ≥ n a batch holds the n samples (one pass) in both.
 */
import {createRng} from "./random.js";
import type {Model, Split} from "./types.js";

/** How a pass over the samples ends (see the file comment). */
export type PassEnd = "short-batch" | "wrap";

/** A batch's rows: views of the sampler's buffers, valid until its next batch. */
export interface Batch {
  rows: number;
  /** rows × inputSize inputs. */
  x: Float32Array;
  /** rows × outputSize targets. */
  y: Float32Array;
  /** rows × outputSize floats of scratch for the loss gradient. */
  grad: Float32Array;
}

export interface BatchSampler {
  /** Rows of a full batch: batchSize, or n when that is smaller. */
  readonly batchSize: number;
  /** Samples of the current pass already drawn (0 at the start of a pass). */
  readonly position: number;
  /** The next batch (shuffling at the start of each pass). */
  next(): Batch;
}

/** A sampler over `split` (n ≥ 1 samples; inputs and targets as flat rows). */
export function createBatchSampler(split: Split, batchSize: number, seed: number, passEnd: PassEnd): BatchSampler {
  const n = split.n;
  const inSize = split.x.length / n;
  const outSize = split.y.length / n;
  const batch = Math.min(batchSize, n);
  const rng = createRng(seed);
  const order = Int32Array.from({length: n}, (_, i) => i);
  const xb = new Float32Array(batch * inSize);
  const yb = new Float32Array(batch * outSize);
  const gb = new Float32Array(batch * outSize);
  // Views for the full and the last (possibly smaller) batch, made once.
  const views = (rows: number): Batch => ({
    rows,
    x: xb.subarray(0, rows * inSize),
    y: yb.subarray(0, rows * outSize),
    grad: gb.subarray(0, rows * outSize)
  });
  const full = views(batch);
  const last = passEnd === "short-batch" ? views(n % batch || batch) : full;
  let position = 0;
  return {
    batchSize: batch,
    get position() {
      return position;
    },
    next(): Batch {
      const rows = passEnd === "short-batch" ? Math.min(batch, n - position) : batch;
      const {x, y} = split;
      for (let i = 0; i < rows; i++) {
        if (position === 0) rng.shuffle(order);
        const s = order[position];
        for (let j = 0; j < inSize; j++) xb[i * inSize + j] = x[s * inSize + j];
        for (let j = 0; j < outSize; j++) yb[i * outSize + j] = y[s * outSize + j];
        position = position + 1 === n ? 0 : position + 1;
      }
      return rows === batch ? full : last;
    }
  };
}

/** Runs a computation, e.g. inside a team of threads (lib/team.ts `withTeam`). */
export type Runner = <T>(compute: () => T) => T;

const direct: Runner = (compute) => compute();

/**
 * `model.forward` over the first `n` rows of `x` in chunks of at most `chunk` rows, in order:
 * hands each chunk's outputs to `use` with its first row and its row count. `run` wraps each
 * forward (the trainer runs them in its team). Chunks bound the model's workspaces.
 */
export function forwardInChunks(
  model: Model,
  x: Float32Array,
  n: number,
  chunk: number,
  use: (out: Float32Array, start: number, rows: number) => void,
  run: Runner = direct
): void {
  const inSize = model.spec.inputSize;
  for (let start = 0; start < n; start += chunk) {
    const rows = Math.min(chunk, n - start);
    const input = x.subarray(start * inSize, (start + rows) * inSize);
    use(
      run(() => model.forward(input, rows)),
      start,
      rows
    );
  }
}

/** The model's outputs for the first `n` rows of `x`, computed in chunks of at most `chunk` rows. */
export function predictInChunks(model: Model, x: Float32Array, n: number, chunk: number): Float32Array {
  const outSize = model.spec.outputSize;
  const outputs = new Float32Array(n * outSize);
  forwardInChunks(model, x, n, chunk, (out, start, rows) => {
    outputs.set(out.subarray(0, rows * outSize), start * outSize);
  });
  return outputs;
}
