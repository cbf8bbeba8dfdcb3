// @vitest-environment jsdom
// The Capacity page's seed's-point figure drawn: one dot per run, hollow (white fill) for a run that
// hit the step cap, in its contender's colour; one panel per task.
import {describe, expect, it} from "vitest";
import {contenderColor, label} from "../../../src/components/capacity/colors.js";
import {seedPointChart, seedPointRows} from "../../../src/components/capacity/seedpoint-chart.js";
import {seedRun} from "./seed-runs.js";

const run = seedRun;

const colorOf = (contender: string) => {
  const c = contenderColor();
  return c.range[c.domain.indexOf(label(contender))];
};

describe("seedPointChart", () => {
  it("draws every run, capped ones hollow in their contender's colour", () => {
    const rows = seedPointRows(
      [
        run("image", "switchnet4-m4", 65536, 1, 0.0715, false),
        run("image", "dense", 724, 1, 0.012),
        run("image", "dense", 724, 2, 0.014),
        run("image", "dense", 724, 3, 0.02),
        run("smooth", "switchnet4-m4-r2", 65536, 1, 0.013, false),
        run("smooth", "switchnet4-m4-r2", 65536, 2, 0.012)
      ],
      {image: "picture", smooth: "smooth target"}
    );
    const box = seedPointChart(rows, {width: 640});
    const svgs = [...box.querySelectorAll("svg")].filter((s) => s.querySelector("circle"));
    expect(svgs.length).toBe(2);
    const dots = (svg: Element) =>
      [...svg.querySelectorAll("circle")].map((c) => [
        c.getAttribute("fill") ?? c.parentElement?.getAttribute("fill"),
        c.getAttribute("stroke") ?? c.parentElement?.getAttribute("stroke")
      ]);
    const picture = dots(svgs[0]);
    expect(picture.length).toBe(4);
    expect(picture.filter(([fill]) => fill === "white")).toEqual([["white", colorOf("switchnet4-m4")]]);
    expect(picture.filter(([fill]) => fill === colorOf("dense")).length).toBe(3);
    const smooth = dots(svgs[1]);
    expect(smooth.map(([fill]) => fill).sort()).toEqual([colorOf("switchnet4-m4-r2"), "white"].sort());
    expect(smooth.every(([, stroke]) => stroke === colorOf("switchnet4-m4-r2"))).toBe(true);
  });
});
