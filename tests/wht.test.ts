// Tests for lib/wht.ts: the fast kernels against the O(n²) Hadamard product, known identities,
// the truncated (`from`) transform, batching, and argument checks.
import {afterEach, beforeAll, describe, expect, it} from "vitest";
import {SwitchNetError} from "../lib/check.js";
import {createRng} from "../lib/random.js";
import {backend, ready, setBackend, wht, whtBatch, whtKernel, whtKernelNames, whtReference} from "../lib/wht.js";
import {expectSameBits} from "./helpers/bits.js";

function randomVector(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = rng.normal();
  return x;
}

function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  return m;
}

/**
 * Tolerance for a float32 transform of length n: 4 float32 unit roundoffs (2^-24) per stage,
 * relative to the typical output size √n·max|x|. Observed errors are 20–60× smaller.
 */
function tolerance(n: number, scaleOfX: number): number {
  return 2 ** -22 * Math.max(1, Math.log2(n)) * Math.sqrt(n) * scaleOfX;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < actual.length; i++) {
    const e = Math.abs(actual[i] - expected[i]);
    if (!(e <= worst)) {
      worst = e;
      at = i;
    }
  }
  if (!(worst <= tol)) {
    throw new Error(
      `max error ${worst} at index ${at} (got ${actual[at]}, want ${expected[at]}) exceeds tolerance ${tol}`
    );
  }
}

/** Applies H_m to each length-m block of x (float64), i.e. blockdiag(H_m)·x. */
function blockHadamard(x: Float32Array, m: number): Float32Array {
  const y = new Float32Array(x.length);
  for (let o = 0; o < x.length; o += m) y.set(whtReference(x.subarray(o, o + m)), o);
  return y;
}

// Load every kernel (the WebAssembly SIMD one too), so the default backend is the fastest.
beforeAll(async () => {
  await ready();
});

afterEach(() => {
  setBackend("auto");
});

describe("wht", () => {
  it("equals the O(n²) Hadamard product for every n = 2^0 … 2^12", () => {
    for (let k = 0; k <= 12; k++) {
      const n = 2 ** k;
      const x = randomVector(n, 100 + k);
      const want = whtReference(x);
      const got = wht(x.slice());
      expectClose(got, want, tolerance(n, maxAbs(x)));
    }
  });

  it("matches a known transform exactly: H_4 · [1, 2, 3, 4] = [10, -2, -4, 0]", () => {
    expect(Array.from(wht(new Float32Array([1, 2, 3, 4])))).toEqual([10, -2, -4, 0]);
    expect(Array.from(wht(new Float32Array([5])))).toEqual([5]);
  });

  it("applied twice gives n times the input (H·H = n·I)", () => {
    for (const k of [1, 3, 4, 7, 12, 13, 15, 17]) {
      const n = 2 ** k;
      const x = randomVector(n, 200 + k);
      const y = wht(wht(x.slice()));
      const nx = x.map((v) => v * n);
      expectClose(y, nx, n * tolerance(n, maxAbs(x)));
    }
  });

  it("normalised is an involution and preserves the norm", () => {
    for (const k of [0, 2, 5, 9, 12, 14, 16]) {
      const n = 2 ** k;
      const x = randomVector(n, 300 + k);
      const y = wht(x.slice(), {normalize: true});
      let nx = 0,
        ny = 0;
      for (let i = 0; i < n; i++) {
        nx += x[i] * x[i];
        ny += y[i] * y[i];
      }
      expect(Math.abs(Math.sqrt(ny) - Math.sqrt(nx))).toBeLessThanOrEqual(1e-5 * Math.sqrt(nx));
      const back = wht(y.slice(), {normalize: true});
      expectClose(back, x, tolerance(n, maxAbs(x)));
    }
  });

  it("with from = m equals the full transform after block-diagonal H_m (T_m · blockdiag(H_m) = H_n)", () => {
    for (const n of [16, 64, 1024, 8192, 65536]) {
      const x = randomVector(n, 400 + n);
      const full = n <= 4096 ? whtReference(x) : radix2Full(x);
      for (const m of [1, 2, 4, 8, 16]) {
        const y = wht(blockHadamard(x, m), {from: m});
        expectClose(y, full, tolerance(n, maxAbs(x)));
      }
    }
  });

  it("with from = m and normalize scales by 1/sqrt(n/m)", () => {
    const n = 4096;
    const x = randomVector(n, 500);
    for (const m of [1, 4, 16, 64, 4096]) {
      const plain = wht(x.slice(), {from: m});
      const scaled = wht(x.slice(), {from: m, normalize: true});
      const s = 1 / Math.sqrt(n / m);
      expectClose(
        scaled,
        plain.map((v) => v * s),
        tolerance(n, maxAbs(x)) * s
      );
    }
    // from = n runs no stage at all: the identity.
    const same = wht(x.slice(), {from: n, normalize: true});
    expect(same).toEqual(x);
  });

  it("handles large vectors: the transform of a delta is all ones, of all ones is n·e0", () => {
    for (const k of [20, 22]) {
      const n = 2 ** k;
      const x = new Float32Array(n);
      x[0] = 1;
      wht(x);
      expect(x.every((v) => v === 1)).toBe(true);
      wht(x);
      expect(x[0]).toBe(n);
      expect(maxAbs(x.subarray(1))).toBe(0);
    }
  });
});

function radix2Full(x: Float32Array): Float32Array {
  const y = x.slice();
  whtKernel("radix2").transform(y, y.length, 1, false);
  return y;
}

describe("whtBatch", () => {
  it("gives exactly the same float32 values as one vector at a time", () => {
    for (const size of [1, 2, 4, 8, 16, 32, 256, 4096, 8192, 32768]) {
      for (const opts of [
        {},
        {from: Math.min(4, size)},
        {normalize: true},
        {from: Math.min(2, size), normalize: true}
      ]) {
        const count = size >= 8192 ? 3 : 37;
        const x = randomVector(size * count, size + 7);
        const batched = whtBatch(x.slice(), {size, ...opts});
        const single = x.slice();
        for (let v = 0; v < count; v++) wht(single.subarray(v * size, (v + 1) * size), opts);
        expectSameBits(batched, single);
      }
    }
  });

  it("accepts an empty batch", () => {
    expect(whtBatch(new Float32Array(0), {size: 8}).length).toBe(0);
  });
});

describe("kernels", () => {
  it("lists the scalar and radix-2 kernels, and setBackend switches between them", () => {
    expect(whtKernelNames()).toEqual(expect.arrayContaining(["scalar", "radix2"]));
    expect(setBackend("radix2")).toBe("radix2");
    expect(backend()).toBe("radix2");
    expect(setBackend("scalar")).toBe("scalar");
    expect(backend()).toBe("scalar");
    expect(setBackend("auto")).toBe(whtKernelNames().includes("wasm-simd") ? "wasm-simd" : "scalar");
    expect(() => setBackend("gpu")).toThrow(/backend must be one of .*got "gpu"/);
  });

  it("every kernel gives the same result as the radix-2 reference, with from and normalize", () => {
    const sizes = [
      1,
      2,
      4,
      8,
      16,
      32,
      64,
      128,
      256,
      512,
      1024,
      2048,
      4096,
      8192,
      16384,
      32768,
      65536,
      2 ** 18,
      2 ** 20
    ];
    for (const n of sizes) {
      const x = randomVector(n, 600 + n);
      const froms = [...new Set([1, 2, 4, 16, 2048, n >> 3, n >> 1, n].filter((f) => f >= 1 && f <= n))];
      for (const from of froms) {
        for (const normalize of [false, true]) {
          const want = x.slice();
          whtKernel("radix2").transform(want, n, from, normalize);
          const s = normalize ? 1 / Math.sqrt(n / from) : 1;
          for (const name of whtKernelNames()) {
            const got = x.slice();
            whtKernel(name).transform(got, n, from, normalize);
            expectClose(got, want, tolerance(n, maxAbs(x)) * s);
          }
        }
      }
    }
  });
});

describe("argument checks", () => {
  it("rejects lengths that are not powers of two, naming the value", () => {
    for (const n of [3, 100, 0]) {
      expect(() => wht(new Float32Array(n))).toThrow(SwitchNetError);
      expect(() => wht(new Float32Array(n))).toThrow(new RegExp(`x\\.length must be a power of two .*got ${n}`));
    }
  });

  it("rejects a bad `from` before changing anything", () => {
    const x = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(() => wht(x, {from: 3})).toThrow(/from must be a power of two .*got 3/);
    expect(() => wht(x, {from: 16})).toThrow(/from must be at most the vector length 8, got 16/);
    expect(() => wht(x, {from: 0})).toThrow(SwitchNetError);
    expect(() => whtBatch(x, {size: 4, from: 8})).toThrow(/from must be at most the vector length 4, got 8/);
    expect(Array.from(x)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("rejects a batch whose length is not a multiple of size, or a bad size", () => {
    const x = new Float32Array(12);
    expect(() => whtBatch(x, {size: 8})).toThrow(/x\.length must be a multiple of size 8, got 12/);
    expect(() => whtBatch(x, {size: 6})).toThrow(/size must be a power of two .*got 6/);
    expect(() => whtBatch(x, undefined as unknown as {size: number})).toThrow(
      /size must be a power of two .*got undefined/
    );
  });

  it("rejects anything but a Float32Array", () => {
    expect(() => wht([1, 2, 3, 4] as unknown as Float32Array)).toThrow(
      /x must be a Float32Array, got an array of length 4/
    );
    expect(() => wht(new Float64Array(4) as unknown as Float32Array)).toThrow(
      /x must be a Float32Array, got Float64Array\(4\)/
    );
    expect(() => whtBatch(new Int32Array(4) as unknown as Float32Array, {size: 4})).toThrow(SwitchNetError);
  });
});
