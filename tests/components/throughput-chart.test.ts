import {describe, expect, it} from "vitest";
import {readFileSync} from "node:fs";
import {
  anchorRows,
  cacheMarkers,
  formatBytes,
  formatRate,
  nsPerElement,
  ratePerSecond,
  referencePoints,
  type Anchors
} from "../../src/components/throughput-chart.js";
import {cacheLevels, parseCacheSize} from "../../src/components/machine-info.js";

const anchors = JSON.parse(readFileSync(new URL("../../src/data/anchors.json", import.meta.url), "utf8")) as Anchors;

describe("rates", () => {
  it("converts transforms per second to nanoseconds per element", () => {
    // The seed's claim: 5,000 transforms of 65,536 points per second ≈ 3.05 ns per element.
    expect(nsPerElement(65536, 5000)).toBeCloseTo(3.0518, 4);
    expect(ratePerSecond(2.26e-3)).toBeCloseTo(442.48, 2);
  });
  it("formats rates and byte sizes for labels", () => {
    expect(formatRate(89.6e6)).toBe("90M");
    expect(formatRate(2.02e6)).toBe("2.0M");
    expect(formatRate(39300)).toBe("39k");
    expect(formatRate(5000)).toBe("5.0k");
    expect(formatRate(431)).toBe("431");
    expect(formatRate(3.1)).toBe("3.1");
    expect(formatBytes(49152)).toBe("48 KiB");
    expect(formatBytes(2 ** 25)).toBe("32 MiB");
  });
});

describe("anchors", () => {
  it("agree with ANCHORS.md: each row's ns per element matches its rate (±5 %, the table's rounding)", () => {
    const rows = anchorRows(anchors, 16, 2 ** 24);
    expect(rows.length).toBe(40);
    for (const r of rows) expect(nsPerElement(r.n, r.transformsPerSecond) / r.nsPerElement).toBeGreaterThan(0.95);
    for (const r of rows) expect(nsPerElement(r.n, r.transformsPerSecond) / r.nsPerElement).toBeLessThan(1.05);
    expect(anchorRows(anchors).every((r) => r.n <= 2 ** 22)).toBe(true);
  });
  it("reference points: the seed's claim and FFHT's published 2^10 and 2^20 (2^27 is off the axis)", () => {
    const refs = referencePoints(anchors);
    expect(refs.map((r) => r.n)).toEqual([65536, 1024, 1048576]);
    expect(refs[0].transformsPerSecond).toBe(5000);
    expect(refs[1].transformsPerSecond).toBeCloseTo(1 / 0.76e-6, 0);
  });
});

describe("caches", () => {
  it("parses /sys cache sizes and marks where one float32 vector fills each data cache", () => {
    expect(parseCacheSize("48K")).toBe(49152);
    expect(parseCacheSize("32768K")).toBe(2 ** 25);
    expect(parseCacheSize("1M")).toBe(2 ** 20);
    expect(parseCacheSize("nonsense")).toBeNull();
    const levels = cacheLevels([
      {level: "2", type: "Unified", size: "1024K"},
      {level: "1", type: "Instruction", size: "32K"},
      {level: "1", type: "Data", size: "48K"},
      {level: "3", type: "Unified", size: "32768K"},
      {level: "x", type: "Data", size: "1K"}
    ]);
    expect(levels.map((l) => `${l.level}${l.type[0]}`)).toEqual(["1D", "1I", "2U", "3U"]);
    expect(cacheMarkers(levels)).toEqual([
      {label: "L1d 48 KiB", n: 12288, bytes: 49152},
      {label: "L2 1 MiB", n: 262144, bytes: 2 ** 20},
      {label: "L3 32 MiB", n: 2 ** 23, bytes: 2 ** 25}
    ]);
  });
});
