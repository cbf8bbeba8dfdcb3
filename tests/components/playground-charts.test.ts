import {describe, expect, it} from "vitest";
import {appendHistory, historyRows, type HistoryPoint} from "../../src/components/playground-charts.js";

describe("loss history", () => {
  it("keeps every point until the cap, then halves the older ones and keeps the newest", () => {
    let history: HistoryPoint[] = [];
    for (let step = 0; step < 10; step++) history = appendHistory(history, {step, trainLoss: 1 / (step + 1), testLoss: 1}, 8);
    // 9 points → halved to the even indices of the first 8, plus the newest (8); then step 9.
    expect(history.map((p) => p.step)).toEqual([0, 2, 4, 6, 8, 9]);
    for (let step = 10; step < 1000; step++) history = appendHistory(history, {step, trainLoss: 1, testLoss: 1}, 8);
    expect(history.length).toBeLessThanOrEqual(8);
    expect(history[0].step).toBe(0);
    expect(history.at(-1)!.step).toBe(999);
    for (let i = 1; i < history.length; i++) expect(history[i].step).toBeGreaterThan(history[i - 1].step);
  });

  it("turns points into long rows, skipping values that are missing or not finite", () => {
    const history: HistoryPoint[] = [
      {step: 0, trainLoss: 0.7, testLoss: 0.69, trainAccuracy: 0.5, testAccuracy: 0.45},
      {step: 10, trainLoss: NaN, testLoss: 0.5}
    ];
    expect(historyRows(history, "loss")).toEqual([
      {step: 0, value: 0.7, series: "train"},
      {step: 0, value: 0.69, series: "test"},
      {step: 10, value: 0.5, series: "test"}
    ]);
    expect(historyRows(history, "accuracy")).toEqual([
      {step: 0, value: 0.5, series: "train"},
      {step: 0, value: 0.45, series: "test"}
    ]);
  });
});
