import {describe, expect, it} from "vitest";
import {
  countOf,
  formatCount,
  formatLoss,
  formatMs,
  formatPercent,
  formatRate3,
  formatSeconds
} from "../../src/components/format.js";

describe("number formats", () => {
  it("groups thousands with commas, as every page writes counts", () => {
    expect(formatCount(65536)).toBe("65,536");
    expect(formatCount(2_096_704)).toBe("2,096,704");
    expect(countOf(1, "run")).toBe("1 run");
    expect(countOf(0, "run")).toBe("0 runs");
    expect(countOf(1448, "candidate")).toBe("1,448 candidates");
    expect(countOf(2, "search", "searches")).toBe("2 searches");
    expect(formatCount(724)).toBe("724");
    expect(formatCount(0)).toBe("0");
    expect(formatCount(1234.5678)).toBe("1,234.568");
  });

  it("writes a loss with fixed decimals, tiny ones in exponent form, missing ones as a dash", () => {
    expect(formatLoss(0.123456)).toBe("0.1235");
    expect(formatLoss(2.5, 2)).toBe("2.50");
    expect(formatLoss(0.0004567)).toBe("4.57e-4");
    expect(formatLoss(0)).toBe("0.0000");
    expect(formatLoss(undefined)).toBe("–");
    expect(formatLoss(NaN)).toBe("–");
    expect(formatLoss(Infinity)).toBe("–");
  });

  it("writes a share as a percentage with one decimal", () => {
    expect(formatPercent(0.8125)).toBe("81.3 %");
    expect(formatPercent(1)).toBe("100.0 %");
    expect(formatPercent(undefined)).toBe("–");
    expect(formatPercent(NaN)).toBe("–");
  });

  it("gives a rate about three significant figures", () => {
    expect(formatRate3(1234.4)).toBe("1,234");
    expect(formatRate3(100)).toBe("100");
    expect(formatRate3(56.74)).toBe("56.7");
    expect(formatRate3(0.8123)).toBe("0.81");
  });

  it("writes seconds coarser as they grow, never as 0 ms", () => {
    expect(formatSeconds(0.85)).toBe("850 ms");
    expect(formatSeconds(0.0001)).toBe("1 ms");
    expect(formatSeconds(4.24)).toBe("4.2 s");
    expect(formatSeconds(73.4)).toBe("73 s");
  });

  it("writes milliseconds, switching to seconds at one second", () => {
    expect(formatMs(12.4)).toBe("12 ms");
    expect(formatMs(999.4)).toBe("999 ms");
    expect(formatMs(1000)).toBe("1.0 s");
    expect(formatMs(1549)).toBe("1.5 s");
  });
});
