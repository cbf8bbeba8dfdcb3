// Sign flips, input placement, adjust and the projection WHT(D ⊙ v)/√n: values against the
// O(n²) Hadamard matrix, transposes by the dot-product identity, seeded reproducibility.
import {describe, expect, it} from "vitest";
import {
  adjustBackward,
  adjustForward,
  placeBackward,
  placeForward,
  project,
  projectTranspose,
  signFlips
} from "../lib/projection.js";
import {createRng} from "../lib/random.js";
import {whtReference} from "../lib/wht.js";

function randomVector(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return new Float32Array(n).map(() => rng.normal());
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Largest |prefix sum| of a ±1 sequence: how far it drifts from balanced. */
function maxDrift(flips: Float32Array): number {
  let s = 0;
  let worst = 0;
  for (const f of flips) {
    s += f;
    worst = Math.max(worst, Math.abs(s));
  }
  return worst;
}

describe("signFlips", () => {
  for (const kind of ["random", "subrandom"] as const) {
    it(`${kind}: n values of ±1, the same for the same seed, different for another seed`, () => {
      const a = signFlips(1000, {kind, seed: 7});
      expect(a).toHaveLength(1000);
      expect(a.every((v) => v === 1 || v === -1)).toBe(true);
      expect(signFlips(1000, {kind, seed: 7})).toEqual(a);
      expect(signFlips(1000, {kind, seed: 8})).not.toEqual(a);
      // Roughly balanced: both signs common.
      const plus = a.filter((v) => v === 1).length;
      expect(plus).toBeGreaterThan(400);
      expect(plus).toBeLessThan(600);
    });
  }

  it("defaults to the sub-random pattern with seed 1", () => {
    expect(signFlips(64)).toEqual(signFlips(64, {kind: "subrandom", seed: 1}));
  });

  it("subrandom follows frac(c + i·0.6180339887) < 0.5 → −1, with runs of at most 2", () => {
    const flips = signFlips(4096, {kind: "subrandom", seed: 3});
    // Recover the phase from the pattern's definition: every element must agree with one c.
    const c = createRng(3).next();
    for (let i = 0; i < flips.length; i++) {
      const t = c + i * 0.6180339887;
      expect(flips[i]).toBe(t - Math.floor(t) < 0.5 ? -1 : 1);
    }
    let run = 1;
    let longest = 1;
    for (let i = 1; i < flips.length; i++) {
      run = flips[i] === flips[i - 1] ? run + 1 : 1;
      longest = Math.max(longest, run);
    }
    expect(longest).toBe(2);
  });

  it("subrandom stays balanced in every prefix, where random flips drift like √n", () => {
    const n = 65536;
    for (const seed of [1, 2, 3]) {
      // Discrepancy O(log n): at most 8 over 200 seeds at this n (log2 n = 16).
      expect(maxDrift(signFlips(n, {kind: "subrandom", seed}))).toBeLessThanOrEqual(10);
      // A random walk of 65,536 steps drifts ~√n = 256 (at least 125 over 200 seeds).
      expect(maxDrift(signFlips(n, {kind: "random", seed}))).toBeGreaterThan(40);
    }
  });

  it("rejects bad arguments, naming the value", () => {
    expect(() => signFlips(0)).toThrow(/n must be at least 1, got 0/);
    expect(() => signFlips(2.5)).toThrow(/n must be an integer, got 2.5/);
    expect(() => signFlips(8, {kind: "gaussian" as never})).toThrow(
      /kind must be one of "random", "subrandom", got "gaussian"/
    );
    expect(() => signFlips(8, {seed: 0.5})).toThrow(/seed must be an integer, got 0.5/);
    expect(() => signFlips(8, {seed: 0.5})).toThrow(expect.objectContaining({name: "SwitchNetError"}));
  });
});

describe("project", () => {
  it("equals the Hadamard matrix applied to flips ⊙ v, over √n, for every vector of a batch", () => {
    for (const n of [1, 2, 8, 64]) {
      const flips = signFlips(n, {kind: "random", seed: n});
      const v = randomVector(3 * n, n + 1);
      const original = Float64Array.from(v);
      project(v, flips);
      for (let b = 0; b < 3; b++) {
        const flipped = Array.from({length: n}, (_, j) => original[b * n + j] * flips[j]);
        const expected = whtReference(flipped);
        for (let j = 0; j < n; j++) expect(v[b * n + j]).toBeCloseTo(expected[j] / Math.sqrt(n), 5);
      }
    }
  });

  it("without normalisation is the plain WHT of flips ⊙ v", () => {
    const flips = signFlips(16, {kind: "subrandom", seed: 2});
    const v = randomVector(16, 4);
    const expected = whtReference(Array.from(v, (x, j) => x * flips[j]));
    project(v, flips, false);
    for (let j = 0; j < 16; j++) expect(v[j]).toBeCloseTo(expected[j], 4);
  });

  it("is orthogonal: projectTranspose is both its transpose and its inverse", () => {
    const n = 32;
    const flips = signFlips(n, {kind: "random", seed: 9});
    const a = randomVector(2 * n, 1);
    const b = randomVector(2 * n, 2);
    const pa = project(Float32Array.from(a), flips);
    const tb = projectTranspose(Float32Array.from(b), flips);
    expect(dot(pa, b)).toBeCloseTo(dot(a, tb), 4);
    expect(dot(pa, pa)).toBeCloseTo(dot(a, a), 3);
    const back = projectTranspose(Float32Array.from(pa), flips);
    for (let i = 0; i < a.length; i++) expect(back[i]).toBeCloseTo(a[i], 5);
  });

  it("rejects flips that are not a power of two long, or a v that does not hold whole vectors", () => {
    expect(() => project(new Float32Array(12), new Float32Array(6).fill(1))).toThrow(
      /flips.length must be a power of two.*got 6/
    );
    expect(() => project(new Float32Array(12), new Float32Array(8).fill(1))).toThrow(
      /v.length must be a multiple of flips.length 8, got 12/
    );
    expect(() => projectTranspose([1, 2] as never, new Float32Array(2))).toThrow(/v must be a Float32Array/);
  });
});

describe("placement", () => {
  it("pad copies the input and zero-fills the rest of the width", () => {
    const x = Float32Array.of(1, 2, 3, 4, 5, 6);
    const out = new Float32Array(8).fill(9);
    placeForward(x, out, 2, 3, 4, "pad");
    expect(Array.from(out)).toEqual([1, 2, 3, 0, 4, 5, 6, 0]);
  });

  it("repeat tiles the input, scaled by √(k/n), so the norm is kept when k divides n", () => {
    const x = Float32Array.of(1, -2);
    const out = new Float32Array(8);
    placeForward(x, out, 1, 2, 8, "repeat");
    const s = Math.sqrt(2 / 8);
    expect(Array.from(out)).toEqual([1, -2, 1, -2, 1, -2, 1, -2].map((v) => Math.fround(v * s)));
    expect(dot(out, out)).toBeCloseTo(dot(x, x), 5);
    // 3 does not divide 8: the last copy is cut short.
    const y = new Float32Array(8);
    placeForward(Float32Array.of(1, 2, 3), y, 1, 3, 8, "repeat");
    const t = Math.sqrt(3 / 8);
    expect(Array.from(y)).toEqual([1, 2, 3, 1, 2, 3, 1, 2].map((v) => Math.fround(v * t)));
  });

  for (const placement of ["pad", "repeat"] as const) {
    it(`${placement}: the backward is the transpose of the forward`, () => {
      const [batch, k, n] = [3, 5, 16];
      const x = randomVector(batch * k, 1);
      const g = randomVector(batch * n, 2);
      const placed = new Float32Array(batch * n);
      placeForward(x, placed, batch, k, n, placement);
      const gx = new Float32Array(batch * k);
      placeBackward(g, gx, batch, k, n, placement);
      expect(dot(placed, g)).toBeCloseTo(dot(x, gx), 4);
    });
  }
});

describe("adjust", () => {
  it("scales each row to RMS 1 and records the RMS", () => {
    const n = 16;
    const v = randomVector(2 * n, 3);
    v.subarray(n).forEach((_, j) => (v[n + j] *= 5));
    const before = Float64Array.from(v);
    const rms = new Float32Array(2);
    adjustForward(v, rms, 2, n);
    for (let b = 0; b < 2; b++) {
      const row = before.subarray(b * n, (b + 1) * n);
      expect(rms[b]).toBeCloseTo(Math.sqrt(dot(row, row) / n), 5);
      const adjusted = v.subarray(b * n, (b + 1) * n);
      expect(dot(adjusted, adjusted) / n).toBeCloseTo(1, 5);
    }
  });

  it("keeps an all-zero row at zero", () => {
    const v = new Float32Array(8);
    adjustForward(v, new Float32Array(1), 1, 8);
    expect(Array.from(v)).toEqual(new Array(8).fill(0));
  });

  it("has a gradient orthogonal to the input (adjust ignores the scale) that matches central differences", () => {
    const n = 8;
    const v = randomVector(n, 5);
    const g = randomVector(n, 6);
    const u = Float32Array.from(v);
    const rms = new Float32Array(1);
    adjustForward(u, rms, 1, n);
    const gv = Float32Array.from(g);
    adjustBackward(u, rms, gv, 1, n);
    expect(Math.abs(dot(gv, v))).toBeLessThan(1e-5 * Math.sqrt(dot(gv, gv) * dot(v, v)));
    // Central differences of L(v) = g · adjust(v), in float64 (eps small, the map is smooth).
    const loss = (w: Float64Array) => {
      const r = Math.sqrt(dot(w, w) / n + 1e-8);
      return dot(
        g,
        Array.from(w, (x) => x / r)
      );
    };
    for (let j = 0; j < n; j++) {
      const p = Float64Array.from(v);
      const m = Float64Array.from(v);
      p[j] += 1e-5;
      m[j] -= 1e-5;
      expect(gv[j]).toBeCloseTo((loss(p) - loss(m)) / 2e-5, 4);
    }
  });
});
