// @vitest-environment jsdom
// The reference stars' labels sit in a key under the chart, where no curve runs through them.
import {describe, expect, it} from "vitest";
import {readFileSync} from "node:fs";
import {
  referenceKey,
  referencePoints,
  throughputChart,
  type Anchors,
  type ThroughputPoint
} from "../../src/components/throughput-chart.js";

const anchors = JSON.parse(readFileSync("src/data/anchors.json", "utf8")) as Anchors;

function point(kernel: string, source: "build" | "browser", n: number, transformsPerSecond: number): ThroughputPoint {
  return {kernel, source, n, transformsPerSecond, nsPerElement: 1e9 / (transformsPerSecond * n)} as ThroughputPoint;
}

describe("reference stars", () => {
  it("are named in a key under the chart, not as text among the curves, with the browser's curves drawn too", () => {
    const points = [16, 1024, 65536, 2 ** 20].flatMap((n) => [
      point("wasm-simd", "build", n, 4e8 / n),
      point("wasm-simd", "browser", n, 2e8 / n)
    ]);
    const chart = throughputChart(points, {width: 900, anchors});
    const svgText = Array.from(chart.querySelectorAll("svg text"))
      .map((t) => t.textContent ?? "")
      .join(" | ");
    expect(svgText).not.toContain("blog post");
    expect(svgText).not.toContain("FFHT published");
    const key = chart.querySelector(".sn-ref-key");
    expect(key?.textContent).toBe(
      "★ the blog post's figure: 5,000/s at 65,536 · ☆ FFHT published (i5-2500), at 2^10 and 2^20"
    );
    // Each star keeps its name as a tooltip.
    expect(Array.from(chart.querySelectorAll("svg title")).map((t) => t.textContent)).toEqual(
      expect.arrayContaining(["the blog post's figure: 5,000/s at 65,536", "FFHT published (i5-2500)"])
    );
  });

  it("the key lists each reference once", () => {
    expect(referenceKey(referencePoints(anchors)).textContent!.match(/★|☆/g)).toEqual(["★", "☆"]);
  });
});
