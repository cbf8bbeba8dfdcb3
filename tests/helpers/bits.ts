// Bit-for-bit comparison of float32 arrays: −0 and +0, and NaN payloads, count as different.
import {expect} from "vitest";

/** The arrays' bit patterns. */
export const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

/** Asserts two float32 arrays hold the same bits, naming the first index that differs (faster and stricter than toEqual). */
export function expectSameBits(got: Float32Array, want: Float32Array, label = ""): void {
  expect(got.length, label).toBe(want.length);
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  for (let i = 0; i < g.length; i++) {
    if (g[i] !== w[i])
      throw new Error(
        `${label ? `${label}: ` : ""}bits differ at index ${i}: got ${got[i]} (0x${g[i].toString(16)}), want ${want[i]} (0x${w[i].toString(16)})`
      );
  }
}
