// The filter bank layer's WebAssembly SIMD kernels (lib/kernels/filterBankLayer.ts,
// lib/wasm/filterBankModule.ts) must give the JavaScript loops of lib/filterbank.ts BIT FOR BIT:
// forward, backward and the weight-only backward, on inputs with zeros of both signs, at widths
// from below the kernels' minimum (the loops run) to 65,536, odd batch sizes and row counts that
// do not fill the kernels' blocks of rows, in the kernel memory and out of it, and on a team of
// threads. The committed experiment records depend on these bits (tests/fixtures/numerics.json
// checks whole models; this file checks the layer on harder inputs).
import {afterAll, afterEach, beforeAll, describe, expect, it} from "vitest";
import {createRng} from "../lib/random.js";
import {
  filterBankBackward,
  filterBankBackwardJs,
  filterBankForward,
  filterBankForwardJs,
  filterBankLayer,
  filterBankWeightBackward
} from "../lib/filterbank.js";
import {
  filterBankBackwardSimd,
  filterBankForwardSimd,
  filterBankSimdAvailable
} from "../lib/kernels/filterBankLayer.js";
import {kernelArray, releaseKernelArray} from "../lib/wasm/memory.js";
import {createModel} from "../lib/model.js";
import {createTeamSync, withTeam, type Team} from "../lib/team.js";
import type {ModelSpec} from "../lib/types.js";
import {ready, setBackend} from "../lib/wht.js";
import {expectSameBits} from "./helpers/bits.js";

/**
 * Values with both signs, zeros of both signs, a spread of magnitudes (so products and sums round)
 * and some float32 subnormals.
 */
function values(n: number, seed: number, spread = 8): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({length: n}, (_, i) =>
    i % 13 === 5
      ? 0
      : i % 17 === 7
        ? -0
        : i % 101 === 3
          ? (rng.next() < 0.5 ? -1 : 1) * 2 ** -140
          : rng.normal() * 2 ** Math.floor(rng.next() * spread - spread / 2)
  );
}

/** Slopes near 1 as initialised, and a few zeros of both signs. */
function slopes(n: number, seed: number): Float32Array {
  const w = new Float32Array(2 * n);
  filterBankLayer(n).init(w, createRng(seed), 0.3);
  for (let i = 0; i < w.length; i += 29) w[i] = i % 2 === 0 ? 0 : -0;
  return w;
}

/** A copy of a, in the kernel memory when `resident` (else an ordinary array). */
function copy(a: Float32Array, resident: boolean): Float32Array {
  const c = resident ? kernelArray(a.length) : new Float32Array(a.length);
  c.set(a);
  return c;
}

const held: Float32Array[] = [];
/** copy() in the kernel memory, released after the test. */
function inKernel(a: Float32Array): Float32Array {
  const c = copy(a, true);
  held.push(c);
  return c;
}

let team2: Team;
let team3: Team;
beforeAll(async () => {
  expect(await ready()).toBe("wasm-simd");
  [team2, team3] = [2, 3].map((threads) => createTeamSync({threads}));
});
afterAll(() => [team2, team3].forEach((t) => t.close()));
afterEach(() => {
  setBackend("auto");
  for (const a of held.splice(0)) releaseKernelArray(a);
});

interface Case {
  n: number;
  batch: number;
  seed: number;
}

/**
 * Runs forward, backward and the weight-only backward through the dispatching functions (kernels
 * from width 16) on arrays in or out of the kernel memory, and the JS loops on ordinary copies;
 * asserts the same bits for y, the overwritten gy, gx and gw (gw starting from values with zeros
 * of both signs, as a caller's accumulated gradient may).
 */
function compare({n, batch, seed}: Case, resident: boolean, team: Team | null = null): void {
  const label = `n=${n} batch=${batch}${resident ? " resident" : ""}${team ? " team" : ""}`;
  const x = values(batch * n, seed);
  const w = slopes(n, seed + 1);
  const gyIn = values(batch * n, seed + 2);
  const gw0 = values(2 * n, seed + 3, 4);
  const put = (a: Float32Array) => (resident ? inKernel(a) : copy(a, false));

  const yJs = new Float32Array(batch * n);
  filterBankForwardJs(x, yJs, w, n, batch);
  const y = put(new Float32Array(batch * n));
  withTeam(team, () => filterBankForward(put(x), y, put(w), n, batch));
  expectSameBits(y, yJs, `${label} forward`);

  const gyJs = gyIn.slice(),
    gxJs = new Float32Array(batch * n),
    gwJs = gw0.slice();
  filterBankBackwardJs(x, gyJs, gxJs, w, gwJs, n, batch);
  const gy = put(gyIn),
    gx = put(new Float32Array(batch * n)),
    gw = put(gw0);
  withTeam(team, () => filterBankBackward(put(x), gy, gx, put(w), gw, n, batch));
  expectSameBits(gx, gxJs, `${label} gx`);
  expectSameBits(gw, gwJs, `${label} gw`);
  expectSameBits(gy, gyJs, `${label} gy (overwritten with its transform)`);

  const gy2 = put(gyIn),
    gw2 = put(gw0);
  withTeam(team, () => filterBankWeightBackward(put(x), gy2, put(w), gw2, n, batch));
  expectSameBits(gw2, gwJs, `${label} weight-only gw`);
  expectSameBits(gy2, gyJs, `${label} weight-only gy`);
}

const WIDTHS = [1, 2, 4, 8, 16, 32, 64, 128, 1024, 4096, 8192];
const BATCHES = [1, 2, 3, 4, 5, 9];

describe("filter bank kernels", () => {
  it("run from width 16 on the SIMD backend, not below it nor on the scalar one", () => {
    for (const n of [1, 2, 4, 8]) expect(filterBankSimdAvailable(n), `n=${n}`).toBe(false);
    for (const n of [16, 1024, 65536]) expect(filterBankSimdAvailable(n), `n=${n}`).toBe(true);
    const x = values(16, 1),
      y = new Float32Array(16),
      w = slopes(16, 2);
    expect(filterBankForwardSimd(x, y, w, 16, 1)).toBe(true);
    expect(filterBankForwardSimd(x.subarray(0, 8), y.subarray(0, 8), w.subarray(0, 16), 8, 1)).toBe(false);
    setBackend("scalar");
    expect(filterBankSimdAvailable(16)).toBe(false);
    const before = y.slice();
    expect(filterBankForwardSimd(x, y, w, 16, 1)).toBe(false);
    expect(filterBankBackwardSimd(x, y, new Float32Array(16), w, new Float32Array(32), 16, 1)).toBe(false);
    expectSameBits(y, before, "nothing written when it cannot run");
  });

  it("give the JS loops' bits at every width and odd batch sizes, out of the kernel memory", () => {
    let seed = 10;
    for (const n of WIDTHS) for (const batch of BATCHES) compare({n, batch, seed: seed++}, false);
  });

  it("give the JS loops' bits on arrays in the kernel memory (no copies)", () => {
    let seed = 100;
    for (const n of [16, 64, 4096]) for (const batch of [1, 3, 4, 7]) compare({n, batch, seed: seed++}, true);
  });

  it("give the JS loops' bits at width 65,536", () => {
    compare({n: 65536, batch: 3, seed: 200}, true);
    compare({n: 65536, batch: 5, seed: 201}, false);
  });

  it("give the same bits on a team of 2 threads (rows for the transforms, columns for the weight gradient)", () => {
    expect(team2.threads, team2.fallbackReason ?? "").toBe(2);
    let seed = 300;
    for (const [n, batch] of [
      [4096, 5],
      [8192, 2],
      [16, 1024],
      [65536, 3]
    ])
      compare({n, batch, seed: seed++}, true, team2);
    compare({n: 4096, batch: 7, seed: seed++}, false, team2);
  });

  it("sum the weight gradient as JS does (float64, rounded once per row), which a float32 product and sum would not", () => {
    // The test above would catch a kernel that rounded v·g to float32 before adding it: on its
    // inputs that differs from the JS loop in many places. Count them on one case.
    const n = 1024,
      batch = 9;
    const x = values(batch * n, 7),
      w = slopes(n, 8),
      gy = values(batch * n, 9),
      gw0 = values(2 * n, 10, 4);
    const gyT = gy.slice(),
      gwJs = gw0.slice();
    filterBankBackwardJs(x, gyT, new Float32Array(batch * n), w, gwJs, n, batch);
    const naive = gw0.slice();
    for (let r = 0; r < batch; r++) {
      for (let j = 0; j < n; j++) {
        const v = x[r * n + j];
        const k = 2 * j + +(v < 0);
        naive[k] = Math.fround(naive[k] + Math.fround(v * gyT[r * n + j]));
      }
    }
    let differ = 0;
    for (let i = 0; i < naive.length; i++) if (!Object.is(naive[i], gwJs[i])) differ++;
    expect(differ).toBeGreaterThan(10);
    const gw = gw0.slice();
    expect(filterBankBackwardSimd(x, gy.slice(), new Float32Array(batch * n), w, gw, n, batch)).toBe(true);
    expectSameBits(gw, gwJs, "kernel gw");
  });

  it("keep zeros' signs: −0 inputs take slope a, a −0 gradient not added to stays −0", () => {
    const n = 16;
    // v = −0 takes branch a (−0 < 0 is false); v = +0 too; the other branch is never written.
    const x = Float32Array.from({length: n}, (_, j) => [-0, 0, -1.5, 2.25][j % 4]);
    const w = Float32Array.from({length: 2 * n}, (_, i) => (i % 2 === 0 ? 3 : -5));
    const y = new Float32Array(n);
    expect(filterBankForwardSimd(x, y, w, n, 1)).toBe(true);
    const yJs = new Float32Array(n);
    filterBankForwardJs(x, yJs, w, n, 1);
    expectSameBits(y, yJs, "forward");
    // A gradient row that is zero except one entry: its transform is ±1/4 everywhere.
    const g = new Float32Array(n);
    g[3] = 1;
    const gw = new Float32Array(2 * n).fill(-0);
    const gx = new Float32Array(n);
    expect(filterBankBackwardSimd(x, g.slice(), gx, w, gw, n, 1)).toBe(true);
    const gwJs = new Float32Array(2 * n).fill(-0),
      gxJs = new Float32Array(n);
    filterBankBackwardJs(x, g.slice(), gxJs, w, gwJs, n, 1);
    expectSameBits(gw, gwJs, "gw");
    expectSameBits(gx, gxJs, "gx");
    for (let j = 0; j < n; j++) {
      const taken = 2 * j + +(x[j] < 0),
        other = 2 * j + 1 - +(x[j] < 0);
      expect(Object.is(gw[other], -0), `gw[${other}] untouched`).toBe(true);
      // ±0·g added to −0: −0 + (±0) is −0 only for −0, so the sign depends on v and g's signs
      expect(gw[taken]).toBe(Math.fround(-0 + (x[j] * gxJs[j]) / w[taken]));
    }
  });

  it("train a filter bank model to the same bits on 1, 2 and 3 threads, the kernels split between the threads", () => {
    const spec: ModelSpec = {
      kind: "filterbank",
      inputSize: 3,
      outputSize: 2,
      width: 4096,
      depth: 2,
      projectionRounds: 2,
      projection: "random",
      seed: 5
    };
    const batch = 7;
    const run = (team: Team | null) => {
      const names = new Set<string>();
      const recorded: Team | null =
        team === null
          ? null
          : {
              threads: team.threads,
              fallbackReason: null,
              run(jobs) {
                for (const job of jobs) for (const [name] of job) names.add(name);
                team.run(jobs);
              },
              close() {}
            };
      const model = createModel(spec);
      try {
        const outs: Float32Array[] = [];
        withTeam(recorded, () => {
          for (let step = 0; step < 3; step++) {
            const x = values(batch * 3, 400 + step),
              g = values(batch * 2, 500 + step);
            model.zeroGrad();
            outs.push(model.forward(x, batch));
            outs.push(model.backward(g, {inputGradient: step === 1}));
            const p = model.params,
              gw = model.grads;
            for (let i = 0; i < p.length; i++) p[i] -= 0.01 * gw[i];
          }
        });
        return {outs, params: model.params.slice(), grads: model.grads.slice(), names};
      } finally {
        model.dispose();
      }
    };
    const want = run(null);
    for (const team of [team2, team3]) {
      const got = run(team);
      for (const name of ["fb_fwd", "fb_bwd", "batch"]) expect(got.names, `${team.threads} threads`).toContain(name);
      got.outs.forEach((o, i) => expectSameBits(o, want.outs[i], `${team.threads} threads, result ${i}`));
      expectSameBits(got.params, want.params, `${team.threads} threads, params`);
      expectSameBits(got.grads, want.grads, `${team.threads} threads, grads`);
    }
  });
});
