// Giving kernel memory back: model.dispose() frees every block a model owns (accounted to the
// byte by kernelMemoryStats), a loop of wide models stays within a fixed bound, every use after
// dispose throws a SwitchNetError, freed memory that is reused changes no result, and allocations
// that do not fit say how much was asked and in use.
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {readFileSync} from "node:fs";
import {SwitchNetError} from "../lib/check.js";
import {createModel} from "../lib/model.js";
import {createTrainer} from "../lib/train.js";
import {memorisation} from "../lib/datasets.js";
import {createRng} from "../lib/random.js";
import {createPool} from "../lib/parallel.js";
import {multiplyRows} from "../lib/kernels/rows.js";
import {withKernelMemory} from "../lib/kernels/staging.js";
import {
  allocate,
  allocBytes,
  freeBytes,
  inWasmMemory,
  kernelArray,
  kernelMemoryStats,
  releaseKernelArray,
  RESIDENT_BUDGET
} from "../lib/wasm/memory.js";
import {ready, setBackend, whtBatch} from "../lib/wht.js";
import * as index from "../lib/index.js";
import type {DisposableModel, ModelKind, ModelSpec} from "../lib/types.js";
import {NUMERICS_CASES, numericsDigests, type Digests} from "./helpers/numerics.js";

const fixture = JSON.parse(readFileSync(new URL("./fixtures/numerics.json", import.meta.url), "utf8")) as Record<
  string,
  Record<string, Digests>
>;
const KINDS: ModelKind[] = ["switchnet4", "butterfly", "filterbank", "dense"];
const GiB = 2 ** 30;
const inUse = () => kernelMemoryStats().inUse;
/** Bytes the allocator hands out for n floats (blocks are 64-byte multiples). */
const block = (n: number) => Math.max(64, Math.ceil((4 * n) / 64) * 64);

function normals(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({length: n}, () => rng.normal());
}

/** One forward, backward and Adam step on seeded data (fills every workspace and scratch). */
function trainOneStep(model: DisposableModel, batch: number): void {
  const {inputSize, outputSize} = model.spec;
  const data = memorisation({n: batch, inputSize, outputSize, seed: 5});
  createTrainer(model, data, {batchSize: batch, optimizer: "adam", learningRate: 0.01, loss: "mse", seed: 6}).step();
}

beforeAll(async () => {
  expect(await ready()).toBe("wasm-simd");
});
afterAll(() => {
  setBackend("auto");
});

describe("kernelMemoryStats and dispose() accounting", () => {
  it("is exported from lib/index.js with dispose's helpers", () => {
    expect(index.kernelMemoryStats).toBe(kernelMemoryStats);
    expect(index.releaseKernelArray).toBe(releaseKernelArray);
    const s = kernelMemoryStats();
    expect(s.capacity).toBe(2 * GiB);
    expect(s.peak).toBeGreaterThanOrEqual(s.inUse);
    expect(s.size).toBeGreaterThanOrEqual(s.inUse);
  });

  it("counts allocate/free to the byte and keeps the peak", () => {
    const before = kernelMemoryStats();
    const t = allocate(1000);
    expect(inUse() - before.inUse).toBe(4032);
    expect(kernelMemoryStats().peak).toBeGreaterThanOrEqual(before.inUse + 4032);
    t.free();
    expect(inUse()).toBe(before.inUse);
  });

  it.each(KINDS)(
    "%s: params and grads are counted at creation, and dispose returns in-use memory to where it was",
    (kind) => {
      const spec: ModelSpec = {
        kind,
        inputSize: 12,
        outputSize: 10,
        width: kind === "dense" ? 48 : 256,
        depth: 3,
        seed: 3
      };
      // Once first, so that the kernels' own staging blocks (kept for every model) have their size.
      const warm = createModel(spec);
      trainOneStep(warm, 16);
      warm.dispose();
      const before = inUse();
      const model = createModel(spec);
      expect(inUse() - before).toBe(2 * block(model.parameterCount));
      expect(inWasmMemory(model.params)).toBe(true);
      trainOneStep(model, 16);
      const workspaces = inUse() - before - 2 * block(model.parameterCount);
      expect(workspaces).toBeGreaterThan(0);
      model.dispose();
      expect(inUse()).toBe(before);
    }
  );

  it("releaseKernelArray frees kernelArray's arrays once, and ignores ordinary arrays", () => {
    const before = inUse();
    const a = kernelArray(1000);
    const w = kernelArray(1000, {internal: true});
    expect(inUse() - before).toBe(2 * 4032);
    expect(releaseKernelArray(a)).toBe(true);
    expect(releaseKernelArray(a)).toBe(false);
    expect(releaseKernelArray(w)).toBe(true);
    expect(releaseKernelArray(new Float32Array(10))).toBe(false);
    expect(inUse()).toBe(before);
  });
});

describe("a loop of wide models stays within a bound when each is disposed", () => {
  // Width 65,536 for the WHT kinds and the equal-edges dense width 1448, depth 4, batch 32.
  const specs: ModelSpec[] = KINDS.map((kind) => ({
    kind,
    inputSize: 16,
    outputSize: 16,
    width: kind === "dense" ? 1448 : 65536,
    depth: 4,
    seed: 1
  }));

  it("40 models (10 of each kind), each trained one step and disposed, leave the memory as it was", () => {
    const footprints = new Map<string, number>();
    let residentParams = 0;
    // One of each first: the kernels' staging blocks reach their size, the memory its working size.
    for (const spec of specs) {
      const m = createModel(spec);
      trainOneStep(m, 32);
      m.dispose();
    }
    const base = kernelMemoryStats();
    for (let i = 0; i < 40; i++) {
      const spec = {...specs[i % 4], seed: 100 + i};
      const model = createModel(spec);
      expect(inWasmMemory(model.params) && inWasmMemory(model.grads)).toBe(true);
      residentParams += 2 * 4 * model.parameterCount;
      trainOneStep(model, 32);
      footprints.set(spec.kind, inUse() - base.inUse);
      model.dispose();
      expect(inUse()).toBe(base.inUse);
    }
    const stats = kernelMemoryStats();
    const largest = Math.max(...footprints.values());
    const total = [...footprints.values()].reduce((s, f) => s + f, 0) * 10;
    // Without dispose the loop would need more than the whole memory, and its params and grads
    // more than the resident budget (so released params must be uncounted for all to stay resident).
    expect(total).toBeGreaterThan(stats.capacity);
    expect(residentParams).toBeGreaterThan(RESIDENT_BUDGET);
    // With it: the memory did not grow at all over the 40 models, and holds about one of them.
    expect(stats.size).toBe(base.size);
    expect(stats.size).toBeLessThan(2 * (base.inUse + largest));
    console.log(
      `loop of 40: footprints ${[...footprints].map(([k, f]) => `${k} ${(f / 2 ** 20).toFixed(1)} MiB`).join(", ")}; ` +
        `in use ${(base.inUse / 2 ** 20).toFixed(1)} MiB before and ${(stats.inUse / 2 ** 20).toFixed(1)} MiB after; ` +
        `memory ${(base.size / 2 ** 20).toFixed(0)} MiB before and ${(stats.size / 2 ** 20).toFixed(0)} MiB after; ` +
        `without dispose it would need ${(total / 2 ** 20).toFixed(0)} MiB`
    );
  }, 300_000); // 40 wide models: about 30 s on a quiet 2-core machine, several times that while it is busy
});

describe("use after dispose", () => {
  it.each(KINDS)(
    "%s: every use throws a SwitchNetError saying to create a new model; dispose twice is a no-op",
    (kind) => {
      const model = createModel({kind, inputSize: 4, outputSize: 3, width: 16, seed: 2});
      const x = normals(8, 1);
      model.forward(x, 2);
      const trainer = createTrainer(model, memorisation({n: 4, inputSize: 4, outputSize: 3, seed: 1}), {
        batchSize: 2,
        loss: "mse"
      });
      expect(model.disposed).toBe(false);
      model.dispose();
      expect(model.disposed).toBe(true);
      const message = new RegExp(
        `this ${kind} model was disposed \\(dispose\\(\\) freed its memory\\), so it cannot be used any more; create a new model with createModel\\(spec\\)`
      );
      for (const use of [
        () => model.params,
        () => model.grads,
        () => model.forward(x, 2),
        () => model.backward(new Float32Array(6)),
        () => model.zeroGrad(),
        () => trainer.step(),
        () => createTrainer(model, memorisation({n: 4, inputSize: 4, outputSize: 3}), {})
      ]) {
        expect(use).toThrow(message);
        expect(use).toThrow(SwitchNetError);
      }
      const after = inUse();
      expect(() => model.dispose()).not.toThrow();
      expect(inUse()).toBe(after);
      expect(model.spec.kind).toBe(kind); // the settings stay readable, to build the new model
      expect(model.parameterCount).toBeGreaterThan(0);
    }
  );

  it("`using` disposes at the end of the block", () => {
    const before = inUse();
    let kept: DisposableModel;
    {
      using model = createModel({kind: "switchnet4", inputSize: 4, outputSize: 4, width: 64, seed: 1});
      kept = model;
      expect(inUse()).toBeGreaterThan(before);
      expect(model.forward(normals(4, 1), 1).length).toBe(4);
    }
    expect(kept.disposed).toBe(true);
    expect(inUse()).toBe(before);
    expect(() => kept.forward(normals(4, 1), 1)).toThrow(/was disposed/);
  });

  it("`await using` closes a pool and frees its scratch", async () => {
    const x = normals(2 ** 20, 4);
    const want = whtBatch(x.slice(), {size: 2 ** 20});
    const before = inUse();
    {
      await using pool = await createPool({threads: 2});
      expect(pool.threads).toBe(2);
      const got = await pool.wht(x.slice()); // an ordinary array: goes through the pool's scratch
      expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer))).toBe(true);
      expect(inUse()).toBeGreaterThanOrEqual(before + 4 * 2 ** 20);
    }
    expect(inUse()).toBe(before);
  });
});

describe("memory reused after dispose changes no result", () => {
  it("models created into freed blocks give the numerics recorded at e3fc95f, bit for bit", () => {
    setBackend("wasm-simd");
    for (const c of NUMERICS_CASES) {
      // Fill the memory with another trained model, free it, and build the case into its blocks.
      const other = createModel({...c.spec, seed: 999, initNoise: 0.5});
      trainOneStep(other, c.batch);
      const otherParams = other.params.byteOffset;
      other.dispose();
      const model = createModel(c.spec);
      expect(model.params.byteOffset).toBe(otherParams); // the same block, reused
      expect(numericsDigests(c, model)).toEqual(fixture["wasm-simd"][c.name]);
      model.dispose();
    }
  });

  it("a model after dispose/recreate cycles equals a fresh one", () => {
    const spec: ModelSpec = {kind: "butterfly", inputSize: 20, outputSize: 64, width: 256, depth: 2, seed: 14};
    const c = NUMERICS_CASES.find((k) => k.name === "butterfly")!;
    const first = numericsDigests(c, createModel(spec));
    for (let i = 0; i < 5; i++) {
      const m = createModel(spec);
      trainOneStep(m, 64);
      m.dispose();
    }
    expect(numericsDigests(c, createModel(spec))).toEqual(first);
    expect(first).toEqual(fixture["wasm-simd"].butterfly);
  });
});

describe("when the kernel memory is full", () => {
  const MiB = 2 ** 20;
  /**
   * Reserves the whole 2 GiB but one hole of `leave` bytes (and crumbs under 64 KiB); returns the
   * function that frees it all. Address space only: the reserved blocks are never written.
   */
  function fillMemory(leave: number): () => void {
    const hole = allocBytes(leave);
    const ptrs: number[] = [];
    for (let size = GiB; size >= 65536; size /= 2) {
      for (;;) {
        try {
          ptrs.push(allocBytes(size));
        } catch (e) {
          expect(e).toBeInstanceOf(SwitchNetError);
          break;
        }
      }
    }
    freeBytes(hole);
    expect(kernelMemoryStats().capacity - inUse()).toBeLessThan(leave + 65536 * 32);
    return () => ptrs.forEach(freeBytes);
  }

  it("an allocation that cannot fit says how much was asked and is in use, and to dispose", () => {
    expect(() => allocate(GiB)).toThrow(SwitchNetError);
    expect(() => allocate(GiB)).toThrow(
      /cannot allocate 4,294,967,296 bytes \(4096\.0 MiB\) in the WebAssembly kernel memory: [\d,]+ bytes \([\d.]+ MiB\) of its 2,147,483,648 bytes \(2048\.0 MiB\) are in use .*call dispose\(\) on models you no longer need/
    );
  });

  it("a forward whose workspaces do not fit throws that error and leaves the model as it was", () => {
    const model = createModel({kind: "switchnet4", inputSize: 16, outputSize: 16, width: 65536, depth: 2, seed: 7});
    const x = normals(16, 3);
    const out = model.forward(x, 1);
    const before = inUse();
    const release = fillMemory(32 * MiB);
    try {
      const reserved = inUse();
      const big = normals(16 * 64, 4); // 64 rows: 4 workspaces of 16 MiB do not fit in the room left
      expect(() => model.forward(big, 64)).toThrow(
        /cannot allocate 16,777,216 bytes .* are in use .*call dispose\(\) on models you no longer need/
      );
      expect(inUse()).toBe(reserved); // the workspaces it did make were given back
      expect(Buffer.from(model.forward(x, 1).buffer).equals(Buffer.from(out.buffer))).toBe(true);
    } finally {
      release();
    }
    expect(inUse()).toBe(before);
    model.dispose();
  });

  it("staging that does not fit throws that error, or lets a bit-identical JS loop run instead", () => {
    const release = fillMemory(16 * MiB);
    try {
      const big = new Float32Array((32 * MiB) / 4); // an ordinary array: must be staged to reach the kernels
      expect(() => withKernelMemory([big], ["scratch"], () => {})).toThrow(
        /cannot allocate 33,554,432 bytes .*call dispose\(\)/
      );
      let ran = false;
      expect(
        withKernelMemory(
          [big],
          ["scratch"],
          () => {
            ran = true;
          },
          true
        )
      ).toBe(false);
      expect(ran).toBe(false);
      // multiplyRows declines (its caller's loop gives the same bits) instead of throwing.
      const factors = Float32Array.from({length: 16}, (_, i) => (i % 3 ? 1 : -1));
      expect(multiplyRows(big, 16, big, 16, factors, 16, big.length / 16)).toBe(false);
    } finally {
      release();
    }
  });

  it("multiplyRows' kernel and the JS loop it falls back to give the same bits", () => {
    const rows = 512,
      cols = 16,
      stride = 64;
    const src = normals(rows * stride, 8);
    const factors = Float32Array.from({length: cols}, (_, i) => (i % 3 ? 1 : -1) * (1 + i / 7));
    const kernel = new Float32Array(rows * cols);
    expect(multiplyRows(src, stride, kernel, cols, factors, cols, rows)).toBe(true);
    const loop = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) loop[r * cols + c] = factors[c] * src[r * stride + c];
    expect(Buffer.from(kernel.buffer).equals(Buffer.from(loop.buffer))).toBe(true);
  });

  it("a pool with no room for its scratch runs the call on its own thread, with the same bits", async () => {
    const pool = await createPool({threads: 2});
    const x = normals(4096 * 64, 9);
    const release = fillMemory(512 * 1024);
    try {
      const want = whtBatch(x.slice(), {size: 4096});
      const got = await pool.whtBatch(x.slice(), {size: 4096});
      expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer))).toBe(true);
    } finally {
      release();
      await pool.close();
    }
  });
});
