/**
 * WebAssembly SIMD versions of the fixed filter bank layer's forward and backward (lib/filterbank.ts
 * has the maths, the weight layout and the JavaScript loops; lib/wasm/filterBankModule.ts the
 * kernels). Same arguments as `filterBankForward` / `filterBankBackward`; the results are the JS
 * loops' bits exactly (each product one float32 multiplication, each weight gradient sum float64
 * then float32 as in JS, rows in order), so each returns false, doing nothing, whenever it cannot
 * run here (kernels not loaded, backend forced to scalar, width below 16, or no room in the kernel
 * memory to stage arrays that live outside it) and the caller runs its loops instead.
 * With a team of threads (lib/team.ts) active, forward splits the rows between the threads and
 * backward splits the transform of the gradient rows by rows, then the rest by columns, so each
 * weight gradient still adds its rows in row order: the same bits on any number of threads.
 */
import {normalizeScale} from "./kernel.js";
import {withKernelMemory, type Access} from "./staging.js";
import {wasmLayers, wasmWht, type LayerExports} from "../wasm/runtime.js";
import {backend} from "../wht.js";
import {activeTeam, splitAcrossTeam} from "../team.js";

/** True if the SIMD filter bank kernels can run a layer of width n (a power of two). */
export function filterBankSimdAvailable(n: number): boolean {
  return wasmLayers() !== null && backend() === "wasm-simd" && n >= 16;
}

/** The sizes a kernel call takes: elements of the batch, the transform's scale and log2 n. */
interface Shape {
  total: number;
  s: number;
  logn: number;
}

/**
 * Runs `call` with the kernels and the addresses of `arrays` (their first entries as `lengths`
 * gives, staged in the kernel memory when they live outside it) and returns true; false, doing
 * nothing, when the kernels cannot run a width-n layer or the staging does not fit.
 */
function run(
  n: number,
  batch: number,
  arrays: Array<[Float32Array, Access, "rows" | "weights"]>,
  call: (k: LayerExports, ptrs: number[], shape: Shape) => void
): boolean {
  const k = wasmLayers();
  if (!k || !filterBankSimdAvailable(n)) return false;
  if (batch === 0) return true;
  const shape = {total: batch * n, s: normalizeScale(n, 1), logn: Math.log2(n)};
  return withKernelMemory(
    arrays.map(([a, , size]) => a.subarray(0, size === "rows" ? shape.total : 2 * n)),
    arrays.map(([, access]) => access),
    (ptrs) => call(k, ptrs, shape),
    true
  );
}

/** y ← layer(x) for `batch` rows of width n (x unchanged); false when it cannot run here (nothing done). */
export function filterBankForwardSimd(
  x: Float32Array,
  y: Float32Array,
  w: Float32Array,
  n: number,
  batch: number
): boolean {
  const arrays: Array<[Float32Array, Access, "rows" | "weights"]> = [
    [x, "in", "rows"],
    [y, "out", "rows"],
    [w, "in", "weights"]
  ];
  return run(n, batch, arrays, (k, [px, py, pw], {total, s, logn}) => {
    // Rows to each thread of an active team: each row is computed by the same code either way.
    if (
      !splitAcrossTeam(batch, 1, total, (r0, r1) => [
        ["fb_fwd", [px + 4 * r0 * n, py + 4 * r0 * n, pw, r1 - r0, n, logn, s]]
      ])
    ) {
      k.fb_fwd(px, py, pw, batch, n, logn, s);
    }
  });
}

/**
 * Backward: gy is overwritten (with its transform), gx receives the input gradient (gx null: not
 * computed, `weightBackward`), gw accumulates. False when it cannot run here (nothing done).
 */
export function filterBankBackwardSimd(
  x: Float32Array,
  gy: Float32Array,
  gx: Float32Array | null,
  w: Float32Array,
  gw: Float32Array,
  n: number,
  batch: number
): boolean {
  const arrays: Array<[Float32Array, Access, "rows" | "weights"]> = [
    [x, "in", "rows"],
    [gy, "inout", "rows"],
    [w, "in", "weights"],
    [gw, "inout", "weights"]
  ];
  if (gx !== null) arrays.push([gx, "out", "rows"]);
  const name = gx !== null ? "fb_bwd" : "fb_bwd_w";
  return run(n, batch, arrays, (k, [px, pgy, pw, pgw, pgx = 0], {total, s, logn}) => {
    if (activeTeam() !== null && batch >= 2 && total >= 16384) {
      // The transform by rows, then the slopes by columns: each column adds its rows in order.
      if (!splitAcrossTeam(batch, 1, Infinity, (r0, r1) => [["batch", [pgy + 4 * r0 * n, r1 - r0, logn, 0, s]]]))
        wasmWht()!.batch(pgy, batch, logn, 0, s);
      if (
        !splitAcrossTeam(n, 16, Infinity, (c0, c1) => [[name, [px, pgy, pgx, pw, pgw, batch, n, logn, s, 0, c0, c1]]])
      )
        k[name](px, pgy, pgx, pw, pgw, batch, n, logn, s, 0, 0, n);
    } else {
      k[name](px, pgy, pgx, pw, pgw, batch, n, logn, s, 1, 0, n);
    }
  });
}
