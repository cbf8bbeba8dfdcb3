/**
 * The one WebAssembly memory every kernel works in, and an allocator for tensors inside it.
 *
 * Models allocate their weights and activations here (`allocate(n)`) so that the kernels work on
 * them in place, without copying in and out. The memory is shared (SharedArrayBuffer) when the
 * platform allows it, so worker threads can run kernels on the same tensors. Growing the memory
 * detaches old views of a non-shared memory: always take the view from `tensor.array` after
 * anything that may allocate.
 */
import {checkInteger, fail} from "../check.js";

const PAGE = 65536;
const ALIGN = 64;
/** 2 GiB: addresses stay below 2^31, so signed and unsigned comparisons agree. */
export const MAX_PAGES = 32768;

export interface WasmMemoryInfo {
  memory: WebAssembly.Memory;
  shared: boolean;
}

let info: WasmMemoryInfo | null = null;
/** Every ArrayBuffer / SharedArrayBuffer object the memory has exposed (a view may hold an old one). */
const buffers = new WeakSet<ArrayBufferLike>();
/**
 * The memory's buffer as of the last grow. Reading `memory.buffer` costs tens of nanoseconds for a
 * shared memory, so hot paths compare against (and build views on) this cached object instead.
 */
let current: ArrayBufferLike | null = null;

function canShare(): boolean {
  const g = globalThis as {SharedArrayBuffer?: unknown; crossOriginIsolated?: boolean};
  return typeof g.SharedArrayBuffer === "function" && g.crossOriginIsolated !== false;
}

function createMemory(preferShared: boolean): WasmMemoryInfo {
  if (preferShared && canShare()) {
    try {
      return {memory: new WebAssembly.Memory({initial: 16, maximum: MAX_PAGES, shared: true}), shared: true};
    } catch {
      // fall through to an unshared memory
    }
  }
  return {memory: new WebAssembly.Memory({initial: 16, maximum: MAX_PAGES}), shared: false};
}

/** The kernels' memory, created on first use (shared where possible). */
export function wasmMemory(): WasmMemoryInfo {
  if (!info) {
    info = createMemory(true);
    current = info.memory.buffer;
    buffers.add(current);
  }
  return info;
}

/** The kernel memory's buffer (cached; refreshed when the memory grows). */
export function memoryBuffer(): ArrayBufferLike {
  if (!info) wasmMemory();
  return current!;
}

/** True if `x` is a view into the kernels' memory (so kernels can work on it in place). */
export function inWasmMemory(x: ArrayBufferView): boolean {
  if (!info) return false;
  if (x.buffer === current) return true;
  // A shared memory hands out a new SharedArrayBuffer object after growing; old views stay valid.
  return info.shared && buffers.has(x.buffer);
}

// ---- allocator: first fit over a sorted free list, 64-byte aligned blocks --------------------

interface Block {
  start: number;
  size: number;
}
const free: Block[] = [];
const used = new Map<number, number>();
/** Address 0 is never handed out; the first 64 bytes stay reserved. */
let top = ALIGN;

function grow(bytesNeeded: number): void {
  const {memory} = wasmMemory();
  const have = memory.buffer.byteLength;
  if (bytesNeeded <= have) return;
  const pages = Math.ceil((bytesNeeded - have) / PAGE);
  const havePages = have / PAGE;
  // Grow by at least a quarter to keep the number of grows (and detached views) small.
  const want = Math.min(MAX_PAGES - havePages, Math.max(pages, Math.ceil(havePages / 4)));
  if (want < pages) fail(`cannot allocate: the WebAssembly memory would exceed ${MAX_PAGES * PAGE} bytes`);
  memory.grow(want);
  current = memory.buffer;
  buffers.add(current);
}

/** Reserves `bytes` (rounded up to 64) and returns the byte address. */
export function allocBytes(bytes: number): number {
  checkInteger("bytes", bytes, 0);
  const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  for (let i = 0; i < free.length; i++) {
    const b = free[i];
    if (b.size >= size) {
      const ptr = b.start;
      if (b.size === size) free.splice(i, 1);
      else { b.start += size; b.size -= size; }
      used.set(ptr, size);
      return ptr;
    }
  }
  grow(top + size);
  const ptr = top;
  top += size;
  used.set(ptr, size);
  return ptr;
}

/** Returns a block from `allocBytes` to the free list (merging neighbours). */
export function freeBytes(ptr: number): void {
  const size = used.get(ptr);
  if (size === undefined) fail(`free: ${ptr} is not an allocated address (or was already freed)`);
  used.delete(ptr);
  let i = 0;
  while (i < free.length && free[i].start < ptr) i++;
  free.splice(i, 0, {start: ptr, size});
  // merge with the next, then with the previous block
  if (i + 1 < free.length && free[i].start + free[i].size === free[i + 1].start) {
    free[i].size += free[i + 1].size;
    free.splice(i + 1, 1);
  }
  if (i > 0 && free[i - 1].start + free[i - 1].size === free[i].start) {
    free[i - 1].size += free[i].size;
    free.splice(i, 1);
    i--;
  }
  // give the last block back to the bump pointer
  const last = free[free.length - 1];
  if (last && last.start + last.size === top) {
    top = last.start;
    free.pop();
  }
}

/**
 * A reusable scratch block: `get(bytes)` returns the address of a block of at least `bytes`,
 * growing it (doubling, at most 64 MiB over the request) when asked for more. Each user keeps
 * its own, so one kernel's staging never overwrites another's.
 */
export function scratchBlock(): (bytes: number) => number {
  let ptr = 0;
  let size = 0;
  return (bytes: number): number => {
    if (bytes > size) {
      const want = Math.max(bytes, Math.min(2 * size, bytes + (64 << 20)));
      if (ptr) freeBytes(ptr);
      ptr = 0;
      size = 0;
      ptr = allocBytes(want); // may throw: then no scratch is held
      size = want;
    }
    return ptr;
  };
}

/** Bytes currently handed out (for tests and diagnostics). */
export function allocatedBytes(): number {
  let total = 0;
  for (const size of used.values()) total += size;
  return total;
}

/** A Float32Array living in the kernels' memory. */
export interface WasmTensor {
  /** Byte address in the memory (what the kernels take). */
  readonly ptr: number;
  readonly length: number;
  /** A view of the tensor; re-created if the memory grew since the last call. */
  readonly array: Float32Array;
  /** Returns the space to the allocator; the tensor must not be used afterwards. */
  free(): void;
}

/** Allocates `n` zeroed floats in the kernels' memory. */
export function allocate(n: number): WasmTensor {
  checkInteger("n", n, 0);
  const ptr = allocBytes(4 * n);
  let view = new Float32Array(memoryBuffer(), ptr, n);
  view.fill(0);
  let freed = false;
  return {
    ptr,
    length: n,
    get array() {
      if (freed) fail(`tensor at ${ptr} was freed`);
      if (view.buffer !== current) view = new Float32Array(memoryBuffer(), ptr, n);
      return view;
    },
    free() {
      if (freed) fail(`tensor at ${ptr} was already freed`);
      freed = true;
      freeBytes(ptr);
    }
  };
}

// ---- arrays for models ------------------------------------------------------------------------

/** Bytes of kernel memory that `kernelArray` may hand out for arrays callers can see (never freed). */
export const RESIDENT_BUDGET = 2 ** 30;
let residentBytes = 0;
let residentAllowed = false;

/** Frees a model's internal workspace when its view is garbage-collected. */
const workspaces = typeof FinalizationRegistry === "function" ? new FinalizationRegistry<number>((ptr) => freeBytes(ptr)) : null;

/** Called once the kernels are loaded: from then on `kernelArray` may place arrays in their memory. */
export function allowResidentArrays(allowed: boolean): void {
  residentAllowed = allowed;
}

/**
 * A zeroed Float32Array for a model: inside the kernel memory when the kernels are loaded and the
 * memory is shared (so views never detach and kernels work on it without copying), otherwise an
 * ordinary array, which works the same, with copies.
 *
 * `internal: true` is for workspaces that never leave their owner (not even as a subarray): their
 * space is freed when the returned view is garbage-collected. Arrays callers can see (parameters,
 * gradients) are never freed, since a subarray kept by a caller must never see its memory reused;
 * at most RESIDENT_BUDGET bytes of those are handed out, later ones are ordinary arrays.
 */
export function kernelArray(n: number, options: {internal?: boolean} = {}): Float32Array {
  checkInteger("n", n, 0);
  const internal = options.internal === true && workspaces !== null;
  if (!residentAllowed || n === 0 || !wasmMemory().shared) return new Float32Array(n);
  if (!internal && residentBytes + 4 * n > RESIDENT_BUDGET) return new Float32Array(n);
  try {
    const t = allocate(n);
    const view = t.array;
    if (internal) workspaces!.register(view, t.ptr);
    else residentBytes += 4 * n;
    return view;
  } catch {
    return new Float32Array(n);
  }
}
