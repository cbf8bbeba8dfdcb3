/**
 * Row-wise products for the models' frame (sign flips, output slicing) on the WebAssembly SIMD
 * kernels: dst[r·dstStride + c] = factors[c]·src[r·srcStride + c] for c < cols, for `rows` rows
 * (strides in elements; src may be dst). Returns false, doing nothing, when the kernels are not in
 * use, the work is too small to pay for the call, or the kernel memory has no room to stage the
 * arrays, so callers keep their JS loop (same bits).
 */
import {withKernelMemory} from "./staging.js";
import {wasmLayers, type LayerExports} from "../wasm/runtime.js";
import {splitAcrossTeam} from "../team.js";
import {backend} from "../wht.js";

/** Below this many products the JS loop is as fast as the call. */
const MIN_PRODUCTS = 4096;

export function multiplyRows(
  src: Float32Array,
  srcStride: number,
  dst: Float32Array,
  dstStride: number,
  factors: Float32Array,
  cols: number,
  rows: number
): boolean {
  const k = wasmLayers();
  if (!k || backend() !== "wasm-simd" || cols * rows < MIN_PRODUCTS) return false;
  // Each product is one float32 multiplication either way, so when the kernel memory has no room
  // to stage the arrays the caller's loop gives the same bits (withKernelMemory's `ifRoom`).
  if (src === dst) {
    return withKernelMemory(
      [dst, factors],
      ["inout", "in"],
      ([pd, pf]) => mulRows(k, pd, 4 * srcStride, pd, 4 * dstStride, pf, cols, rows),
      true
    );
  }
  // dst is "inout" unless every element of it is written: others must keep their values
  const whole = cols === dstStride && dst.length === rows * dstStride;
  return withKernelMemory(
    [src, dst, factors],
    ["in", whole ? "out" : "inout", "in"],
    ([ps, pd, pf]) => {
      mulRows(k, ps, 4 * srcStride, pd, 4 * dstStride, pf, cols, rows);
    },
    true
  );
}

/** mul_rows, its rows shared among the threads of an active team (one product each: same bits). */
function mulRows(
  k: LayerExports,
  ps: number,
  ss: number,
  pd: number,
  ds: number,
  pf: number,
  cols: number,
  rows: number
): void {
  if (
    !splitAcrossTeam(rows, 1, rows * cols, (r0, r1) => [
      ["mul_rows", [ps + r0 * ss, ss, pd + r0 * ds, ds, pf, cols, r1 - r0]]
    ])
  ) {
    k.mul_rows(ps, ss, pd, ds, pf, cols, rows);
  }
}
