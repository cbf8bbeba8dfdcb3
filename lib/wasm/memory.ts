/**
 * The one WebAssembly memory every kernel works in, and an allocator for tensors inside it.
 *
 * Models allocate their weights and activations here (`kernelArray`, `allocate(n)`) so that the
 * kernels work on them in place, without copying in and out. The memory is shared
 * (SharedArrayBuffer) when the platform allows it, so worker threads can run kernels on the same
 * tensors. Growing the memory detaches old views of a non-shared memory: always take the view from
 * `tensor.array` after anything that may allocate.
 *
 * The memory grows up to 2 GiB and never shrinks, but freed blocks are reused (first fit, merged
 * with their neighbours). Whoever allocates frees: `tensor.free()`, `releaseKernelArray(view)`,
 * and `model.dispose()` for everything a model owns (parameters, gradients, activations,
 * scratch). Workspaces a model keeps to itself are also freed when garbage-collected; parameters
 * and gradients only by `dispose()`, since a view a caller kept must never see its memory reused.
 * When an allocation does not fit, the SwitchNetError says how much was asked, how much is in use
 * and to dispose of models no longer needed. `kernelMemoryStats()` reports the use.
 */
import {checkInteger, fail} from "../check.js";
import {checkOptions} from "../check.js";

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
/** Bytes handed out and not yet freed, and the most there have ever been at once. */
let inUse = 0;
let peak = 0;

/** Bytes as "67,108,864 bytes (64.0 MiB)". */
function bytesText(bytes: number): string {
  return `${bytes.toLocaleString("en-US")} bytes (${(bytes / 2 ** 20).toFixed(1)} MiB)`;
}

/** The error for an allocation of `size` bytes that does not fit (why: what refused it). */
function noRoom(size: number, why: string): never {
  fail(
    `cannot allocate ${bytesText(size)} in the WebAssembly kernel memory: ${bytesText(inUse)} of its ` +
      `${bytesText(MAX_PAGES * PAGE)} are in use (${why}); call dispose() on models you no longer need, ` +
      `or use a smaller model or batch`
  );
}

/** Grows the memory to hold `bytesNeeded` bytes, for an allocation of `size`. */
function grow(bytesNeeded: number, size: number): void {
  const {memory} = wasmMemory();
  const have = memory.buffer.byteLength;
  if (bytesNeeded <= have) return;
  const pages = Math.ceil((bytesNeeded - have) / PAGE);
  const havePages = have / PAGE;
  // Grow by at least a quarter to keep the number of grows (and detached views) small.
  const want = Math.min(MAX_PAGES - havePages, Math.max(pages, Math.ceil(havePages / 4)));
  if (want < pages) {
    const largest = free.reduce((m, b) => Math.max(m, b.size), MAX_PAGES * PAGE - top);
    noRoom(size, `the memory cannot grow past its maximum, and its largest free block holds ${bytesText(largest)}`);
  }
  try {
    memory.grow(want);
  } catch (e) {
    // The engine may refuse before the maximum (out of address space or system memory).
    if (want === pages)
      noRoom(size, `the engine refused to grow the memory: ${e instanceof Error ? e.message : String(e)}`);
    try {
      memory.grow(pages);
    } catch (e2) {
      noRoom(size, `the engine refused to grow the memory: ${e2 instanceof Error ? e2.message : String(e2)}`);
    }
  }
  current = memory.buffer;
  buffers.add(current);
}

/** Reserves `bytes` (rounded up to 64) and returns the byte address. */
export function allocBytes(bytes: number): number {
  checkInteger("bytes", bytes, 0);
  const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  let ptr = -1;
  for (let i = 0; i < free.length; i++) {
    const b = free[i];
    if (b.size >= size) {
      ptr = b.start;
      if (b.size === size) free.splice(i, 1);
      else {
        b.start += size;
        b.size -= size;
      }
      break;
    }
  }
  if (ptr < 0) {
    grow(top + size, size);
    ptr = top;
    top += size;
  }
  used.set(ptr, size);
  inUse += size;
  peak = Math.max(peak, inUse);
  return ptr;
}

/** Returns a block from `allocBytes` to the free list (merging neighbours). */
export function freeBytes(ptr: number): void {
  const size = used.get(ptr);
  if (size === undefined) fail(`free: ${ptr} is not an allocated address (or was already freed)`);
  used.delete(ptr);
  inUse -= size;
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
 * its own, so one kernel's staging never overwrites another's. When the memory has no room it
 * throws the SwitchNetError of `allocBytes`, holding no block.
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
      try {
        ptr = allocBytes(want);
        size = want;
      } catch (e) {
        if (want === bytes) throw e;
        ptr = allocBytes(bytes); // no room to grow ahead: just what was asked (may throw)
        size = bytes;
      }
    }
    return ptr;
  };
}

/** Bytes currently handed out (for tests and diagnostics). */
export function allocatedBytes(): number {
  return inUse;
}

export interface KernelMemoryStats {
  /** Bytes handed out and not yet freed (models, workspaces, scratch, tensors). */
  inUse: number;
  /** The largest `inUse` so far in this process (or page). */
  peak: number;
  /** The most the memory can ever hold (2 GiB). */
  capacity: number;
  /** Bytes the memory has grown to (it never shrinks; freed blocks inside it are reused). */
  size: number;
}

/** How much of the kernel memory is in use (see `KernelMemoryStats`). */
export function kernelMemoryStats(): KernelMemoryStats {
  return {inUse, peak, capacity: MAX_PAGES * PAGE, size: info ? info.memory.buffer.byteLength : 0};
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

/** Bytes of kernel memory that `kernelArray` may hand out at once for arrays callers can see. */
export const RESIDENT_BUDGET = 2 ** 30;
let residentBytes = 0;
let residentAllowed = false;

/** Frees a model's internal workspace when its view is garbage-collected (unless released first). */
const workspaces =
  typeof FinalizationRegistry === "function" ? new FinalizationRegistry<number>((ptr) => freeBytes(ptr)) : null;

/** The block behind each array `kernelArray` placed in the kernel memory. */
const owned = new WeakMap<Float32Array, {ptr: number; bytes: number; internal: boolean}>();

/** Called once the kernels are loaded: from then on `kernelArray` may place arrays in their memory. */
export function allowResidentArrays(allowed: boolean): void {
  residentAllowed = allowed;
}

/**
 * A zeroed Float32Array for a model: inside the kernel memory when the kernels are loaded and the
 * memory is shared (so views never detach and kernels work on it without copying), otherwise an
 * ordinary array, which works the same, with copies.
 *
 * Free it with `releaseKernelArray(view)` (models do, in `dispose()`). `internal: true` is for
 * workspaces that never leave their owner (not even as a subarray): their space is also freed
 * when the view is garbage-collected. Arrays callers can see (parameters, gradients) are freed
 * only by `releaseKernelArray`; at most RESIDENT_BUDGET bytes of those are in the kernel memory
 * at once, later ones are ordinary arrays. Throws a SwitchNetError (see `allocBytes`) when the
 * kernel memory has no room.
 */
export function kernelArray(n: number, options: {internal?: boolean} = {}): Float32Array {
  checkInteger("n", n, 0);
  options = checkOptions("options", options);
  const internal = options.internal === true && workspaces !== null;
  if (!residentAllowed || n === 0 || !wasmMemory().shared) return new Float32Array(n);
  if (!internal && residentBytes + 4 * n > RESIDENT_BUDGET) return new Float32Array(n);
  const t = allocate(n);
  const view = t.array;
  if (internal) workspaces!.register(view, t.ptr, view);
  else residentBytes += 4 * n;
  owned.set(view, {ptr: t.ptr, bytes: 4 * n, internal});
  return view;
}

/**
 * Frees the kernel memory behind an array from `kernelArray` (true), or does nothing for any
 * other array or one already released (false). The array, and every view of it, must not be used
 * afterwards: its memory will be handed to the next allocation.
 */
export function releaseKernelArray(array: Float32Array): boolean {
  const block = owned.get(array);
  if (!block) return false;
  owned.delete(array);
  if (block.internal) workspaces!.unregister(array);
  else residentBytes -= block.bytes;
  freeBytes(block.ptr);
  return true;
}

/**
 * `kernelArray` of each length (with the same options), all or none: if one does not fit, those
 * already made are released and the SwitchNetError is rethrown.
 */
export function kernelArrays(lengths: readonly number[], options: {internal?: boolean} = {}): Float32Array[] {
  const made: Float32Array[] = [];
  try {
    for (const n of lengths) made.push(kernelArray(n, options));
  } catch (e) {
    made.forEach(releaseKernelArray);
    throw e;
  }
  return made;
}
