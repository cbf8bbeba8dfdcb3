// The Switch Net 4 kernels a team of threads splits by parameter groups (lib/wasm/layerModule.ts,
// addTeamShortcutKernels) must give, over any split of the columns into whole groups, the SAME
// BITS as the one-thread kernels they stand in for: the head backward (with and without the input
// gradient), the weight-only backward and the periodic first layer's weight backward.
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {createRng} from "../lib/random.js";
import {createTeamSync, splitRange, type KernelCall, type Team} from "../lib/team.js";
import {normalizeScale} from "../lib/kernels/kernel.js";
import {SIMD_GROUP_SIZES} from "../lib/wasm/layerModule.js";
import {wasmLayers} from "../lib/wasm/runtime.js";
import {kernelArray, releaseKernelArray} from "../lib/wasm/memory.js";
import {ready} from "../lib/wht.js";
import {expectSameBits} from "./helpers/bits.js";

type Kernels = Record<string, (...a: number[]) => void>;
/** Values with both signs, zeros of both signs and a spread of magnitudes (branches and rounding). */
function values(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({length: n}, (_, i) =>
    i % 37 === 5 ? 0 : i % 41 === 7 ? -0 : rng.normal() * 2 ** Math.floor(rng.next() * 6 - 3)
  );
}

/** A kernel-memory copy of a (its bytes). */
function resident(a: Float32Array): Float32Array {
  const r = kernelArray(a.length);
  r.set(a);
  return r;
}

let k: Kernels;
let team2: Team;
let team3: Team;
beforeAll(async () => {
  expect(await ready()).toBe("wasm-simd");
  k = wasmLayers() as unknown as Kernels;
  team2 = createTeamSync({threads: 2});
  team3 = createTeamSync({threads: 3});
});
afterAll(() => {
  team2.close();
  team3.close();
});

/** Runs one call per column range, on the team's threads (or in turn on this thread with parts > threads). */
function runSplit(n: number, m: number, parts: number, call: (g0: number, g1: number) => KernelCall): void {
  const ranges = splitRange(n, parts, m);
  const team = parts === 2 ? team2 : parts === 3 ? team3 : null;
  if (team !== null && ranges.length === team.threads) team.run(ranges.map(([g0, g1]) => [call(g0, g1)]));
  else for (const [g0, g1] of ranges) k[call(g0, g1)[0]](...call(g0, g1)[1]);
}

const CASES: Array<[n: number, rows: number]> = [
  [16, 1],
  [64, 3],
  [256, 5],
  [1024, 8],
  [4096, 2],
  [4096, 7]
];

describe("team shares of the Switch Net 4 shortcut kernels", () => {
  for (const m of SIMD_GROUP_SIZES) {
    for (const [n, rows] of CASES) {
      if (n <= m) continue;
      it(`give the one-thread kernels' bits: n = ${n}, m = ${m}, ${rows} row(s), split in 1, 2, 3 and 5`, () => {
        const logn = Math.log2(n),
          logm = Math.log2(m),
          s = normalizeScale(n, m);
        const x = resident(values(rows * n, n + rows));
        const w = resident(values(2 * m * n, 3));
        const gw0 = values(2 * m * n, 4);
        const g = resident(values(rows * m, 5).map((v) => (Object.is(v, -0) ? 0 : v)));
        const gy0 = values(rows * n, 6);
        const gw = kernelArray(2 * m * n),
          gwWant = kernelArray(2 * m * n),
          gx = kernelArray(rows * n),
          gxWant = kernelArray(rows * n),
          gy = kernelArray(rows * n),
          gyWant = kernelArray(rows * n);
        const periods = [m, 4 * m, n].filter((p, i, a) => p <= n && a.indexOf(p) === i);
        const patterns = resident(values(rows * n, 7));
        try {
          for (const parts of [1, 2, 3, 5]) {
            const label = `n ${n} m ${m} rows ${rows} parts ${parts}`;
            // head backward, with and without the input gradient
            for (const only of [false, true]) {
              gwWant.set(gw0);
              gw.set(gw0);
              gxWant.fill(7);
              gx.fill(7);
              k[only ? `switch_bwd_w_head_${m}` : `switch_bwd_head_${m}`](
                x.byteOffset,
                g.byteOffset,
                gxWant.byteOffset,
                w.byteOffset,
                gwWant.byteOffset,
                rows,
                n,
                logn,
                logm,
                s
              );
              runSplit(n, m, parts, (g0, g1) => [
                only ? `switch_bwd_w_groups_head_${m}` : `switch_bwd_groups_head_${m}`,
                [x.byteOffset, g.byteOffset, gx.byteOffset, w.byteOffset, gw.byteOffset, rows, n, g0, g1]
              ]);
              expectSameBits(gw, gwWant, `${label} head${only ? " weights only" : ""}: gw`);
              expectSameBits(gx, gxWant, `${label} head${only ? " weights only" : ""}: gx`);
            }
            // weights only: the WHT of gy by rows, then the groups
            gwWant.set(gw0);
            gw.set(gw0);
            gyWant.set(gy0);
            gy.set(gy0);
            k[`switch_bwd_w_${m}`](x.byteOffset, gyWant.byteOffset, 0, 0, gwWant.byteOffset, rows, n, logn, logm, s);
            k.batch(gy.byteOffset, rows, logn, logm, s);
            runSplit(n, m, parts, (g0, g1) => [
              `switch_bwd_w_groups_${m}`,
              [x.byteOffset, gy.byteOffset, 0, 0, gw.byteOffset, rows, n, g0, g1]
            ]);
            expectSameBits(gy, gyWant, `${label} weights only: gy`);
            expectSameBits(gw, gwWant, `${label} weights only: gw`);
            // the periodic first layer's weights
            for (const period of periods) {
              gwWant.set(gw0);
              gw.set(gw0);
              gyWant.set(gy0);
              gy.set(gy0);
              k[`switch_bwd_w_per_${m}`](
                patterns.byteOffset,
                gyWant.byteOffset,
                0,
                w.byteOffset,
                gwWant.byteOffset,
                rows,
                n,
                logn,
                logm,
                s,
                4 * period
              );
              k.batch(gy.byteOffset, rows, logn, logm, s);
              runSplit(n, m, parts, (g0, g1) => [
                `switch_bwd_w_groups_per_${m}`,
                [patterns.byteOffset, gy.byteOffset, 0, w.byteOffset, gw.byteOffset, rows, n, g0, g1, 4 * period]
              ]);
              expectSameBits(gy, gyWant, `${label} periodic ${period}: gy`);
              expectSameBits(gw, gwWant, `${label} periodic ${period}: gw`);
            }
          }
        } finally {
          for (const a of [x, w, g, gw, gwWant, gx, gxWant, gy, gyWant, patterns]) releaseKernelArray(a);
        }
      });
    }
  }
});
