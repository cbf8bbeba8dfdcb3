import {describe, expect, it} from "vitest";
import {layerLabel, toLayerPoints, toThroughputPoints} from "../../src/components/bench-results.js";

describe("toThroughputPoints", () => {
  it("keeps kernel, size and rates, tags the source and drops unusable rows", () => {
    const points = toThroughputPoints({rows: [
      {kernel: "scalar", n: 1024, transformsPerSecond: 2e5, nsPerElement: 4.88, minMs: 0.004, maxMs: 0.006},
      {kernel: "scalar", n: 2048, transformsPerSecond: Number.NaN, nsPerElement: 0},
      {kernel: "radix2", n: 16, transformsPerSecond: 0, nsPerElement: 0}
    ]}, "browser");
    expect(points).toEqual([{kernel: "scalar", n: 1024, transformsPerSecond: 2e5, nsPerElement: 4.88, source: "browser"}]);
  });
});

describe("toLayerPoints", () => {
  it("labels Switch Net 4 and dense rows and drops other kinds", () => {
    const points = toLayerPoints({rows: [
      {kind: "switchnet4", width: 65536, pass: "forward", batch: 1, samplesPerSecond: 120},
      {kind: "dense", width: 1448, pass: "forward", batch: 1, samplesPerSecond: 90},
      {kind: "butterfly", width: 65536, pass: "forward", batch: 1, samplesPerSecond: 10}
    ]}, "build");
    expect(points.map((p) => p.model)).toEqual(["Switch Net 4, W = 65,536", "dense, W = 1,448"]);
    expect(points.every((p) => p.source === "build")).toBe(true);
    expect(layerLabel("dense", 1448)).toBe("dense, W = 1,448");
  });
});
