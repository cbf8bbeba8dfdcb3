// @vitest-environment jsdom
// The Capacity page's method notes, progress line and provenance, from the full experiment's config.
import {describe, expect, it} from "vitest";
import {FULL} from "../../../lib/experiment/config.js";
import {taskShape} from "../../../lib/experiment/tasks.js";
import {pointModels} from "../../../src/components/capacity/curves-chart.js";
import {TASK_NAMES} from "../../../src/components/capacity/tables.js";
import {label} from "../../../src/components/capacity/colors.js";
import {
  BUDGETS,
  FIT_TASKS,
  convergedShare,
  methodFacts,
  provenanceList,
  seedProgress,
  type SessionLike,
  underwayText
} from "../../../src/components/capacity/method.js";

const descriptions = Object.fromEntries(FULL.tasks.map((t) => [t, taskShape(t, FULL).description]));
const config = {...FULL, taskDescriptions: descriptions};

describe("capacity method notes", () => {
  it("quote the full experiment's settings as the prose writes them", () => {
    const facts = methodFacts(config);
    expect(facts).toEqual({
      tasks: expect.any(String),
      batchSize: "64",
      evalEvery: "100",
      evalGrowthPercent: "25",
      patience: "3",
      minImprovementPercent: "1",
      maxSteps: "200,000",
      warmup: "the rate warmed up linearly over the first 500 steps",
      minSteps: " (no run stops on the rule before 2,000 steps)",
      minStepsCount: "2,000",
      startWht: "0.003, 0.01, 0.03",
      startDense: "0.0003, 0.001, 0.003",
      gridLow: "0.00003",
      gridHigh: "1",
      laterSeeds: "2 and 3",
      memoriseThreshold: "0.05",
      memoriseSearch: "doubling from 16, then bisection to 12.5 %; seeds 2 and 3 start at seed 1's N",
      memoriseMaxSteps: "40,000",
      memoriseMaxRefWidth: "16,384",
      trendPoints: "3",
      probeFactors: "0.71× and 1.41×"
    });
    // Every task, in the config's order, by its display name, joined by "; ".
    const parts = FULL.tasks.map((t) => `${TASK_NAMES[t]}: ${taskShape(t, FULL).description}`);
    expect(parts[0].startsWith("smooth 16-input target: ")).toBe(true);
    expect(facts.tasks).toBe(parts.join("; "));
  });

  it("name a task without a display name by its key, and seeds after the first however many there are", () => {
    const facts = methodFacts({...config, seeds: [1, 2], taskDescriptions: {other: "a made-up task"}});
    expect(facts.tasks).toBe("other: a made-up task");
    expect(facts.laterSeeds).toBe("2");
    expect(facts.memoriseSearch).toBe("doubling from 16, then bisection to 12.5 %; seed 2 starts at seed 1's N");
    expect(methodFacts({...config, memorise: {...config.memorise, guessFromFirstSeed: false}}).memoriseSearch).toBe(
      "doubling from 16, then bisection to 12.5 %"
    );
    expect(methodFacts({...config, train: {...config.train, warmupSteps: undefined}}).warmup).toBe("no warm-up");
    expect(methodFacts({...config, train: {...config.train, minSteps: undefined}}).minSteps).toBe("");
  });

  it("the page's tasks and budgets are the experiment's", () => {
    expect(FULL.tasks.filter((t) => t !== "memorise")).toEqual([...FIT_TASKS]);
    expect([...FULL.budgets].sort()).toEqual([...BUDGETS].sort());
  });
});

describe("capacity progress and provenance", () => {
  it("count finished and planned fitting runs at one reference width, memorisation left out", () => {
    const coverage = [
      {task: "smooth", refWidth: 65536, planned: 18, done: 18},
      {task: "classify", refWidth: 65536, planned: 18, done: 5},
      {task: "memorise", refWidth: 65536, planned: 6, done: 0},
      {task: "smooth", refWidth: 256, planned: 18, done: 18}
    ];
    expect(seedProgress(coverage, 65536)).toEqual({done: 23, planned: 36});
    expect(seedProgress(coverage, 1024)).toEqual({done: 0, planned: 0});
  });

  it("count the seed's point's runs that ended on the rule, and say when fewer than 80 % did", () => {
    expect(convergedShare([])).toEqual({converged: 0, runs: 0, text: ""});
    const runs = (yes: number, no: number) => [
      ...Array.from({length: yes}, () => ({converged: true})),
      ...Array.from({length: no}, () => ({converged: false}))
    ];
    expect(convergedShare(runs(5, 0)).text).toBe("5 of them (100 %) stopped on the convergence rule");
    expect(convergedShare(runs(4, 1))).toEqual({
      converged: 4,
      runs: 5,
      text: "4 of them (80 %) stopped on the convergence rule; 1 hit the step cap and is marked as such"
    });
    expect(convergedShare(runs(3, 2)).text).toBe(
      "3 of them (60 %) stopped on the convergence rule; 2 hit the step cap and are marked as such" +
        " (below the 80 % the method aims for)"
    );
  });

  it("name the runs under way at the seed's point, grouped by task and contender", () => {
    const run = (task: string, contender: string, seed: number, step: number, candidate = false) => ({
      task,
      contender,
      candidate,
      seed,
      learningRate: 0.01,
      step,
      maxSteps: 200000
    });
    expect(underwayText([])).toBe("");
    expect(underwayText([run("image", "switchnet4-m4", 2, 61184)])).toBe(
      `${TASK_NAMES.image}, ${label("switchnet4-m4")}, seed 2 at step 61,184 (of at most 200,000 steps)`
    );
    expect(
      underwayText([
        run("image", "switchnet4-m4", 2, 61184),
        run("image", "switchnet4-m4", 3, 61440),
        run("image", "switchnet4-m4-r2", 1, 98816, true),
        run("smooth", "dense", 2, 5000)
      ])
    ).toBe(
      `${TASK_NAMES.image}, ${label("switchnet4-m4")}, seed 2 at step 61,184 and seed 3 at step 61,440; ` +
        `${TASK_NAMES.image}, ${label("switchnet4-m4-r2")}, learning-rate candidate 0.01 at step 98,816; ` +
        `${TASK_NAMES.smooth}, ${label("dense")}, seed 2 at step 5,000 (of at most 200,000 steps)`
    );
  });

  it("pick the summary rows of one budget point", () => {
    const rows = [
      {task: "smooth", refWidth: 65536, budget: "edges", contender: "dense"},
      {task: "smooth", refWidth: 65536, budget: "params", contender: "dense"},
      {task: "image", refWidth: 65536, budget: "edges", contender: "dense"},
      {task: "smooth", refWidth: 16384, budget: "edges", contender: "dense"},
      {task: "smooth", refWidth: 65536, budget: "edges", contender: "switchnet4-m4"}
    ];
    expect(pointModels(rows, "smooth", 65536, "edges")).toEqual([rows[0], rows[4]]);
  });

  it("list each session's command, date, machine, version and commit", () => {
    const session: SessionLike = {
      command: "npm run experiment -- --workers 2",
      date: "2026-11-30T10:00:00Z",
      machine: {cpu: "AMD EPYC", cores: 2, node: "v20.19.0", platform: "linux"},
      libVersion: "0.1.0",
      gitCommit: "0123456789abcdef",
      libUncommitted: []
    };
    const dirty = {...session, gitCommit: null, libUncommitted: ["lib/train.ts", "lib/model.ts"]};
    const list = provenanceList([session, dirty]);
    const items = Array.from(list.querySelectorAll("li"));
    expect(items.map((li) => li.querySelector("code")?.textContent)).toEqual([session.command, session.command]);
    expect(items[0].textContent).toBe(
      "npm run experiment -- --workers 2 — 2026-11-30T10:00:00Z — " +
        "AMD EPYC, 2 cores, node v20.19.0, linux; library 0.1.0, commit 0123456789"
    );
    expect(items[1].textContent).toMatch(/commit unknown \(uncommitted at start: lib\/train\.ts, lib\/model\.ts\)$/);
    expect(provenanceList([]).children.length).toBe(0);
  });
});
