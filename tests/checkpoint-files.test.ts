// Listing the sweep's checkpoint folder gives each file's size and header (read through the prefix reader that
// tests/experiment-checkpoint.test.ts checks), and names an unreadable file instead of failing.
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {afterEach, beforeEach, describe, expect, it} from "vitest";
import {checkpointToBytes, type CheckpointTag} from "../lib/experiment/checkpoint.js";
import type {FitCheckpoint} from "../lib/experiment/fit.js";
import {checkpointFiles, checkpointHeaderOf} from "../src/data/checkpoint-files.js";

const checkpoint = (step: number, pendingEval: boolean): FitCheckpoint => ({
  version: 1,
  step,
  pendingEval,
  rate: 0.003,
  nextEval: step + 128,
  stageBest: Infinity,
  bestValue: 0.5,
  bestIndex: 0,
  fixedIndex: -1,
  stale: 0,
  decaysLeft: 0,
  decays: [],
  windowLoss: 1,
  windowSteps: 4,
  stepMs: 2,
  startLoss: 2,
  seconds: 1,
  curve: [{step: 0, trainLoss: NaN, train: 1, test: 1, validation: 0.5, learningRate: 0.003}],
  params: new Float32Array(200_000).fill(0.25),
  optimizer: {kind: "adam", step, buffers: {m: new Float32Array(4), v: new Float32Array(4)}}
});

const tagOf = (key: string, seed: number): CheckpointTag => ({key, backend: "wasm-simd", learningRate: 0.003, seed});

describe("checkpoint files", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(`${tmpdir()}/ckpt-`);
  });
  afterEach(() => rmSync(dir, {recursive: true, force: true}));

  it("list every .ckpt in name order with its size and header, and name an unreadable one", () => {
    const suspended = checkpointToBytes(tagOf("fit|image|a|s2", 2), checkpoint(36_608, false));
    const capped = checkpointToBytes(tagOf("fit|image|b|s1", 1), checkpoint(200_000, true));
    writeFileSync(`${dir}/b.ckpt`, suspended);
    writeFileSync(`${dir}/a.ckpt`, capped);
    writeFileSync(`${dir}/c.ckpt`, suspended.subarray(0, 40)); // cut inside its header
    writeFileSync(`${dir}/d.ckpt.123.tmp`, suspended); // a save in progress: not a checkpoint yet
    mkdirSync(`${dir}/e`);
    const files = checkpointFiles(dir);
    expect(files.map((f) => f.file)).toEqual([`${dir}/a.ckpt`, `${dir}/b.ckpt`, `${dir}/c.ckpt`]);
    expect(files.map((f) => f.bytes)).toEqual([capped.length, suspended.length, 40]);
    expect(files[0].header).toEqual({tag: tagOf("fit|image|b|s1", 1), step: 200_000, atCap: true});
    expect(files[1].header).toEqual({tag: tagOf("fit|image|a|s2", 2), step: 36_608, atCap: false});
    expect(files[0].error).toBeUndefined();
    expect(files[2].header).toBeUndefined();
    expect(files[2].error).toMatch(/header says \d+ bytes, but only 28 follow/);
  });

  it("a missing folder has no checkpoints; a missing or short file throws with the reason", () => {
    expect(checkpointFiles(`${dir}/nowhere`)).toEqual([]);
    expect(() => checkpointHeaderOf(`${dir}/nowhere.ckpt`)).toThrow(/ENOENT/);
    writeFileSync(`${dir}/short.ckpt`, new Uint8Array(5));
    expect(() => checkpointHeaderOf(`${dir}/short.ckpt`)).toThrow(/at least 12 bytes, got 5/);
  });
});
