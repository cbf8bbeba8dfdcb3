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
import {withKernelMemory} from "./staging.js";
import {wasmLayers, wasmWht} from "../wasm/runtime.js";
import {backend} from "../wht.js";
import {activeTeam, splitAcrossTeam} from "../team.js";

/** True if the SIMD filter bank kernels can run a layer of width n (a power of two). */
export function filterBankSimdAvailable(n: number): boolean {
  return wasmLayers() !== null && backend() === "wasm-simd" && n >= 16;
}

/** y ← layer(x) for `batch` rows of width n (x unchanged); false when it cannot run here (nothing done). */
export function filterBankForwardSimd(
  x: Float32Array,
  y: Float32Array,
  w: Float32Array,
  n: number,
  batch: number
): boolean {
  const k = wasmLayers();
  if (!k || !filterBankSimdAvailable(n)) return false;
  if (batch === 0) return true;
  const total = batch * n;
  const s = normalizeScale(n, 1);
  const logn = Math.log2(n);
  return withKernelMemory(
    [x.subarray(0, total), y.subarray(0, total), w.subarray(0, 2 * n)],
    ["in", "out", "in"],
    ([px, py, pw]) => {
      // Rows to each thread of an active team: each row is computed by the same code either way.
      if (
        !splitAcrossTeam(batch, 1, total, (r0, r1) => [
          ["fb_fwd", [px + 4 * r0 * n, py + 4 * r0 * n, pw, r1 - r0, n, logn, s, 1]]
        ])
      ) {
        k.fb_fwd(px, py, pw, batch, n, logn, s, 1);
      }
    },
    true
  );
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
  const k = wasmLayers();
  if (!k || !filterBankSimdAvailable(n)) return false;
  if (batch === 0) return true;
  const total = batch * n;
  const s = normalizeScale(n, 1);
  const logn = Math.log2(n);
  const arrays = [x.subarray(0, total), gy.subarray(0, total), w.subarray(0, 2 * n), gw.subarray(0, 2 * n)];
  if (gx !== null) arrays.push(gx.subarray(0, total));
  const name = gx !== null ? "fb_bwd" : "fb_bwd_w";
  return withKernelMemory(
    arrays,
    ["in", "inout", "in", "inout", "out"],
    ([px, pgy, pw, pgw, pgx = 0]) => {
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
    },
    true
  );
}
