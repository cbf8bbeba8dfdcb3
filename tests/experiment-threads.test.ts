// `npm run experiment -- --threads N`: every run's kernel calls split across a team of threads
// (scripts/experiment.ts wraps the runs in withTeam). The runs must give the same bits as on one
// thread: fit() under a team against fit() alone, at sizes where the kernels really split, and the
// command line end to end.
import {spawnSync} from "node:child_process";
import {mkdtempSync, readFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {fit, type FitOptions} from "../lib/experiment/fit.js";
import {parseResults, type SessionRecord} from "../lib/experiment/schema.js";
import {createModel} from "../lib/model.js";
import {createTeamSync, withTeam, type Team} from "../lib/team.js";
import type {ModelSpec} from "../lib/types.js";
import {ready} from "../lib/wht.js";
import {randomRegression} from "./helpers/data.js";

const regression = (seed: number, n: number, inputSize: number, outputSize: number) =>
  randomRegression(seed, n, inputSize, outputSize, {testRows: 40});

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

let team: Team;
beforeAll(async () => {
  await ready();
  team = createTeamSync({threads: 2});
  expect(team.threads).toBe(2);
});
afterAll(() => team.close());

describe("fit under a team of two threads", () => {
  // Widths where the dense products, the Switch Net 4 layers and Adam's update split across threads.
  const specs: ModelSpec[] = [
    {kind: "dense", inputSize: 16, outputSize: 4, width: 300, depth: 2, seed: 5},
    {kind: "switchnet4", inputSize: 16, outputSize: 4, width: 4096, depth: 2, groupSize: 4, seed: 6}
  ];
  it.each(specs.map((s) => [s.kind, s] as const))(
    "%s: the same curve and parameters as one thread, bit for bit",
    (_k, spec) => {
      const data = regression(3, 200, 16, 4);
      const options: FitOptions = {
        learningRate: 0.003,
        batchSize: 32,
        seed: 9,
        loss: "mse",
        metric: "nmse",
        fixedSteps: 10,
        maxSteps: 25,
        evalEvery: 10,
        patience: 3,
        validation: {x: data.train.x.subarray(0, 40 * 16), y: data.train.y.subarray(0, 40 * 4), n: 40}
      };
      const results = [false, true].map((threaded) => {
        const model = createModel(spec);
        const r = threaded ? withTeam(team, () => fit(model, data, options)) : fit(model, data, options);
        const params = bits(model.params);
        model.dispose();
        return {curve: r.curve, steps: r.steps, params};
      });
      expect(results[0].steps).toBe(25);
      expect(results[1].curve).toEqual(results[0].curve);
      expect(results[1].params).toEqual(results[0].params);
    }
  );
});

describe("npm run experiment -- --threads", () => {
  it("records the threads in the session and the same runs as one thread (tiny preset)", () => {
    const dir = mkdtempSync(join(tmpdir(), "threads-"));
    const run = (out: string, threads: number) => {
      const r = spawnSync(
        process.execPath,
        [
          "--import",
          "tsx",
          "scripts/experiment.ts",
          "--preset",
          "tiny",
          "--out",
          join(dir, out),
          "--threads",
          String(threads)
        ],
        {encoding: "utf8"}
      );
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(/threads: running on/);
      return parseResults(readFileSync(join(dir, out), "utf8")).records;
    };
    // Timing and dates differ from run to run; everything else must not.
    const timeless = (records: ReturnType<typeof run>) =>
      records
        .filter((r) => r.type !== "session")
        .map((r) =>
          JSON.parse(JSON.stringify(r, (k, v) => (["seconds", "msPerStep", "date"].includes(k) ? undefined : v)))
        );
    const one = run("one.jsonl", 1);
    const two = run("two.jsonl", 2);
    const session = two.find((r): r is SessionRecord => r.type === "session")!;
    expect(session.config.threads).toBe(2);
    expect(session.command).toContain("--threads 2");
    expect(timeless(two).length).toBeGreaterThan(10);
    expect(timeless(two)).toEqual(timeless(one));
  }, 120_000);

  it("refuses a bad thread count with the rule", () => {
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", "scripts/experiment.ts", "--preset", "tiny", "--threads", "0"],
      {encoding: "utf8"}
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--threads must be an integer from 1 to 64, got "0"/);
  });
});
