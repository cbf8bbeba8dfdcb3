import {describe, expect, it} from "vitest";
import {
  WEIGHT_SERIES,
  partnerSummary,
  switchNetPartner,
  weightsRow,
  weightsRows,
  weightsSeries
} from "../../src/components/weights-table.js";

describe("weightsRow", () => {
  it("gives the seed's numbers at W = 65,536 (m = 4)", () => {
    const r = weightsRow(65536, 4);
    expect(r.edgesPerPoint).toBe(32); // 2·log2 W
    expect(r.learnedPerPoint).toBe(4);
    expect(r.fixedPerPoint).toBe(28);
    expect(r.storedPerPoint).toBe(8);
    expect(r.activePerPoint).toBe(4);
    expect(r.densePerPoint).toBe(65536);
    expect(r.edges).toBe(2_097_152);
    expect(r.stored).toBe(524_288);
    expect(r.active).toBe(262_144);
    expect(r.denseByEdges).toBe(1448);
    expect(r.denseByStored).toBe(724);
    expect(r.denseByActive).toBe(512);
  });
  it("counts 48 edges at W = 8 (not 64)", () => {
    expect(weightsRow(8, 4).edges).toBe(48);
    expect(weightsRow(8, 4).edgesPerPoint * 8).toBe(48);
  });
  it("edges per point are 2·log2 W for m = 4 and m + 2·log2(W/m) in general", () => {
    for (const r of weightsRows(4, 20)) expect(r.edgesPerPoint).toBe(2 * Math.log2(r.width));
    for (const m of [1, 2, 8, 16]) {
      for (const r of weightsRows(m, 12)) {
        expect(r.edgesPerPoint).toBe(m + 2 * Math.log2(r.width / m));
        expect(r.learnedPerPoint + r.fixedPerPoint).toBe(r.edgesPerPoint);
      }
    }
  });
});

describe("weightsRows and weightsSeries", () => {
  it("covers every power of two from max(4, m) up to 2^maxLog2", () => {
    expect(weightsRows(4, 20).map((r) => r.width)).toEqual(Array.from({length: 19}, (_, i) => 2 ** (i + 2)));
    expect(weightsRows(16, 6).map((r) => r.width)).toEqual([16, 32, 64]);
    expect(() => weightsRows(4, 1)).toThrow(/maxLog2 must be between 2 and 30, got 1/);
  });
  it("drops zero values (log axes) and keeps fixed edges apart from weights", () => {
    const series = weightsSeries(weightsRows(4, 6));
    // W = 4: no fixed stage with m = 4.
    expect(series.find((p) => p.width === 4 && p.series === WEIGHT_SERIES.fixed)).toBeUndefined();
    expect(series.find((p) => p.width === 64 && p.series === WEIGHT_SERIES.fixed)!.value).toBe(8);
    expect(series.every((p) => p.value > 0)).toBe(true);
  });
});

describe("switchNetPartner and partnerSummary", () => {
  it("maps dense 1448 to Switch Net 4 65,536 and back", () => {
    expect(switchNetPartner(1448)).toBe(65536);
    expect(partnerSummary(65536).denseByEdges).toBe(1448);
    expect(partnerSummary(65536).denseWeightsByEdges).toBe(2_096_704);
  });
  it("adds the learned butterfly of the same width: 2·W·log2 W weights used, plus 2·W stored", () => {
    const p = partnerSummary(65536);
    expect(p.butterflyActive).toBe(2 * 65536 * 16);
    expect(p.butterflyStored).toBe(2 * 65536 * 16 + 2 * 65536);
    expect(p.denseByButterfly).toBe(1448); // the spec: it matches a 1448-wide dense layer
  });
  it("picks the nearest width on a log scale", () => {
    for (const w of [256, 4096, 1 << 20]) {
      const d = partnerSummary(w).denseByEdges;
      expect(switchNetPartner(d)).toBe(w);
    }
  });
  it("rejects bad widths", () => {
    expect(() => switchNetPartner(1)).toThrow(/denseWidth must be between 2 and 16777216, got 1/);
    expect(() => partnerSummary(1000)).toThrow(/width must be a power of two/);
  });
});
