// Model.cacheProjections: a model that keeps its projected input rows computes the same bits as one
// that projects every row (forward, input gradient, weight gradients, over training steps), serves
// repeated inputs from the cache, keeps to its byte limit, and tells +0 from −0.
import {beforeAll, describe, expect, it} from "vitest";
import {createModel} from "../lib/model.js";
import {createRng} from "../lib/random.js";
import {createTeamSync, withTeam} from "../lib/team.js";
import {ready, setBackend} from "../lib/wht.js";
import type {ModelSpec} from "../lib/types.js";
import {expectSameBits} from "./helpers/bits.js";

const SPECS: [string, ModelSpec][] = [
  [
    "m = 4, 2 rounds, 3 inputs",
    {
      kind: "switchnet4",
      inputSize: 3,
      outputSize: 3,
      width: 256,
      depth: 2,
      projectionRounds: 2,
      projection: "random",
      seed: 3
    }
  ],
  [
    "m = 4, 3 rounds, repeat, 17 inputs",
    {
      kind: "switchnet4",
      inputSize: 17,
      outputSize: 16,
      width: 4096,
      depth: 2,
      projectionRounds: 3,
      placement: "repeat",
      seed: 4
    }
  ],
  [
    "m = 8, 2 sub-random rounds",
    {kind: "switchnet4", inputSize: 5, outputSize: 2, width: 1024, depth: 3, groupSize: 8, projectionRounds: 2, seed: 5}
  ],
  [
    "filter bank, 2 rounds",
    {
      kind: "filterbank",
      inputSize: 3,
      outputSize: 3,
      width: 512,
      depth: 2,
      projectionRounds: 2,
      projection: "random",
      seed: 6
    }
  ],
  [
    "butterfly, 2 rounds",
    {kind: "butterfly", inputSize: 6, outputSize: 4, width: 64, depth: 2, projectionRounds: 2, seed: 7}
  ]
];

/** 8 rows: 4 distinct (one all zeros, one with −0 where the next has +0), then the same 4 again. */
function batchOf(k: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const x = new Float32Array(8 * k);
  for (let i = 0; i < 4 * k; i++) x[i] = rng.normal();
  for (let j = 0; j < k; j++) x[k + j] = 0;
  x[2 * k] = -0;
  for (let j = 1; j < k; j++) x[2 * k + j] = x[3 * k + j];
  x[3 * k] = 0;
  x.copyWithin(4 * k, 0, 4 * k);
  return x;
}

beforeAll(async () => {
  await ready();
});

describe.each(["wasm-simd", "scalar"])("a projection cache on the %s kernels", (backend) => {
  it.each(SPECS)("%s: the same bits as projecting every row, with repeats served from it", (_name, spec) => {
    expect(setBackend(backend)).toBe(backend);
    const plain = createModel(spec);
    const cached = createModel(spec);
    const stats = cached.cacheProjections(1 << 26)!;
    expect(stats).not.toBeNull();
    const k = spec.inputSize,
      q = spec.outputSize;
    try {
      for (let step = 0; step < 3; step++) {
        // steps 0 and 2 see the same inputs; step 1 new ones
        const x = batchOf(k, step === 1 ? 11 : 10);
        const g = new Float32Array(8 * q).map((_, i) => Math.sin(i + step));
        const outs = [plain, cached].map((m) => {
          m.zeroGrad();
          const y = m.forward(x, 8);
          const gx = m.backward(g, {inputGradient: true});
          return {y, gx, grads: m.grads.slice()};
        });
        expectSameBits(outs[1].y, outs[0].y, `output, step ${step}`);
        expectSameBits(outs[1].gx, outs[0].gx, `input gradient, step ${step}`);
        expectSameBits(outs[1].grads, outs[0].grads, `weight gradients, step ${step}`);
        for (const m of [plain, cached]) {
          const p = m.params;
          for (let i = 0; i < p.length; i++) p[i] -= 0.01 * m.grads[i];
        }
      }
      // 4 distinct rows in each of two input sets (the −0 row is its own input), the all-zeros row
      // common to both: 7 projected once, every other row served from the cache.
      expect(stats.misses).toBe(7);
      expect(stats.hits).toBe(3 * 8 - 7);
      expect(stats.rows).toBe(7);
      expect(stats.bytes).toBe(7 * 4 * spec.width!);
    } finally {
      plain.dispose();
      cached.dispose();
    }
  });
});

describe("a projection cache under a team of threads", () => {
  it("gives the one-thread bits (the team's forward places the rows on the calling thread)", () => {
    setBackend("wasm-simd");
    const spec = SPECS[0][1];
    const team = createTeamSync({threads: 2});
    const plain = createModel(spec);
    const cached = createModel(spec);
    const stats = cached.cacheProjections(1 << 26)!;
    try {
      const x = batchOf(spec.inputSize, 10);
      const g = new Float32Array(8 * spec.outputSize).map((_, i) => Math.cos(i));
      for (let pass = 0; pass < 2; pass++) {
        plain.zeroGrad();
        const y0 = plain.forward(x, 8);
        plain.backward(g, {inputGradient: false});
        const y1 = withTeam(team, () => {
          cached.zeroGrad();
          const y = cached.forward(x, 8);
          cached.backward(g, {inputGradient: false});
          return y;
        });
        expectSameBits(y1, y0, `output, pass ${pass}`);
        expectSameBits(cached.grads, plain.grads, `weight gradients, pass ${pass}`);
      }
      expect(stats.misses).toBe(4);
      expect(stats.hits).toBe(12);
    } finally {
      plain.dispose();
      cached.dispose();
      team.close();
    }
  });
});

describe("the projection cache's limits", () => {
  const spec = SPECS[0][1];
  it("keeps no more rows than its byte limit allows, and 0 empties it", () => {
    setBackend("wasm-simd");
    const plain = createModel(spec);
    const cached = createModel(spec);
    const stats = cached.cacheProjections(2 * 4 * spec.width! + 3)!;
    try {
      const x = batchOf(spec.inputSize, 10);
      for (let i = 0; i < 2; i++) expectSameBits(cached.forward(x, 8), plain.forward(x, 8), `pass ${i}`);
      expect(stats.rows).toBe(2);
      expect(stats.bytes).toBe(2 * 4 * spec.width!);
      // the first two distinct rows are kept: 2 + 2 hits in the first pass's repeats, 4 in the second's
      expect(stats.hits).toBe(2 + 4);
      expect(stats.misses).toBe(16 - 6);
      const off = cached.cacheProjections(0)!;
      expect([off.rows, off.bytes, off.hits, off.misses]).toEqual([0, 0, 0, 0]);
      expectSameBits(cached.forward(x, 8), plain.forward(x, 8), "without the cache");
      expect(off.misses).toBe(0); // not counting while off
    } finally {
      plain.dispose();
      cached.dispose();
    }
  });

  it("starts again when the kernels change (the JS loops round differently)", () => {
    const x = batchOf(spec.inputSize, 10);
    const cached = createModel(spec);
    const stats = cached.cacheProjections(1 << 26)!;
    try {
      for (const backend of ["wasm-simd", "scalar", "wasm-simd"]) {
        expect(setBackend(backend)).toBe(backend);
        const plain = createModel(spec);
        expectSameBits(cached.forward(x, 8), plain.forward(x, 8), backend);
        plain.dispose();
        expect(stats.rows).toBe(4); // this backend's rows only
      }
      expect(stats.misses).toBe(12);
    } finally {
      setBackend("wasm-simd");
      cached.dispose();
    }
  });

  it("is null where there is nothing to keep, refuses a bad limit by name, and goes with dispose", () => {
    for (const other of [
      {kind: "dense", inputSize: 3, outputSize: 3, width: 16, depth: 2, seed: 1},
      {kind: "switchnet4", inputSize: 3, outputSize: 3, width: 64, depth: 2, seed: 1},
      {...spec, adjust: true}
    ] as ModelSpec[]) {
      const m = createModel(other);
      expect(m.cacheProjections(1 << 20)).toBeNull();
      m.dispose();
    }
    const m = createModel(spec);
    expect(() => m.cacheProjections(-1)).toThrow(/maxBytes must be .*got -1/);
    expect(() => m.cacheProjections(1.5)).toThrow(/maxBytes must be an integer.*got 1\.5/);
    m.dispose();
    expect(() => m.cacheProjections(1024)).toThrow(/disposed|dispose/);
  });
});
