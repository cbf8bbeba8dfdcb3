// scripts/capacity-check.ts: one run of the full plan with changed settings, printed, nothing stored.
import {spawnSync} from "node:child_process";
import {describe, expect, it} from "vitest";

const run = (args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "scripts/capacity-check.ts", ...args], {encoding: "utf8"});

describe("capacity-check", () => {
  it("runs one planned model with a warm-up and a step cap, and prints the result as JSON", () => {
    const r = run([
      "--task",
      "smooth",
      "--contender",
      "dense",
      "--width",
      "32",
      "--rate",
      "0.01",
      "--warmup-steps",
      "20",
      "--max-steps",
      "40"
    ]);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({task: "smooth", contender: "dense", width: 32, seed: 1, learningRate: 0.01});
    expect(out.train.warmupSteps).toBe(20);
    expect(out.steps).toBeLessThanOrEqual(40);
    expect(out.best.validation).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/step 0: validation/);
  });
  it("names a model the plan does not have, and a bad number", () => {
    expect(run(["--task", "smooth", "--contender", "dense", "--width", "33", "--rate", "0.01"]).stderr).toMatch(
      /no smooth run of dense at width 33/
    );
    expect(run(["--task", "smooth", "--contender", "dense", "--width", "32", "--rate", "fast"]).stderr).toMatch(
      /--rate must be a number, got "fast"/
    );
  });
});
