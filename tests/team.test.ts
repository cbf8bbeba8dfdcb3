// Data-parallel training (lib/team.ts): the threaded trainer must give the same bits as the
// single-threaded one for any thread count; the optimiser kernels must equal the JS loops bit for
// bit; threads that cannot be had fall back to one with a reason. Speed is the benchmark's job.
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {createModel} from "../lib/model.js";
import {createOptimizer} from "../lib/optim.js";
import {createRng} from "../lib/random.js";
import {createTeamSync, createTeam, splitRange, teamUnavailableReason, withTeam, type Team} from "../lib/team.js";
import {createTrainer, train} from "../lib/train.js";
import {kernelArray, inWasmMemory} from "../lib/wasm/memory.js";
import {ready} from "../lib/wht.js";
import type {ModelSpec} from "../lib/types.js";
import {randomRegression} from "./helpers/data.js";

const regression = (seed: number, n: number, inputSize: number, outputSize: number) =>
  randomRegression(seed, n, inputSize, outputSize, {testRows: 24});

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

let team2: Team;
let team3: Team;
beforeAll(async () => {
  await ready();
  team2 = createTeamSync({threads: 2});
  team3 = await createTeam({threads: 3});
});
afterAll(() => {
  team2.close();
  team3.close();
});

describe("splitRange", () => {
  it("covers [0, total) with contiguous ranges on multiples of unit", () => {
    for (const [total, parts, unit] of [
      [100, 3, 1],
      [1448, 2, 8],
      [1448, 3, 4],
      [7, 4, 4],
      [65536, 5, 16],
      [3, 8, 1]
    ]) {
      const r = splitRange(total, parts, unit);
      expect(r[0][0]).toBe(0);
      expect(r[r.length - 1][1]).toBe(total);
      for (let i = 0; i < r.length; i++) {
        expect(r[i][1]).toBeGreaterThan(r[i][0]);
        if (i > 0) expect(r[i][0]).toBe(r[i - 1][1]);
        if (i < r.length - 1) expect(r[i][1] % unit).toBe(0);
      }
      expect(r.length).toBeLessThanOrEqual(parts);
    }
  });
});

describe("a team of threads", () => {
  it("starts in Node, synchronously or not, with no fallback", () => {
    expect(teamUnavailableReason()).toBeNull();
    expect(team2.threads).toBe(2);
    expect(team2.fallbackReason).toBeNull();
    expect(team3.threads).toBe(3);
  });
  it("reports a kernel that fails in a worker as an error of the caller", () => {
    // A row far past the end of the memory: the worker's call traps.
    expect(() => team2.run([[], [["mul_rows", [2 ** 31 - 64, 0, 2 ** 31 - 64, 0, 0, 4096, 1]]]])).toThrow(
      /worker thread 1 failed in a kernel call \(mul_rows\)/
    );
    // and the team still works afterwards
    const a = kernelArray(64);
    const f = kernelArray(64);
    a.fill(2);
    f.fill(3);
    team2.run([[], [["mul_rows", [a.byteOffset, 0, a.byteOffset, 0, f.byteOffset, 64, 1]]]]);
    expect(Array.from(a)).toEqual(new Array(64).fill(6));
  });
  it("falls back to one thread, saying why, where memory cannot be shared", () => {
    const g = globalThis as {crossOriginIsolated?: boolean};
    g.crossOriginIsolated = false;
    try {
      const solo = createTeamSync({threads: 2});
      expect(solo.threads).toBe(1);
      expect(solo.fallbackReason).toMatch(/not cross-origin isolated/);
      const data = regression(1, 40, 4, 2);
      const model = createModel({kind: "dense", inputSize: 4, outputSize: 2, width: 8, depth: 1, seed: 1});
      const trainer = createTrainer(model, data, {threads: 2, batchSize: 8});
      expect(trainer.threads).toBe(1);
      expect(trainer.threadsFallbackReason).toMatch(/not cross-origin isolated/);
      trainer.step();
      trainer.close();
      model.dispose();
    } finally {
      delete g.crossOriginIsolated;
    }
  });
  it("refuses a bad threads value or team with the rule", () => {
    const data = regression(1, 40, 4, 2);
    const model = createModel({kind: "dense", inputSize: 4, outputSize: 2, width: 8, depth: 1, seed: 1});
    expect(() => createTrainer(model, data, {threads: 0})).toThrow(/threads must be between 1 and 256, got 0/);
    expect(() => createTrainer(model, data, {team: {} as Team})).toThrow(/team must be a Team from createTeam/);
    model.dispose();
  });
});

describe("optimiser kernels", () => {
  it("give the JS loop's bits for Adam and SGD, split across threads, over awkward values", () => {
    const size = 4099; // not a multiple of the split unit
    const rng = createRng(5);
    // Large but not overflowing: an update past float32's range is refused on both paths (below).
    const special = [0, -0, 1e-45, -1e-45, 1e-38, 3e30, -3e30, 1, -1, 1e-8, 65504, 2 ** -126];
    const make = () =>
      Float32Array.from({length: size}, (_, i) =>
        i < special.length ? special[i] : rng.normal() * 10 ** Math.floor(rng.next() * 8 - 4)
      );
    for (const kind of ["adam", "sgd"] as const) {
      const p0 = make(),
        g0 = make();
      const options = {learningRate: 0.003, weightDecay: 1e-3, momentum: 0.9, beta1: 0.8, beta2: 0.95, epsilon: 1e-7};
      const js = createOptimizer(kind, size, options);
      const pJs = p0.slice(),
        gJs = g0.slice();
      const wasm = createOptimizer(kind, size, options, {kernelMemory: true});
      const pW = kernelArray(size),
        gW = kernelArray(size);
      pW.set(p0);
      gW.set(g0);
      for (const name of Object.keys(wasm.state.buffers)) expect(inWasmMemory(wasm.state.buffers[name])).toBe(true);
      for (let s = 0; s < 4; s++) {
        js.step(pJs, gJs);
        withTeam(s % 2 ? team2 : team3, () => wasm.step(pW, gW));
        // new gradients each step: the previous parameters scrambled
        for (let i = special.length; i < size; i++) {
          gJs[i] = pJs[(i * 7) % size];
          gW[i] = pW[(i * 7) % size];
        }
      }
      expect(wasm.state.step).toBe(4);
      expect(bits(pW)).toEqual(bits(pJs));
      for (const name of Object.keys(js.state.buffers))
        expect(bits(wasm.state.buffers[name])).toEqual(bits(js.state.buffers[name]));
      wasm.dispose();
      wasm.dispose(); // idempotent
    }
    // An update that overflows float32 throws the same NonFiniteError split across threads as in the JS loop.
    for (const kind of ["adam", "sgd"] as const) {
      const js = createOptimizer(kind, 8, {learningRate: 1e38});
      const wasm = createOptimizer(kind, 8, {learningRate: 1e38}, {kernelMemory: true});
      const p = kernelArray(8),
        g = kernelArray(8);
      p.fill(3e38);
      g.fill(-1);
      expect(() => js.step(new Float32Array(8).fill(3e38), new Float32Array(8).fill(-1))).toThrow(/overflowed float32/);
      expect(() => withTeam(team2, () => wasm.step(p, g))).toThrow(/overflowed float32/);
      wasm.dispose();
    }
  });
});

describe("the threaded trainer", () => {
  const cases: Array<{spec: ModelSpec; optimizer: "adam" | "sgd"}> = [
    {spec: {kind: "switchnet4", inputSize: 12, outputSize: 3, width: 4096, depth: 2, seed: 3}, optimizer: "adam"},
    {
      spec: {
        kind: "switchnet4",
        inputSize: 12,
        outputSize: 3,
        width: 2048,
        depth: 2,
        groupSize: 8,
        placement: "repeat",
        seed: 4
      },
      optimizer: "sgd"
    },
    {
      spec: {
        kind: "switchnet4",
        inputSize: 12,
        outputSize: 3,
        width: 1024,
        depth: 1,
        groupSize: 16,
        adjust: true,
        seed: 5
      },
      optimizer: "adam"
    },
    {spec: {kind: "dense", inputSize: 12, outputSize: 3, width: 300, depth: 2, seed: 6}, optimizer: "adam"},
    {spec: {kind: "dense", inputSize: 12, outputSize: 3, width: 257, depth: 1, seed: 7}, optimizer: "sgd"},
    {spec: {kind: "butterfly", inputSize: 12, outputSize: 3, width: 1024, depth: 2, seed: 8}, optimizer: "adam"}
  ];
  for (const {spec, optimizer} of cases) {
    it(`gives the same parameters for 1, 2 and 3 threads as without threads: ${spec.kind} W=${spec.width}${spec.groupSize ? ` m=${spec.groupSize}` : ""}, ${optimizer}`, () => {
      const data = regression(2, 70, 12, 3); // 70 = two batches of 32 and one of 6
      const results: Array<{params: number[]; history: unknown}> = [];
      // A team that counts the parallel sections it runs, so the test knows the work was split.
      let sections = 0;
      const counting: Team = {
        threads: 3,
        fallbackReason: null,
        run: (jobs) => {
          sections++;
          team3.run(jobs);
        },
        close() {}
      };
      for (const threads of [undefined, 1, 2, 3, "team"] as const) {
        const model = createModel(spec);
        const options = {
          epochs: 2,
          batchSize: 32,
          optimizer,
          learningRate: optimizer === "adam" ? 0.003 : 0.01,
          evaluateTrain: true,
          ...(threads === "team" ? {team: counting} : threads === undefined ? {} : {threads})
        };
        const history = train(model, data, options).map(({time, ...rest}) => (void time, rest));
        results.push({params: bits(model.params), history});
        model.dispose();
      }
      // Every step (6 of them) ran split: at least the optimiser; for Switch Net 4 and the 300-wide dense
      // layer also the layers' forward and backward (the butterfly layer's own kernels do not split).
      expect(sections).toBeGreaterThanOrEqual(spec.kind === "switchnet4" ? 30 : spec.width === 300 ? 24 : 6);
      for (const r of results.slice(1)) {
        expect(r.history).toEqual(results[0].history);
        expect(r.params).toEqual(results[0].params);
      }
      expect((results[0].history as Array<{trainLoss: number}>)[1].trainLoss).toBeLessThan(
        (results[0].history as Array<{trainLoss: number}>)[0].trainLoss * 1.5
      );
    }, 60_000);
  }
  it("leaves a team it was given open, and closes one it started", () => {
    const data = regression(3, 40, 4, 2);
    const model = createModel({kind: "dense", inputSize: 4, outputSize: 2, width: 64, depth: 1, seed: 1});
    const trainer = createTrainer(model, data, {team: team2, batchSize: 16});
    expect(trainer.threads).toBe(2);
    trainer.step();
    trainer.close();
    team2.run([[], []]); // still usable
    const own = createTrainer(model, data, {threads: 2, batchSize: 16});
    own.step();
    own.close();
    own.close();
    model.dispose();
  });
});
