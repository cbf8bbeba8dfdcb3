/**
 * `npm run bench`: the WHT kernels across sizes, batch (and one long vector's) throughput across
 * threads, and a Switch Net 4
 * layer (W = 65,536) against a dense layer of equal connections (W = 1448) in this library and in
 * TensorFlow.js with its WebAssembly backend, side by side in one process. Prints one JSON
 * document (machine, date, node version, every row) on stdout; `--table` prints readable tables
 * instead; `--quick` runs in about 20 s (the site's build-time loader). Progress goes to stderr.
 *
 *   npm run bench [-- --quick] [-- --table] [-- --only wht,batch,layer]
 */
import {cpus, loadavg, totalmem} from "node:os";
import {spawnSync} from "node:child_process";
import {existsSync, readFileSync, readdirSync} from "node:fs";
import {createRequire} from "node:module";
import {dirname, resolve} from "node:path";
import {pathToFileURL} from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import {getThreadsCount, setWasmPaths} from "@tensorflow/tfjs-backend-wasm";
import {
  GEMM_PRODUCTS,
  runBatchBenchmark,
  runBatchedPathBenchmark,
  runGemmBenchmark,
  runLayerBatchBenchmark,
  runLayerBenchmark,
  runTrainingBenchmark,
  runWhtBenchmark,
  timeSync,
  type LayerBenchRow,
  type Timing,
  type TrainingLibrary
} from "../lib/bench.js";
import {counts} from "../lib/counts.js";
import {wasmFailure} from "../lib/wasm/runtime.js";
import {fusedMultiplyAdd, setFusedMultiplyAdd} from "../lib/kernels/gemm.js";
import {backend, ready} from "../lib/wht.js";
import {createRng} from "../lib/random.js";
import {switchNetForward} from "../lib/switchnet.js";
import {ANCHORS, anchorComparison} from "../lib/anchors.js";
import {buildYardsticks, runNativeWht, runNumpyGemm, type Yardsticks} from "./yardsticks.js";

const USAGE = `Usage: npm run bench [-- --quick] [-- --table | --json] [-- --only PARTS] [-- --yardsticks DIR]
  --quick          about 20 s instead of a few minutes (fewer sizes and repeats)
  --json           JSON on stdout (the default)
  --table          readable tables instead of JSON on stdout
  --only PARTS     comma-separated subset of: wht, batch, layer, layerBatches, gemm, training, batchedPath
  --baseline DIR   batchedPath also times an older build of the library, DIR/lib/index.ts (e.g. from
                   \`git archive <commit> lib | tar -x -C DIR\`), side by side with this one
  --note TEXT      recorded as "provenance.note" in the JSON (e.g. what else ran on the machine)
  --yardsticks DIR also build FFHT and a plain C WHT with DIR/build.sh (e.g. ../shared/yardsticks) and
                   run them, and numpy's single-thread sgemm, interleaved with this library's kernels:
                   measured ratios in "yardsticks" (run the whole benchmark under taskset -c 1)
  --fma            the dense products use relaxed-SIMD fused multiply-add (not bit-identical to the
                   default kernels); Node 20 must be started with the flag, e.g.
                   node --experimental-wasm-relaxed-simd --import tsx scripts/bench.ts --fma
Without --yardsticks no ratio to FFHT is measured; the JSON's "ffhtEstimate" scales FFHT's speed on
another machine (docs/ANCHORS.md) and is an estimate, not a measurement.
Progress goes to stderr; results (JSON by default) to stdout.`;
const PARTS = ["wht", "batch", "layer", "layerBatches", "gemm", "training", "batchedPath"];
const args = process.argv.slice(2);
function usageError(message: string): never {
  process.stderr.write(`bench: ${message}\n${USAGE}\n`);
  process.exit(2);
}
if (args.includes("--help") || args.includes("-h")) {
  process.stdout.write(USAGE + "\n");
  process.exit(0);
}
/** `--name value` or `--name=value`: the value, undefined when absent; marks both as used. */
const used = new Set<number>();
function optionValue(name: string): string | undefined {
  const i = args.findIndex((a) => a === name || a.startsWith(name + "="));
  if (i < 0) return undefined;
  used.add(i);
  if (args[i].includes("=")) return args[i].slice(name.length + 1);
  const v = args[i + 1];
  if (v === undefined || v.startsWith("--")) usageError(`${name} needs a value`);
  used.add(i + 1);
  return v;
}
const quick = args.includes("--quick");
const fma = args.includes("--fma");
const table = args.includes("--table");
if (table && args.includes("--json")) usageError("--table and --json exclude each other");
const onlyValue = optionValue("--only");
const yardsticksDir = optionValue("--yardsticks");
const note = optionValue("--note");
const baselineDir = optionValue("--baseline");
args.forEach((a, i) => {
  if (!["--quick", "--table", "--json", "--fma"].includes(a) && !used.has(i)) {
    usageError(`unknown argument ${JSON.stringify(a)}`);
  }
});
const only = onlyValue ? onlyValue.split(",") : PARTS;
for (const part of only)
  if (!PARTS.includes(part)) usageError(`--only: ${JSON.stringify(part)} is not one of ${PARTS.join(", ")}`);
const log = (s: string) => process.stderr.write(`bench: ${s}\n`);
const progress = (what: string) => (done: number, total: number, label: string) =>
  log(`${what} ${done}/${total} ${label}`);

function caches(): Array<{level: number; type: string; size: string}> {
  const dir = "/sys/devices/system/cpu/cpu0/cache";
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir).filter((n) => /^index\d+$/.test(n))) {
    try {
      const read = (f: string) => readFileSync(`${dir}/${name}/${f}`, "utf8").trim();
      out.push({level: Number(read("level")), type: read("type"), size: read("size")});
    } catch {
      // unreadable entry: left out
    }
  }
  return out;
}

// ---- TensorFlow.js (WASM backend): the same two layers, written as a TF.js user would -------

async function tfReady(): Promise<string> {
  const require = createRequire(import.meta.url);
  setWasmPaths(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")) + "/dist/");
  await tf.setBackend("wasm");
  await tf.ready();
  const simd = tf.env().getBool("WASM_HAS_SIMD_SUPPORT");
  return `tfjs-wasm${simd ? "-simd" : ""} (${getThreadsCount()} thread${getThreadsCount() === 1 ? "" : "s"})`;
}

/** Dense layer forward + backward: y = xW + b; dW = xᵀdy, db = Σdy, dx = dyWᵀ. */
function tfDense(D: number, batch: number): () => void {
  const x = tf.randomNormal([batch, D]);
  const w = tf.randomNormal([D, D], 0, 1 / Math.sqrt(D));
  const b = tf.zeros([D]);
  const dy = tf.randomNormal([batch, D]);
  return () => {
    tf.tidy(() => {
      const y = tf.add(tf.matMul(x, w), b);
      const dw = tf.matMul(x, dy, true, false);
      const db = tf.sum(dy, 0);
      const dx = tf.matMul(dy, w, false, true);
      y.dataSync();
      dw.dataSync();
      db.dataSync();
      dx.dataSync();
    });
  };
}

/** T_m/√(W/m) on [batch, W] as log2(W/m) reshape-and-add stages. */
function tfTruncatedWht(v: tf.Tensor2D, W: number, m: number): tf.Tensor2D {
  const batch = v.shape[0];
  let t: tf.Tensor = v;
  for (let h = m; h < W; h *= 2) {
    const r = tf.reshape(t, [batch, W / (2 * h), 2, h]);
    const [a, b] = tf.split(r, 2, 2);
    t = tf.reshape(tf.concat([tf.add(a, b), tf.sub(a, b)], 2), [batch, W]);
  }
  return tf.mul(t, 1 / Math.sqrt(W / m)) as tf.Tensor2D;
}

/** Switch Net 4 layer forward + backward with batched m×m matrix products per group. */
function tfSwitchNet(W: number, m: number, batch: number): () => void {
  const G = W / m;
  const x = tf.randomNormal([batch, W]);
  const wPos = tf.randomNormal([G, m, m], 0, 0.5);
  const wNeg = tf.randomNormal([G, m, m], 0, 0.5);
  const gyIn = tf.randomNormal([batch, W]);
  return () => {
    tf.tidy(() => {
      // forward
      const xg = tf.transpose(tf.reshape(x, [batch, G, m]), [1, 0, 2]); // [G, batch, m]
      const pos = tf.relu(xg);
      const neg = tf.sub(xg, pos);
      const yg = tf.add(tf.matMul(pos, wPos), tf.matMul(neg, wNeg)); // [G, batch, m]
      const y = tfTruncatedWht(tf.reshape(tf.transpose(yg, [1, 0, 2]), [batch, W]) as tf.Tensor2D, W, m);
      // backward
      const g = tfTruncatedWht(gyIn as tf.Tensor2D, W, m);
      const gg = tf.transpose(tf.reshape(g, [batch, G, m]), [1, 0, 2]); // [G, batch, m]
      const dwPos = tf.matMul(pos, gg, true, false);
      const dwNeg = tf.matMul(neg, gg, true, false);
      const gxg = tf.where(tf.greaterEqual(xg, 0), tf.matMul(gg, wPos, false, true), tf.matMul(gg, wNeg, false, true));
      const gx = tf.reshape(tf.transpose(gxg, [1, 0, 2]), [batch, W]);
      y.dataSync();
      dwPos.dataSync();
      dwNeg.dataSync();
      gx.dataSync();
    });
  };
}

/**
 * Checks the TF.js Switch Net 4 forward against lib/switchnet.ts on the same weights (W = 64), so
 * the timed TF.js code is known to compute the same layer. Returns the largest difference.
 */
function tfSwitchNetCheck(): number {
  const W = 64,
    m = 4,
    batch = 3,
    G = W / m;
  const rng = createRng(7);
  const x = Float32Array.from({length: batch * W}, () => rng.normal());
  const w = Float32Array.from({length: 2 * m * W}, () => rng.normal());
  const want = new Float32Array(batch * W);
  switchNetForward(x, want, w, W, m, batch);
  const branch = (s: number) => {
    const out = new Float32Array(G * m * m);
    for (let j = 0; j < W; j++) for (let o = 0; o < m; o++) out[j * m + o] = w[(j * 2 + s) * m + o];
    return tf.tensor3d(out, [G, m, m]);
  };
  const got = tf.tidy(() => {
    const xg = tf.transpose(tf.reshape(tf.tensor2d(x, [batch, W]), [batch, G, m]), [1, 0, 2]);
    const pos = tf.relu(xg);
    const yg = tf.add(tf.matMul(pos, branch(0)), tf.matMul(tf.sub(xg, pos), branch(1)));
    return tfTruncatedWht(tf.reshape(tf.transpose(yg, [1, 0, 2]), [batch, W]) as tf.Tensor2D, W, m).dataSync();
  });
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  return worst;
}

async function tfLayerRows(batches: number[], repeats: number, minTimeMs: number): Promise<LayerBenchRow[]> {
  const name = await tfReady();
  const worst = tfSwitchNetCheck();
  if (!(worst < 1e-4)) throw new Error(`the TF.js Switch Net 4 layer disagrees with lib/switchnet.ts by ${worst}`);
  log(`tfjs Switch Net 4 forward matches lib/switchnet.ts within ${worst.toExponential(1)}`);
  const W = 65536,
    m = 4,
    D = 1448;
  const sw = counts("switchnet4", W, {groupSize: m});
  const dn = counts("dense", D);
  const rows: LayerBenchRow[] = [];
  const row = (
    layer: string,
    width: number,
    connections: number,
    stored: number,
    batch: number,
    t: Timing
  ): LayerBenchRow => ({
    layer,
    implementation: name,
    width,
    connections,
    storedWeights: stored,
    batch,
    msPerSample: t.medianMs / batch,
    samplesPerSecond: (1000 * batch) / t.medianMs,
    ...t
  });
  for (const batch of batches) {
    log(`tfjs switchnet4 W=${W} batch ${batch}`);
    rows.push(row("switchnet4", W, sw.edges, sw.stored, batch, timeSync(tfSwitchNet(W, m, batch), repeats, minTimeMs)));
    log(`tfjs dense W=${D} batch ${batch}`);
    rows.push(row("dense", D, dn.edges, dn.stored + dn.biases, batch, timeSync(tfDense(D, batch), repeats, minTimeMs)));
  }
  return rows;
}

// ---- yardsticks: native code measured in the same run, interleaved with ours --------------

const median = (xs: number[]) => {
  const v = [...xs].sort((a, b) => a - b);
  const h = v.length >> 1;
  return v.length % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
};

async function runYardsticks(dir: string) {
  log(`yardsticks: building with ${dir}/build.sh`);
  let ys: Yardsticks;
  try {
    ys = buildYardsticks(dir);
  } catch (e) {
    usageError(e instanceof Error ? e.message : String(e));
  }
  const rounds = quick ? 3 : 5;
  const log2s = quick ? [10, 16, 20] : [8, 10, 12, 14, 16, 18, 20, 22];
  const samples = new Map<number, {ffht: number[]; plainC: number[]; project: number[]}>();
  for (const l of log2s) samples.set(l, {ffht: [], plainC: [], project: []});
  // Rounds outermost, and within a round each size runs FFHT, plain C and ours back to back, so
  // slow drifts of the machine's speed touch all three alike.
  for (let r = 0; r < rounds; r++) {
    for (const l of log2s) {
      log(`yardsticks WHT round ${r + 1}/${rounds} n=2^${l}`);
      const s = samples.get(l)!;
      s.ffht.push(runNativeWht(ys.ffht, [l])[0].transformsPerSecond);
      s.plainC.push(runNativeWht(ys.plainC, [l])[0].transformsPerSecond);
      const ours = await runWhtBenchmark({sizes: [2 ** l], kernels: ["wasm-simd"], repeats: 5, minTimeMs: 40});
      s.project.push(ours.rows[0].transformsPerSecond);
    }
  }
  const wht = log2s.map((l) => {
    const s = samples.get(l)!;
    const ffht = median(s.ffht),
      plainC = median(s.plainC),
      project = median(s.project);
    // The fastest round of each as well: a busy machine only ever slows a program down.
    const best = {ffht: Math.max(...s.ffht), plainC: Math.max(...s.plainC), project: Math.max(...s.project)};
    return {
      log2n: l,
      n: 2 ** l,
      ffht,
      plainC,
      project,
      ratioToFfht: project / ffht,
      ratioToPlainC: project / plainC,
      best: {...best, ratioToFfht: best.project / best.ffht, ratioToPlainC: best.project / best.plainC},
      samples: s
    };
  });
  // Dense products against numpy's single-thread sgemm.
  const batches = quick ? [64] : [16, 64, 256];
  const gemmSamples = new Map<string, {numpy: number[]; project: number[]}>();
  let numpyInfo: {numpy: string; blas: string | null} | {unavailable: string} | null = null;
  for (let r = 0; r < rounds; r++) {
    log(`yardsticks GEMM round ${r + 1}/${rounds}: numpy`);
    const np = runNumpyGemm(1448, batches, [...GEMM_PRODUCTS]);
    if ("unavailable" in np) {
      numpyInfo = np;
      log(`yardsticks: no numpy comparison: ${np.unavailable}`);
      break;
    }
    numpyInfo = {numpy: np.numpy, blas: np.blas};
    log(`yardsticks GEMM round ${r + 1}/${rounds}: this library`);
    const ours = await runGemmBenchmark({width: 1448, batches, repeats: 5, minTimeMs: 100});
    for (const row of np.rows) {
      const key = `${row.product} ${row.batch}`;
      if (!gemmSamples.has(key)) gemmSamples.set(key, {numpy: [], project: []});
      gemmSamples.get(key)!.numpy.push(row.gflops);
    }
    for (const row of ours.rows) gemmSamples.get(`${row.product} ${row.batch}`)!.project.push(row.gflops);
  }
  const gemm = [...gemmSamples.entries()].map(([key, s]) => {
    const [product, batch] = key.split(" ");
    const numpy = median(s.numpy),
      project = median(s.project);
    const best = {numpyGflops: Math.max(...s.numpy), projectGflops: Math.max(...s.project)};
    return {
      product,
      batch: Number(batch),
      width: 1448,
      numpyGflops: numpy,
      projectGflops: project,
      ratioToNumpy: project / numpy,
      best: {...best, ratioToNumpy: best.projectGflops / best.numpyGflops},
      samples: s
    };
  });
  return {
    kind: "measured",
    note:
      "FFHT, plain C and numpy run as child processes of this benchmark, interleaved with this library's kernels, " +
      "one thread each (inheriting this process's CPU affinity); figures are medians over rounds, `best` the fastest round of each",
    rounds,
    source: ys.source,
    build: ys.build,
    affinity: affinity(),
    numpy: numpyInfo,
    numpyEnvironment:
      "OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1, OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset",
    wht,
    gemm
  };
}

/** What ran, where and at which commit: for a run committed to data/bench/. */
function provenance() {
  const run = (cmd: string, a: string[]) => {
    const r = spawnSync(cmd, a, {encoding: "utf8"});
    return r.status === 0 ? r.stdout.trim() : null;
  };
  const lscpu = run("lscpu", []);
  const field = (name: string) =>
    lscpu
      ?.split("\n")
      .find((l) => l.startsWith(name + ":"))
      ?.split(":")
      .slice(1)
      .join(":")
      .trim() ?? null;
  const dirty = run("git", ["status", "--porcelain", "--untracked-files=no"]);
  return {
    command: ["npm run bench --", ...args].join(" "),
    commit: run("git", ["rev-parse", "HEAD"]),
    uncommittedChanges: dirty === null ? null : dirty.length > 0,
    cpu: field("Model name"),
    cpuFamily: field("CPU family"),
    cpuModel: field("Model"),
    l2: field("L2 cache"),
    l3: field("L3 cache"),
    avx2: lscpu ? /\bavx2\b/.test(lscpu) : null,
    avx512f: lscpu ? /\bavx512f\b/.test(lscpu) : null,
    affinity: affinity(),
    loadAverage: loadavg(),
    note: note ?? null
  };
}

/** The CPUs this process may run on (Linux), e.g. "1", or null when unknown. */
function affinity(): string | null {
  try {
    const line = readFileSync("/proc/self/status", "utf8")
      .split("\n")
      .find((l) => l.startsWith("Cpus_allowed_list:"));
    return line ? line.split(":")[1].trim() : null;
  } catch {
    return null;
  }
}

// ---- run --------------------------------------------------------------------------------------

const started = Date.now();
await ready();
if (fma) {
  try {
    setFusedMultiplyAdd("on");
  } catch (e) {
    usageError(`--fma: ${e instanceof Error ? e.message : String(e)}`);
  }
}
const result: Record<string, unknown> = {
  date: new Date().toISOString(),
  backend: backend(),
  fusedMultiplyAdd: fusedMultiplyAdd(),
  wasmFailure: wasmFailure(),
  machine: {
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    caches: caches(),
    node: process.version
  },
  quick,
  provenance: provenance()
};
if (only.includes("wht")) {
  const wht = await runWhtBenchmark({quick, onProgress: progress("wht")});
  result.wht = wht;
  result.ffhtEstimate = {
    kind: "estimate",
    note:
      "NOT a measurement: FFHT's speed on another machine (docs/ANCHORS.md) scaled by the naive JS loop's speed here against there; " +
      "run with --yardsticks DIR for measured ratios",
    rows: anchorComparison(wht.rows),
    table: ANCHORS
  };
}
if (only.includes("batch")) {
  const batch = await runBatchBenchmark({quick, onProgress: progress("batch")});
  // One long vector split across the threads (pool.wht): sub-blocks, then columns.
  const single = await runBatchBenchmark({
    quick,
    sizes: quick ? [2 ** 20] : [2 ** 20, 2 ** 22],
    count: 1,
    onProgress: progress("single")
  });
  result.batch = {rows: [...batch.rows, ...single.rows]};
}
if (only.includes("layer")) {
  const batches = quick ? [1] : [1, 16];
  const layer = await runLayerBenchmark({quick, batches, onProgress: progress("layer")});
  layer.rows.push(...(await tfLayerRows(batches, quick ? 3 : 5, quick ? 60 : 200)));
  result.layer = layer;
}
if (only.includes("gemm")) {
  result.gemm = await runGemmBenchmark({quick, onProgress: progress("gemm")});
}
if (only.includes("layerBatches")) {
  result.layerBatches = await runLayerBatchBenchmark({quick, onProgress: progress("layerBatches")});
}
if (only.includes("training")) {
  result.training = await runTrainingBenchmark({quick, onProgress: progress("training")});
}
if (only.includes("batchedPath")) {
  let baseline: TrainingLibrary | undefined;
  if (baselineDir !== undefined) {
    const entry = resolve(baselineDir, "lib/index.ts");
    if (!existsSync(entry)) usageError(`--baseline: ${entry} does not exist (give a directory holding an older lib/)`);
    const lib = (await import(pathToFileURL(entry).href)) as TrainingLibrary & {ready(): Promise<string>};
    const kernels = await lib.ready();
    if (kernels !== "wasm-simd")
      usageError(`--baseline: the build in ${baselineDir} loaded ${JSON.stringify(kernels)} kernels, not wasm-simd`);
    baseline = lib;
  }
  result.batchedPath = {
    baseline: baselineDir ?? null,
    ...(await runBatchedPathBenchmark({quick, baseline, onProgress: progress("batchedPath")}))
  };
}
if (yardsticksDir !== undefined) {
  result.yardsticks = await runYardsticks(yardsticksDir);
}
result.seconds = (Date.now() - started) / 1000;
log(`done in ${(result.seconds as number).toFixed(1)} s`);

if (!table) {
  process.stdout.write(JSON.stringify(result, null, 1) + "\n");
} else {
  const fmt = (v: number, d = 3) => (Math.abs(v) >= 1000 ? Math.round(v).toLocaleString("en-US") : v.toPrecision(d));
  const m = result.machine as {cpu: string; cores: number; node: string};
  console.log(
    `${m.cpu}, ${m.cores} cores, node ${m.node}, ${result.date}${quick ? " (quick)" : ""}; kernels: ${result.backend}${result.wasmFailure ? ` (${result.wasmFailure})` : ""}\n`
  );
  if (result.wht) {
    console.log("WHT, one vector in place, unnormalised: transforms/s (ns per element) [min–max ms]");
    console.table(
      (result.wht as {rows: Array<Record<string, number | string>>}).rows.map((r) => ({
        kernel: r.kernel,
        n: `2^${r.log2n}`,
        "transforms/s": fmt(r.transformsPerSecond as number),
        "ns/elem": fmt(r.nsPerElement as number),
        "median ms": fmt(r.medianMs as number),
        "min ms": fmt(r.minMs as number),
        "max ms": fmt(r.maxMs as number)
      }))
    );
    if (!result.yardsticks) {
      const cmp = anchorComparison((result.wht as {rows: never[]}).rows);
      console.log(
        `ESTIMATE, not a measurement (run with --yardsticks DIR to measure FFHT here): FFHT on another machine (ANCHORS.md),` +
          ` carried to this one by the naive JS loop (radix2) measured in this run (machine factor ${cmp[0] ? fmt(cmp[0].machineFactor) : "?"}; fastest repeats):`
      );
      console.table(
        cmp.map((r) => ({
          n: `2^${r.log2n}`,
          "naive factor at n": fmt(r.sizeFactor),
          "estimated FFHT/s": fmt(r.ffhtEquivalent),
          "wasm-simd/s": fmt(r.simd),
          "≈ × FFHT (estimate)": fmt(r.ratio),
          "× WASM prototype (estimate)": fmt(r.prototypeRatio),
          "scalar × good scalar (estimate)": r.scalarRatio === null ? "" : fmt(r.scalarRatio)
        }))
      );
    }
  }
  if (result.gemm) {
    console.log("Dense layer products (1448 × 1448 weights), GFLOP/s:");
    console.table(
      (result.gemm as {rows: Array<Record<string, number | string>>}).rows.map((r) => ({
        product: r.product,
        batch: r.batch,
        implementation: r.implementation,
        "GFLOP/s": fmt(r.gflops as number),
        "median ms": fmt(r.medianMs as number)
      }))
    );
  }
  if (result.layerBatches) {
    console.log(
      "One layer, forward + backward, WASM SIMD, across batches and threads (Switch Net 4 W = 65,536 vs dense 1448):"
    );
    console.table(
      (result.layerBatches as {rows: Array<Record<string, number | string | null>>}).rows.map((r) => ({
        layer: r.layer,
        batch: r.batch,
        threads: r.threads,
        "ms/sample": fmt(r.msPerSample as number),
        "samples/s": fmt(r.samplesPerSecond as number)
      }))
    );
  }
  if (result.batchedPath) {
    console.log(
      "Switch Net 4 training steps (W = 65,536, depth 2, one thread): the tiled batched path against the untiled one and the baseline build:"
    );
    console.table(
      (result.batchedPath as {rows: Array<Record<string, number | string | boolean>>}).rows.map((r) => ({
        path: r.path,
        batch: r.batch,
        "ms/sample": fmt(r.msPerSample as number),
        speedup: fmt(r.speedup as number),
        "same bits": r.sameBits
      }))
    );
  }
  if (result.training) {
    console.log("Training steps (createTrainer: forward, MSE, backward, Adam), depth 2, 16 in / 4 out:");
    console.table(
      (result.training as {rows: Array<Record<string, number | string | null>>}).rows.map((r) => ({
        model: r.model,
        width: r.width,
        batch: r.batch,
        threads: r.threads,
        "steps/s": fmt(r.stepsPerSecond as number),
        "ms/sample": fmt(r.msPerSample as number),
        speedup: fmt(r.speedup as number),
        note: r.fallbackReason ?? ""
      }))
    );
  }
  if (result.yardsticks) {
    const y = result.yardsticks as {
      wht: Array<Record<string, number>>;
      gemm: Array<Record<string, number | string>>;
      numpy: {unavailable?: string} | null;
      rounds: number;
    };
    console.log(`MEASURED side by side in this run (medians of ${y.rounds} interleaved rounds), WHT transforms/s:`);
    console.table(
      y.wht.map((r) => ({
        n: `2^${r.log2n}`,
        FFHT: fmt(r.ffht),
        "plain C": fmt(r.plainC),
        "wasm-simd": fmt(r.project),
        "× FFHT": fmt(r.ratioToFfht),
        "× plain C": fmt(r.ratioToPlainC),
        "× FFHT (fastest rounds)": fmt((r.best as unknown as {ratioToFfht: number}).ratioToFfht)
      }))
    );
    if (y.numpy?.unavailable) console.log(`No numpy comparison: ${y.numpy.unavailable}`);
    else {
      console.log("Dense products against numpy's single-thread sgemm, GFLOP/s:");
      console.table(
        y.gemm.map((r) => ({
          product: r.product,
          batch: r.batch,
          numpy: fmt(r.numpyGflops as number),
          "this library": fmt(r.projectGflops as number),
          "× numpy": fmt(r.ratioToNumpy as number),
          "× numpy (fastest rounds)": fmt((r.best as unknown as {ratioToNumpy: number}).ratioToNumpy)
        }))
      );
    }
  }
  if (result.batch) {
    console.log("Batches across threads (shared memory):");
    console.table(
      (result.batch as {rows: Array<Record<string, number | string | null>>}).rows.map((r) => ({
        n: r.n,
        vectors: r.count,
        threads: r.threads,
        "vectors/s": fmt(r.vectorsPerSecond as number),
        "ns/elem": fmt(r.nsPerElement as number),
        "median ms": fmt(r.medianMs as number),
        speedup: fmt(r.speedup as number),
        note: r.fallbackReason ?? ""
      }))
    );
  }
  if (result.layer) {
    console.log("One layer, forward + backward per sample:");
    console.table(
      (result.layer as {rows: LayerBenchRow[]}).rows.map((r) => ({
        layer: r.layer,
        implementation: r.implementation,
        width: r.width,
        connections: r.connections,
        stored: r.storedWeights,
        batch: r.batch,
        "ms/sample": fmt(r.msPerSample),
        "samples/s": fmt(r.samplesPerSecond),
        "min ms": fmt(r.minMs),
        "max ms": fmt(r.maxMs)
      }))
    );
  }
}
