import {describe, expect, it} from "vitest";
import {layerRatios, type LayerPoint} from "../../src/components/layer-chart.js";

const point = (kind: "switchnet4" | "dense", source: "build" | "browser", pass: string, samplesPerSecond: number): LayerPoint => ({
  model: kind, kind, width: kind === "dense" ? 1448 : 65536, pass, batch: 1, samplesPerSecond, source
});

describe("layerRatios", () => {
  it("divides Switch Net 4 speed by dense speed for each source and pass that has both", () => {
    const ratios = layerRatios([
      point("switchnet4", "build", "forward", 300),
      point("dense", "build", "forward", 100),
      point("switchnet4", "build", "forward + backward", 50),
      point("dense", "browser", "forward", 80)
    ]);
    expect(ratios).toEqual([{source: "build", pass: "forward", ratio: 3}]);
  });
});
