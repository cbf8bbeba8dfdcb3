// The memorisation-capacity search (doubling then bisection) against known thresholds, and the
// memorisation probe with a real model.
import fc from "fast-check";
import {describe, expect, it} from "vitest";
import {SwitchNetError} from "../lib/check.js";
import {createModel} from "../lib/model.js";
import {searchCapacity, type Probe} from "../lib/experiment/search.js";
import {memoriseProbe} from "../lib/experiment/memorise.js";

/** A model that fits exactly n ≤ capacity. */
const threshold =
  (capacity: number) =>
  (n: number): Probe => ({n, fitted: n <= capacity, error: n <= capacity ? 0 : 1, steps: 1});

describe("searchCapacity", () => {
  it("finds the exact capacity with resolution 0", () => {
    for (const capacity of [1, 2, 15, 16, 17, 100, 1000, 4095]) {
      const r = searchCapacity(threshold(capacity), {start: 16, max: 65536, resolution: 0});
      expect(r.largestFitted, `capacity ${capacity}`).toBe(capacity);
      expect(r.smallestFailed).toBe(capacity + 1);
    }
  });

  it("brackets the capacity within the resolution", () => {
    for (const capacity of [20, 333, 5000, 12345]) {
      const r = searchCapacity(threshold(capacity), {start: 16, max: 65536, resolution: 0.125});
      expect(r.largestFitted).toBeLessThanOrEqual(capacity);
      expect(r.smallestFailed!).toBeGreaterThan(capacity);
      expect(r.smallestFailed! <= r.largestFitted * 1.125 || r.smallestFailed! - r.largestFitted <= 1).toBe(true);
    }
  });

  it("doubles from start before bisecting, and records every probe in order", () => {
    const r = searchCapacity(threshold(100), {start: 16, max: 65536, resolution: 0});
    expect(r.probes.slice(0, 5).map((p) => p.n)).toEqual([16, 32, 64, 128, 96]);
    expect(r.probes.map((p) => p.fitted).slice(0, 4)).toEqual([true, true, true, false]);
  });

  it("reports a capacity of at least max when max itself fits", () => {
    const r = searchCapacity(threshold(1e9), {start: 3, max: 40});
    expect(r.largestFitted).toBe(40);
    expect(r.smallestFailed).toBeNull();
    expect(r.probes.map((p) => p.n)).toEqual([3, 6, 12, 24, 40]);
  });

  it("reports 0 when nothing fits", () => {
    const r = searchCapacity((n) => ({n, fitted: false, error: 1, steps: 0}), {start: 8});
    expect(r.largestFitted).toBe(0);
    expect(r.smallestFailed).toBe(1);
    expect(r.probes.map((p) => p.n)).toEqual([8, 4, 2, 1]);
  });

  it("starts at a guess: two probes when the guess is within the resolution of the capacity", () => {
    // Guess at the capacity: it fits, one step up fails.
    const at = searchCapacity(threshold(1000), {start: 16, resolution: 0.125, guess: 1000});
    expect(at.probes.map((p) => p.n)).toEqual([1000, 1125]);
    expect([at.largestFitted, at.smallestFailed]).toEqual([1000, 1125]);
    // Guess just above it: it fails, one step down fits.
    const above = searchCapacity(threshold(1000), {start: 16, resolution: 0.125, guess: 1100});
    expect(above.probes.map((p) => p.n)).toEqual([1100, 978]);
    expect([above.largestFitted, above.smallestFailed]).toEqual([978, 1100]);
  });

  it("from any guess, brackets the capacity as tightly as the search from start", () => {
    fc.assert(
      fc.property(
        fc.integer({min: 1, max: 20000}),
        fc.integer({min: 1, max: 65536}),
        fc.constantFrom(0, 0.125, 0.5),
        (capacity, guess, resolution) => {
          const r = searchCapacity(threshold(capacity), {start: 16, max: 65536, resolution, guess});
          expect(r.probes[0].n).toBe(guess);
          expect(r.largestFitted).toBeLessThanOrEqual(capacity);
          expect(r.smallestFailed!).toBeGreaterThan(capacity);
          expect(
            r.smallestFailed! <= r.largestFitted * (1 + resolution) || r.smallestFailed! - r.largestFitted <= 1
          ).toBe(true);
          // No n is probed twice.
          expect(new Set(r.probes.map((p) => p.n)).size).toBe(r.probes.length);
        }
      ),
      {seed: 11, numRuns: 300}
    );
  });

  it("goes down to n = 1 from a failing guess when nothing fits, and stops at max when everything does", () => {
    const none = searchCapacity((n) => ({n, fitted: false, error: 1, steps: 0}), {guess: 20, resolution: 0.125});
    expect(none.probes.map((p) => p.n)).toEqual([20, 18, 9, 4, 2, 1]);
    expect([none.largestFitted, none.smallestFailed]).toEqual([0, 1]);
    const one = searchCapacity((n) => ({n, fitted: false, error: 1, steps: 0}), {guess: 1});
    expect(one.probes.map((p) => p.n)).toEqual([1]);
    const all = searchCapacity(threshold(1e9), {start: 3, max: 40, guess: 30, resolution: 0.125});
    expect(all.probes.map((p) => p.n)).toEqual([30, 33, 40]);
    expect([all.largestFitted, all.smallestFailed]).toEqual([40, null]);
  });

  it("rejects bad options and bad probes", () => {
    expect(() => searchCapacity(threshold(5), {guess: 0})).toThrow(/guess must be between 1 and 65536, got 0/);
    expect(() => searchCapacity(threshold(5), {max: 64, guess: 65})).toThrow(/guess must be between 1 and 64, got 65/);
    expect(() => searchCapacity(threshold(5), {guess: 2.5})).toThrow(/guess must be an integer, got 2\.5/);
    expect(() => searchCapacity(threshold(5), {start: 0})).toThrow(SwitchNetError);
    expect(() => searchCapacity(threshold(5), {start: 8, max: 4})).toThrow(/max must be at least 8, got 4/);
    expect(() => searchCapacity((n) => ({n: n + 1, fitted: true, error: 0, steps: 1}))).toThrow(
      /probe\(16\) must return/
    );
  });
});

describe("memoriseProbe", () => {
  const spec = {kind: "switchnet4" as const, inputSize: 5, outputSize: 4, width: 32, depth: 2};
  const options = {
    spec,
    createModel,
    seed: 3,
    biasInput: true,
    threshold: 0.05,
    learningRate: 0.03,
    batchSize: 8,
    maxSteps: 600
  };

  it("fits a few pairs and fails on many more pairs than parameters", () => {
    const few = memoriseProbe(4, options);
    expect(few.fitted).toBe(true);
    expect(few.error).toBeLessThanOrEqual(0.05);
    // 512 parameters cannot hold 1024 × 4 random targets.
    const many = memoriseProbe(1024, options);
    expect(many.fitted).toBe(false);
    expect(many.error).toBeGreaterThan(0.05);
    expect(many.steps).toBeLessThanOrEqual(600);
  });

  it("is reproducible from its seed", () => {
    const a = memoriseProbe(24, options);
    const b = memoriseProbe(24, options);
    expect(a.error).toBe(b.error);
    expect(a.steps).toBe(b.steps);
  });

  it("stops a failing probe when its training error stops improving, or at the cap", () => {
    const many = memoriseProbe(1024, {...options, maxSteps: 20000, lrDecays: 0});
    expect(many.fitted).toBe(false);
    expect(many.plateauReached).toBe(true);
    expect(many.steps).toBeLessThan(20000);
    const capped = memoriseProbe(1024, {...options, maxSteps: 30, lrDecays: 0});
    expect(capped.steps).toBe(30);
    expect(capped.plateauReached).toBe(false);
  });
});
