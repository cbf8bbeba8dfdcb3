/**
 * The committed benchmark runs (data/bench/*.json from `npm run bench -- --yardsticks DIR`) as the
 * Throughput page shows them: the newest run that measured the native yardsticks side by side,
 * reduced to what the page draws. Only measured ratios are taken; a run without yardsticks (whose
 * FFHT figure is an estimate) is never picked.
 */
import {plainTable} from "./plain-table.js";

export interface MeasuredWhtRow {
  log2n: number;
  ffht: number;
  plainC: number;
  project: number;
  ratioToFfht: number;
  ratioToPlainC: number;
}

export interface MeasuredGemmRow {
  product: string;
  batch: number;
  width: number;
  numpyGflops: number;
  projectGflops: number;
  ratioToNumpy: number;
}

export interface MeasuredRun {
  /** The file under data/bench/ it came from. */
  file: string;
  date: string;
  /** "AMD EPYC, 2 cores, L2 1 MiB per core" and the like. */
  machine: string;
  commit: string | null;
  command: string | null;
  note: string | null;
  wht: MeasuredWhtRow[];
  gemm: MeasuredGemmRow[];
  /** Rows of the optional sections, passed through (training steps, layers across batches). */
  training: unknown[];
  layerBatches: unknown[];
}

interface RawRun {
  date?: string;
  machine?: {cpu?: string; cores?: number; caches?: Array<{level: number; type: string; size: string}>};
  provenance?: {
    commit?: string | null;
    command?: string | null;
    note?: string | null;
    cpu?: string | null;
    l2?: string | null;
  };
  yardsticks?: {kind?: string; wht?: MeasuredWhtRow[]; gemm?: MeasuredGemmRow[]};
  training?: {rows?: unknown[]};
  layerBatches?: {rows?: unknown[]};
}

/** "AMD EPYC, 2 cores, L2 1 MiB (2 instances)" from a run's machine and provenance. */
export function machineLabel(run: RawRun): string {
  const cpu = run.provenance?.cpu || run.machine?.cpu || "unknown CPU";
  const cores = run.machine?.cores;
  const l2 = run.provenance?.l2 ?? run.machine?.caches?.find((c) => c.level === 2)?.size;
  return [cpu, cores ? `${cores} core${cores === 1 ? "" : "s"}` : null, l2 ? `L2 ${l2}` : null]
    .filter(Boolean)
    .join(", ");
}

/** The newest run (by date) whose yardsticks were measured, or null when none was committed. */
export function newestMeasuredRun(files: Array<{name: string; json: unknown}>): MeasuredRun | null {
  const runs = files
    .map(({name, json}) => ({name, run: json as RawRun}))
    .filter(
      ({run}) =>
        run && typeof run === "object" && run.yardsticks?.kind === "measured" && Array.isArray(run.yardsticks.wht)
    )
    .sort((a, b) => String(b.run.date).localeCompare(String(a.run.date)));
  if (runs.length === 0) return null;
  const {name, run} = runs[0];
  const pick = <T extends object>(rows: T[] | undefined, keys: Array<keyof T>) =>
    (rows ?? []).map((r) => Object.fromEntries(keys.map((k) => [k, r[k]])) as T);
  return {
    file: name,
    date: String(run.date),
    machine: machineLabel(run),
    commit: run.provenance?.commit ?? null,
    command: run.provenance?.command ?? null,
    note: run.provenance?.note ?? null,
    wht: pick(run.yardsticks!.wht, ["log2n", "ffht", "plainC", "project", "ratioToFfht", "ratioToPlainC"]),
    gemm: pick(run.yardsticks!.gemm, ["product", "batch", "width", "numpyGflops", "projectGflops", "ratioToNumpy"]),
    training: run.training?.rows ?? [],
    layerBatches: run.layerBatches?.rows ?? []
  };
}

/** 1,234,567 → "1.23 M", 29,600 → "29.6 k". */
export function formatCount(v: number): string {
  if (v >= 1e6) return `${(v / 1e6).toPrecision(3)} M`;
  if (v >= 1e4) return `${(v / 1e3).toPrecision(3)} k`;
  return Math.round(v).toLocaleString("en-US");
}

const PRODUCT_LABELS: Record<string, string> = {
  forward: "forward x·W",
  gradWeights: "weight gradient xᵀ·g",
  gradInput: "input gradient g·Wᵀ"
};

/** Rows of the page's WHT table: size, FFHT, plain C, ours, ratio. */
export function whtTableRows(run: MeasuredRun): Array<Record<string, string>> {
  return run.wht.map((r) => ({
    n: `2^${r.log2n}`,
    "FFHT (C, AVX)": formatCount(r.ffht),
    "plain C": formatCount(r.plainC),
    "this library (WASM SIMD)": formatCount(r.project),
    "× FFHT": r.ratioToFfht.toFixed(2),
    "× plain C": r.ratioToPlainC.toFixed(2)
  }));
}

/** Rows of the page's dense-product table: product, batch, numpy GFLOP/s, ours, ratio. */
export function gemmTableRows(run: MeasuredRun): Array<Record<string, string>> {
  return run.gemm.map((r) => ({
    "product (1448 × 1448 weights)": PRODUCT_LABELS[r.product] ?? r.product,
    batch: String(r.batch),
    "numpy sgemm, GFLOP/s": r.numpyGflops.toFixed(1),
    "this library, GFLOP/s": r.projectGflops.toFixed(1),
    "× numpy": r.ratioToNumpy.toFixed(2)
  }));
}

interface BatchRowLike {
  batch: number;
  threads: number;
  samplesPerSecond: number;
}

/**
 * Switch Net 4 / dense speed (samples per second) per batch and thread count: > 1 means Switch Net
 * 4 is faster. `kindOf` names the row's model ("switchnet4" or "dense").
 */
export function speedRatios<T extends BatchRowLike>(
  rows: T[],
  kindOf: (r: T) => string
): Array<{batch: number; threads: number; switchnet4: number; dense: number; ratio: number}> {
  const out = [];
  for (const s of rows.filter((r) => kindOf(r) === "switchnet4")) {
    const d = rows.find((r) => kindOf(r) === "dense" && r.batch === s.batch && r.threads === s.threads);
    if (d)
      out.push({
        batch: s.batch,
        threads: s.threads,
        switchnet4: s.samplesPerSecond,
        dense: d.samplesPerSecond,
        ratio: s.samplesPerSecond / d.samplesPerSecond
      });
  }
  return out.sort((a, b) => a.threads - b.threads || a.batch - b.batch);
}

/**
 * The two-thread speed-up of each model at one batch size: samples per second on `threads` threads
 * ÷ on one, from rows of the same run (null where either row is missing or a thread count fell back).
 */
export function threadSpeedups<T extends BatchRowLike>(
  rows: T[],
  kindOf: (r: T) => string,
  batch: number,
  threads = 2
): {switchnet4: number | null; dense: number | null} {
  const speedup = (kind: string) => {
    const one = rows.find((r) => kindOf(r) === kind && r.batch === batch && r.threads === 1);
    const many = rows.find((r) => kindOf(r) === kind && r.batch === batch && r.threads === threads);
    return one && many ? many.samplesPerSecond / one.samplesPerSecond : null;
  };
  return {switchnet4: speedup("switchnet4"), dense: speedup("dense")};
}

/** Rows of the page's batch table: samples/s of each and who wins by how much. */
export function ratioTableRows(ratios: ReturnType<typeof speedRatios>): Array<Record<string, string>> {
  return ratios.map((r) => ({
    batch: String(r.batch),
    threads: String(r.threads),
    "Switch Net 4, samples/s": formatCount(r.switchnet4),
    "dense, samples/s": formatCount(r.dense),
    "Switch Net 4 / dense": r.ratio.toFixed(2),
    faster: r.ratio >= 1 ? `Switch Net 4, ${r.ratio.toFixed(2)}×` : `dense, ${(1 / r.ratio).toFixed(2)}×`
  }));
}

/** Rows of strings (one object per row, the keys as headings) as a table whose headings wrap. */
export function rowsTable(rows: ReadonlyArray<Record<string, string>>): HTMLTableElement {
  const head = Object.keys(rows[0] ?? {});
  return plainTable(
    head,
    rows.map((row) => head.map((h) => row[h]))
  );
}
