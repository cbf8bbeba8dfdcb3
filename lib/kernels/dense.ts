/**
 * A dense layer's forward and backward as kernel calls (lib/dense.ts), for arrays that live in the
 * kernel memory: the matrix products (gemm.ts) and the element-wise passes (wasm/denseModule.ts)
 * of one layer go into one job per thread, so while a team of threads is active (lib/team.ts) a
 * layer costs one `team.run` and no loop runs on the calling thread alone:
 *
 * - forward, split by columns of y (or by rows when y has too few columns to share): the bias
 *   into the rows, y += x·W (K blocks in order), ReLU — per element the same operations in the
 *   same order as the single-thread code (and as lib/dense.ts's JS loops), so the same bits;
 * - backward, each thread at once: its rows of gW (= parameters) += xᵀ·gy (the batch summed in
 *   order), its columns of gb += Σ_b gy (in order), its columns of gx = gy·Wᵀ, then gx zeroed
 *   where x = 0 (ReLU input). Every output is computed by one thread with the single-thread code.
 *
 * Each function returns false, doing nothing, when the kernels are not loaded, the backend is
 * forced to scalar, or an array is not in the kernel memory: the caller keeps its other path.
 */
import {activeTeam, runInRounds, splitRange, type KernelCall} from "../team.js";
import {wasmLayers} from "../wasm/runtime.js";
import {inWasmMemory} from "../wasm/memory.js";
import {GEMM_NR} from "../wasm/gemmModule.js";
import {gemmAddCalls, gemmSimdAvailable, gemmTransAAddCall, gemmTransBCall} from "./gemm.js";

/** Multiply-adds below which a layer's work is not shared (a barrier costs about as much). */
const MIN_SHARED_WORK = 1 << 20;

function ready(arrays: Array<Float32Array | null>): boolean {
  return gemmSimdAvailable() && arrays.every((a) => a === null || inWasmMemory(a));
}

/** Runs jobs[t] on thread t of the active team (in rounds of MAX_CALLS calls), or all in order here. */
function runJobs(jobs: KernelCall[][]): void {
  const team = activeTeam();
  if (team === null || jobs.length < 2) {
    const k = wasmLayers() as unknown as Record<string, (...a: number[]) => void>;
    for (const job of jobs) for (const [name, args] of job) k[name](...args);
    return;
  }
  runInRounds(team, jobs);
}

/** Threads to share `work` multiply-adds: the active team's, or 1. */
function parts(work: number): number {
  const team = activeTeam();
  return team !== null && work >= MIN_SHARED_WORK ? team.threads : 1;
}

/** [start, end) per thread: `threads` ranges of [0, total) in multiples of unit (fewer when too short). */
function ranges(total: number, threads: number, unit: number): Array<[number, number]> {
  return threads > 1 && total >= 2 * unit ? splitRange(total, threads, unit) : [[0, total]];
}

/**
 * y[b, ·] = bias + x[b, ·]·w for `batch` rows (x batch×inSize, w inSize×outSize, y batch×outSize),
 * then ReLU when `relu`. False (nothing done) when this path cannot run (see the file comment).
 */
export function denseForward(
  x: Float32Array,
  y: Float32Array,
  w: Float32Array,
  bias: Float32Array,
  inSize: number,
  outSize: number,
  batch: number,
  relu: boolean
): boolean {
  if (!ready([x, y, w, bias]) || batch === 0 || outSize === 0) return false;
  const [pa, pb, pc, pbias] = [x.byteOffset, w.byteOffset, y.byteOffset, bias.byteOffset];
  const threads = parts(batch * inSize * outSize);
  const job = (i0: number, i1: number, j0: number, j1: number): KernelCall[] => {
    const rows = i1 - i0,
      cols = j1 - j0,
      py = pc + 4 * (i0 * outSize + j0);
    const calls: KernelCall[] = [["rows_set", [py, 4 * outSize, pbias + 4 * j0, rows, cols]]];
    if (inSize > 0) calls.push(...gemmAddCalls(pa, pb, pc, inSize, outSize, i0, i1, j0, j1));
    if (relu) calls.push(["relu_rows", [py, 4 * outSize, rows, cols]]);
    return calls;
  };
  // Columns (whole panels) when there are enough to share, else rows.
  const jobs =
    outSize >= 2 * GEMM_NR || threads === 1
      ? ranges(outSize, threads, GEMM_NR).map(([j0, j1]) => job(0, batch, j0, j1))
      : ranges(batch, threads, 1).map(([i0, i1]) => job(i0, i1, 0, outSize));
  runJobs(jobs);
  return true;
}

/**
 * Backward of y = x·w + bias given gy (batch×outSize) at y: gw += xᵀ·gy, gb += Σ_b gy and, when gx
 * is given, gx = gy·wᵀ, zeroed where x = 0 when `reluInput`. False (nothing done) when this path
 * cannot run.
 */
export function denseBackward(
  x: Float32Array,
  gy: Float32Array,
  gx: Float32Array | null,
  w: Float32Array,
  gw: Float32Array,
  gb: Float32Array,
  inSize: number,
  outSize: number,
  batch: number,
  reluInput: boolean
): boolean {
  if (!ready([x, gy, gx, w, gw, gb]) || batch === 0 || outSize === 0) return false;
  const [px, pgy, pw, pgw, pgb] = [x.byteOffset, gy.byteOffset, w.byteOffset, gw.byteOffset, gb.byteOffset];
  const threads = parts(batch * inSize * outSize);
  const weightCall = inSize > 0 ? gemmTransAAddCall(px, pgy, pgw, batch, inSize, outSize) : null;
  const inputCall =
    gx !== null && inSize > 0 ? gemmTransBCall(pgy, pw, gx.byteOffset, batch, outSize, inSize, false) : null;
  const rowsOfGw = ranges(inSize, threads, 4);
  const colsOfGb = ranges(outSize, threads, 4);
  const colsOfGx = ranges(inSize, threads, 4);
  const jobs: KernelCall[][] = [];
  for (let t = 0; t < threads; t++) {
    const calls: KernelCall[] = [];
    if (weightCall && rowsOfGw[t]) calls.push(weightCall(...rowsOfGw[t]));
    if (colsOfGb[t]) {
      const [j0, j1] = colsOfGb[t];
      calls.push(["col_sums_add", [pgb + 4 * j0, pgy + 4 * j0, 4 * outSize, batch, j1 - j0]]);
    }
    if (inputCall && gx !== null && colsOfGx[t]) {
      const [j0, j1] = colsOfGx[t];
      calls.push(inputCall(j0, j1));
      if (reluInput)
        calls.push(["relu_mask_rows", [gx.byteOffset + 4 * j0, 4 * inSize, px + 4 * j0, 4 * inSize, batch, j1 - j0]]);
    }
    jobs.push(calls);
  }
  runJobs(jobs);
  return true;
}

/**
 * Fills `a` (in the kernel memory) with +0, each thread of an active team a range; false when `a`
 * is not in the kernel memory or the kernels are not loaded.
 */
export function zeroFill(a: Float32Array): boolean {
  if (!ready([a])) return false;
  const threads = parts(a.length * 8);
  runJobs(ranges(a.length, threads, 16).map(([i0, i1]) => [["fill_zero", [a.byteOffset + 4 * i0, i1 - i0]]]));
  return true;
}
