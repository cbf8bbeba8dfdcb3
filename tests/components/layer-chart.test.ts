import {describe, expect, it} from "vitest";
import {formatConnections, layerGroup, layerRatios, type LayerPoint} from "../../src/components/layer-chart.js";

const point = (
  kind: "switchnet4" | "dense",
  source: "build" | "browser",
  implementation: string,
  samplesPerSecond: number
): LayerPoint => ({
  model: kind,
  kind,
  width: kind === "dense" ? 1448 : 65536,
  implementation,
  connections: 2e6,
  batch: 1,
  samplesPerSecond,
  source
});

describe("layerRatios", () => {
  it("divides Switch Net 4 speed by dense speed for each group that has both", () => {
    const ratios = layerRatios([
      point("switchnet4", "build", "wasm-simd", 300),
      point("dense", "build", "wasm-simd", 100),
      point("switchnet4", "build", "js", 50),
      point("dense", "browser", "js", 80)
    ]);
    expect(ratios).toEqual([
      {group: "build (node) · wasm-simd · batch 1", source: "build", implementation: "wasm-simd", batch: 1, ratio: 3}
    ]);
  });
  it("names groups by source, implementation and batch", () => {
    expect(layerGroup(point("dense", "browser", "js", 1))).toBe("this browser · js · batch 1");
  });
  it("writes connection counts short", () => {
    expect(formatConnections(2097152)).toBe("2.10M");
    expect(formatConnections(4193408)).toBe("4.19M");
    expect(formatConnections(1500)).toBe("1.5k");
  });
});
