/**
 * A suspended fitting run as bytes, so that a sweep stopped by its deadline (`--until`) or by the
 * stop file goes on in the next session where it was, not from step 0. No file access here: the
 * script keeps the bytes in files (scripts/experiment.ts), the tests in memory.
 *
 * Layout: the 8 ASCII bytes "SN4CKPT1", a little-endian u32 header length, the header as UTF-8
 * JSON (padded with spaces to a multiple of 4 bytes), then the float32 arrays the header lists in
 * `arrays` (the parameters first, then the optimiser's buffers), each `length` values, little-endian.
 * Non-finite numbers in the header (a best of Infinity, the first point's NaN loss) are written as
 * {"$number": "NaN" | "Infinity" | "-Infinity"}.
 */
import {fail} from "../check.js";
import type {FitCheckpoint} from "./fit.js";

const MAGIC = "SN4CKPT1";

/** What a checkpoint is for: the run's key and what must match for it to be resumed. */
export interface CheckpointTag {
  /** The run's key (it holds the settings hash). */
  key: string;
  /** The training kernels (e.g. "wasm-simd"): another backend would not continue with the same bits. */
  backend: string;
  /** The learning rate of the run. */
  learningRate: number;
  /** The seed of the run. */
  seed: number;
}

interface Header {
  tag: CheckpointTag;
  checkpoint: Omit<FitCheckpoint, "params" | "optimizer"> & {optimizer: {kind: string; step: number}};
  arrays: {name: string; length: number}[];
}

const encodeNumbers = (_key: string, value: unknown) =>
  typeof value === "number" && !Number.isFinite(value) ? {$number: String(value)} : value;

const decodeNumbers = (_key: string, value: unknown) =>
  value !== null && typeof value === "object" && "$number" in value && Object.keys(value).length === 1
    ? Number((value as {$number: string}).$number)
    : value;

/** The bytes of a checkpoint and its tag. */
export function checkpointToBytes(tag: CheckpointTag, checkpoint: FitCheckpoint): Uint8Array {
  const {params, optimizer, ...rest} = checkpoint;
  const buffers = Object.entries(optimizer.buffers);
  const header: Header = {
    tag,
    checkpoint: {...rest, optimizer: {kind: optimizer.kind, step: optimizer.step}},
    arrays: [
      {name: "params", length: params.length},
      ...buffers.map(([name, b]) => ({name: `optimizer.${name}`, length: b.length}))
    ]
  };
  let json = new TextEncoder().encode(JSON.stringify(header, encodeNumbers));
  const padded = Math.ceil(json.length / 4) * 4;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const floats = header.arrays.reduce((n, a) => n + a.length, 0);
  const bytes = new Uint8Array(12 + json.length + 4 * floats);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(bytes.buffer);
  view.setUint32(8, json.length, true);
  bytes.set(json, 12);
  let offset = 12 + json.length;
  for (const array of [params, ...buffers.map(([, b]) => b)]) {
    for (let i = 0; i < array.length; i++, offset += 4) view.setFloat32(offset, array[i], true);
  }
  return bytes;
}

/** Checks the magic number and returns the header's length in bytes (the first 12 bytes suffice). */
function headerLength(bytes: Uint8Array): number {
  if (!(bytes instanceof Uint8Array) || bytes.length < 12)
    fail(`a checkpoint must be at least 12 bytes, got ${bytes?.length ?? typeof bytes}`);
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== MAGIC) fail(`not a fit checkpoint: it starts with ${JSON.stringify(magic)}, not "${MAGIC}"`);
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
}

function readHeader(bytes: Uint8Array): Header {
  const length = headerLength(bytes);
  if (12 + length > bytes.length)
    fail(`a checkpoint's header says ${length} bytes, but only ${bytes.length - 12} follow`);
  try {
    return JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + length)), decodeNumbers);
  } catch (e) {
    fail(`a checkpoint's header is not JSON: ${(e as Error).message}`);
  }
}

/**
 * How many bytes from the start of a checkpoint `checkpointSummary` needs, read off its first
 * 12 bytes: a file store reads that much of a file instead of all its megabytes of weights.
 */
export function checkpointHeaderBytes(first12: Uint8Array): number {
  return 12 + headerLength(first12);
}

/**
 * The tag and the step of a checkpoint from its first `checkpointHeaderBytes` bytes (the arrays are
 * not read); `atCap`: taken at the run's step cap (kept for a higher cap), not suspended on the way.
 */
export function checkpointSummary(bytes: Uint8Array): {tag: CheckpointTag; step: number; atCap: boolean} {
  const header = readHeader(bytes);
  return {tag: header.tag, step: header.checkpoint.step, atCap: header.checkpoint.pendingEval};
}

/**
 * `checkpointSummary` of a checkpoint read through `readPrefix(length)`, which returns the first
 * `length` bytes of the file (or fewer, when it is shorter): two small reads, never the weights.
 * A file store passes a reader over a file handle (scripts/experiment.ts, the Capacity loader).
 */
export function checkpointSummaryOf(readPrefix: (length: number) => Uint8Array): ReturnType<typeof checkpointSummary> {
  return checkpointSummary(readPrefix(checkpointHeaderBytes(readPrefix(12))));
}

/** A checkpoint read back from `checkpointToBytes`; throws a clear error on anything else. */
export function checkpointFromBytes(bytes: Uint8Array): {tag: CheckpointTag; checkpoint: FitCheckpoint} {
  const header = readHeader(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = checkpointHeaderBytes(bytes);
  const floats = header.arrays.reduce((n, a) => n + a.length, 0);
  if (bytes.length !== offset + 4 * floats)
    fail(
      `a checkpoint of ${bytes.length} bytes cannot hold its ${floats} values (it needs ${offset + 4 * floats}): the file is cut off or padded`
    );
  const arrays = new Map<string, Float32Array>();
  for (const {name, length} of header.arrays) {
    const a = new Float32Array(length);
    for (let i = 0; i < length; i++, offset += 4) a[i] = view.getFloat32(offset, true);
    arrays.set(name, a);
  }
  const params = arrays.get("params");
  if (!params) fail("a checkpoint must hold the parameters");
  const buffers: Record<string, Float32Array> = {};
  for (const [name, a] of arrays) if (name.startsWith("optimizer.")) buffers[name.slice(10)] = a;
  const {optimizer, ...rest} = header.checkpoint;
  return {
    tag: header.tag,
    checkpoint: {
      ...rest,
      params,
      optimizer: {kind: optimizer.kind as FitCheckpoint["optimizer"]["kind"], step: optimizer.step, buffers}
    }
  };
}
