/**
 * The plainest WHT kernel: one radix-2 pass per stage over the whole array. Slow; kept as the
 * readable reference that the fast kernels are tested against.
 */
import {normalizeScale, type WhtKernel} from "./kernel.js";

/** Runs stages h = from … size/2 over every length-`size` vector in `x`, in place. */
export function radix2Stages(x: Float32Array, size: number, from: number): void {
  const total = x.length;
  for (let h = from; h < size; h <<= 1) {
    for (let i = 0; i < total; i += h << 1) {
      for (let j = i; j < i + h; j++) {
        const a = x[j];
        const b = x[j + h];
        x[j] = a + b;
        x[j + h] = a - b;
      }
    }
  }
}

/** Multiplies every element by the float32 scale `s` (a float32 product, rounded once). */
export function scaleInPlace(x: Float32Array, s: number, start = 0, end = x.length): void {
  for (let i = start; i < end; i++) x[i] *= s;
}

export const radix2Kernel: WhtKernel = {
  name: "radix2",
  transform(x, size, from, normalize) {
    radix2Stages(x, size, from);
    if (normalize) scaleInPlace(x, normalizeScale(size, from));
  }
};
