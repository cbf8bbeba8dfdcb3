// Sharding the capacity experiment: the split is a deterministic, cost-balanced partition of the
// plan; shards run as separate processes cover exactly the keys of one unsharded run; merging
// keeps each run once.
import {describe, expect, it} from "vitest";
import {spawnSync} from "node:child_process";
import {createHash} from "node:crypto";
import {existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {SwitchNetError} from "../lib/check.js";
import {createRng} from "../lib/random.js";
import {TINY} from "../lib/experiment/config.js";
import {checkpointToBytes} from "../lib/experiment/checkpoint.js";
import {fitCheckpointAt} from "./helpers/checkpoint.js";
import {candidateKey, checkpointKey, planExperiment, planGroups} from "../lib/experiment/run.js";
import {parseResults} from "../lib/experiment/schema.js";
import {assignShards, mergeResults, parseShard, shardFilter, shardPlan} from "../lib/experiment/shard.js";

/** `scripts/experiment.ts --preset tiny` with more arguments, run to its end. */
const tinyScript = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "scripts/experiment.ts", "--preset", "tiny", ...args], {
    encoding: "utf8"
  });
/** The tiny sweep's smallest part: dense on the smooth target at width 16, seed 1. */
const DENSE_16 = ["--tasks", "smooth", "--contenders", "dense", "--ref-widths", "16", "--seeds", "1"];

function items(seed: number, count: number) {
  const rng = createRng(seed);
  return Array.from({length: count}, (_, i) => ({
    key: `item-${i}`,
    cost: Math.floor(1 + 1000 * rng.next() ** 3),
    group: `g${i % 7}`
  }));
}

describe("parseShard", () => {
  it("reads K/N and refuses anything else with the rule", () => {
    expect(parseShard("2/5")).toEqual({k: 2, n: 5});
    expect(parseShard(" 1 / 1 ")).toEqual({k: 1, n: 1});
    for (const bad of ["0/2", "3/2", "1/0", "a/b", "1", "-1/2", "1.5/2"])
      expect(() => parseShard(bad)).toThrow(SwitchNetError);
    expect(() => parseShard("0/2")).toThrow(/1 ≤ K ≤ N \(shards count from 1\), got "0\/2"/);
  });
});

describe("shardPlan", () => {
  it("partitions the items: every item in exactly one shard, in the plan's order", () => {
    for (const n of [1, 2, 3, 8]) {
      const all = items(n, 57);
      const shards = Array.from({length: n}, (_, k) => shardPlan(all, k + 1, n));
      const keys = shards
        .flat()
        .map((i) => i.key)
        .sort();
      expect(keys).toEqual(all.map((i) => i.key).sort());
      for (const s of shards) expect(s).toEqual(all.filter((i) => s.includes(i)));
    }
  });
  it("is balanced: no shard exceeds another by more than the largest item", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const all = items(seed, 80);
      const n = 1 + (seed % 4) + 1;
      const loads = Array.from({length: n}, (_, k) => shardPlan(all, k + 1, n).reduce((s, i) => s + i.cost, 0));
      const largest = Math.max(...all.map((i) => i.cost));
      expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(largest);
      expect(loads.reduce((a, b) => a + b, 0)).toBe(all.reduce((s, i) => s + i.cost, 0));
    }
  });
  it("does not depend on the order the plan lists its items in", () => {
    const all = items(9, 40);
    const shuffled = [...all];
    createRng(3).shuffle(shuffled);
    const a = assignShards(all, 3),
      b = assignShards(shuffled, 3);
    expect([...a.entries()].sort()).toEqual([...b.entries()].sort());
  });
  it("keeps the items of a group together", () => {
    const all = items(11, 70);
    for (let k = 1; k <= 3; k++) {
      const groups = new Set(shardPlan(all, k, 3, (i) => i.group).map((i) => i.group));
      for (let j = 1; j <= 3; j++) {
        if (j === k) continue;
        for (const i of shardPlan(all, j, 3, (x) => x.group)) expect(groups.has(i.group)).toBe(false);
      }
    }
  });
  it("refuses a bad cost by naming the item", () => {
    expect(() => shardPlan([{key: "a", cost: NaN}], 1, 2)).toThrow(/"a" has cost NaN/);
  });
  it("keeps the runs of one learning-rate search in one shard of the real plan", () => {
    const plan = planExperiment(TINY);
    const inShard = [shardFilter(plan, {k: 1, n: 2}), shardFilter(plan, {k: 2, n: 2})];
    for (const p of plan) expect(inShard[0](p)).toBe(!inShard[1](p));
    const shardOfTune = new Map<string, boolean>();
    for (const p of plan) {
      const s = inShard[0](p);
      if (shardOfTune.has(p.tuneKey)) expect(shardOfTune.get(p.tuneKey)).toBe(s);
      shardOfTune.set(p.tuneKey, s);
    }
  });
});

describe("mergeResults", () => {
  const session = {
    type: "session",
    schema: 1,
    command: "x",
    date: "2026-01-01T00:00:00Z",
    machine: {cpu: "c", cores: 1, node: "v20", platform: "p"},
    libVersion: "0.1.0",
    gitCommit: null,
    config: {}
  };
  it("reports the file and line of a bad record", () => {
    expect(() => mergeResults([{name: "a.jsonl", text: JSON.stringify(session) + "\n{bad\n{}\n"}])).toThrow(
      /a\.jsonl: line 2 is not valid JSON/
    );
  });
});

describe("the stop file", () => {
  it("left over from an earlier sweep is removed at the start, and names itself", () => {
    const dir = mkdtempSync(join(tmpdir(), "stop-"));
    const out = join(dir, "r.jsonl");
    writeFileSync(`${out}.stop`, "");
    const r = tinyScript("--out", out, ...DENSE_16);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`to stop (a running fit is suspended and saved): touch ${out}.stop`);
    expect(r.stderr).toMatch(/finished: \d+ runs done now/);
    expect(existsSync(`${out}.stop`)).toBe(false);
  });
});

describe("checkpoint files", () => {
  it("an unreadable one is named and skipped (the run starts over); the dry run then estimates what is left", () => {
    const dir = mkdtempSync(join(tmpdir(), "ckpt-"));
    const out = join(dir, "r.jsonl");
    // The first run the sweep makes: dense's first candidate rate at its smallest width.
    const g = planGroups({...TINY, tasks: ["smooth"], contenders: ["dense"], refWidths: [16], seeds: [1]})[0];
    const key = checkpointKey(candidateKey(g, TINY.tune.startDense[0]), "smooth", TINY);
    const file = join(`${out}.checkpoints`, `${createHash("sha256").update(key).digest("hex").slice(0, 24)}.ckpt`);
    mkdirSync(`${out}.checkpoints`);
    writeFileSync(file, "not a checkpoint");
    const r = tinyScript("--out", out, ...DENSE_16);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`note: ignoring the unreadable checkpoint ${file} of ${key}: not a fit checkpoint`);
    expect(r.stderr).toMatch(/finished: \d+ runs done now/);
    // The same records as a sweep that never saw the file.
    const clean = join(dir, "clean.jsonl");
    expect(tinyScript("--out", clean, ...DENSE_16).status).toBe(0);
    const runs = (path: string) =>
      parseResults(readFileSync(path, "utf8"))
        .records.filter((x) => x.type === "run")
        .map((x) => {
          const {seconds, msPerStep, date, ...rest} = x as {seconds: number; msPerStep: number; date: string};
          void seconds;
          void msPerStep;
          void date;
          return rest;
        });
    expect(runs(out)).toEqual(runs(clean));
    // The dry run's estimate: nothing left for a finished sweep; for half of its runs, the other half.
    const dry = (path: string) => {
      const d = tinyScript("--out", path, "--dry-run", ...DENSE_16);
      expect(d.status, d.stderr).toBe(0);
      return d.stdout;
    };
    const finished = /smooth: done \((\d+) runs, ([\d.e-]+) CPU hours\)/.exec(dry(clean));
    expect(finished).not.toBeNull();
    const made = runs(clean).filter((x) => (x as {candidate?: boolean}).candidate === true).length;
    expect(Number(finished![1])).toBe(made);
    const text = readFileSync(clean, "utf8").split("\n").filter(Boolean);
    const runLines = text.filter((l) => l.includes('"type":"run"'));
    const half = join(dir, "half.jsonl");
    const keptRuns = runLines.slice(0, 1);
    writeFileSync(half, [...text.filter((l) => !l.includes('"type":"run"')), ...keptRuns].join("\n") + "\n");
    // The rate choices' records stay, so no candidate is left, but the first seed's runs (the chosen
    // candidates' runs, stored again) are gone: the sweep would make them again, one per group.
    expect(dry(half)).toMatch(
      /smooth: at least 2 runs left, about [\d.e-]+ CPU hours \(1 group\(s\) timed by their own runs, 1 scaled/
    );
    // A checkpoint of one of those runs (read by its header only): its steps count as done.
    const missing = runLines
      .slice(1)
      .map((l) => JSON.parse(l) as {key: string; candidate?: boolean})
      .find((x) => x.candidate !== true)!;
    const ckKey = checkpointKey(missing.key, "smooth", TINY);
    mkdirSync(`${half}.checkpoints`);
    writeFileSync(
      join(`${half}.checkpoints`, `${createHash("sha256").update(ckKey).digest("hex").slice(0, 24)}.ckpt`),
      checkpointToBytes({key: ckKey, backend: "wasm-simd", learningRate: 0.01, seed: 1}, fitCheckpointAt(1234))
    );
    const withCheckpoint = dry(half);
    expect(withCheckpoint).toMatch(/smooth: at least 2 runs left, .*; 1,234 steps of unfinished runs already done\)/);
    // …and it lists the suspended run, the file a session hands on to the next.
    expect(withCheckpoint).toContain(
      `checkpoints in ${half}.checkpoints/: 1 suspended run(s) (0.0 MiB), 0 at a step cap (0.0 MiB, for a higher cap)\n` +
        `  ${join(`${half}.checkpoints`, `${createHash("sha256").update(ckKey).digest("hex").slice(0, 24)}.ckpt`)}  step 1,234  ${ckKey}\n`
    );
    // Dropping the rate choices too leaves every start rate but the kept candidate.
    const untuned = join(dir, "untuned.jsonl");
    writeFileSync(
      untuned,
      [...text.filter((l) => !l.includes('"type":"run"') && !l.includes('"type":"tune"')), ...keptRuns].join("\n") +
        "\n"
    );
    const out2 = dry(untuned);
    // Two dense groups (W = 8 and 11 stand at 16): one has its first candidate, the other is priced from it.
    expect(out2).toContain("2 groups,");
    const m =
      /smooth: at least (\d+) runs left, about ([\d.e-]+) CPU hours \(1 group\(s\) timed by their own runs, 1 scaled from the nearest timed width\); 1 runs done/.exec(
        out2
      );
    expect(m, out2).not.toBeNull();
    expect(Number(m![1])).toBe(2 * TINY.tune.startDense.length - 1);
    expect(Number(m![2])).toBeGreaterThan(0);
    // The unreadable checkpoint beside `out` is left out of the estimate, not an error.
    expect(dry(out)).toMatch(/smooth: done \(\d+ runs/);
  });
});

describe("--until", () => {
  const until = (value: string) => tinyScript("--dry-run", "--until", value);
  it("names a bad or past time and what it wants", () => {
    expect(until("25:00").stderr).toContain(
      '--until must be a time HH:MM (00:00 to 23:59) or an ISO date, got "25:00"'
    );
    expect(until("soon").stderr).toContain('--until must be a time HH:MM or an ISO date, got "soon"');
    const past = until("2000-01-01T00:00:00Z");
    expect(past.status).toBe(1);
    expect(past.stderr).toMatch(/--until 2000-01-01T00:00:00Z is already past \(now 20\d\d-.*\): give a later time/);
    expect(until("2999-01-01T00:00:00Z").status).toBe(0);
  });
});

describe("shards as separate processes (tiny preset)", () => {
  it("give exactly the keys of one unsharded run, and merge to them", () => {
    const dir = mkdtempSync(join(tmpdir(), "shards-"));
    const run = (out: string, extra: string[]) => {
      const r = tinyScript("--out", join(dir, out), ...extra);
      expect(r.status, r.stderr).toBe(0);
      return parseResults(readFileSync(join(dir, out), "utf8")).records;
    };
    const keys = (records: ReturnType<typeof run>) =>
      records.filter((r) => r.type === "run").map((r) => (r as {key: string}).key);
    const all = keys(run("all.jsonl", []));
    const one = keys(run("one.jsonl", ["--shard", "1/2"]));
    const two = keys(run("two.jsonl", ["--shard", "2/2"]));
    // Every seed's run once, and the learning-rate candidates besides (their keys start "cand|").
    expect(all.filter((k) => !k.startsWith("cand|")).length).toBe(planExperiment(TINY).length);
    expect(one.length).toBeGreaterThan(0);
    expect(two.length).toBeGreaterThan(0);
    expect(one.filter((k) => two.includes(k))).toEqual([]);
    expect([...one, ...two].sort()).toEqual([...all].sort());
    // The merge script: both shards (and a repeated one) → each run once.
    const m = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        "scripts/merge-results.ts",
        "--out",
        join(dir, "merged.jsonl"),
        join(dir, "one.jsonl"),
        join(dir, "two.jsonl"),
        join(dir, "one.jsonl")
      ],
      {encoding: "utf8"}
    );
    expect(m.status, m.stderr).toBe(0);
    const merged = parseResults(readFileSync(join(dir, "merged.jsonl"), "utf8")).records;
    expect(keys(merged).sort()).toEqual([...all].sort());
    expect(merged.filter((r) => r.type === "session").length).toBe(3);
    // Merging the unsharded file in as well adds nothing new.
    const again = mergeResults([
      {name: "merged", text: readFileSync(join(dir, "merged.jsonl"), "utf8")},
      {name: "all", text: readFileSync(join(dir, "all.jsonl"), "utf8")}
    ]);
    expect(keys(again.records).sort()).toEqual([...all].sort());
    expect(again.duplicates).toBeGreaterThanOrEqual(all.length);
    // A shard cut off mid-line: its complete records still merge.
    const cut = readFileSync(join(dir, "two.jsonl"), "utf8") + '{"type":"run","ke';
    const partial = mergeResults([
      {name: "one", text: readFileSync(join(dir, "one.jsonl"), "utf8")},
      {name: "two", text: cut}
    ]);
    expect(partial.truncated).toBe(1);
    expect(keys(partial.records).sort()).toEqual([...all].sort());
  }, 120_000);
});
