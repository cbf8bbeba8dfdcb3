import {describe, expect, it} from "vitest";
import {COST_SERIES, costRatio, costRows} from "../../src/components/cost-chart.js";

describe("costRows", () => {
  it("has dense W², Switch Net 4 m·W + W·log2(W/m), 2·m·W stored and m·W active for each width", () => {
    const rows = costRows(4, 2, 16);
    const at = (w: number, s: string) => rows.find((r) => r.width === w && r.series === s)!.value;
    for (let k = 2; k <= 16; k++) {
      const w = 2 ** k;
      expect(at(w, COST_SERIES.dense)).toBe(w * w);
      expect(at(w, COST_SERIES.snActive)).toBe(4 * w);
      expect(at(w, COST_SERIES.snStored)).toBe(8 * w);
      expect(at(w, COST_SERIES.snOps)).toBe(4 * w + w * (k - 2));
    }
    expect(rows).toHaveLength(15 * 4);
    expect(at(65536, COST_SERIES.snStored)).toBe(524288);
  });
  it("starts at the group size when it is larger than the first width", () => {
    const rows = costRows(16, 2, 8);
    expect(Math.min(...rows.map((r) => r.width))).toBe(16);
  });
  it("dense costs more than Switch Net 4 beyond small widths, by a growing factor", () => {
    expect(costRatio(4, 4)).toBe(1); // one 4×4 mini layer is a dense layer
    expect(costRatio(65536, 4)).toBeCloseTo(65536 / 18, 6);
    expect(costRatio(1024, 4)).toBeLessThan(costRatio(4096, 4));
  });
});
