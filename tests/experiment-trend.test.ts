// The memorisation trend: a least-squares line through log₂ N against log₂ reference width, and
// the N it predicts further out.
import fc from "fast-check";
import {describe, expect, it} from "vitest";
import {fitTrend, median, type TrendPoint} from "../lib/experiment/trend.js";

const point = (refWidth: number, capacity: number): TrendPoint => ({
  refWidth,
  width: refWidth,
  capacity,
  seeds: [capacity],
  censored: false
});

describe("fitTrend", () => {
  it("recovers an exact power law and extrapolates it", () => {
    // N = 3 · refWidth^0.75
    const points = [1024, 4096, 16384].map((r) => point(r, 3 * r ** 0.75));
    const t = fitTrend(points, 65536);
    expect(t.slope).toBeCloseTo(0.75, 12);
    expect(t.predicted).toBeCloseTo(3 * 65536 ** 0.75, 6);
    expect(t.refWidth).toBe(65536);
  });

  it("is the least-squares line in log–log coordinates", () => {
    // Capacities 100, 300, 400 at 2^10, 2^12, 2^14: x = 10, 12, 14; y = log2 of each.
    const ys = [100, 300, 400].map(Math.log2);
    const slope =
      ((10 - 12) * (ys[0] - (ys[0] + ys[1] + ys[2]) / 3) + (14 - 12) * (ys[2] - (ys[0] + ys[1] + ys[2]) / 3)) / 8;
    const t = fitTrend([point(1024, 100), point(4096, 300), point(16384, 400)], 65536);
    expect(t.slope).toBeCloseTo(slope, 12);
    expect(Math.log2(t.predicted)).toBeCloseTo((ys[0] + ys[1] + ys[2]) / 3 + slope * 4, 12);
  });

  it("passes through two points exactly, for any positive capacities", () => {
    fc.assert(
      fc.property(fc.integer({min: 1, max: 100000}), fc.integer({min: 1, max: 100000}), (a, b) => {
        const t = fitTrend([point(256, a), point(1024, b)], 1024);
        expect(t.predicted).toBeCloseTo(b, 6);
        expect(fitTrend([point(256, a), point(1024, b)], 256).predicted).toBeCloseTo(a, 6);
      })
    );
  });

  it("refuses what no line goes through, naming the point", () => {
    expect(() => fitTrend([point(1024, 5)], 65536)).toThrow(/at least 2 searched widths, got 1/);
    expect(() => fitTrend([point(1024, 5), point(4096, 0)], 65536)).toThrow(
      /capacity above 0, got 0 at reference width 4096/
    );
    expect(() => fitTrend([point(1024, 5), point(1024, 7)], 65536)).toThrow(
      /2 distinct reference widths, got 1024, 1024/
    );
  });
});

describe("median", () => {
  it("takes the middle value, or the mean of the middle two", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(() => median([])).toThrow(/at least one value/);
  });
});
