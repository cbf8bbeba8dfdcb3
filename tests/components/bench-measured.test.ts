import {describe, expect, it} from "vitest";
import {gemmTableRows, machineLabel, newestMeasuredRun, whtTableRows} from "../../src/components/bench-measured.js";

const wht = [{log2n: 10, ffht: 3e6, plainC: 1.2e6, project: 1.5e6, ratioToFfht: 0.5, ratioToPlainC: 1.25, samples: {}}];
const gemm = [
  {product: "forward", batch: 64, width: 1448, numpyGflops: 80, projectGflops: 40, ratioToNumpy: 0.5, samples: {}}
];
const run = (date: string, kind: string | null) => ({
  date,
  machine: {cpu: "AMD EPYC", cores: 2, caches: [{level: 2, type: "Unified", size: "1024K"}]},
  provenance: {
    commit: "abc",
    command: "npm run bench -- --yardsticks x",
    note: "paused",
    cpu: "AMD EPYC 9B14",
    l2: "2 MiB (2 instances)"
  },
  ...(kind ? {yardsticks: {kind, wht, gemm}} : {}),
  ffhtEstimate: {kind: "estimate", rows: [{log2n: 10, ratio: 0.9}]}
});

describe("newestMeasuredRun", () => {
  it("picks the newest run whose yardsticks were measured, never an estimate-only run", () => {
    const files = [
      {name: "old.json", json: run("2026-11-01T00:00:00Z", "measured")},
      {name: "estimate.json", json: run("2026-12-02T00:00:00Z", null)},
      {name: "new.json", json: run("2026-11-30T00:00:00Z", "measured")}
    ];
    const got = newestMeasuredRun(files)!;
    expect(got.file).toBe("new.json");
    expect(got.machine).toBe("AMD EPYC 9B14, 2 cores, L2 2 MiB (2 instances)");
    expect(got.wht).toEqual([
      {log2n: 10, ffht: 3e6, plainC: 1.2e6, project: 1.5e6, ratioToFfht: 0.5, ratioToPlainC: 1.25}
    ]);
    expect(got.gemm[0].ratioToNumpy).toBe(0.5);
    expect(got.note).toBe("paused");
  });
  it("returns null when no committed run measured the yardsticks", () => {
    expect(newestMeasuredRun([{name: "a.json", json: run("2026-11-01T00:00:00Z", null)}])).toBeNull();
    expect(newestMeasuredRun([{name: "b.json", json: run("2026-11-01T00:00:00Z", "estimate")}])).toBeNull();
  });
  it("labels the machine from the run when lscpu was unavailable", () => {
    expect(machineLabel({machine: {cpu: "X", cores: 1, caches: [{level: 2, type: "Unified", size: "512K"}]}})).toBe(
      "X, 1 core, L2 512K"
    );
  });
  it("formats the page's tables", () => {
    const got = newestMeasuredRun([{name: "n.json", json: run("2026-11-30T00:00:00Z", "measured")}])!;
    expect(whtTableRows(got)).toEqual([
      {
        n: "2^10",
        "FFHT (C, AVX)": "3.00 M",
        "plain C": "1.20 M",
        "this library (WASM SIMD)": "1.50 M",
        "× FFHT": "0.50",
        "× plain C": "1.25"
      }
    ]);
    expect(gemmTableRows(got)[0]).toEqual({
      "product (1448 × 1448 weights)": "forward x·W",
      batch: "64",
      "numpy sgemm, GFLOP/s": "80.0",
      "this library, GFLOP/s": "40.0",
      "× numpy": "0.50"
    });
  });
});

describe("speedRatios", () => {
  it("pairs Switch Net 4 and dense rows by batch and threads and says who wins", async () => {
    const {speedRatios, ratioTableRows} = await import("../../src/components/bench-measured.js");
    const rows = [
      {layer: "switchnet4", batch: 1, threads: 1, samplesPerSecond: 3000},
      {layer: "dense", batch: 1, threads: 1, samplesPerSecond: 1000},
      {layer: "switchnet4", batch: 64, threads: 1, samplesPerSecond: 1000},
      {layer: "dense", batch: 64, threads: 1, samplesPerSecond: 2000},
      {layer: "switchnet4", batch: 64, threads: 2, samplesPerSecond: 1800}
    ];
    const r = speedRatios(rows, (x) => x.layer);
    expect(r.map((x) => [x.batch, x.threads, x.ratio])).toEqual([
      [1, 1, 3],
      [64, 1, 0.5]
    ]);
    expect(ratioTableRows(r).map((x) => x.faster)).toEqual(["Switch Net 4, 3.00×", "dense, 2.00×"]);
  });
});

describe("threadSpeedups", () => {
  it("divides each model's two-thread speed by its one-thread speed at the batch asked for", async () => {
    const {threadSpeedups} = await import("../../src/components/bench-measured.js");
    const rows = [
      {model: "switchnet4", batch: 64, threads: 1, samplesPerSecond: 1000},
      {model: "switchnet4", batch: 64, threads: 2, samplesPerSecond: 1900},
      {model: "switchnet4", batch: 16, threads: 2, samplesPerSecond: 9999},
      {model: "dense", batch: 64, threads: 1, samplesPerSecond: 500},
      {model: "dense", batch: 64, threads: 2, samplesPerSecond: 800}
    ];
    expect(threadSpeedups(rows, (r) => r.model, 64)).toEqual({switchnet4: 1.9, dense: 1.6});
    // a batch with no one-thread row, or no such thread count: nothing to say
    expect(threadSpeedups(rows, (r) => r.model, 16)).toEqual({switchnet4: null, dense: null});
    expect(threadSpeedups(rows, (r) => r.model, 64, 4)).toEqual({switchnet4: null, dense: null});
  });
});
