import {describe, expect, it} from "vitest";
import {diversityRows, diversityTicks} from "../../src/components/projection-diversity-chart.js";

describe("the projection-diversity figure", () => {
  it("has one row per width and setting: one round stays at 4 features, two rounds grow with the width", () => {
    const rows = diversityRows([256, 1024], 3, 40);
    expect(rows).toHaveLength(6);
    const one = rows.filter((r) => r.setting === "1 round");
    expect(one.map((r) => r.distinctFeatures)).toEqual([4, 4]);
    const two = rows.filter((r) => r.setting === "2 rounds, random flips");
    expect(two[1].distinctFeatures).toBeGreaterThan(two[0].distinctFeatures);
    expect(two[1].distinctFeatures).toBeGreaterThan(0.8 * 1024);
  });

  it("labels only ticks inside the data, so none is drawn outside the frame", () => {
    const row = (width: number, distinctFeatures: number, switchRank: number) => ({
      width,
      inputSize: 3,
      setting: "1 round",
      distinctFeatures,
      switchRank,
      samples: 120
    });
    // The Capacity page's widths 256 … 65,536: no "64", no "1" below 4 features.
    const capacity = [row(256, 4, 7), row(65536, 65000, 120)];
    expect(diversityTicks(capacity)).toEqual({
      width: [1024, 16384],
      distinctFeatures: [10, 100, 1000, 10000],
      switchRank: [10, 100]
    });
    // The Wiring page's widths 64 … 16,384.
    expect(diversityTicks([row(64, 4, 7), row(16384, 16000, 60)]).width).toEqual([64, 1024, 16384]);
    // Within one decade of widths: round numbers inside it.
    expect(diversityTicks([row(256, 4, 7), row(512, 500, 60)]).width).toEqual([300, 400, 500]);
  });
});
