import {describe, expect, it} from "vitest";
import {projectionDiversity} from "../../lib/diversity.js";
import {DIVERSITY_SETTINGS, diversityRows, diversityTicks} from "../../src/components/projection-diversity-chart.js";

describe("the projection-diversity figure", () => {
  it("has one row per width and setting, each the library's projectionDiversity for that setting", () => {
    const rows = diversityRows([256, 1024], 3, 40);
    expect(rows.map((r) => [r.width, r.setting])).toEqual(
      [256, 1024].flatMap((w) => DIVERSITY_SETTINGS.map((s) => [w, s.setting]))
    );
    for (const row of rows) {
      const setting = DIVERSITY_SETTINGS.find((s) => s.setting === row.setting)!;
      const d = projectionDiversity({
        width: row.width,
        inputSize: 3,
        projectionRounds: setting.projectionRounds,
        projection: setting.projection,
        samples: 40
      });
      expect(row).toEqual({
        width: row.width,
        inputSize: 3,
        setting: row.setting,
        distinctFeatures: d.distinctFeatures,
        switchRank: d.switchRank,
        samples: 40
      });
    }
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
