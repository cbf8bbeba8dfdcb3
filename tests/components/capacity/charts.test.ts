import {describe, expect, it} from "vitest";
import {errorRows, type SummaryLike} from "../../../src/components/capacity/error-chart.js";
import {capacityRows} from "../../../src/components/capacity/memorise-chart.js";
import {BUDGET_SHORT, budgetTicks, label} from "../../../src/components/capacity/colors.js";
import {
  answerCells,
  answerGridRows,
  answerRows,
  cappedText,
  errorText
} from "../../../src/components/capacity/answer.js";
import {tuneTableRows} from "../../../src/components/capacity/tables.js";
import {meanRows, seedPointRows} from "../../../src/components/capacity/seedpoint-chart.js";
import {seedRun} from "./seed-runs.js";

const stat = (mean: number, min: number, max: number, n = 3) => ({mean, sd: 0, min, max, n});

function row(
  task: string,
  budget: string,
  refWidth: number,
  contender: string,
  width: number,
  plateau: number | null,
  fixed: number | null = null
): SummaryLike {
  return {
    task,
    budget,
    refWidth,
    target: refWidth * 32,
    contender,
    width,
    ratio: 1,
    seeds: [1, 2, 3],
    fixed: fixed === null ? null : stat(fixed, fixed * 0.9, fixed * 1.1),
    plateau: plateau === null ? null : stat(plateau, plateau * 0.8, plateau * 1.2),
    steps: {mean: 2000},
    plateaus: 1
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
      ["Switch Net 4, 1 round", 0.05, 0.05 * 0.8, 0.05 * 1.2],
      ["dense", 0.07, 0.07 * 0.8, 0.07 * 1.2]
    ]);
    expect(plateau[0].budget).toBe(BUDGET_SHORT.edges);
    expect(errorRows(summary, "smooth", "fixed").map((r) => r.contender)).toEqual([label("switchnet4-m4")]);
  });
  it("capacityRows keeps memorisation rows with a capacity", () => {
    const mem = {
      ...row("memorise", "params", 256, "dense", 45, null),
      parameterCount: 4000,
      capacity: stat(150, 144, 160),
      capacityPerParameter: {mean: 0.0375}
    };
    const none = {...mem, contender: "switchnet4-m4", capacity: null, capacityPerParameter: null};
    expect(capacityRows([mem, none])).toEqual([
      {
        budget: "equal stored parameters",
        refWidth: 256,
        target: 256 * 32,
        contender: "dense",
        width: 45,
        parameterCount: 4000,
        mean: 150,
        min: 144,
        max: 160,
        seeds: 3,
        perParameter: 0.0375
      }
    ]);
  });
});

describe("the answer table", () => {
  const cell = (
    budget: string,
    contender: string,
    width: number,
    mean: number,
    sd: number,
    min: number,
    max: number,
    n = 3,
    plateaus = 3
  ) => ({
    task: "smooth",
    budget,
    refWidth: 65536,
    contender,
    width,
    fixed: null,
    capacity: null,
    plateaus,
    seeds: [1, 2, 3].slice(0, n),
    plateau: {mean, sd, min, max, n}
  });
  const summary = [
    cell("edges", "dense", 1448, 0.03, 0.002, 0.028, 0.032),
    cell("edges", "switchnet4-m4-r2", 65536, 0.02, 0.001, 0.019, 0.021, 3, 2),
    cell("params", "dense", 724, 0.03, 0.01, 0.02, 0.04),
    cell("params", "switchnet4-m4-r2", 65536, 0.025, 0.01, 0.02, 0.035),
    cell("macs", "switchnet4-m4-r2", 65536, 0.02, 0.001, 0.019, 0.021, 2),
    cell("macs", "dense", 512, 0.04, 0.001, 0.039, 0.041)
  ];
  const planned = {"smooth|edges": 2, "smooth|params": 2, "smooth|macs": 2, "classify|edges": 2};

  it("ranks by mean, calls a result clear only when the seeds' ranges do not overlap, and waits for every seed", () => {
    const cells = answerCells(summary, 65536, ["smooth", "classify"], ["edges", "params", "macs"], planned, 3);
    const by = (task: string, budget: string) => cells.find((c) => c.task === task && c.budget === budget)!;
    expect(by("smooth", "edges").standings.map((s) => s.contender)).toEqual(["switchnet4-m4-r2", "dense"]);
    expect(by("smooth", "edges").verdict).toBe("clear");
    expect(by("smooth", "edges").factor).toBeCloseTo(1.5, 12);
    expect(by("smooth", "edges").converged).toBe(5);
    expect(by("smooth", "edges").runs).toBe(6);
    expect(by("smooth", "params").verdict).toBe("tie");
    // Two of three seeds: pending, whatever the numbers say.
    expect(by("smooth", "macs").verdict).toBe("pending");
    // Nothing at all yet.
    expect(by("classify", "edges")).toMatchObject({verdict: "pending", standings: [], factor: null, runs: 0});
  });

  it("gives an error with its spread over seeds, and no spread for a single seed", () => {
    expect(errorText({mean: 0.0716, sd: 0.004, seeds: 3}, false)).toBe("0.072 ± 0.004");
    expect(errorText({mean: 0.0716, sd: 0, seeds: 1}, false)).toBe("0.072 (1 seed)");
    expect(errorText({mean: 0.03, sd: 0.0021, seeds: 2}, true)).toBe("3.0 ± 0.2 %");
    expect(errorText({mean: 0.03, sd: 0, seeds: 1}, true)).toBe("3.0 % (1 seed)");
  });

  it("writes each cell as a row a reader can read: names with widths, error ± sd (percent for the spiral), verdict, converged", () => {
    const rows = answerRows(answerCells(summary, 65536, ["smooth"], ["edges", "params"], planned, 3), {
      smooth: "smooth target"
    });
    expect(rows[0]).toEqual([
      "smooth target",
      "equal connections",
      "Switch Net 4, 2 rounds (65,536)",
      "0.020 ± 0.001",
      "dense (1,448)",
      "0.030 ± 0.002",
      "Switch Net 4, 2 rounds ahead, ×1.50",
      "5 of 6 (Switch Net 4, 2 rounds: 1 at the step cap)"
    ]);
    expect(rows[1][6]).toBe("tie within the seeds' spread");
    // Two Switch Net 4 variants ahead of dense: the comparison is with dense, not with the second variant.
    const variants = answerCells(
      [...summary.slice(0, 2), cell("edges", "switchnet4-m4", 65536, 0.021, 0.001, 0.02, 0.022)],
      65536,
      ["smooth"],
      ["edges"],
      {"smooth|edges": 3},
      3
    )[0];
    expect(variants.standings.map((s) => s.contender)).toEqual(["switchnet4-m4-r2", "switchnet4-m4", "dense"]);
    expect(variants.rival?.contender).toBe("dense");
    expect(variants.verdict).toBe("clear");
    expect(variants.factor).toBeCloseTo(1.5, 12);
    expect(answerRows([variants], {})[0].slice(4, 7)).toEqual([
      "dense (1,448)",
      "0.030 ± 0.002",
      "Switch Net 4, 2 rounds ahead, ×1.50"
    ]);
    // Dense best: its rival is the best WHT model.
    const denseBest = answerCells(
      [
        cell("macs", "switchnet4-m4-r2", 65536, 0.05, 0.001, 0.049, 0.051),
        cell("macs", "dense", 512, 0.04, 0.001, 0.039, 0.041)
      ],
      65536,
      ["smooth"],
      ["macs"],
      {"smooth|macs": 2},
      3
    )[0];
    expect(denseBest.rival?.contender).toBe("switchnet4-m4-r2");
  });

  it("lays the cells out as a grid for the first screen: a row per task, a column per budget, four lines a cell", () => {
    const cells = answerCells(summary, 65536, ["smooth", "classify"], ["edges", "params", "macs"], planned, 3);
    const grid = answerGridRows(cells, {smooth: "smooth target", classify: "spiral"}, ["edges", "params", "macs"]);
    expect(grid.map((r) => r[0])).toEqual(["smooth target", "spiral"]);
    expect(grid[0][1].split("\n")).toEqual([
      "Switch Net 4, 2 rounds (65,536): 0.020 ± 0.001, 1 capped",
      "against dense (1,448): 0.030 ± 0.002",
      "Switch Net 4, 2 rounds ahead, ×1.50",
      "5 of 6 runs converged"
    ]);
    // Both sides capped: both named, best first.
    const bothCapped = answerCells(
      [
        cell("edges", "switchnet4-m4-r2", 65536, 0.02, 0.001, 0.019, 0.021, 3, 0),
        cell("edges", "dense", 1448, 0.03, 0.002, 0.028, 0.032, 3, 2)
      ],
      65536,
      ["smooth"],
      ["edges"],
      {"smooth|edges": 2},
      3
    )[0];
    expect(cappedText(bothCapped)).toBe("Switch Net 4, 2 rounds: 3 at the step cap; dense: 1 at the step cap");
    // In the grid each side counts its own capped runs on its line.
    expect(answerGridRows([bothCapped], {}, ["edges"])[0][1].split("\n")).toEqual([
      "Switch Net 4, 2 rounds (65,536): 0.020 ± 0.001, 3 capped",
      "against dense (1,448): 0.030 ± 0.002, 1 capped",
      "Switch Net 4, 2 rounds ahead, ×1.50",
      "2 of 6 runs converged"
    ]);
    // Both sides converged: nothing more to say.
    expect(grid[0][2].split("\n")[3]).toBe("6 of 6 runs converged");
    expect(grid[0][2].split("\n")[2]).toBe("tie within the seeds' spread");
    expect(grid[0][3].split("\n")[2]).toBe("pending");
    expect(grid[1].slice(1)).toEqual(["no runs yet", "no runs yet", "no runs yet"]);
    const spiral = answerRows(
      answerCells([{...summary[0], task: "classify"}], 65536, ["classify"], ["edges"], {"classify|edges": 1}, 3),
      {}
    );
    expect(spiral[0][3]).toBe("3.0 ± 0.2 %");
  });
});

describe("the rate-choice table", () => {
  it("lists every candidate's score, marks diverged ones and a choice at the grid's edge", () => {
    const rows = tuneTableRows([
      {
        task: "smooth",
        contender: "dense",
        width: 1448,
        chosen: 0.001,
        edge: null,
        candidates: [
          {learningRate: 0.0003, score: 0.05},
          {learningRate: 0.001, score: 0.04},
          {learningRate: 0.003, score: Number.MAX_VALUE}
        ]
      },
      {
        task: "image",
        contender: "switchnet4-m4",
        width: 65536,
        chosen: 1,
        edge: "high",
        candidates: [
          {learningRate: 0.3, score: 0.5, capped: true},
          {learningRate: 1, score: 0.4, capped: false}
        ]
      }
    ]);
    expect(rows[0]).toEqual([
      "smooth 16-input target",
      "dense",
      "1,448",
      "0.001",
      "0.0003: 0.0500, 0.001: 0.0400, 0.003: diverged",
      "no"
    ]);
    expect(rows[1][5]).toBe("yes (high end of the grid)");
    // A candidate that reached the step cap says so: its score is the best at the cap.
    expect(rows[1][4]).toBe("0.3: 0.500 (at the step cap), 1: 0.400");
  });
});

describe("the budget axis's ticks", () => {
  it("keep to the targets' range, and thin out in a phone-wide figure (2k, 3k and 4k collided at 390 px)", () => {
    // Memorisation at reference width 256 only: every target within one decade.
    expect(budgetTicks([2048, 3072, 4096], 1280)).toEqual([2500, 3000, 3500, 4000]);
    expect(budgetTicks([2048, 3072, 4096], 390)).toEqual([2500, 3500]);
    expect(budgetTicks([256, 65536 * 32], 1280)).toEqual([1000, 1e4, 1e5, 1e6]);
    expect(budgetTicks([256, 65536 * 32], 390)).toEqual([1000, 1e5]);
    expect(budgetTicks([1000, 10000], 390)).toEqual([1000, 10000]);
  });
});

describe("the seed's-point figure's rows", () => {
  const run = seedRun;
  it("names each row by contender and width, and ticks each contender's mean per task (what the table reports)", () => {
    const rows = seedPointRows(
      [
        run("image", "switchnet4-m4", 65536, 1, 0.09, false),
        run("image", "switchnet4-m4", 65536, 2, 0.07),
        run("image", "dense", 1448, 1, 0.02),
        run("smooth", "switchnet4-m4", 65536, 1, 0.013)
      ],
      {image: "picture", smooth: "smooth target"}
    );
    expect(rows.map((r) => [r.taskName, r.name, r.group])).toEqual([
      ["picture", `${label("switchnet4-m4")}\nW = 65,536`, label("switchnet4-m4")],
      ["picture", `${label("switchnet4-m4")}\nW = 65,536`, label("switchnet4-m4")],
      ["picture", `${label("dense")}\nW = 1,448`, label("dense")],
      ["smooth target", `${label("switchnet4-m4")}\nW = 65,536`, label("switchnet4-m4")]
    ]);
    const means = meanRows(rows);
    expect(means.map((m) => [m.taskName, m.group, m.n, m.mean])).toEqual([
      ["picture", label("switchnet4-m4"), 2, (0.09 + 0.07) / 2],
      ["picture", label("dense"), 1, 0.02],
      ["smooth target", label("switchnet4-m4"), 1, 0.013]
    ]);
    // a capped run keeps its flag for the hollow dot
    expect(rows[0].converged).toBe(false);
  });
});
