// @vitest-environment jsdom
// The Throughput page's batch figure: Switch Net 4 time ÷ dense time per sample against the batch.
import {readFileSync, readdirSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {
  LAYER_MEASURE,
  TRAINING_MEASURE,
  batchRatioChart,
  batchRatioPoints,
  ratioTicks
} from "../../src/components/batch-ratio-chart.js";
import {newestMeasuredRun} from "../../src/components/bench-measured.js";

const row = (kind: string, key: "layer" | "model", batch: number, threads: number, samplesPerSecond: number) => ({
  [key]: kind,
  batch,
  threads,
  samplesPerSecond
});

describe("batchRatioPoints", () => {
  it("divides Switch Net 4's time per sample by dense's (dense samples/s ÷ Switch Net 4 samples/s)", () => {
    const points = batchRatioPoints({
      layerBatches: [
        row("switchnet4", "layer", 1, 1, 400),
        row("dense", "layer", 1, 1, 100),
        row("switchnet4", "layer", 64, 2, 50)
      ],
      training: [
        row("switchnet4", "model", 64, 1, 100),
        row("dense", "model", 64, 1, 150),
        row("dense", "model", 16, 1, 10)
      ]
    });
    expect(points).toEqual([
      {measure: LAYER_MEASURE, batch: 1, threads: 1, timeRatio: 0.25},
      {measure: TRAINING_MEASURE, batch: 64, threads: 1, timeRatio: 1.5}
    ]);
  });
});

describe("ratioTicks", () => {
  it("gives 1, 2, 5 × 10^k inside the range", () => {
    expect(ratioTicks(0.04, 3)).toEqual([0.05, 0.1, 0.2, 0.5, 1, 2]);
    expect(ratioTicks(0.4, 2.5)).toEqual([0.5, 1, 2]);
  });
});

describe("batchRatioChart", () => {
  const files = readdirSync("data/bench")
    .filter((n) => n.endsWith(".json"))
    .map((name) => ({name, json: JSON.parse(readFileSync(`data/bench/${name}`, "utf8"))}));
  const run = newestMeasuredRun(files)!;
  const points = batchRatioPoints(run);

  it("draws every committed point with both measures and thread counts, labelled with units and the machine", () => {
    expect(points.length).toBeGreaterThanOrEqual(8);
    expect(new Set(points.map((p) => p.threads))).toEqual(new Set([1, 2]));
    const chart = batchRatioChart(points, {width: 800, machine: run.machine});
    expect(chart.querySelectorAll("svg circle").length).toBe(points.length);
    const text = chart.textContent ?? "";
    expect(text).toContain(`Measured on ${run.machine}`);
    expect(text).toContain("Switch Net 4 time ÷ dense time, per sample");
    expect(text).toContain("batch size (samples per step, log scale)");
    expect(text).toContain("dashed: 2 threads");
    const texts = Array.from(chart.querySelectorAll("svg text")).map((t) => t.textContent);
    for (const b of ["1", "16", "64", "256"]) expect(texts).toContain(b);
    // A solid and a dashed line per measure.
    const paths = Array.from(chart.querySelectorAll("svg path")).filter((p) => p.closest("g[aria-label='line']"));
    expect(paths.length).toBe(4);
    const dash = (p: Element) => p.closest("g")?.getAttribute("stroke-dasharray") ?? p.getAttribute("stroke-dasharray");
    expect(paths.filter((p) => dash(p) === "6,4").length).toBe(2);
  });
});
