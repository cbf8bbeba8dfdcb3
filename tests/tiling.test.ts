// The cache-tiled batch path of the WHT models (lib/model.ts: tiles of rows through every stage,
// backward without the input gradient for training), the weight-gradient-only Switch Net 4 kernels
// and the f64x2 Adam kernel must give the SAME BITS as the untiled path they replace
// (setBatchTileRows(0)), on the SIMD kernels and on the JS fallback.
import {afterEach, beforeAll, describe, expect, it} from "vitest";
import {createModel, DEFAULT_TILE_ROWS, setBatchTileRows} from "../lib/model.js";
import {createOptimizer} from "../lib/optim.js";
import {createRng} from "../lib/random.js";
import {createTrainer} from "../lib/train.js";
import {memorisation} from "../lib/datasets.js";
import {switchNetBackward, switchNetForward, switchNetWeightBackward} from "../lib/switchnet.js";
import {
  switchBackwardHeadSimd,
  switchForwardHeadSimd,
  switchForwardPeriodicSimd,
  switchLayerSimdAvailable,
  switchWeightBackwardPeriodicSimd,
  switchWeightBackwardSimd
} from "../lib/kernels/switchLayer.js";
import {inWasmMemory, kernelArrays, releaseKernelArray} from "../lib/wasm/memory.js";
import {ready, setBackend} from "../lib/wht.js";
import type {ModelSpec} from "../lib/types.js";
import {expectSameBits} from "./helpers/bits.js";

function normals(n: number, seed: number, scale = 1): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({length: n}, () => scale * rng.normal());
}

beforeAll(async () => {
  expect(await ready()).toBe("wasm-simd");
});

afterEach(() => {
  setBatchTileRows(DEFAULT_TILE_ROWS);
  setBackend("auto");
});

const SPECS: Array<[string, ModelSpec]> = [
  ["m = 4", {kind: "switchnet4", inputSize: 20, outputSize: 64, width: 256, depth: 2, seed: 11}],
  [
    "m = 8, adjust, repeat, random flips, 2 rounds, depth 3",
    {
      kind: "switchnet4",
      inputSize: 9,
      outputSize: 5,
      width: 128,
      depth: 3,
      groupSize: 8,
      adjust: true,
      placement: "repeat",
      projection: "random",
      projectionRounds: 2,
      seed: 12
    }
  ],
  [
    "m = 16, adjust, pad, 3 rounds",
    {
      kind: "switchnet4",
      inputSize: 7,
      outputSize: 16,
      width: 64,
      depth: 2,
      groupSize: 16,
      adjust: true,
      projectionRounds: 3,
      seed: 14
    }
  ],
  ["m = 2 (JS layer)", {kind: "switchnet4", inputSize: 6, outputSize: 3, width: 64, depth: 2, groupSize: 2, seed: 13}],
  ["W = 65,536", {kind: "switchnet4", inputSize: 16, outputSize: 4, width: 65536, depth: 2, seed: 21}],
  [
    "butterfly (not row-wise: untiled, input gradient skipped)",
    {kind: "butterfly", inputSize: 10, outputSize: 4, width: 64, depth: 2, seed: 15}
  ]
];

/** Output, input gradient and parameter gradients of one forward/backward with `tile` rows per tile. */
function pass(spec: ModelSpec, batch: number, tile: number, inputGradient = true) {
  setBatchTileRows(tile);
  const model = createModel(spec);
  try {
    const x = normals(batch * spec.inputSize, 100 + batch);
    const gy = normals(batch * spec.outputSize, 200 + batch);
    // twice, so that the second pass runs on grown workspaces and accumulates into the grads
    model.forward(normals(3 * spec.inputSize, 7), 3);
    model.backward(normals(3 * spec.outputSize, 8));
    const out = model.forward(x, batch);
    const gx = model.backward(gy, {inputGradient});
    return {out, gx, grads: model.grads.slice()};
  } finally {
    model.dispose();
  }
}

describe.each(["wasm-simd", "scalar"])("tiled batches on the %s kernels: the same bits as untiled", (backend) => {
  it.each(SPECS)("%s", (_name, spec) => {
    expect(setBackend(backend)).toBe(backend);
    const big = spec.width! >= 65536;
    for (const batch of big ? [1, 5] : [1, 3, 7, 64]) {
      const want = pass(spec, batch, 0);
      expect(want.gx.length).toBe(batch * spec.inputSize);
      for (const tile of big ? [1, 2, 4] : [1, 2, 3, 5, 64]) {
        const got = pass(spec, batch, tile);
        const label = `${backend}, batch ${batch}, tile ${tile}`;
        expectSameBits(got.out, want.out, `${label}: output`);
        expectSameBits(got.gx, want.gx, `${label}: input gradient`);
        expectSameBits(got.grads, want.grads, `${label}: parameter gradients`);
        // Without the input gradient: an empty array and the same parameter gradients.
        const lean = pass(spec, batch, tile, false);
        expect(lean.gx.length).toBe(0);
        expectSameBits(lean.grads, want.grads, `${label}: parameter gradients without the input gradient`);
      }
      // Untiled, {inputGradient: false} still computes it (the path of before, for benchmarks).
      expect(pass(spec, batch, 0, false).gx.length).toBe(batch * spec.inputSize);
    }
  });
});

// The tiled path's shortcuts: the padded input's first round from its first K entries, and the
// last layer's first group alone (forward: its outputs; backward: from the output gradient's
// first entries). Zeros in the inputs and the output gradients (signed by the flips) must fall
// back where the zeros' signs would matter, and give the same bits everywhere.
const SHORTCUT_SPECS: Array<[string, ModelSpec]> = [
  ["m = 4, 4 outputs, 16 inputs", {kind: "switchnet4", inputSize: 16, outputSize: 4, width: 1024, depth: 2, seed: 41}],
  [
    "m = 8, 3 outputs, 5 inputs (K = 8), depth 1",
    {kind: "switchnet4", inputSize: 5, outputSize: 3, width: 256, depth: 1, groupSize: 8, seed: 42}
  ],
  [
    "m = 16, 16 outputs, 17 inputs (K = 32), depth 3, 2 rounds",
    {
      kind: "switchnet4",
      inputSize: 17,
      outputSize: 16,
      width: 512,
      depth: 3,
      groupSize: 16,
      projectionRounds: 2,
      seed: 43
    }
  ],
  ["m = 4, 1 output, 1 input (K = 1)", {kind: "switchnet4", inputSize: 1, outputSize: 1, width: 64, depth: 2, seed: 44}]
];

describe.each(["wasm-simd", "scalar"])(
  "the tiled path's shortcuts on the %s kernels, with zeros: the same bits as untiled",
  (backend) => {
    it.each(SHORTCUT_SPECS)("%s", (_name, spec) => {
      expect(setBackend(backend)).toBe(backend);
      const batch = 6;
      const k = spec.inputSize,
        q = spec.outputSize;
      // rows: ordinary; all zeros; 3-valued (exact zero sums); ordinary with a zero output gradient;
      // a tiny and a huge row
      const rng = createRng(45);
      const x = normals(batch * k, 46);
      for (let j = 0; j < k; j++) {
        x[k + j] = 0;
        x[2 * k + j] = rng.int(3) - 1;
        x[4 * k + j] *= 1e-30;
        x[5 * k + j] *= 1e30;
      }
      const gy = normals(batch * q, 47);
      for (let o = 0; o < q; o++) gy[3 * q + o] = o % 2 === 0 ? 0 : -0;
      gy[1] = 0; // one zero entry in an otherwise ordinary row
      const run = (tile: number, inputGradient: boolean) => {
        setBatchTileRows(tile);
        const model = createModel(spec);
        try {
          const out = model.forward(x, batch);
          const gx = model.backward(gy, {inputGradient});
          return {out, gx, grads: model.grads.slice()};
        } finally {
          model.dispose();
        }
      };
      const want = run(0, true);
      for (const tile of [1, 2, 4]) {
        for (const inputGradient of [true, false]) {
          const got = run(tile, inputGradient);
          const label = `${backend}, tile ${tile}, inputGradient ${inputGradient}`;
          expectSameBits(got.out, want.out, `${label}: output`);
          if (inputGradient) expectSameBits(got.gx, want.gx, `${label}: input gradient`);
          expectSameBits(got.grads, want.grads, `${label}: parameter gradients`);
        }
      }
    });
  }
);

describe("Switch Net 4 head kernels (switch_fwd_head, switch_bwd_head, switch_bwd_w_head)", () => {
  it.each([4, 8, 16])(
    "m = %i: the first group of the full forward, and the full backward of a gradient zero past it",
    (m) => {
      for (const [n, batch] of [
        [16, 1],
        [64, 5],
        [2048, 3],
        [m, 2]
      ]) {
        const x = normals(batch * n, 51);
        x[3] = 0;
        x[5] = -0; // the branch of a zero
        const w = normals(2 * m * n, 52, 0.5);
        const y = new Float32Array(batch * n);
        switchNetForward(x, y, w, n, m, batch);
        const head = new Float32Array(batch * m);
        const ran = switchForwardHeadSimd(x, head, w, n, m, batch);
        // a layer one group wide has no stages to skip: the general path runs it
        expect(ran).toBe(n > m);
        if (!ran) continue;
        for (let b = 0; b < batch; b++)
          expectSameBits(
            head.subarray(b * m, (b + 1) * m),
            y.subarray(b * n, b * n + m),
            `m ${m}, n ${n}, row ${b}: head`
          );
        const g = normals(batch * m, 53);
        g[1] = 0; // +0 entries are fine
        const gyFull = new Float32Array(batch * n);
        for (let b = 0; b < batch; b++) gyFull.set(g.subarray(b * m, (b + 1) * m), b * n);
        const gw0 = normals(2 * m * n, 54, 0.1);
        const gxFull = new Float32Array(batch * n),
          gwFull = gw0.slice();
        switchNetBackward(x, gyFull.slice(), gxFull, w, gwFull, n, m, batch);
        const gx = new Float32Array(batch * n),
          gw = gw0.slice();
        expect(switchBackwardHeadSimd(x, g, gx, w, gw, n, m, batch)).toBe(true);
        expectSameBits(gx, gxFull, `m ${m}, n ${n}: gx`);
        expectSameBits(gw, gwFull, `m ${m}, n ${n}: gw`);
        const gwOnly = gw0.slice();
        expect(switchBackwardHeadSimd(x, g, null, w, gwOnly, n, m, batch)).toBe(true);
        expectSameBits(gwOnly, gwFull, `m ${m}, n ${n}: gw without the input gradient`);
        // a −0 entry: refused, nothing changed
        const withNegZero = g.slice();
        withNegZero[(batch - 1) * m + 1] = -0;
        const untouched = gw0.slice();
        expect(switchBackwardHeadSimd(x, withNegZero, gx, w, untouched, n, m, batch)).toBe(false);
        expectSameBits(untouched, gw0, `m ${m}, n ${n}: gw after a refusal`);
      }
    }
  );
});

describe("the first layer on patterns (switch_fwd_per, switch_bwd_w_per)", () => {
  it.each([4, 8, 16])("m = %i: the bits of the kernels on the rows the patterns repeat into", (m) => {
    for (const [n, period, batch] of [
      [64, 16, 3],
      [1024, m, 2],
      [2048, 64, 5],
      [256, 256, 1]
    ]) {
      if (period % m !== 0) continue;
      const patterns = normals(batch * period, 71);
      patterns[1] = 0;
      patterns[2] = -0; // the branch of a zero
      const x = new Float32Array(batch * n);
      for (let b = 0; b < batch; b++) for (let j = 0; j < n; j++) x[b * n + j] = patterns[b * period + (j % period)];
      const w = normals(2 * m * n, 72, 0.5);
      const want = new Float32Array(batch * n),
        got = new Float32Array(batch * n);
      switchNetForward(x, want, w, n, m, batch);
      expect(switchForwardPeriodicSimd(patterns, period, got, w, n, m, batch)).toBe(true);
      expectSameBits(got, want, `m ${m}, n ${n}, period ${period}: y`);
      const gy = normals(batch * n, 73),
        gw0 = normals(2 * m * n, 74, 0.1);
      const gyWant = gy.slice(),
        gwWant = gw0.slice();
      switchNetWeightBackward(x, gyWant, w, gwWant, n, m, batch);
      const gyGot = gy.slice(),
        gwGot = gw0.slice();
      expect(switchWeightBackwardPeriodicSimd(patterns, period, gyGot, w, gwGot, n, m, batch)).toBe(true);
      expectSameBits(gyGot, gyWant, `m ${m}, n ${n}, period ${period}: gy`);
      expectSameBits(gwGot, gwWant, `m ${m}, n ${n}, period ${period}: gw`);
    }
    // a period the groups do not fit: refused
    expect(
      switchForwardPeriodicSimd(new Float32Array(2), 2, new Float32Array(64), new Float32Array(2 * m * 64), 64, m, 1)
    ).toBe(m <= 2);
  });

  it("keeps the same bits when the tiling changes between forward and backward", () => {
    const spec: ModelSpec = {kind: "switchnet4", inputSize: 16, outputSize: 4, width: 1024, depth: 2, seed: 81};
    const batch = 7;
    const x = normals(batch * 16, 82),
      gy = normals(batch * 4, 83);
    x.fill(0, 16 * 3, 16 * 4); // a zero row: its tile is built in full
    const run = (forwardTile: number, backwardTile: number, inputGradient: boolean) => {
      const model = createModel(spec);
      try {
        // a tiled forward on other data first: its patterns must not outlive it
        setBatchTileRows(2);
        model.forward(normals(batch * 16, 84), batch);
        setBatchTileRows(forwardTile);
        const out = model.forward(x, batch);
        setBatchTileRows(backwardTile);
        const gx = model.backward(gy, {inputGradient});
        return {out, gx, grads: model.grads.slice()};
      } finally {
        model.dispose();
      }
    };
    const want = run(0, 0, true);
    for (const [f, b] of [
      [2, 0],
      [2, 4],
      [4, 1],
      [1, 3],
      [0, 2]
    ]) {
      for (const inputGradient of [true, false]) {
        const got = run(f, b, inputGradient);
        expectSameBits(got.out, want.out, `forward tile ${f}: output`);
        if (inputGradient) expectSameBits(got.gx, want.gx, `tiles ${f}/${b}: input gradient`);
        expectSameBits(got.grads, want.grads, `tiles ${f}/${b}, inputGradient ${inputGradient}: parameter gradients`);
      }
    }
  });
});

describe("training on the tiled path", () => {
  it("trains the same parameters as the untiled path, step for step (Adam and SGD)", () => {
    const spec: ModelSpec = {kind: "switchnet4", inputSize: 12, outputSize: 6, width: 512, depth: 2, seed: 31};
    const data = memorisation({n: 50, inputSize: 12, outputSize: 6, seed: 32});
    for (const optimizer of ["adam", "sgd"] as const) {
      const run = (tile: number) => {
        setBatchTileRows(tile);
        const model = createModel(spec);
        const trainer = createTrainer(model, data, {batchSize: 16, optimizer, learningRate: 0.01, seed: 33});
        const losses: number[] = [];
        for (let s = 0; s < 7; s++) losses.push(trainer.step()); // includes a last batch of 2
        const params = model.params.slice();
        trainer.close();
        model.dispose();
        return {params, losses};
      };
      const want = run(0);
      for (const tile of [1, 2, 5]) {
        const got = run(tile);
        expect(got.losses).toEqual(want.losses);
        expectSameBits(got.params, want.params, `${optimizer}, tile ${tile}: trained parameters`);
      }
    }
  });

  it("checks backward's options", () => {
    const model = createModel({kind: "switchnet4", inputSize: 4, outputSize: 2, width: 16, seed: 1});
    model.forward(new Float32Array(4), 1);
    expect(() => model.backward(new Float32Array(2), null as never)).toThrow(/backward options must be an object/);
    expect(() => model.backward(new Float32Array(2), {inputGradient: "no" as never})).toThrow(
      /inputGradient must be true or false, got "no"/
    );
    expect(() => setBatchTileRows(-1)).toThrow(/rows/);
    model.dispose();
  });
});

describe("Switch Net 4 weight-gradient-only backward (switch_bwd_w)", () => {
  it.each([4, 8, 16])(
    "m = %i: gy and gw bit for bit those of the full backward, in the kernel memory and out of it",
    (m) => {
      for (const [n, batch] of [
        [16, 1],
        [64, 5],
        [1024, 3]
      ]) {
        expect(switchLayerSimdAvailable(n, m)).toBe(true);
        const x = normals(batch * n, 1);
        x[3] = 0;
        x[5] = -0; // the branch of a zero
        const gy = normals(batch * n, 2);
        const w = normals(2 * m * n, 3, 0.5);
        const gw0 = normals(2 * m * n, 4, 0.1);
        const gyFull = gy.slice(),
          gwFull = gw0.slice();
        switchNetBackward(x, gyFull, new Float32Array(batch * n), w, gwFull, n, m, batch);
        const gyW = gy.slice(),
          gwW = gw0.slice();
        expect(switchWeightBackwardSimd(x, gyW, w, gwW, n, m, batch)).toBe(true);
        expectSameBits(gyW, gyFull, `m ${m}, n ${n}: gy`);
        expectSameBits(gwW, gwFull, `m ${m}, n ${n}: gw`);
        // in the kernel memory (no staging)
        const [kx, kgy, kw, kgw] = kernelArrays([x.length, gy.length, w.length, gw0.length]);
        expect(inWasmMemory(kgw)).toBe(true);
        kx.set(x);
        kgy.set(gy);
        kw.set(w);
        kgw.set(gw0);
        switchNetWeightBackward(kx, kgy, kw, kgw, n, m, batch);
        expectSameBits(kgw, gwFull, `m ${m}, n ${n}: gw in the kernel memory`);
        [kx, kgy, kw, kgw].forEach(releaseKernelArray);
      }
    }
  );

  it("matches a float64 reference of gw += v·gy for the selected branch (JS fallback and SIMD)", () => {
    const n = 64,
      m = 4,
      batch = 3;
    const x = normals(batch * n, 5),
      w = normals(2 * m * n, 6);
    for (const backend of ["wasm-simd", "scalar"]) {
      setBackend(backend);
      const gy = normals(batch * n, 7);
      const gw = new Float32Array(2 * m * n);
      switchNetWeightBackward(x, gy, w, gw, n, m, batch);
      // reference: gy after the layer's WHT (now in gy) times the selected branch's input
      const want = new Float64Array(2 * m * n);
      for (let b = 0; b < batch; b++) {
        for (let j = 0; j < n; j++) {
          const v = x[b * n + j],
            g = Math.floor(j / m) * m,
            i = j - g;
          const s = v < 0 ? 1 : 0;
          for (let o = 0; o < m; o++) want[((g + i) * 2 + s) * m + o] += v * gy[b * n + g + o];
        }
      }
      for (let i = 0; i < want.length; i++)
        expect(Math.abs(gw[i] - want[i])).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(want[i])));
    }
  });
});

describe("Adam on the f64x2 kernel", () => {
  it("gives the bits of the JS loop for every size, with weight decay, over several steps", () => {
    for (const size of [1, 3, 4, 5, 37, 1000]) {
      const inKernel = createOptimizer(
        "adam",
        size,
        {learningRate: 0.01, weightDecay: 0.1, beta1: 0.8, beta2: 0.99, epsilon: 1e-7},
        {kernelMemory: true}
      );
      const plain = createOptimizer("adam", size, {
        learningRate: 0.01,
        weightDecay: 0.1,
        beta1: 0.8,
        beta2: 0.99,
        epsilon: 1e-7
      });
      const [p1, g1] = kernelArrays([size, size]);
      expect(inWasmMemory(p1) && inWasmMemory(inKernel.state.buffers.m as Float32Array)).toBe(true);
      const p2 = normals(size, 40 + size);
      p1.set(p2);
      for (let step = 0; step < 5; step++) {
        const g = normals(size, 50 + step, step === 2 ? 1e-20 : 1); // tiny gradients: √v near eps
        if (size > 2) g[1] = 0;
        g1.set(g);
        inKernel.step(p1, g1);
        plain.step(p2, g);
        expectSameBits(p1, p2, `size ${size}, step ${step}: params`);
      }
      expectSameBits(
        inKernel.state.buffers.m as Float32Array,
        plain.state.buffers.m as Float32Array,
        `size ${size}: m`
      );
      expectSameBits(
        inKernel.state.buffers.v as Float32Array,
        plain.state.buffers.v as Float32Array,
        `size ${size}: v`
      );
      releaseKernelArray(p1);
      releaseKernelArray(g1);
      inKernel.dispose();
    }
  });
});

describe("the trainer's optimiser buffers in the kernel memory", () => {
  it("are there for a model from createModel, freed with the model (or by close), and the optimiser then refuses to step", () => {
    const model = createModel({kind: "switchnet4", inputSize: 4, outputSize: 2, width: 64, seed: 3});
    const data = memorisation({n: 8, inputSize: 4, outputSize: 2, seed: 4});
    const trainer = createTrainer(model, data, {batchSize: 4});
    trainer.step();
    const {m} = trainer.optimizer.state.buffers;
    expect(inWasmMemory(m)).toBe(true);
    model.dispose();
    expect(() =>
      trainer.optimizer.step(new Float32Array(model.parameterCount), new Float32Array(model.parameterCount))
    ).toThrow(/optimiser was disposed/);
    trainer.close(); // idempotent after the model's dispose
    const other = createModel({kind: "switchnet4", inputSize: 4, outputSize: 2, width: 64, seed: 3});
    const closed = createTrainer(other, data, {batchSize: 4});
    closed.close();
    expect(() => closed.step()).toThrow(/disposed/);
    other.dispose();
  });
});

describe("the optimisers' finiteness checks on arrays in the kernel memory (all_finite kernel)", () => {
  it.each(["adam", "sgd"] as const)(
    "%s: names the first non-finite gradient and the first overflowed parameter, wherever it is",
    (kind) => {
      for (const size of [4, 37, 1000]) {
        for (const bad of [0, 5, size - 1].filter((i) => i < size)) {
          for (const value of [NaN, Infinity, -Infinity]) {
            const opt = createOptimizer(kind, size, {learningRate: 0.01}, {kernelMemory: true});
            const [p, g] = kernelArrays([size, size]);
            p.set(normals(size, 60));
            g.set(normals(size, 61));
            opt.step(p, g); // finite: no complaint
            g[bad] = value;
            if (bad > 0) g[bad - 1] = 1e30; // large but finite values are fine
            expect(() => opt.step(p, g)).toThrow(new RegExp(`grads\\[${bad}\\] is ${String(value)}`));
            opt.dispose();
            // a first update that overflows float32: the first bad parameter is named
            const fresh = createOptimizer(
              kind,
              size,
              {learningRate: kind === "sgd" ? 1e10 : 1e38},
              {kernelMemory: true}
            );
            p[bad] = 3.4e38;
            g.fill(0);
            g[bad] = kind === "sgd" ? -1e38 : -1;
            expect(() => fresh.step(p, g)).toThrow(new RegExp(`params\\[${bad}\\]`));
            releaseKernelArray(p);
            releaseKernelArray(g);
            fresh.dispose();
          }
        }
      }
    }
  );
});
