/**
 * The fast scalar JavaScript WHT kernel, the fallback when WebAssembly SIMD is missing.
 *
 * In scalar JS the cost is per array access, not per addition, so stages are fused: the first
 * four stages run on 16 consecutive values held in locals, later ones in radix-8 passes (three
 * stages per sweep). Vectors longer than BLOCK are split into 8 sub-blocks that are transformed
 * while they sit in L1, then joined by one radix-8 cross pass per level (cache blocking).
 * Intermediates inside a pass stay in float64 locals (rounding each with Math.fround made the
 * kernel 2.5× slower in V8), so results match the float32 radix-2 reference to rounding, not bit
 * for bit; the normalisation scale is folded into the last pass.
 */
import {normalizeScale, type WhtKernel} from "./kernel.js";

/** Vectors up to this many floats (16 KiB) are transformed with in-cache passes. */
export const BLOCK = 4096;

/** Stages 1, 2, 4, 8 on each run of 16 consecutive values in [start, end), scaled by s. */
function pass16First(x: Float32Array, start: number, end: number, s: number): void {
  for (let i = start; i < end; i += 16) {
    const a0 = x[i],
      a1 = x[i + 1],
      a2 = x[i + 2],
      a3 = x[i + 3];
    const a4 = x[i + 4],
      a5 = x[i + 5],
      a6 = x[i + 6],
      a7 = x[i + 7];
    const a8 = x[i + 8],
      a9 = x[i + 9],
      a10 = x[i + 10],
      a11 = x[i + 11];
    const a12 = x[i + 12],
      a13 = x[i + 13],
      a14 = x[i + 14],
      a15 = x[i + 15];
    // h = 1
    const b0 = a0 + a1,
      b1 = a0 - a1,
      b2 = a2 + a3,
      b3 = a2 - a3;
    const b4 = a4 + a5,
      b5 = a4 - a5,
      b6 = a6 + a7,
      b7 = a6 - a7;
    const b8 = a8 + a9,
      b9 = a8 - a9,
      b10 = a10 + a11,
      b11 = a10 - a11;
    const b12 = a12 + a13,
      b13 = a12 - a13,
      b14 = a14 + a15,
      b15 = a14 - a15;
    // h = 2
    const c0 = b0 + b2,
      c2 = b0 - b2,
      c1 = b1 + b3,
      c3 = b1 - b3;
    const c4 = b4 + b6,
      c6 = b4 - b6,
      c5 = b5 + b7,
      c7 = b5 - b7;
    const c8 = b8 + b10,
      c10 = b8 - b10,
      c9 = b9 + b11,
      c11 = b9 - b11;
    const c12 = b12 + b14,
      c14 = b12 - b14,
      c13 = b13 + b15,
      c15 = b13 - b15;
    // h = 4
    const d0 = c0 + c4,
      d4 = c0 - c4,
      d1 = c1 + c5,
      d5 = c1 - c5;
    const d2 = c2 + c6,
      d6 = c2 - c6,
      d3 = c3 + c7,
      d7 = c3 - c7;
    const d8 = c8 + c12,
      d12 = c8 - c12,
      d9 = c9 + c13,
      d13 = c9 - c13;
    const d10 = c10 + c14,
      d14 = c10 - c14,
      d11 = c11 + c15,
      d15 = c11 - c15;
    // h = 8
    x[i] = (d0 + d8) * s;
    x[i + 8] = (d0 - d8) * s;
    x[i + 1] = (d1 + d9) * s;
    x[i + 9] = (d1 - d9) * s;
    x[i + 2] = (d2 + d10) * s;
    x[i + 10] = (d2 - d10) * s;
    x[i + 3] = (d3 + d11) * s;
    x[i + 11] = (d3 - d11) * s;
    x[i + 4] = (d4 + d12) * s;
    x[i + 12] = (d4 - d12) * s;
    x[i + 5] = (d5 + d13) * s;
    x[i + 13] = (d5 - d13) * s;
    x[i + 6] = (d6 + d14) * s;
    x[i + 14] = (d6 - d14) * s;
    x[i + 7] = (d7 + d15) * s;
    x[i + 15] = (d7 - d15) * s;
  }
}

/** Stages h, 2h, 4h over [start, end) (a multiple of 8h long), results scaled by s. */
function pass8(x: Float32Array, start: number, end: number, h: number, s: number): void {
  const h2 = 2 * h,
    h3 = 3 * h,
    h4 = 4 * h,
    h5 = 5 * h,
    h6 = 6 * h,
    h7 = 7 * h,
    h8 = 8 * h;
  for (let i = start; i < end; i += h8) {
    for (let j = i, e = i + h; j < e; j++) {
      const a0 = x[j],
        a1 = x[j + h],
        a2 = x[j + h2],
        a3 = x[j + h3];
      const a4 = x[j + h4],
        a5 = x[j + h5],
        a6 = x[j + h6],
        a7 = x[j + h7];
      const b0 = a0 + a1,
        b1 = a0 - a1,
        b2 = a2 + a3,
        b3 = a2 - a3;
      const b4 = a4 + a5,
        b5 = a4 - a5,
        b6 = a6 + a7,
        b7 = a6 - a7;
      const c0 = b0 + b2,
        c2 = b0 - b2,
        c1 = b1 + b3,
        c3 = b1 - b3;
      const c4 = b4 + b6,
        c6 = b4 - b6,
        c5 = b5 + b7,
        c7 = b5 - b7;
      x[j] = (c0 + c4) * s;
      x[j + h4] = (c0 - c4) * s;
      x[j + h] = (c1 + c5) * s;
      x[j + h5] = (c1 - c5) * s;
      x[j + h2] = (c2 + c6) * s;
      x[j + h6] = (c2 - c6) * s;
      x[j + h3] = (c3 + c7) * s;
      x[j + h7] = (c3 - c7) * s;
    }
  }
}

/** Stages h, 2h over [start, end) (a multiple of 4h long), results scaled by s. */
function pass4(x: Float32Array, start: number, end: number, h: number, s: number): void {
  const h2 = 2 * h,
    h3 = 3 * h,
    h4 = 4 * h;
  for (let i = start; i < end; i += h4) {
    for (let j = i, e = i + h; j < e; j++) {
      const a0 = x[j],
        a1 = x[j + h],
        a2 = x[j + h2],
        a3 = x[j + h3];
      const b0 = a0 + a1,
        b1 = a0 - a1,
        b2 = a2 + a3,
        b3 = a2 - a3;
      x[j] = (b0 + b2) * s;
      x[j + h2] = (b0 - b2) * s;
      x[j + h] = (b1 + b3) * s;
      x[j + h3] = (b1 - b3) * s;
    }
  }
}

/** Stage h over [start, end) (a multiple of 2h long), results scaled by s. */
function pass2(x: Float32Array, start: number, end: number, h: number, s: number): void {
  const h2 = 2 * h;
  for (let i = start; i < end; i += h2) {
    for (let j = i, e = i + h; j < e; j++) {
      const a = x[j],
        b = x[j + h];
      x[j] = (a + b) * s;
      x[j + h] = (a - b) * s;
    }
  }
}

/** Stages h = from … top/2 over [start, end) in fused passes; the last pass scales by s. */
function stages(x: Float32Array, start: number, end: number, from: number, top: number, s: number): void {
  let h = from;
  if (h === 1 && top >= 16) {
    pass16First(x, start, end, top === 16 ? s : 1);
    h = 16;
  }
  while (h < top) {
    const left = top / h;
    if (left >= 8) {
      pass8(x, start, end, h, left === 8 ? s : 1);
      h *= 8;
    } else if (left === 4) {
      pass4(x, start, end, h, s);
      h *= 4;
    } else {
      pass2(x, start, end, h, s);
      h *= 2;
    }
  }
}

/** One vector of length n > BLOCK at `off`: 8 (or 4, 2) sub-blocks, then a cross pass. */
function blocked(x: Float32Array, off: number, n: number, from: number, s: number): void {
  if (n <= BLOCK) {
    stages(x, off, off + n, from, n, s);
    return;
  }
  const levels = Math.log2(n / BLOCK);
  const sub = n >> Math.min(3, levels);
  if (from < sub) {
    for (let o = off; o < off + n; o += sub) blocked(x, o, sub, from, 1);
  }
  stages(x, off, off + n, Math.max(from, sub), n, s);
}

/** Transforms every length-`size` vector in `x` in place (arguments already checked). */
export function scalarTransform(x: Float32Array, size: number, from: number, normalize: boolean): void {
  const s = normalize ? normalizeScale(size, from) : 1;
  const total = x.length;
  if (size === 1 || from >= size) {
    if (s !== 1) for (let i = 0; i < total; i++) x[i] *= s;
    return;
  }
  if (size <= BLOCK) {
    // Several short vectors per chunk: the passes never cross a vector boundary.
    for (let start = 0; start < total; start += BLOCK) {
      stages(x, start, Math.min(start + BLOCK, total), from, size, s);
    }
    return;
  }
  for (let off = 0; off < total; off += size) blocked(x, off, size, from, s);
}

export const scalarKernel: WhtKernel = {name: "scalar", transform: scalarTransform};
