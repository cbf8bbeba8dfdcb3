// The memorisation-capacity search (doubling then bisection) against known thresholds, and the
// memorisation probe with a real model.
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

  it("rejects bad options and bad probes", () => {
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
