import {describe, expect, it} from "vitest";
import {errorRows, type SummaryLike} from "../../src/components/capacity-error-chart.js";
import {capacityRows} from "../../src/components/capacity-memorise-chart.js";
import {placementRatios, placementRows} from "../../src/components/capacity-placement.js";
import {BUDGET_SHORT, label} from "../../src/components/capacity-colors.js";

const stat = (mean: number, min: number, max: number, n = 3) => ({mean, sd: 0, min, max, n});

function row(task: string, budget: string, refWidth: number, contender: string, width: number, plateau: number | null, fixed: number | null = null): SummaryLike {
  return {
    task, budget, refWidth, target: refWidth * 32, contender, width, ratio: 1, seeds: [1, 2, 3],
    fixed: fixed === null ? null : stat(fixed, fixed * 0.9, fixed * 1.1),
    plateau: plateau === null ? null : stat(plateau, plateau * 0.8, plateau * 1.2),
    steps: {mean: 2000}, plateaus: 1
  };
}

describe("capacity figures' rows", () => {
  const summary = [
    row("smooth", "edges", 1024, "switchnet4-m4", 1024, 0.05, 0.1),
    row("smooth", "edges", 1024, "dense", 143, 0.07, null),
    row("image", "edges", 1024, "dense", 143, 0.2, 0.3)
  ];
  it("errorRows picks one task and moment, names budgets and contenders plainly, drops missing moments", () => {
    const plateau = errorRows(summary, "smooth", "plateau");
    expect(plateau.map((r) => [r.contender, r.mean, r.min, r.max])).toEqual([
      ["Switch Net 4 (m = 4)", 0.05, 0.05 * 0.8, 0.05 * 1.2], ["dense", 0.07, 0.07 * 0.8, 0.07 * 1.2]
    ]);
    expect(plateau[0].budget).toBe(BUDGET_SHORT.edges);
    expect(errorRows(summary, "smooth", "fixed").map((r) => r.contender)).toEqual([label("switchnet4-m4")]);
  });
  it("capacityRows keeps memorisation rows with a capacity", () => {
    const mem = {...row("memorise", "params", 256, "dense", 45, null), parameterCount: 4000, capacity: stat(150, 144, 160), capacityPerParameter: {mean: 0.0375}};
    const none = {...mem, contender: "switchnet4-m4", capacity: null, capacityPerParameter: null};
    expect(capacityRows([mem, none])).toEqual([{
      budget: "equal stored parameters", refWidth: 256, target: 256 * 32, contender: "dense", width: 45, parameterCount: 4000,
      mean: 150, min: 144, max: 160, seeds: 3, perParameter: 0.0375
    }]);
  });
});

describe("placement check", () => {
  const pad = [
    row("image", "edges", 256, "switchnet4-m4", 256, 0.4),
    row("image", "edges", 256, "dense", 32, 0.2),
    row("image", "edges", 65536, "switchnet4-m4", 65536, 0.44), // no repeat run at this width: left out
    row("image", "params", 256, "switchnet4-m4", 256, 0.4) // another budget: left out
  ];
  const repeat = [row("image", "edges", 256, "switchnet4-m4", 256, 0.1)];
  it("joins the padded and repeated runs at the widths the repeat sweep has, with dense as yardstick", () => {
    const rows = placementRows(pad, repeat, "image");
    expect(rows.map((r) => [r.contender, r.placement, r.refWidth, r.mean])).toEqual([
      ["Switch Net 4 (m = 4)", "pad", 256, 0.4], ["dense", "dense", 256, 0.2], ["Switch Net 4 (m = 4)", "repeat", 256, 0.1]
    ]);
    expect(placementRatios(rows)).toEqual([{contender: "Switch Net 4 (m = 4)", refWidth: 256, ratio: 0.1 / 0.4}]);
  });
  it("has nothing to show when the repeat sweep has no runs of the task", () => {
    expect(placementRows(pad, repeat, "smooth")).toEqual([]);
  });
});
