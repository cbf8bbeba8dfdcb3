// The dense layer's register-tiled matrix kernels (lib/wasm/gemmModule.ts, lib/kernels/gemm.ts):
// bit for bit against float32 references that add in the order the kernels promise (so results
// recorded with earlier kernels keep their bits), the fused multiply-add switch, and the relaxed-SIMD
// kernels themselves in a Node started with --experimental-wasm-relaxed-simd (tests/helpers/fma-check.ts).
import {spawnSync} from "node:child_process";
import {readFileSync} from "node:fs";
import {afterEach, beforeAll, describe, expect, it} from "vitest";
import {fusedMultiplyAdd, matmulAdd, matmulTransAAdd, matmulTransB, setFusedMultiplyAdd} from "../lib/kernels/gemm.js";
import {trainingKernels} from "../lib/kernels/label.js";
import {createRng} from "../lib/random.js";
import {relaxedSimdSupported} from "../lib/wasm/runtime.js";
import {ready, setBackend} from "../lib/wht.js";
import {gemmOrderReference} from "./helpers/gemm-reference.js";

function randomArray(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = rng.normal();
  return x;
}

/** Index of the first element whose bits differ, or -1. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

beforeAll(async () => {
  expect(await ready()).toBe("wasm-simd");
});

afterEach(() => {
  setBackend("auto");
  setFusedMultiplyAdd("auto");
});

// Edges of every tile (2 × 16 for x·W and xᵀ·gy, 2 × 4 for gy·Wᵀ), the 128-row blocks of x·W, and
// the partly filled last panel of the packed gy.
const SHAPES: Array<[number, number, number]> = [
  [1, 1, 1],
  [3, 5, 7],
  [4, 8, 8],
  [5, 9, 13],
  [7, 4, 17],
  [8, 130, 20],
  [9, 257, 33],
  [2, 300, 12],
  [6, 13, 4]
];

describe("the plain SIMD matrix kernels add in the promised order (bit for bit)", () => {
  it.each(SHAPES)(
    "c += a·b, M × K × N = %i × %i × %i: each c[i, j] adds its terms for t = 0, 1, … in turn",
    (M, K, N) => {
      const a = randomArray(M * K, 1),
        b = randomArray(K * N, 2),
        c = randomArray(M * N, 3);
      const want = gemmOrderReference.forward(a, b, c, M, K, N);
      expect(matmulAdd(a, b, c, M, K, N)).toBe(true);
      expect(firstDifference(c, want)).toBe(-1);
    }
  );

  it.each(SHAPES)("c += aᵀ·b, M × K × N = %i × %i × %i: each c[k, j] adds the batch in row order", (M, K, N) => {
    const a = randomArray(M * K, 4),
      b = randomArray(M * N, 5),
      c = randomArray(K * N, 6);
    const want = gemmOrderReference.gradWeights(a, b, c, M, K, N);
    expect(matmulTransAAdd(a, b, c, M, K, N)).toBe(true);
    expect(firstDifference(c, want)).toBe(-1);
  });

  it.each(SHAPES)(
    "c (+)= a·bᵀ, M × K × N = %i × %i × %i: strands t mod 4, ((s0 + s1) + s2) + s3, the tail",
    (M, K, N) => {
      for (const accumulate of [false, true]) {
        const a = randomArray(M * K, 7),
          b = randomArray(N * K, 8),
          c = randomArray(M * N, 9);
        const want = gemmOrderReference.gradInput(a, b, c, M, K, N, accumulate);
        expect(matmulTransB(a, b, c, M, K, N, accumulate)).toBe(true);
        expect(firstDifference(c, want)).toBe(-1);
      }
    }
  );

  it("the reference is not trivially the kernel: a different order changes some bits", () => {
    // Summing x·W's terms from the last t first must differ somewhere, or the tests above could not fail.
    const [M, K, N] = [4, 300, 8];
    const a = randomArray(M * K, 10),
      b = randomArray(K * N, 11),
      c = new Float32Array(M * N);
    const want = gemmOrderReference.forward(a, b, c, M, K, N);
    const reversed = new Float32Array(M * N);
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let t = K - 1; t >= 0; t--) s = Math.fround(s + Math.fround(a[i * K + t] * b[t * N + j]));
        reversed[i * N + j] = s;
      }
    expect(firstDifference(reversed, want)).toBeGreaterThanOrEqual(0);
  });
});

describe("fused multiply-add switch", () => {
  it("stays off in Node unless asked for, and says so", () => {
    expect(setFusedMultiplyAdd("auto")).toBe(false);
    expect(fusedMultiplyAdd()).toBe(false);
    expect(setFusedMultiplyAdd("off")).toBe(false);
  });

  it("records the plain kernels' name while it is off, and the scalar backend's when that is forced", () => {
    setFusedMultiplyAdd("auto");
    expect(trainingKernels("dense")).toBe("wasm-simd");
    expect(trainingKernels("switchnet4")).toBe("wasm-simd");
    setBackend("scalar");
    try {
      expect(trainingKernels("dense")).toBe("scalar");
    } finally {
      setBackend("auto");
    }
  });

  it('refuses "on" with the reason where the engine lacks relaxed SIMD, and rejects unknown modes', () => {
    if (relaxedSimdSupported()) {
      expect(setFusedMultiplyAdd("on")).toBe(true);
    } else {
      expect(() => setFusedMultiplyAdd("on")).toThrow(/relaxed SIMD.*--experimental-wasm-relaxed-simd/);
      expect(fusedMultiplyAdd()).toBe(false);
    }
    expect(() => setFusedMultiplyAdd("fast" as "on")).toThrow(/mode/);
  });
});

describe("relaxed-SIMD kernels (a Node started with --experimental-wasm-relaxed-simd)", () => {
  it("match float64 products within the rounding tolerance, and are fused where the CPU has FMA", () => {
    const r = spawnSync(
      process.execPath,
      ["--experimental-wasm-relaxed-simd", "--import", "tsx", "tests/helpers/fma-check.ts"],
      {encoding: "utf8"}
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as {
      relaxed: boolean;
      fused: boolean;
      cases: Array<{label: string; worstOverTolerance: number; differsFromPlain: number}>;
      kernels: {dense: string; switchnet4: string};
    };
    expect(out.relaxed).toBe(true);
    expect(out.fused).toBe(true);
    // Records name the fused kernels for dense models only (no other kind uses the products).
    expect(out.kernels).toEqual({dense: "wasm-simd+fma", switchnet4: "wasm-simd"});
    expect(out.cases.length).toBeGreaterThan(20);
    for (const c of out.cases) expect(c.worstOverTolerance, c.label).toBeLessThanOrEqual(1);
    // With FMA hardware, relaxed_madd rounds once: some results must differ from the plain kernels'.
    let cpuHasFma = false;
    try {
      cpuHasFma = /\bfma\b/.test(readFileSync("/proc/cpuinfo", "utf8"));
    } catch {
      // not Linux: nothing to compare with
    }
    if (cpuHasFma) {
      for (const product of ["a·b", "aᵀ·b", "a·bᵀ"]) {
        const differing = out.cases
          .filter((c) => c.label.startsWith(product))
          .reduce((s, c) => s + c.differsFromPlain, 0);
        expect(differing, product).toBeGreaterThan(0);
      }
    }
  });
});
