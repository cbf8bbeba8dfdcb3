// @vitest-environment jsdom
import {describe, expect, it} from "vitest";
import {
  appendHistory,
  historyChart,
  historyRows,
  logTicks,
  type HistoryPoint
} from "../../../src/components/playground/charts.js";

describe("loss history", () => {
  it("keeps every point until the cap, then halves the older ones and keeps the newest", () => {
    let history: HistoryPoint[] = [];
    for (let step = 0; step < 10; step++)
      history = appendHistory(history, {step, trainLoss: 1 / (step + 1), testLoss: 1}, 8);
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

describe("loss chart", () => {
  it("before the first step is a labelled placeholder, not empty axes", () => {
    const chart = historyChart([{step: 0, trainLoss: 0.7, testLoss: 0.7}], {width: 300, metric: "loss"});
    expect(chart.tagName).toBe("DIV");
    expect(chart.textContent).toBe("Loss against steps: drawn from the first step on (press Play or Step)");
    const seconds = historyChart([{step: 0, seconds: 0, trainLoss: 0.7, testLoss: 0.7}], {
      width: 300,
      metric: "accuracy",
      axis: "seconds"
    });
    expect(seconds.textContent).toContain("Accuracy against seconds of training");
  });

  it("puts steps on a log axis labelled by powers of ten, so early learning stays visible after 66,000 steps", () => {
    const history: HistoryPoint[] = [0, 10, 100, 1000, 10_000, 66_000].map((step) => ({
      step,
      seconds: step / 4400,
      trainLoss: 1 / (1 + step),
      testLoss: 1.1 / (1 + step)
    }));
    const chart = historyChart(history, {width: 320, metric: "loss"});
    const labels = Array.from(chart.querySelectorAll("[aria-label='x-axis tick label'] text")).map(
      (t) => t.textContent
    );
    expect(labels).toEqual(["10", "100", "1k", "10k"]);
    expect(chart.querySelector("[aria-label='x-axis label']")?.textContent).toContain("step (log scale)");
    const byTime = historyChart(history, {width: 320, metric: "loss", axis: "seconds"});
    expect(
      Array.from(byTime.querySelectorAll("[aria-label='x-axis tick label'] text")).map((t) => t.textContent)
    ).toEqual(["0.01", "0.1", "1", "10"]);
  });

  it("labels a loss that moves within one decade with round numbers, and several decades by powers of ten", () => {
    expect(logTicks([0.19, 0.35])).toEqual([0.2, 0.25, 0.3, 0.35]);
    expect(logTicks([0.004, 0.5, 2])).toEqual([0.01, 0.1, 1]);
    expect(logTicks([0.3])).toEqual([0.3]);
    expect(logTicks([])).toEqual([]);
  });
});
