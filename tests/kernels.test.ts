// Tests for the WebAssembly layer kernels (lib/kernels/switchLayer.ts, lib/kernels/gemm.ts):
// against float64 references written out here, against the JS layer in lib/switchnet.ts, in the
// kernel memory and out of it, and the fallback when they cannot run.
import {afterEach, beforeAll, describe, expect, it} from "vitest";
import {createRng} from "../lib/random.js";
import {matmulAdd, matmulTransAAdd, matmulTransB} from "../lib/kernels/gemm.js";
import {switchBackwardSimd, switchForwardSimd, switchLayerSimdAvailable} from "../lib/kernels/switchLayer.js";
import {createModel} from "../lib/model.js";
import {switchNetBackward, switchNetForward} from "../lib/switchnet.js";
import type {ModelSpec} from "../lib/types.js";
import {allocate} from "../lib/wasm/memory.js";
import {ready, setBackend} from "../lib/wht.js";

function randomArray(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = rng.normal();
  return x;
}

/** Asserts |got − want| ≤ tol[i] everywhere, reporting the worst index. */
function expectWithin(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tol: ArrayLike<number> | number,
  label: string
): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; i++) {
    const t = typeof tol === "number" ? tol : tol[i];
    if (!(Math.abs(got[i] - want[i]) <= t))
      throw new Error(`${label}: index ${i}: got ${got[i]}, want ${want[i]} (tolerance ${t})`);
  }
}

/** Float32 products summed in float64 are off by at most about K rounding steps of the |terms|. */
const GEMM_REL = 2 ** -21;

beforeAll(async () => {
  await ready();
});

afterEach(() => {
  setBackend("auto");
});

describe("gemm kernels", () => {
  const shapes: Array<[number, number, number]> = [];
  for (const M of [1, 2, 3, 4, 5, 7])
    for (const K of [1, 3, 4, 5, 8, 13]) for (const N of [1, 3, 4, 5, 8, 9, 17]) shapes.push([M, K, N]);
  shapes.push([6, 300, 37], [2, 1448, 64]);

  it("c += a·b matches the float64 product for edge shapes", () => {
    for (const [M, K, N] of shapes) {
      const a = randomArray(M * K, M * 100 + K),
        b = randomArray(K * N, K * 100 + N),
        c0 = randomArray(M * N, 7);
      const want = new Float64Array(M * N),
        tol = new Float64Array(M * N);
      for (let i = 0; i < M; i++)
        for (let j = 0; j < N; j++) {
          let s = c0[i * N + j],
            abs = Math.abs(s);
          for (let t = 0; t < K; t++) {
            s += a[i * K + t] * b[t * N + j];
            abs += Math.abs(a[i * K + t] * b[t * N + j]);
          }
          want[i * N + j] = s;
          tol[i * N + j] = GEMM_REL * (K + 1) * abs;
        }
      const c = c0.slice();
      expect(matmulAdd(a, b, c, M, K, N)).toBe(true);
      expectWithin(c, want, tol, `a·b ${M}×${K}×${N}`);
    }
  });

  it("c += aᵀ·b matches the float64 product for edge shapes", () => {
    for (const [M, K, N] of shapes) {
      const a = randomArray(M * K, M * 10 + K),
        b = randomArray(M * N, M * 10 + N),
        c0 = randomArray(K * N, 8);
      const want = new Float64Array(K * N),
        tol = new Float64Array(K * N);
      for (let k = 0; k < K; k++)
        for (let j = 0; j < N; j++) {
          let s = c0[k * N + j],
            abs = Math.abs(s);
          for (let i = 0; i < M; i++) {
            s += a[i * K + k] * b[i * N + j];
            abs += Math.abs(a[i * K + k] * b[i * N + j]);
          }
          want[k * N + j] = s;
          tol[k * N + j] = GEMM_REL * (M + 1) * abs;
        }
      const c = c0.slice();
      expect(matmulTransAAdd(a, b, c, M, K, N)).toBe(true);
      expectWithin(c, want, tol, `aᵀ·b ${M}×${K}×${N}`);
    }
  });

  it("c (+)= a·bᵀ matches the float64 product for edge shapes, with and without accumulation", () => {
    for (const [M, K, N] of shapes) {
      const a = randomArray(M * K, M + K * 7),
        b = randomArray(N * K, N + K * 7),
        c0 = randomArray(M * N, 9);
      for (const accumulate of [false, true]) {
        const want = new Float64Array(M * N),
          tol = new Float64Array(M * N);
        for (let i = 0; i < M; i++)
          for (let j = 0; j < N; j++) {
            let s = accumulate ? c0[i * N + j] : 0,
              abs = Math.abs(s);
            for (let t = 0; t < K; t++) {
              s += a[i * K + t] * b[j * K + t];
              abs += Math.abs(a[i * K + t] * b[j * K + t]);
            }
            want[i * N + j] = s;
            tol[i * N + j] = GEMM_REL * (K + 1) * abs;
          }
        const c = c0.slice();
        expect(matmulTransB(a, b, c, M, K, N, accumulate)).toBe(true);
        expectWithin(c, want, tol, `a·bᵀ ${M}×${K}×${N} accumulate=${accumulate}`);
      }
    }
  });

  it("works in place on tensors in the kernel memory", () => {
    const [M, K, N] = [3, 20, 12];
    const a = allocate(M * K),
      b = allocate(K * N),
      c = allocate(M * N);
    a.array.set(randomArray(M * K, 1));
    b.array.set(randomArray(K * N, 2));
    const ordinary = new Float32Array(M * N);
    expect(matmulAdd(a.array.slice(), b.array.slice(), ordinary, M, K, N)).toBe(true);
    expect(matmulAdd(a.array, b.array, c.array, M, K, N)).toBe(true);
    expect(Array.from(c.array)).toEqual(Array.from(ordinary));
    expect(ordinary.some((v) => v !== 0)).toBe(true);
    for (const t of [a, b, c]) t.free();
  });

  it("declines (returns false, changes nothing) when the backend is forced to scalar", () => {
    setBackend("scalar");
    const c = new Float32Array(4);
    expect(matmulAdd(new Float32Array(4).fill(1), new Float32Array(4).fill(1), c, 2, 2, 2)).toBe(false);
    expect(matmulTransAAdd(new Float32Array(4).fill(1), new Float32Array(4).fill(1), c, 2, 2, 2)).toBe(false);
    expect(matmulTransB(new Float32Array(4).fill(1), new Float32Array(4).fill(1), c, 2, 2, 2)).toBe(false);
    expect(Array.from(c)).toEqual([0, 0, 0, 0]);
  });
});

/** Float64 Switch Net 4 layer (SPEC.md): mini layers, then T_m/√(n/m); backward likewise. */
function referenceForward(x: Float32Array, w: Float32Array, n: number, m: number, batch: number): Float64Array {
  const y = new Float64Array(batch * n);
  for (let base = 0; base < batch * n; base += m) {
    const wg = (base % n) * 2 * m;
    for (let i = 0; i < m; i++) {
      const v = x[base + i];
      const wo = wg + (2 * i + (v >= 0 ? 0 : 1)) * m;
      for (let o = 0; o < m; o++) y[base + o] += v * w[wo + o];
    }
  }
  for (let b = 0; b < batch; b++) truncatedWht64(y.subarray(b * n, (b + 1) * n), m);
  return y;
}

function truncatedWht64(v: Float64Array, m: number): void {
  const n = v.length;
  for (let h = m; h < n; h *= 2) {
    for (let i = 0; i < n; i += 2 * h)
      for (let j = i; j < i + h; j++) {
        const a = v[j],
          b = v[j + h];
        v[j] = a + b;
        v[j + h] = a - b;
      }
  }
  const s = 1 / Math.sqrt(n / m);
  for (let i = 0; i < n; i++) v[i] *= s;
}

function referenceBackward(
  x: Float32Array,
  gy: Float32Array,
  w: Float32Array,
  gw0: Float32Array,
  n: number,
  m: number,
  batch: number
) {
  const g = Float64Array.from(gy);
  for (let b = 0; b < batch; b++) truncatedWht64(g.subarray(b * n, (b + 1) * n), m);
  const gx = new Float64Array(batch * n);
  const gw = Float64Array.from(gw0);
  for (let base = 0; base < batch * n; base += m) {
    const wg = (base % n) * 2 * m;
    for (let i = 0; i < m; i++) {
      const v = x[base + i];
      const wo = wg + (2 * i + (v >= 0 ? 0 : 1)) * m;
      let s = 0;
      for (let o = 0; o < m; o++) {
        gw[wo + o] += v * g[base + o];
        s += w[wo + o] * g[base + o];
      }
      gx[base + i] = s;
    }
  }
  return {gx, gw};
}

describe("Switch Net 4 layer kernels", () => {
  // Batches above 4 run several blocks of rows (with a remainder).
  const cases: Array<[number, number, number]> = [
    [16, 4, 1],
    [16, 16, 2],
    [64, 8, 3],
    [256, 4, 2],
    [4096, 4, 2],
    [8192, 16, 1],
    [2 ** 14, 4, 1],
    [64, 4, 9],
    [256, 8, 5],
    [32, 16, 8]
  ];

  it("forward matches the float64 layer and the JS layer", () => {
    for (const [n, m, batch] of cases) {
      const x = randomArray(batch * n, n + m),
        w = randomArray(2 * m * n, n * m);
      const y = new Float32Array(batch * n);
      expect(switchForwardSimd(x, y, w, n, m, batch)).toBe(true);
      const want = referenceForward(x, w, n, m, batch);
      const tol = 2 ** -19 * Math.sqrt(m) * Math.log2(n);
      expectWithin(y, want, tol, `forward n=${n} m=${m}`);
      setBackend("scalar");
      const js = new Float32Array(batch * n);
      switchNetForward(x, js, w, n, m, batch);
      setBackend("auto");
      expectWithin(y, js, tol, `forward vs JS n=${n} m=${m}`);
    }
  });

  it("backward matches the float64 layer and the JS layer (gy scratch, gx written, gw accumulated)", () => {
    for (const [n, m, batch] of cases) {
      const x = randomArray(batch * n, n + 2 * m),
        w = randomArray(2 * m * n, n + 3 * m);
      const gy = randomArray(batch * n, n + 4 * m),
        gw0 = randomArray(2 * m * n, 5);
      const want = referenceBackward(x, gy, w, gw0, n, m, batch);
      const g = gy.slice(),
        gx = new Float32Array(batch * n),
        gw = gw0.slice();
      expect(switchBackwardSimd(x, g, gx, w, gw, n, m, batch)).toBe(true);
      const tol = 2 ** -19 * Math.sqrt(m) * Math.log2(n) * Math.sqrt(batch);
      expectWithin(gx, want.gx, tol, `gx n=${n} m=${m}`);
      expectWithin(gw, want.gw, tol, `gw n=${n} m=${m}`);
      setBackend("scalar");
      const gJs = gy.slice(),
        gxJs = new Float32Array(batch * n),
        gwJs = gw0.slice();
      switchNetBackward(x, gJs, gxJs, w, gwJs, n, m, batch);
      setBackend("auto");
      expectWithin(gx, gxJs, tol, `gx vs JS n=${n} m=${m}`);
      expectWithin(gw, gwJs, tol, `gw vs JS n=${n} m=${m}`);
      expectWithin(g, gJs, tol, `gy scratch vs JS n=${n} m=${m}`);
    }
  });

  it("runs in place on tensors in the kernel memory, with the same bits as on copies", () => {
    const [n, m, batch] = [1024, 4, 3];
    const x = allocate(batch * n),
      y = allocate(batch * n),
      w = allocate(2 * m * n);
    x.array.set(randomArray(batch * n, 1));
    w.array.set(randomArray(2 * m * n, 2));
    const yCopy = new Float32Array(batch * n);
    expect(switchForwardSimd(x.array.slice(), yCopy, w.array.slice(), n, m, batch)).toBe(true);
    expect(switchForwardSimd(x.array, y.array, w.array, n, m, batch)).toBe(true);
    expect(Array.from(y.array)).toEqual(Array.from(yCopy));
    for (const t of [x, y, w]) t.free();
  });

  it("declines group sizes below 4, widths below 16, and a backend forced to scalar", () => {
    expect(switchLayerSimdAvailable(64, 2)).toBe(false);
    expect(switchLayerSimdAvailable(8, 4)).toBe(false);
    expect(switchLayerSimdAvailable(64, 4)).toBe(true);
    const y = new Float32Array(64);
    expect(switchForwardSimd(new Float32Array(64).fill(1), y, new Float32Array(256).fill(1), 64, 2, 1)).toBe(false);
    expect(y.every((v) => v === 0)).toBe(true);
    setBackend("scalar");
    expect(switchLayerSimdAvailable(64, 4)).toBe(false);
    expect(
      switchBackwardSimd(
        new Float32Array(64),
        new Float32Array(64),
        y,
        new Float32Array(512),
        new Float32Array(512),
        64,
        4,
        1
      )
    ).toBe(false);
  });
});

describe("models on the kernels", () => {
  /** 20 steps of plain gradient descent on a squared error, returning the final parameters. */
  function train(spec: ModelSpec): Float32Array {
    const model = createModel(spec);
    const batch = 8;
    const x = randomArray(batch * spec.inputSize, 1);
    const target = randomArray(batch * spec.outputSize, 2);
    for (let step = 0; step < 20; step++) {
      model.zeroGrad();
      const out = model.forward(x, batch);
      const g = out.map((v, i) => (v - target[i]) / batch);
      model.backward(g);
      for (let i = 0; i < model.parameterCount; i++) model.params[i] -= 0.05 * model.grads[i];
    }
    return model.params.slice();
  }

  it("a model trained with the SIMD kernels and with the scalar kernels ends with the same parameters within tolerance", () => {
    const specs: ModelSpec[] = [
      {kind: "switchnet4", inputSize: 20, outputSize: 10, width: 64, depth: 2, groupSize: 4, seed: 3},
      {kind: "switchnet4", inputSize: 30, outputSize: 30, width: 256, depth: 3, groupSize: 8, seed: 4},
      {
        kind: "switchnet4",
        inputSize: 3,
        outputSize: 4,
        width: 1024,
        depth: 2,
        projectionRounds: 2,
        projection: "random",
        seed: 6
      },
      {kind: "filterbank", inputSize: 3, outputSize: 4, width: 512, depth: 2, projectionRounds: 3, seed: 7},
      {kind: "dense", inputSize: 13, outputSize: 7, width: 37, depth: 2, seed: 5}
    ];
    for (const spec of specs) {
      setBackend("scalar");
      const scalar = train(spec);
      setBackend("auto");
      const simd = train(spec);
      let moved = 0;
      const init = createModel(spec).params;
      for (let i = 0; i < init.length; i++) moved = Math.max(moved, Math.abs(scalar[i] - init[i]));
      expect(moved).toBeGreaterThan(1e-3); // training really changed the parameters
      expectWithin(simd, scalar, 1e-4, `${spec.kind} width ${spec.width}`);
    }
  });
});

describe("benchmark plumbing (lib/bench.ts, lib/anchors.ts; no timing is asserted)", () => {
  it("carries FFHT over through the naive loop: half-speed naive and 0.4×FFHT-speed SIMD give ratio 0.8", async () => {
    const {ANCHORS, anchorComparison} = await import("../lib/anchors.js");
    const rows = ANCHORS.flatMap((a) => [
      {kernel: "radix2", log2n: a.log2n, minMs: 1000 / (0.5 * a.naiveJs)},
      {kernel: "wasm-simd", log2n: a.log2n, minMs: 1000 / (0.4 * a.ffht)}
    ]);
    const cmp = anchorComparison(rows);
    expect(cmp.length).toBe(ANCHORS.length);
    for (const c of cmp) {
      expect(c.machineFactor).toBeCloseTo(0.5, 12);
      expect(c.ratio).toBeCloseTo(0.8, 12);
      expect(c.scalarRatio).toBeNull();
    }
    expect(anchorComparison([])).toEqual([]);
  });

  it("runWhtBenchmark, runBatchBenchmark and runLayerBenchmark return one well-formed row per case", async () => {
    const {kernelNames, runBatchBenchmark, runLayerBenchmark, runWhtBenchmark} = await import("../lib/bench.js");
    expect(kernelNames()).toEqual(["radix2", "scalar", "wasm-simd", "wasm-simd+copy"]);
    const progress: string[] = [];
    const wht = await runWhtBenchmark({
      sizes: [16, 1024],
      repeats: 2,
      minTimeMs: 1,
      onProgress: (d, t, l) => progress.push(`${d}/${t} ${l}`)
    });
    expect(wht.rows.map((r) => `${r.kernel} ${r.log2n}`)).toEqual(kernelNames().flatMap((k) => [`${k} 4`, `${k} 10`]));
    for (const r of wht.rows) {
      expect(r.minMs).toBeGreaterThan(0);
      expect(r.minMs).toBeLessThanOrEqual(r.medianMs);
      expect(r.medianMs).toBeLessThanOrEqual(r.maxMs);
      expect(r.transformsPerSecond).toBeCloseTo(1000 / r.medianMs, 6);
      expect(r.nsPerElement).toBeCloseTo((r.medianMs * 1e6) / r.n, 6);
    }
    expect(progress.slice(0, 2)).toEqual(["0/8 radix2 n=2^4", "1/8 scalar n=2^4"]);
    expect(progress[progress.length - 1]).toBe("8/8 done");
    const batch = await runBatchBenchmark({sizes: [64], count: 32, threads: [1, 2], repeats: 1, minTimeMs: 1});
    expect(batch.rows.map((r) => r.threads)).toEqual([1, 2]);
    expect(batch.rows[0].speedup).toBe(1);
    const layer = await runLayerBenchmark({switchWidth: 256, denseWidth: 16, batches: [2], repeats: 1, minTimeMs: 1});
    expect(layer.rows.map((r) => `${r.layer}/${r.implementation}`)).toEqual([
      "switchnet4/js",
      "dense/js",
      "butterfly/js",
      "switchnet4 model/js",
      "dense model/js",
      "switchnet4/wasm-simd",
      "dense/wasm-simd",
      "butterfly/wasm-simd",
      "switchnet4/wasm-simd+copy",
      "dense/wasm-simd+copy",
      "butterfly/wasm-simd+copy",
      "switchnet4 model/wasm-simd (model arrays)",
      "dense model/wasm-simd (model arrays)"
    ]);
    for (const r of layer.rows) expect(r.msPerSample).toBeCloseTo(r.medianMs / 2, 9);
    expect(layer.rows[0].connections).toBe(2 * 256 * Math.log2(256));
    expect(layer.rows[1].connections).toBe(16 * 16);
  });
});

describe("benchmark sampling (timeIt and timeSync share one plan; no timing is asserted)", () => {
  /** Calls made between resets: [warm-up, sample 1, …, sample repeats]. */
  function segments(): {fn: () => void; reset: () => void; counts: number[]} {
    const counts: number[] = [];
    return {fn: () => void counts[counts.length - 1]++, reset: () => void counts.push(0), counts};
  }

  it("timeSync: resets before the warm-up and each sample, and every sample makes the same number of calls", async () => {
    const {timeSync} = await import("../lib/bench.js");
    const s = segments();
    const t = timeSync(s.fn, 4, 2, s.reset);
    expect(s.counts.length).toBe(5);
    expect(s.counts[0]).toBeGreaterThanOrEqual(1);
    expect(new Set(s.counts.slice(1)).size).toBe(1);
    expect(s.counts[1]).toBeGreaterThanOrEqual(1);
    expect(t.repeats).toBe(4);
    expect(t.minMs).toBeLessThanOrEqual(t.medianMs);
    expect(t.medianMs).toBeLessThanOrEqual(t.maxMs);
  });

  it("timeIt: the same plan, awaiting each call before the next", async () => {
    const {timeIt} = await import("../lib/bench.js");
    const s = segments();
    let running = 0;
    let overlap = 0;
    const t = await timeIt(
      async () => {
        running++;
        overlap = Math.max(overlap, running);
        await Promise.resolve();
        s.fn();
        running--;
      },
      3,
      2,
      s.reset
    );
    expect(overlap).toBe(1);
    expect(s.counts.length).toBe(4);
    expect(new Set(s.counts.slice(1)).size).toBe(1);
    expect(t.repeats).toBe(3);
    expect(t.minMs).toBeLessThanOrEqual(t.maxMs);
  });
});

describe("learned butterfly layer kernels", () => {
  it("forward and backward match the JS layer (lib/butterfly.ts) on its own initialisation", async () => {
    const {butterflyBackward, butterflyForward, butterflyLayerSize, initButterflyLayer} = await import(
      "../lib/butterfly.js"
    );
    const {butterflyBackwardSimd, butterflyForwardSimd} = await import("../lib/kernels/butterflyLayer.js");
    for (const [n, batch] of [
      [4, 1],
      [8, 3],
      [16, 2],
      [64, 1],
      [1024, 3],
      [4096, 1],
      [4, 9],
      [32, 6],
      [256, 5]
    ]) {
      const w = new Float32Array(butterflyLayerSize(n));
      initButterflyLayer(w, n, createRng(n), 0.3);
      const x = randomArray(batch * n, n + 1),
        gy = randomArray(batch * n, n + 2),
        gw0 = randomArray(w.length, n + 3);
      const stages = Math.log2(n);
      const tol = 2 ** -18 * stages;
      setBackend("scalar");
      const yJs = new Float32Array(batch * n);
      butterflyForward(x, yJs, w, n, batch);
      const gJs = gy.slice(),
        gxJs = new Float32Array(batch * n),
        gwJs = gw0.slice();
      butterflyBackward(x, gJs, gxJs, w, gwJs, n, batch, new Float32Array(Math.max(1, stages - 1) * n));
      setBackend("auto");
      const y = new Float32Array(batch * n);
      expect(butterflyForwardSimd(x, y, w, n, batch)).toBe(true);
      expectWithin(y, yJs, tol * 4, `butterfly forward n=${n}`);
      const g = gy.slice(),
        gx = new Float32Array(batch * n),
        gw = gw0.slice();
      expect(butterflyBackwardSimd(x, g, gx, w, gw, n, batch, new Float32Array(Math.max(1, stages - 1) * n))).toBe(
        true
      );
      expectWithin(gx, gxJs, tol * 4, `butterfly gx n=${n}`);
      expectWithin(gw, gwJs, tol * 4 * batch, `butterfly gw n=${n}`);
      expectWithin(g, gJs, tol * 4, `butterfly gy scratch n=${n}`);
      expect(gw.some((v, i) => v !== gw0[i])).toBe(true);
    }
  });

  it("declines widths below 4 and a backend forced to scalar", async () => {
    const {butterflyForwardSimd} = await import("../lib/kernels/butterflyLayer.js");
    expect(butterflyForwardSimd(new Float32Array(2), new Float32Array(2), new Float32Array(8), 2, 1)).toBe(false);
    setBackend("scalar");
    expect(butterflyForwardSimd(new Float32Array(8), new Float32Array(8), new Float32Array(64), 8, 1)).toBe(false);
  });
});

describe("row products (the models' sign flips and output slicing)", () => {
  function jsRows(
    src: Float32Array,
    ss: number,
    dst: Float32Array,
    ds: number,
    f: Float32Array,
    cols: number,
    rows: number
  ): void {
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) dst[r * ds + c] = f[c] * src[r * ss + c];
  }

  it("gives the same bits as the JS loop: in place, slicing rows, widening rows, odd column counts", async () => {
    const {multiplyRows} = await import("../lib/kernels/rows.js");
    const flips = (n: number, seed: number) => randomArray(n, seed).map((v) => (v < 0 ? -1 : 1));
    const cases: Array<[number, number, number, number]> = [
      // [cols, rows, srcStride, dstStride]
      [4096, 3, 4096, 4096],
      [4099, 2, 4099, 4099],
      [1001, 9, 4096, 1001],
      [1001, 9, 1001, 4096],
      [8192, 1, 8192, 8192]
    ];
    for (const [cols, rows, ss, ds] of cases) {
      const src = randomArray(rows * ss, cols + 1),
        f = flips(cols, cols + 2);
      const dst0 = randomArray(rows * ds + 5, cols + 3); // 5 extra elements that must stay untouched
      const want = dst0.slice();
      jsRows(src, ss, want, ds, f, cols, rows);
      const got = dst0.slice();
      expect(multiplyRows(src, ss, got, ds, f, cols, rows)).toBe(true);
      expect(Array.from(new Uint32Array(got.buffer))).toEqual(Array.from(new Uint32Array(want.buffer)));
      if (ss === ds) {
        const inPlace = src.slice(),
          wantInPlace = src.slice();
        jsRows(wantInPlace, ss, wantInPlace, ss, f, cols, rows);
        expect(multiplyRows(inPlace, ss, inPlace, ss, f, cols, rows)).toBe(true);
        expect(Array.from(new Uint32Array(inPlace.buffer))).toEqual(Array.from(new Uint32Array(wantInPlace.buffer)));
      }
    }
  });

  it("declines small work and a backend forced to scalar", async () => {
    const {multiplyRows} = await import("../lib/kernels/rows.js");
    const v = new Float32Array(64).fill(2);
    expect(multiplyRows(v, 64, v, 64, new Float32Array(64).fill(-1), 64, 1)).toBe(false);
    expect(v[0]).toBe(2);
    setBackend("scalar");
    const w = new Float32Array(8192).fill(2);
    expect(multiplyRows(w, 8192, w, 8192, new Float32Array(8192).fill(-1), 8192, 1)).toBe(false);
    expect(w[0]).toBe(2);
  });
});
