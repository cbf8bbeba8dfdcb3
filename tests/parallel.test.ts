// Tests for lib/parallel.ts: batches split across worker threads give exactly the single-thread
// results, argument checks match whtBatch, and the pool falls back to one thread cleanly.
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {SwitchNetError} from "../lib/check.js";
import {createPool, hardwareThreads, parallelUnavailableReason, type WhtPool} from "../lib/parallel.js";
import {createRng} from "../lib/random.js";
import {allocate} from "../lib/wasm/memory.js";
import {ready, wht, whtBatch} from "../lib/wht.js";
import {expectSameBits} from "./helpers/bits.js";

function randomVector(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = rng.normal();
  return x;
}

let pool: WhtPool;

beforeAll(async () => {
  await ready();
  pool = await createPool({threads: 2});
});

afterAll(async () => {
  await pool.close();
});

describe("worker pool", () => {
  it("starts two threads in Node (shared memory is available)", async () => {
    expect(parallelUnavailableReason()).toBeNull();
    expect(pool.threads).toBe(2);
    expect(pool.fallbackReason).toBeNull();
    expect(await hardwareThreads()).toBeGreaterThanOrEqual(1);
  });

  it("gives the same bits as the single-thread whtBatch, for ordinary arrays", async () => {
    const cases: Array<[number, number]> = [
      [1, 33],
      [4, 13],
      [8, 9],
      [16, 5],
      [256, 1024],
      [4096, 7],
      [8192, 3],
      [65536, 2]
    ];
    for (const [size, count] of cases) {
      for (const opts of [{}, {from: Math.min(4, size), normalize: true}]) {
        const x = randomVector(size * count, size * 31 + count);
        const want = whtBatch(x.slice(), {size, ...opts});
        const got = x.slice();
        const returned = await pool.whtBatch(got, {size, ...opts});
        expect(returned).toBe(got);
        expectSameBits(got, want, `size=${size} count=${count}`);
      }
    }
  });

  it("runs overlapping calls one after the other with the right results", async () => {
    const xs = [1, 2, 3, 4].map((k) => randomVector(4096 * 8, 100 + k));
    const got = await Promise.all(xs.map((x) => pool.whtBatch(x.slice(), {size: 4096, normalize: true})));
    got.forEach((g, k) => expectSameBits(g, whtBatch(xs[k].slice(), {size: 4096, normalize: true}), `call ${k}`));
  });

  it("works in place on tensors allocated in the kernel memory", async () => {
    const t = allocate(4096 * 16);
    try {
      const x = randomVector(t.length, 5);
      t.array.set(x);
      await pool.whtBatch(t.array, {size: 4096, from: 2});
      expectSameBits(t.array, whtBatch(x.slice(), {size: 4096, from: 2}), "allocated");
    } finally {
      t.free();
    }
  });

  it("splits one long vector across threads with the same bits as wht (sub-blocks, then columns)", async () => {
    for (const k of [12, 20, 21]) {
      const n = 2 ** k;
      const x = randomVector(n, 500 + k);
      const froms = [...new Set([1, 4, 2 ** 12, 2 ** 13, 2 ** 14, n >> 1, n].filter((f) => f <= n))];
      for (const from of froms) {
        for (const normalize of [false, true]) {
          const got = x.slice();
          expect(await pool.wht(got, {from, normalize})).toBe(got);
          expectSameBits(got, wht(x.slice(), {from, normalize}), `n=2^${k} from=${from} normalize=${normalize}`);
        }
      }
    }
    const t = allocate(2 ** 20);
    t.array.set(randomVector(2 ** 20, 7));
    const want = wht(t.array.slice());
    await pool.wht(t.array);
    expectSameBits(t.array, want, "allocated");
    t.free();
    await expect(pool.wht(new Float32Array(100))).rejects.toThrow(/x\.length must be a power of two .*got 100/);
    await expect(pool.wht(new Float32Array(2 ** 20), {from: 3})).rejects.toThrow(/from must be a power of two .*got 3/);
  });

  it("checks its arguments like whtBatch", async () => {
    await expect(pool.whtBatch(new Float32Array(12), {size: 8})).rejects.toThrow(
      /x\.length must be a multiple of size 8, got 12/
    );
    await expect(pool.whtBatch(new Float32Array(16), {size: 8, from: 3})).rejects.toThrow(SwitchNetError);
    await expect(pool.whtBatch([1, 2] as unknown as Float32Array, {size: 2})).rejects.toThrow(
      /x must be a Float32Array/
    );
    await expect(createPool({threads: 0})).rejects.toThrow(/threads must be between 1 and 256, got 0/);
  });
});

describe("one-thread fallback", () => {
  it("with threads: 1 runs on the calling thread with the same results", async () => {
    const one = await createPool({threads: 1});
    expect(one.threads).toBe(1);
    const x = randomVector(256 * 64, 9);
    const got = await one.whtBatch(x.slice(), {size: 256, normalize: true});
    expectSameBits(got, whtBatch(x.slice(), {size: 256, normalize: true}), "threads 1");
    await one.close();
    await expect(one.whtBatch(x, {size: 256})).rejects.toThrow(/this pool was closed/);
  });

  it("falls back to one thread, saying why, when the page is not cross-origin isolated", async () => {
    const g = globalThis as {crossOriginIsolated?: boolean};
    g.crossOriginIsolated = false;
    try {
      expect(parallelUnavailableReason()).toMatch(/not cross-origin isolated/);
      const fallback = await createPool({threads: 2});
      expect(fallback.threads).toBe(1);
      expect(fallback.fallbackReason).toMatch(/not cross-origin isolated/);
      const x = randomVector(64 * 8, 11);
      expectSameBits(await fallback.whtBatch(x.slice(), {size: 64}), whtBatch(x.slice(), {size: 64}), "fallback");
      await fallback.close();
    } finally {
      delete g.crossOriginIsolated;
    }
  });
});
