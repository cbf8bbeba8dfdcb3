import {describe, expect, it} from "vitest";
import {layerLabel, toLayerPoints, toThroughputPoints} from "../../src/components/bench-results.js";

describe("toThroughputPoints", () => {
  it("keeps kernel, size and rates, tags the source and drops unusable rows", () => {
    const points = toThroughputPoints(
      {
        rows: [
          {kernel: "scalar", n: 1024, transformsPerSecond: 2e5, nsPerElement: 4.88, minMs: 0.004, maxMs: 0.006},
          {kernel: "scalar", n: 2048, transformsPerSecond: Number.NaN, nsPerElement: 0},
          {kernel: "radix2", n: 16, transformsPerSecond: 0, nsPerElement: 0}
        ]
      },
      "browser"
    );
    expect(points).toEqual([
      {kernel: "scalar", n: 1024, transformsPerSecond: 2e5, nsPerElement: 4.88, source: "browser"}
    ]);
  });
});

describe("toLayerPoints", () => {
  it("labels Switch Net 4 and dense rows, marks createModel rows and drops other kinds", () => {
    const points = toLayerPoints(
      {
        rows: [
          {
            layer: "switchnet4",
            implementation: "wasm-simd",
            width: 65536,
            connections: 2097152,
            batch: 1,
            samplesPerSecond: 120
          },
          {
            layer: "dense",
            implementation: "wasm-simd",
            width: 1448,
            connections: 2096704,
            batch: 1,
            samplesPerSecond: 90
          },
          {
            layer: "switchnet4 model",
            implementation: "js",
            width: 65536,
            connections: 2097152,
            batch: 1,
            samplesPerSecond: 30
          },
          {
            layer: "dense model",
            implementation: "wasm-simd (model arrays)",
            width: 1448,
            connections: 4193408,
            batch: 1,
            samplesPerSecond: 25
          },
          {layer: "butterfly", implementation: "js", width: 65536, connections: 1, batch: 1, samplesPerSecond: 10},
          {
            layer: "dense",
            implementation: "js",
            width: 1448,
            connections: 2096704,
            batch: 1,
            samplesPerSecond: Number.NaN
          }
        ]
      },
      "build"
    );
    expect(points.map((p) => [p.model, p.implementation])).toEqual([
      ["Switch Net 4, W = 65,536", "wasm-simd"],
      ["dense, W = 1,448", "wasm-simd"],
      ["Switch Net 4, W = 65,536", "createModel (js)"],
      ["dense, W = 1,448", "createModel (wasm-simd)"]
    ]);
    expect(points.every((p) => p.source === "build")).toBe(true);
    expect(layerLabel("dense", 1448)).toBe("dense, W = 1,448");
  });
});
