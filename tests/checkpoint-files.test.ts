// Listing the sweep's checkpoint folder gives each file's size and header (read through the prefix reader that
// tests/experiment-checkpoint.test.ts checks), and names an unreadable file instead of failing.
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {afterEach, beforeEach, describe, expect, it} from "vitest";
import {checkpointToBytes, type CheckpointTag} from "../lib/experiment/checkpoint.js";
import {checkpointFiles, checkpointHeaderOf} from "../src/data/checkpoint-files.js";
import {fitCheckpointAt} from "./helpers/checkpoint.js";

const tagOf = (key: string, seed: number): CheckpointTag => ({key, backend: "wasm-simd", learningRate: 0.003, seed});

describe("checkpoint files", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(`${tmpdir()}/ckpt-`);
  });
  afterEach(() => rmSync(dir, {recursive: true, force: true}));

  it("list every .ckpt in name order with its size and header, and name an unreadable one", () => {
    const suspended = checkpointToBytes(tagOf("fit|image|a|s2", 2), fitCheckpointAt(36_608));
    const capped = checkpointToBytes(tagOf("fit|image|b|s1", 1), fitCheckpointAt(200_000, true));
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
