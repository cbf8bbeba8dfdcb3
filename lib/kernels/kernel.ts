/**
 * The shape every WHT kernel shares, so `wht` can swap them and the tests can compare them.
 *
 * A kernel transforms, in place, every length-`size` vector stored back to back in `x`, running
 * the butterfly stages with half-sizes from, 2·from, …, size/2, and optionally scaling by
 * 1/sqrt(size/from). Kernels may keep intermediates in higher precision, so they agree to float32
 * rounding, not bit for bit; one kernel always gives the same bits for the same vector, alone or
 * in a batch.
 * Arguments are already checked by the caller.
 */
export interface WhtKernel {
  /** Short name shown by `backend()` and the benchmark ("radix2", "scalar", "wasm-simd"). */
  readonly name: string;
  transform(x: Float32Array, size: number, from: number, normalize: boolean): void;
}

/** The float32 scale that makes the truncated transform orthonormal. */
export function normalizeScale(size: number, from: number): number {
  return Math.fround(1 / Math.sqrt(size / from));
}
