// scripts/capacity-speed.ts: steps per second of a planned model on one thread, two threads and two processes.
import {spawnSync} from "node:child_process";
import {describe, expect, it} from "vitest";

const run = (args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "scripts/capacity-speed.ts", ...args], {encoding: "utf8"});

describe("capacity-speed", () => {
  it("times a planned model three ways and sums the two processes' rates", () => {
    const r = run(["--task", "smooth", "--contender", "dense", "--width", "32", "--seconds", "0.2", "--warmup", "0.1"]);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.mode, l.processes, l.threads, l.each.length])).toEqual([
      ["one", 1, 1, 1],
      ["threads", 1, 2, 1],
      ["processes", 2, 1, 2]
    ]);
    for (const l of lines) {
      expect(l).toMatchObject({task: "smooth", contender: "dense", width: 32});
      for (const e of l.each) {
        expect(e.steps).toBeGreaterThanOrEqual(3);
        expect(e.medianMs).toBeGreaterThan(0);
      }
      const sum = l.each.reduce((s: number, e: {medianMs: number}) => s + 1000 / e.medianMs, 0);
      expect(l.stepsPerSecond).toBeCloseTo(sum, 6);
    }
  }, 120_000);

  it("names a model the plan does not have, and an unknown mode", () => {
    expect(run(["--task", "smooth", "--contender", "dense", "--width", "33"]).stderr).toMatch(
      /no smooth run of dense at width 33/
    );
    expect(run(["--task", "smooth", "--contender", "dense", "--width", "32", "--modes", "one,gpu"]).stderr).toMatch(
      /--modes must list one, threads, processes, got "gpu"/
    );
  }, 60_000);
});
