// The tested-trend table of the Capacity page: one row per trend, in words a reader can check.
import {describe, expect, it} from "vitest";
import type {TrendCheck} from "../../../lib/experiment/summary.js";
import {trendRows} from "../../../src/components/capacity/trend.js";

const check: TrendCheck = {
  contender: "dense",
  width: 1448,
  refWidth: 65536,
  budgets: ["edges"],
  points: [
    {refWidth: 1024, width: 181, capacity: 2300, censored: false},
    {refWidth: 4096, width: 362, capacity: 9000, censored: false},
    {refWidth: 16384, width: 724, capacity: 36000, censored: true}
  ],
  slope: 0.99,
  predicted: 140000.4,
  probes: [
    {factor: Math.SQRT1_2, n: 98995, fitted: true, error: 0.031, steps: 8200, converged: true},
    {factor: Math.SQRT2, n: 197990, fitted: false, error: 0.12, steps: 15000, converged: false}
  ],
  verdict: "holds"
};

describe("trendRows", () => {
  it("names the model, its budget, the measured points, the line and each probe's result", () => {
    expect(trendRows([check])).toEqual([
      [
        "dense 1448",
        "equal connections",
        "2,300 at 1,024, 9,000 at 4,096, 36,000+ at 16,384",
        "0.99",
        "140,000",
        "98,995: fitted (nmse 0.031, 8,200 steps); 197,990: failed (nmse 0.12, 15,000 steps, cap)",
        "holds (within ×1.4)"
      ]
    ]);
  });
  it("writes a Switch Net 4 width with its unit and says when the trend misses", () => {
    const row = trendRows([
      {...check, contender: "switchnet4-m4-r2", width: 65536, budgets: ["params", "edges", "macs"], verdict: "over"}
    ])[0];
    expect(row[0]).toMatch(/, W = 65,536$/);
    expect(row[1]).toBe("equal stored parameters, equal connections, equal multiply-adds");
    expect(row[6]).toBe("over-predicts");
  });
  it("shows a model whose searches fit no pairs at two widths, with no line, prediction or probe", () => {
    const row = trendRows([
      {
        ...check,
        points: check.points.map((p, i) => ({...p, capacity: i === 2 ? 40 : 0})),
        slope: null,
        predicted: null,
        probes: [],
        verdict: "no line"
      }
    ])[0];
    expect(row.slice(2)).toEqual([
      "0 at 1,024, 0 at 4,096, 40+ at 16,384",
      "—",
      "—",
      "none (nothing to predict)",
      "no line: fewer than two widths fit any pairs"
    ]);
  });
});
