/**
 * WebAssembly SIMD versions of the learned butterfly layer's forward and backward
 * (lib/butterfly.ts has the maths and weight layout; lib/wasm/butterflyModule.ts the kernels).
 * Same arguments as `butterflyForward` / `butterflyBackward`; each returns false, doing nothing,
 * when it cannot run here (kernels not loaded, backend forced to scalar, width below 4), so the
 * caller keeps its JS loops as the fallback. Agrees with the JS layer within float32 rounding.
 */
import {withKernelMemory} from "./staging.js";
import {allocBytes, freeBytes} from "../wasm/memory.js";
import {wasmLayers} from "../wasm/runtime.js";
import {backend} from "../wht.js";

/** True if the SIMD butterfly kernels can run a layer of width n. */
export function butterflySimdAvailable(n: number): boolean {
  return wasmLayers() !== null && backend() === "wasm-simd" && n >= 4;
}

/**
 * Floats of one planar copy: the weights (or weight gradients) of the stages with h ≥ 4, that is
 * (log2 n − 2)·2n (none below n = 8). Forward takes one copy, backward two (weights, gradients).
 */
function planarCopyFloats(n: number): number {
  return Math.max(0, Math.log2(n) - 2) * 2 * n;
}

/**
 * Floats of kernel memory the SIMD kernels keep for layers of width n: backward's two planar
 * copies, (log2 n − 2)·4n. One block serves every butterfly layer of this thread (the kernels run
 * one call at a time); it grows to exactly the largest size asked so far and is kept, like the
 * staging blocks. The playground's estimate counts it (lib/model.ts workspaceFloats).
 */
export function butterflyPlanarFloats(n: number): number {
  return 2 * planarCopyFloats(n);
}

let planarAt = 0;
let planarBytes = 0;

/**
 * The address of the planar block, grown to `floats` if smaller (exactly: not doubled like the
 * staging block, so that what it holds is what the estimate counts). Called inside
 * withKernelMemory's callback, after the staging has taken its addresses: growing a non-shared
 * memory there detaches no view that is still read (the kernels reach everything by address).
 */
function planarBlock(floats: number): number {
  const bytes = 4 * floats;
  if (bytes > planarBytes) {
    if (planarAt) freeBytes(planarAt);
    planarAt = 0;
    planarBytes = 0;
    planarAt = allocBytes(bytes);
    planarBytes = bytes;
  }
  return planarAt;
}

/** y ← layer(x) for `batch` rows of width n (x unchanged). */
export function butterflyForwardSimd(
  x: Float32Array,
  y: Float32Array,
  w: Float32Array,
  n: number,
  batch: number
): boolean {
  const k = wasmLayers();
  if (!k || !butterflySimdAvailable(n)) return false;
  if (batch === 0) return true;
  withKernelMemory([x, y, w], ["in", "out", "in"], ([px, py, pw]) =>
    k.bfly_fwd(px, py, pw, batch, n, Math.log2(n), planarBlock(planarCopyFloats(n)))
  );
  return true;
}

/**
 * Backward: gy is overwritten as scratch, gx receives the input gradient, gw accumulates;
 * `scratch` ((log2(n) − 1)·n floats) holds the recomputed stage inputs.
 */
export function butterflyBackwardSimd(
  x: Float32Array,
  gy: Float32Array,
  gx: Float32Array,
  w: Float32Array,
  gw: Float32Array,
  n: number,
  batch: number,
  scratch: Float32Array
): boolean {
  const k = wasmLayers();
  if (!k || !butterflySimdAvailable(n)) return false;
  if (batch === 0) return true;
  withKernelMemory(
    [x, gy, gx, w, gw, scratch],
    ["in", "inout", "out", "in", "inout", "scratch"],
    ([px, pgy, pgx, pw, pgw, ps]) => {
      const copy = planarCopyFloats(n);
      const pp = planarBlock(2 * copy);
      k.bfly_bwd(px, pgy, pgx, pw, pgw, ps, batch, n, Math.log2(n), pp, pp + 4 * copy);
    }
  );
  return true;
}
