/**
 * Native yardsticks for `npm run bench -- --yardsticks DIR` (Node only, so it lives in scripts/):
 * FFHT and a plain C WHT built from ../shared/yardsticks (or any folder holding `build.sh`), and
 * numpy's single-thread sgemm (OpenBLAS) for the dense products. Each is run as a child process
 * on this machine, interleaved with the project's own kernels by the caller, so that the ratios
 * come from one run on one machine: measured, never scaled from elsewhere.
 *
 * The child processes inherit this process's CPU affinity (run the benchmark under `taskset -c 1`).
 */
import {spawnSync} from "node:child_process";
import {existsSync, mkdtempSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";

export interface NativeWhtRow {
  log2n: number;
  transformsPerSecond: number;
  nsPerElement: number;
}

export interface Yardsticks {
  /** The folder the sources (and build.sh) came from. */
  source: string;
  ffht: string;
  plainC: string;
  /** The build command as run. */
  build: string;
}

/**
 * Builds FFHT and the plain C WHT with `DIR/build.sh` into a temporary folder; throws an Error
 * saying what failed (no build.sh, no compiler, a compile error) otherwise.
 */
export function buildYardsticks(dir: string): Yardsticks {
  const source = resolve(dir);
  const script = join(source, "build.sh");
  if (!existsSync(script))
    throw new Error(`--yardsticks ${dir}: no build.sh in ${source} (expected the folder ../shared/yardsticks)`);
  const out = mkdtempSync(join(tmpdir(), "yardsticks-"));
  const r = spawnSync("sh", [script, out], {encoding: "utf8"});
  if (r.status !== 0)
    throw new Error(
      `--yardsticks: ${script} failed (status ${r.status}): ${(r.stderr || r.error?.message || "").trim()}`
    );
  const ffht = join(out, "ffht"),
    plainC = join(out, "plain-c");
  for (const p of [ffht, plainC]) if (!existsSync(p)) throw new Error(`--yardsticks: ${script} did not produce ${p}`);
  return {source, ffht, plainC, build: `sh ${script} ${out}`};
}

/** Runs one yardsticks binary on the given log2 sizes ("log2n transforms/s ns/element" per line). */
export function runNativeWht(binary: string, log2s: number[]): NativeWhtRow[] {
  const r = spawnSync(binary, log2s.map(String), {encoding: "utf8"});
  if (r.status !== 0)
    throw new Error(`${binary} failed (status ${r.status}): ${(r.stderr || r.error?.message || "").trim()}`);
  const rows: NativeWhtRow[] = [];
  for (const line of r.stdout.trim().split("\n")) {
    const [l, tps, ns] = line.trim().split(/\s+/).map(Number);
    if (![l, tps, ns].every(Number.isFinite))
      throw new Error(`${binary}: unexpected output line ${JSON.stringify(line)}`);
    rows.push({log2n: l, transformsPerSecond: tps, nsPerElement: ns});
  }
  return rows;
}

/** The three products of a dense layer, as numpy computes them. */
export type GemmProduct = "forward" | "gradWeights" | "gradInput";

export interface NumpyGemmRow {
  product: GemmProduct;
  batch: number;
  width: number;
  /** Median seconds per product over 9 samples (each at least 40 ms of calls). */
  seconds: number;
  gflops: number;
}

const NUMPY_SCRIPT = `
import json, sys, time
import numpy as np
cfg = json.loads(sys.argv[1])
rng = np.random.default_rng(1)
out = {"numpy": np.__version__, "blas": None, "rows": []}
try:
    info = np.show_config(mode="dicts")
    out["blas"] = info["Build Dependencies"]["blas"].get("name", "") + " " + str(info["Build Dependencies"]["blas"].get("version", ""))
except Exception:
    pass
D = cfg["width"]
for B in cfg["batches"]:
    x = rng.standard_normal((B, D), dtype=np.float32)
    w = rng.standard_normal((D, D), dtype=np.float32)
    gy = rng.standard_normal((B, D), dtype=np.float32)
    fns = {"forward": lambda: x @ w, "gradWeights": lambda: x.T @ gy, "gradInput": lambda: gy @ w.T}
    for name in cfg["products"]:
        f = fns[name]
        it = 1
        while True:
            t0 = time.perf_counter()
            for _ in range(it): f()
            t = time.perf_counter() - t0
            if t > 0.01:
                it = int(it * 0.04 / t) + 1
                break
            it *= 2
        s = []
        for _ in range(9):
            t0 = time.perf_counter()
            for _ in range(it): f()
            s.append((time.perf_counter() - t0) / it)
        s.sort()
        out["rows"].append({"product": name, "batch": B, "width": D, "seconds": s[4], "gflops": 2 * B * D * D / s[4] / 1e9})
print(json.dumps(out))
`;

/** The environment numpy runs in: one BLAS thread; OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (they slow a current numpy). */
export function numpyEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OPENBLAS_NUM_THREADS: "1",
    OMP_NUM_THREADS: "1",
    MKL_NUM_THREADS: "1"
  };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

/**
 * numpy's float32 products of a dense layer, single thread. Returns null with the reason when
 * python3 or numpy is missing.
 */
export function runNumpyGemm(
  width: number,
  batches: number[],
  products: GemmProduct[]
): {numpy: string; blas: string | null; rows: NumpyGemmRow[]} | {unavailable: string} {
  const r = spawnSync("python3", ["-c", NUMPY_SCRIPT, JSON.stringify({width, batches, products})], {
    encoding: "utf8",
    env: numpyEnv()
  });
  if (r.error) return {unavailable: `python3 could not be run: ${r.error.message}`};
  if (r.status !== 0) {
    const err = (r.stderr || "").trim();
    if (/No module named .?numpy/.test(err))
      return {unavailable: "python3 cannot import numpy (Debian: apt-get install python3-numpy)"};
    throw new Error(`numpy sgemm failed (status ${r.status}): ${err}`);
  }
  return JSON.parse(r.stdout);
}
