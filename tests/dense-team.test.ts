// The dense layer's work shared by a team of threads (lib/kernels/dense.ts, lib/wasm/denseModule.ts):
// the element-wise kernels against JS loops, a layer's forward and backward against float32
// references that add in the promised order and against the single-thread code, on one, two and
// three threads; and the trained parameters of dense models for every thread count. Bit for bit.
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {linearBackward, linearForward} from "../lib/dense.js";
import {denseBackward, denseForward, zeroFill} from "../lib/kernels/dense.js";
import {createModel} from "../lib/model.js";
import {createOptimizer} from "../lib/optim.js";
import {createRng} from "../lib/random.js";
import {createTeamSync, withTeam, type Team} from "../lib/team.js";
import {train} from "../lib/train.js";
import {kernelArray, memoryBuffer} from "../lib/wasm/memory.js";
import {wasmLayers, type LayerExports} from "../lib/wasm/runtime.js";
import {ready} from "../lib/wht.js";
import type {ModelSpec} from "../lib/types.js";
import {gemmOrderReference} from "./helpers/gemm-reference.js";
import {randomRegression} from "./helpers/data.js";

const f = Math.fround;
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

/** The first index where the bits of a and b differ (or the shorter length), or -1: fast on long arrays. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  const [ua, ub] = [a, b].map((x) => new Uint32Array(x.buffer, x.byteOffset, x.length));
  for (let i = 0; i < Math.max(ua.length, ub.length); i++) if (ua[i] !== ub[i]) return i;
  return -1;
}

let k: LayerExports;
let team2: Team;
let team3: Team;
beforeAll(async () => {
  expect(await ready()).toBe("wasm-simd");
  k = wasmLayers()!;
  team2 = createTeamSync({threads: 2});
  team3 = createTeamSync({threads: 3});
  expect([team2.threads, team3.threads]).toEqual([2, 3]);
});
afterAll(() => {
  team2.close();
  team3.close();
});

/** A kernel-memory copy of `values`. */
function resident(values: ArrayLike<number>): Float32Array {
  const a = kernelArray(values.length);
  a.set(values);
  return a;
}

/** Normal values with some ±0, tiny and huge ones mixed in (seeded). */
function awkward(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const special = [0, -0, 1e-45, -1e-45, 3e38, -3e38, 1e-30];
  // the special values first (so even short arrays have ±0), then a fifth of them among normal ones
  return Float32Array.from({length: n}, (_, i) =>
    i < special.length ? special[i] : rng.next() < 0.2 ? special[Math.floor(rng.next() * 7)] : rng.normal()
  );
}

// rows × cols inside rows of `ld` floats (ld > cols: the floats past cols must stay untouched).
const BLOCKS: Array<[rows: number, cols: number, ld: number]> = [
  [1, 1, 1],
  [1, 3, 5],
  [2, 4, 4],
  [3, 7, 9],
  [5, 17, 20],
  [4, 33, 33]
];

describe("the dense element-wise kernels equal the JS loops bit for bit", () => {
  it.each(BLOCKS)("rows_set, relu_rows and relu_mask_rows on %i × %i in rows of %i", (rows, cols, ld) => {
    const before = awkward(rows * ld, rows * 100 + cols);
    const src = awkward(cols, 7);
    // rows_set: the bias into every row
    const y = resident(before);
    k.rows_set(y.byteOffset, 4 * ld, resident(src).byteOffset, rows, cols);
    const wantSet = before.slice();
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) wantSet[r * ld + c] = src[c];
    expect(bits(y)).toEqual(bits(wantSet));
    // relu_rows: Math.max(0, y)
    const z = resident(before);
    k.relu_rows(z.byteOffset, 4 * ld, rows, cols);
    const wantRelu = before.slice();
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) wantRelu[r * ld + c] = Math.max(0, before[r * ld + c]);
    expect(bits(z)).toEqual(bits(wantRelu));
    // relu_mask_rows: g = 0 where x = 0 (x has ±0 among its values)
    const x = awkward(rows * ld, 99);
    const g = resident(before);
    k.relu_mask_rows(g.byteOffset, 4 * ld, resident(x).byteOffset, 4 * ld, rows, cols);
    const wantMask = before.slice();
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) if (x[r * ld + c] === 0) wantMask[r * ld + c] = 0;
    expect(bits(g)).toEqual(bits(wantMask));
  });
  it("relu_rows keeps NaN as NaN and turns −0 into +0, like Math.max(0, y)", () => {
    const y = resident([Number.NaN, -0, 0, -1, 2, Number.NaN, -0]);
    k.relu_rows(y.byteOffset, 28, 1, 7);
    expect(Array.from(y).map((v) => (Object.is(v, -0) ? "-0" : v))).toEqual([Number.NaN, 0, 0, 0, 2, Number.NaN, 0]);
  });
  it.each(BLOCKS)("col_sums_add on %i × %i in rows of %i adds the rows in order", (rows, cols, ld) => {
    const gy = awkward(rows * ld, 3 + cols);
    const gb0 = awkward(cols + 2, 4);
    const gb = resident(gb0);
    k.col_sums_add(gb.byteOffset, resident(gy).byteOffset, 4 * ld, rows, cols);
    // the JS loop of lib/dense.ts (a Float32Array rounds each sum on store)
    const want = gb0.slice();
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) want[c] += gy[r * ld + c];
    expect(bits(gb)).toEqual(bits(want));
    // and with Math.fround after each addition, the order spelled out
    const fr = gb0.slice();
    for (let c = 0; c < cols; c++) {
      let s = gb0[c];
      for (let r = 0; r < rows; r++) s = f(s + gy[r * ld + c]);
      fr[c] = s;
    }
    expect(bits(gb)).toEqual(bits(fr));
  });
  it("fill_zero writes +0 over exactly count floats", () => {
    for (const count of [0, 1, 3, 4, 5, 16, 17, 31]) {
      const a = resident(new Float32Array(count + 8).fill(-0.5));
      k.fill_zero(a.byteOffset + 4, count);
      const want = new Float32Array(count + 8).fill(-0.5);
      want.fill(0, 1, 1 + count);
      expect(bits(a)).toEqual(bits(want));
    }
  });
  it("finite_flag finds NaN and ±Infinity at any position, the tail included", () => {
    const flag = () => new Int32Array(memoryBuffer(), out, 1)[0];
    const out = kernelArray(4).byteOffset;
    for (const count of [0, 1, 3, 4, 5, 8, 9, 19]) {
      const a = resident(Float32Array.from({length: count}, (_, i) => (i % 2 ? -3.4e38 : i)));
      k.finite_flag(a.byteOffset, count, out);
      expect(flag()).toBe(1);
      for (let at = 0; at < count; at++) {
        for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
          const b = resident(a);
          b[at] = bad;
          k.finite_flag(b.byteOffset, count, out);
          expect(flag()).toBe(0);
        }
      }
    }
  });
});

/** The layer's forward in float32, adding in the promised order: bias, then x·w for t = 0, 1, …; ReLU. */
function forwardReference(
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array,
  M: number,
  K: number,
  N: number,
  relu: boolean
) {
  const start = new Float32Array(M * N);
  for (let b = 0; b < M; b++) start.set(bias, b * N);
  const y = gemmOrderReference.forward(x, w, start, M, K, N);
  if (relu) for (let i = 0; i < y.length; i++) y[i] = Math.max(0, y[i]);
  return y;
}

// batch × in × out: odd sizes, batch 1, sizes off every tile and vector width; the larger ones have
// enough work (≥ 2^20 multiply-adds) to be shared by a team, by columns, or by rows when out is small.
const LAYERS: Array<[batch: number, inSize: number, outSize: number]> = [
  [1, 5, 7],
  [3, 17, 33],
  [2, 33, 4],
  [1, 1031, 1033],
  [3, 600, 601],
  [257, 1031, 4],
  [6, 401, 445]
];

describe("a dense layer shared by a team: the same bits as one thread and the JS loops", () => {
  it.each(LAYERS)("forward and backward, batch %i, %i → %i, on 1, 2 and 3 threads", (M, K, N) => {
    const x0 = awkward(M * K, 1).map((v) => (Math.abs(v) > 1e30 ? 1 : v)); // no overflow: finite sums
    const relu0 = x0.map((v) => Math.max(0, v)); // a ReLU output, with its zeros
    const w0 = awkward(K * N, 2).map((v) => (Math.abs(v) > 1e30 ? -2 : v));
    const bias0 = awkward(N, 3).map((v) => (Math.abs(v) > 1e30 ? 0.5 : v));
    const gy0 = awkward(M * N, 4).map((v) => (Math.abs(v) > 1e30 ? 0.25 : v));
    const gw0 = awkward(K * N, 5).map((v) => (Math.abs(v) > 1e30 ? 3 : v));
    const gb0 = awkward(N, 6).map((v) => (Math.abs(v) > 1e30 ? 3 : v));
    for (const relu of [false, true]) {
      // the reference, and the single-thread code on ordinary arrays (staged kernels and JS loops)
      const wantY = forwardReference(x0, w0, bias0, M, K, N, relu);
      const plainY = new Float32Array(M * N);
      linearForward(x0, plainY, w0, bias0, K, N, M, relu);
      expect(firstDifference(plainY, wantY)).toBe(-1);
      for (const team of [null, team2, team3]) {
        const y = resident(new Float32Array(M * N).fill(7));
        const ran = withTeam(team, () => denseForward(resident(x0), y, resident(w0), resident(bias0), K, N, M, relu));
        expect(ran).toBe(true);
        expect(bits(y), `forward, relu ${relu}, ${team?.threads ?? 1} thread(s)`).toEqual(bits(wantY));
      }
    }
    for (const reluInput of [false, true]) {
      const x = reluInput ? relu0 : x0;
      const wantGw = gemmOrderReference.gradWeights(x, gy0, gw0, M, K, N);
      const wantGb = gb0.slice();
      for (let b = 0; b < M; b++) for (let j = 0; j < N; j++) wantGb[j] += gy0[b * N + j];
      const wantGx = gemmOrderReference.gradInput(gy0, w0, new Float32Array(M * K), M, N, K, false);
      if (reluInput) for (let i = 0; i < M * K; i++) if (x[i] === 0) wantGx[i] = 0;
      const [pgx, pgw, pgb] = [new Float32Array(M * K), gw0.slice(), gb0.slice()];
      linearBackward(x, gy0, pgx, w0, pgw, pgb, K, N, M, reluInput);
      expect(firstDifference(pgw, wantGw)).toBe(-1);
      expect(firstDifference(pgb, wantGb)).toBe(-1);
      expect(firstDifference(pgx, wantGx)).toBe(-1);
      for (const team of [null, team2, team3]) {
        for (const withInput of [true, false]) {
          const [gx, gw, gb] = [resident(new Float32Array(M * K).fill(9)), resident(gw0), resident(gb0)];
          const ran = withTeam(team, () =>
            denseBackward(resident(x), resident(gy0), withInput ? gx : null, resident(w0), gw, gb, K, N, M, reluInput)
          );
          expect(ran).toBe(true);
          const label = `backward, reluInput ${reluInput}, ${team?.threads ?? 1} thread(s), input gradient ${withInput}`;
          expect(firstDifference(gw, wantGw), label).toBe(-1);
          expect(firstDifference(gb, wantGb), label).toBe(-1);
          if (withInput) expect(firstDifference(gx, wantGx), label).toBe(-1);
          else expect(gx.every((v) => v === 9)).toBe(true);
        }
      }
    }
  });
  it("zeroes gradients by ranges across a team, and leaves ordinary arrays to the caller", () => {
    for (const team of [null, team2, team3]) {
      for (const n of [1, 17, 70_001]) {
        const a = resident(new Float32Array(n + 2).fill(-1));
        expect(withTeam(team, () => zeroFill(a.subarray(1, n + 1)))).toBe(true);
        expect(a[0]).toBe(-1);
        expect(a[n + 1]).toBe(-1);
        expect(bits(a.subarray(1, n + 1))).toEqual(new Array(n).fill(0));
      }
    }
    expect(zeroFill(new Float32Array(4))).toBe(false);
  });
});

describe("the optimisers' two-lane kernels", () => {
  it("give the JS loop's bits for SGD and Adam on one thread, over awkward values and sizes", () => {
    for (const size of [4, 7, 64, 4099]) {
      for (const kind of ["sgd", "adam"] as const) {
        const options = {learningRate: 0.003, weightDecay: 1e-3, momentum: 0.9, beta1: 0.8, beta2: 0.95, epsilon: 1e-7};
        const p0 = awkward(size, size).map((v) => (Math.abs(v) > 1e30 ? 1e30 : v));
        const g0 = awkward(size, size + 1).map((v) => (Math.abs(v) > 1e30 ? -1e30 : v));
        const js = createOptimizer(kind, size, options);
        const wasm = createOptimizer(kind, size, options, {kernelMemory: true});
        const [pJs, gJs] = [p0.slice(), g0.slice()];
        const [pW, gW] = [resident(p0), resident(g0)];
        for (let s = 0; s < 3; s++) {
          js.step(pJs, gJs);
          wasm.step(pW, gW);
          for (let i = 0; i < size; i++) {
            gJs[i] = pJs[(i * 5 + s) % size];
            gW[i] = pW[(i * 5 + s) % size];
          }
        }
        expect(bits(pW), `${kind}, ${size} parameters`).toEqual(bits(pJs));
        for (const name of Object.keys(js.state.buffers))
          expect(bits(wasm.state.buffers[name]), `${kind} ${name}`).toEqual(bits(js.state.buffers[name]));
        wasm.dispose();
      }
    }
  });
});

describe("the optimiser under a team", () => {
  it("refuses non-finite gradients before changing anything, naming the first", () => {
    for (const kind of ["adam", "sgd"] as const) {
      const size = 5000;
      const opt = createOptimizer(kind, size, {}, {kernelMemory: true});
      const p = resident(Float32Array.from({length: size}, (_, i) => i / size));
      const g = resident(new Float32Array(size).fill(0.5));
      for (const at of [3, 2600, 4999]) {
        g[at] = Number.NaN;
        const before = bits(p);
        expect(() => withTeam(team2, () => opt.step(p, g))).toThrow(new RegExp(`grads\\[${at}\\]`));
        expect(bits(p)).toEqual(before);
        g[at] = 0.5;
      }
      expect(opt.state.step).toBe(0);
      withTeam(team3, () => opt.step(p, g));
      expect(opt.state.step).toBe(1);
      opt.dispose();
    }
  });
});

const regression = (seed: number, n: number, inputSize: number, outputSize: number) =>
  randomRegression(seed, n, inputSize, outputSize, {testRows: 20});

describe("dense training on a team of threads", () => {
  // Depth 1 and 2, Adam and SGD with momentum, widths off every tile; batches of 64 and a last short one
  // (130 = 64 + 64 + 2), so the hidden layers are shared (≥ 2^20 multiply-adds) and the short batch is not.
  const cases: Array<{spec: ModelSpec; optimizer: "adam" | "sgd"}> = [
    {spec: {kind: "dense", inputSize: 16, outputSize: 3, width: 1031, depth: 1, seed: 11}, optimizer: "adam"},
    {spec: {kind: "dense", inputSize: 16, outputSize: 3, width: 1031, depth: 1, seed: 12}, optimizer: "sgd"},
    {spec: {kind: "dense", inputSize: 16, outputSize: 5, width: 181, depth: 2, seed: 13}, optimizer: "adam"},
    {spec: {kind: "dense", inputSize: 16, outputSize: 5, width: 181, depth: 2, seed: 14}, optimizer: "sgd"}
  ];
  for (const {spec, optimizer} of cases) {
    it(`gives the same parameters for 1, 2 and 3 threads: depth ${spec.depth}, W=${spec.width}, ${optimizer}`, () => {
      const data = regression(5, 130, 16, spec.outputSize);
      const results: number[][] = [];
      let sections = 0;
      for (const threads of [1, 2, 3]) {
        const model = createModel(spec);
        const counting: Team = {
          threads,
          fallbackReason: null,
          run: (jobs) => {
            sections++;
            (threads === 2 ? team2 : team3).run(jobs);
          },
          close() {}
        };
        const options = {
          epochs: 2,
          batchSize: 64,
          optimizer,
          learningRate: optimizer === "adam" ? 0.002 : 0.01,
          ...(threads === 1 ? {} : {team: counting})
        };
        const history = train(model, data, options);
        expect(history.every((e) => Number.isFinite(e.batchLoss))).toBe(true);
        results.push(bits(model.params));
        model.dispose();
      }
      // 2 × 2 runs × 3 full-batch steps at least: zeroing, gradient check, update, and the shared layers.
      expect(sections).toBeGreaterThanOrEqual(2 * 4 * 4);
      expect(results[1]).toEqual(results[0]);
      expect(results[2]).toEqual(results[0]);
    }, 60_000);
  }
});
