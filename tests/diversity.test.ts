// The projection's variety (lib/diversity.ts): distinct first-layer features and the rank of the
// switch functions, one round against two, against counts derived by hand from H[j, i]'s bits.
import {describe, expect, it} from "vitest";
import {projectionColumns, projectionDiversity, psdRank} from "../lib/diversity.js";
import {projectionFlips} from "../lib/model.js";
import {resolveSpec} from "../lib/spec.js";
import {project} from "../lib/projection.js";
import {SwitchNetError} from "../lib/check.js";

describe("projectionDiversity", () => {
  it("one round gives a 3-value input 4 distinct features at any width (2^ceil(log2 3)), and 7 switch functions of rank", () => {
    for (const width of [16, 1024, 16384]) {
      for (const projection of ["random", "subrandom"] as const) {
        const d = projectionDiversity({width, inputSize: 3, projection});
        expect(d.distinctFeatures).toBe(4);
        // 2 × 4 switch functions, one of them (the bias input's constant) without a kink: 7 or 8.
        expect(d.switchRank).toBeGreaterThanOrEqual(7);
        expect(d.switchRank).toBeLessThanOrEqual(8);
      }
    }
  });

  it("one round gives a 17-value input 32 distinct features at any width", () => {
    for (const width of [64, 4096]) expect(projectionDiversity({width, inputSize: 17}).distinctFeatures).toBe(32);
  });

  it("two rounds of random flips give a 3-value input more than 0.8·W distinct features and full rank", () => {
    for (const seed of [1, 2, 3]) {
      const d = projectionDiversity({width: 1024, inputSize: 3, projectionRounds: 2, projection: "random", seed});
      // Measured 855, 857, 877 of 1024 up to sign (914–946 counting a feature and its negative apart).
      expect(d.distinctFeatures).toBeGreaterThan(0.8 * 1024);
      expect(d.switchRank).toBe(d.samples);
    }
    // Three rounds: every output its own feature.
    expect(
      projectionDiversity({width: 1024, inputSize: 3, projectionRounds: 3, projection: "random"}).distinctFeatures
    ).toBe(1024);
  });

  it("two rounds of sub-random flips give fewer (about 0.35–0.5·W): the reason the experiment uses random flips there", () => {
    const sub = projectionDiversity({width: 4096, inputSize: 3, projectionRounds: 2, projection: "subrandom"});
    const random = projectionDiversity({width: 4096, inputSize: 3, projectionRounds: 2, projection: "random"});
    expect(sub.distinctFeatures).toBeLessThan(0.6 * 4096);
    expect(sub.distinctFeatures).toBeGreaterThan(0.3 * 4096);
    expect(random.distinctFeatures).toBeGreaterThan(0.9 * 4096);
  });

  it("an input that fills the width needs one round: every feature distinct", () => {
    expect(projectionDiversity({width: 64, inputSize: 64, samples: 40}).distinctFeatures).toBe(64);
  });

  it("uses the model's own projection: its columns equal project() with projectionFlips(spec), round after round", () => {
    const spec = resolveSpec({
      kind: "switchnet4",
      width: 64,
      inputSize: 3,
      outputSize: 2,
      projectionRounds: 3,
      projection: "random",
      seed: 5
    });
    const columns = projectionColumns(spec);
    for (let i = 0; i < 3; i++) {
      const v = new Float32Array(64);
      v[i] = 1;
      for (const flips of projectionFlips(spec)) project(v, flips, true);
      for (let j = 0; j < 64; j++) expect(v[j]).toBeCloseTo(columns[i][j], 6);
      // An orthogonal image of a unit vector: norm 1.
      expect(columns[i].reduce((t, x) => t + x * x, 0)).toBeCloseTo(1, 12);
    }
  });

  it("psdRank finds the rank of a Gram matrix built from known vectors", () => {
    // Five vectors in R^3 (rank 3).
    const vectors = [
      [1, 0, 0],
      [0, 1, 0],
      [1, 1, 0],
      [0, 0, 2],
      [3, -1, 4]
    ];
    const s = vectors.length;
    const gram = new Float64Array(s * s);
    for (let a = 0; a < s; a++)
      for (let b = 0; b < s; b++) gram[a * s + b] = vectors[a].reduce((t, v, i) => t + v * vectors[b][i], 0);
    expect(psdRank(gram, s)).toBe(3);
    expect(psdRank(new Float64Array(4), 2)).toBe(0);
  });

  it("rejects bad options with a SwitchNetError naming the value", () => {
    expect(() => projectionDiversity({width: 48, inputSize: 3})).toThrow(/width must be a power of two, got 48/);
    expect(() => projectionDiversity({width: 16, inputSize: 32})).toThrow(SwitchNetError);
    expect(() => projectionDiversity({width: 16, inputSize: 3, projectionRounds: 5})).toThrow(
      /projectionRounds must be between 1 and 3, got 5/
    );
  });
});
