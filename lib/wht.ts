/**
 * The fast Walsh–Hadamard transform (natural / Hadamard order, unnormalised unless asked).
 *
 * One public entry point, `wht`, in front of interchangeable kernels (lib/kernels/): the fast
 * scalar JS kernel until `ready()` has loaded the WebAssembly SIMD kernel (emitted at run time by
 * lib/wasm/), and the radix-2 reference for tests. Kernels agree within float32 rounding; the
 * SIMD and radix-2 kernels agree bit for bit. `from` is the first butterfly half-size: 1 runs
 * every stage, 4 skips the first two (the Switch Net 4 combiner).
 *
 * Numbers: `wht` and `whtBatch` are the raw kernels. They check shapes and options, not values,
 * because a value check costs 0.5–2.5× the transform itself: NaN and ±Infinity pass through as
 * IEEE arithmetic has them, and sums beyond ±3.4e38 overflow to ±Infinity. Their checked twins
 * `whtChecked` and `whtBatchChecked` refuse, before changing anything, every value that is not
 * finite or so large that the transform could overflow (|x| > 3.4e38 / size).
 *
 * Arrays allocated in the kernel memory (`allocate` in lib/wasm/memory.ts) are transformed in
 * place; ordinary arrays are copied in and out. Batches and long vectors across cores:
 * `createPool` in lib/parallel.ts.
 */
import {checkFloat32Array, checkOneOf, checkOptions, checkPowerOfTwo, describe, fail} from "./check.js";
import type {WhtKernel} from "./kernels/kernel.js";
import {radix2Kernel} from "./kernels/radix2.js";
import {scalarKernel} from "./kernels/scalar.js";
import {createWasmSimdKernel} from "./kernels/wasmSimd.js";
import {loadWasm, wasmWht} from "./wasm/runtime.js";

export interface WhtOptions {
  /** First butterfly half-size (a power of two, at most n). 1 = full transform. */
  from?: number;
  /** Scale by 1/sqrt(n/from), making the transform orthonormal. */
  normalize?: boolean;
}

export interface WhtBatchOptions extends WhtOptions {
  /** Length of each vector (a power of two). x holds x.length / size vectors back to back. */
  size: number;
}

/** Names accepted by `setBackend`: "auto" picks the fastest kernel loaded so far. */
export type WhtBackend = "auto" | "scalar" | "radix2" | "wasm-simd";

const kernels: Map<string, WhtKernel> = new Map([
  [scalarKernel.name, scalarKernel],
  [radix2Kernel.name, radix2Kernel]
]);
let requested: WhtBackend = "auto";
let current: WhtKernel = scalarKernel;

function checkFrom(from: unknown, n: number): number {
  checkPowerOfTwo("from", from);
  const f = from as number;
  if (f > n) fail(`from must be at most the vector length ${n}, got ${f}`);
  return f;
}

/** In-place fast WHT of `x` (length a power of two). Returns `x`. */
export function wht(x: Float32Array, options: WhtOptions = {}): Float32Array {
  checkFloat32Array("x", x);
  options = checkOptions("options", options);
  const n = checkPowerOfTwo("x.length", x.length);
  const from = checkFrom(options.from ?? 1, n);
  current.transform(x, n, from, options.normalize === true);
  return x;
}

/**
 * Checks the arguments of a batched transform (the rules `whtBatch` enforces) and returns them
 * resolved. Throws a SwitchNetError naming the bad value.
 */
export function checkWhtBatch(
  x: Float32Array,
  options: WhtBatchOptions
): {size: number; from: number; normalize: boolean} {
  checkFloat32Array("x", x);
  if (options === null || (options !== undefined && typeof options !== "object"))
    fail(`options must be an object {size, from?, normalize?}, got ${describe(options)}`);
  const size = checkPowerOfTwo("size", options?.size);
  if (x.length % size !== 0) fail(`x.length must be a multiple of size ${size}, got ${x.length}`);
  const from = checkFrom(options.from ?? 1, size);
  return {size, from, normalize: options.normalize === true};
}

/** In-place WHT of every length-`size` vector stored back to back in `x`. Returns `x`. */
export function whtBatch(x: Float32Array, options: WhtBatchOptions): Float32Array {
  const {size, from, normalize} = checkWhtBatch(x, options);
  if (x.length > 0) current.transform(x, size, from, normalize);
  return x;
}

/**
 * Throws unless every value of `x` is finite and at most FLOAT32_MAX / size in magnitude, so that
 * no sum of a length-`size` transform can overflow float32. Names the first bad value.
 */
function checkTransformable(x: Float32Array, size: number): void {
  const limit = 3.4028234663852886e38 / size;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (Math.abs(v) <= limit) continue;
    if (!Number.isFinite(v)) fail(`x must hold finite numbers, but x[${i}] is ${v}`);
    fail(
      `x[${i}] is ${v}: the sums of a length-${size} transform could overflow float32, so every |x| must be at most ${limit.toExponential(2)} (scale x down)`
    );
  }
}

/** `wht` that first refuses non-finite values and values that could overflow (see the file comment). */
export function whtChecked(x: Float32Array, options: WhtOptions = {}): Float32Array {
  checkFloat32Array("x", x);
  options = checkOptions("options", options);
  const n = checkPowerOfTwo("x.length", x.length);
  checkFrom(options.from ?? 1, n);
  checkTransformable(x, n);
  return wht(x, options);
}

/** `whtBatch` that first refuses non-finite values and values that could overflow (see the file comment). */
export function whtBatchChecked(x: Float32Array, options: WhtBatchOptions): Float32Array {
  const {size} = checkWhtBatch(x, options);
  checkTransformable(x, size);
  return whtBatch(x, options);
}

/** The O(n²) product with the Hadamard matrix, in float64: H[i][j] = (-1)^popcount(i & j). */
export function whtReference(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  checkPowerOfTwo("x.length", n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) {
      let b = i & j;
      b ^= b >>> 16;
      b ^= b >>> 8;
      b ^= b >>> 4;
      b ^= b >>> 2;
      b ^= b >>> 1;
      s += b & 1 ? -x[j] : x[j];
    }
    y[i] = s;
  }
  return y;
}

/** Names of the kernels available now (more appear after `ready()` resolves). */
export function whtKernelNames(): string[] {
  return [...kernels.keys()];
}

/** The kernel called `name` (for tests and benchmarks; its `transform` does no checks). */
export function whtKernel(name: string): WhtKernel {
  const kernel = kernels.get(name);
  if (!kernel)
    fail(
      `kernel must be one of ${whtKernelNames()
        .map((k) => JSON.stringify(k))
        .join(", ")}, got ${JSON.stringify(name)}`
    );
  return kernel;
}

function fastest(): WhtKernel {
  return kernels.get("wasm-simd") ?? scalarKernel;
}

/**
 * Chooses the kernel behind `wht` and `whtBatch`: "auto" (the fastest loaded), or a name from
 * `whtKernelNames()` ("scalar" forces the JS fallback). Returns the kernel now in use.
 */
export function setBackend(name: WhtBackend | string): string {
  const choice = checkOneOf("backend", name, ["auto", ...whtKernelNames()]);
  requested = choice as WhtBackend;
  current = choice === "auto" ? fastest() : whtKernel(choice);
  return current.name;
}

/** Resolves when the fastest available kernels are loaded. `wht` works before and after. */
export async function ready(): Promise<string> {
  if (!kernels.has("wasm-simd") && (await loadWasm())) {
    const w = wasmWht();
    if (w) kernels.set("wasm-simd", createWasmSimdKernel(w));
  }
  if (requested === "auto") current = fastest();
  return current.name;
}

/** Names the kernel in use. */
export function backend(): string {
  return current.name;
}
