/**
 * The fast Walsh–Hadamard transform (natural / Hadamard order, unnormalised unless asked).
 *
 * One public entry point, `wht`, in front of interchangeable kernels. `from` is the first
 * butterfly half-size: 1 runs every stage, 4 skips the first two (the Switch Net 4 combiner).
 */
import {checkFloat32Array, checkPowerOfTwo, checkInteger, fail} from "./check.js";

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

function checkFrom(from: number, n: number): void {
  checkPowerOfTwo("from", from);
  if (from > n && !(n === 1 && from === 1)) fail(`from must be at most the length ${n}, got ${from}`);
}

/** Radix-2 reference kernel on one vector at offset `off`. */
function kernelRadix2(x: Float32Array, off: number, n: number, from: number): void {
  for (let h = from; h < n; h <<= 1) {
    for (let i = off; i < off + n; i += h << 1) {
      for (let j = i; j < i + h; j++) {
        const a = x[j];
        const b = x[j + h];
        x[j] = a + b;
        x[j + h] = a - b;
      }
    }
  }
}

function scale(x: Float32Array, s: number): void {
  for (let i = 0; i < x.length; i++) x[i] *= s;
}

/** In-place fast WHT of `x` (length a power of two). Returns `x`. */
export function wht(x: Float32Array, options: WhtOptions = {}): Float32Array {
  checkFloat32Array("x", x);
  const n = x.length;
  checkPowerOfTwo("x.length", n);
  const from = options.from ?? 1;
  checkFrom(from, n);
  kernelRadix2(x, 0, n, from);
  if (options.normalize) scale(x, 1 / Math.sqrt(n / from));
  return x;
}

/** In-place WHT of every length-`size` vector stored back to back in `x`. Returns `x`. */
export function whtBatch(x: Float32Array, options: WhtBatchOptions): Float32Array {
  checkFloat32Array("x", x);
  const size = checkPowerOfTwo("size", options.size);
  if (x.length % size !== 0) fail(`x.length must be a multiple of size ${size}, got ${x.length}`);
  const from = options.from ?? 1;
  checkFrom(from, size);
  for (let off = 0; off < x.length; off += size) kernelRadix2(x, off, size, from);
  if (options.normalize) scale(x, 1 / Math.sqrt(size / from));
  return x;
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
      b ^= b >>> 16; b ^= b >>> 8; b ^= b >>> 4; b ^= b >>> 2; b ^= b >>> 1;
      s += b & 1 ? -x[j] : x[j];
    }
    y[i] = s;
  }
  return y;
}

let backendName = "scalar";
/** Resolves when the fastest available kernels are loaded. `wht` works before and after. */
export async function ready(): Promise<string> {
  return backendName;
}
/** Names the kernel in use. */
export function backend(): string {
  return backendName;
}
void checkInteger;
