/**
 * WebAssembly SIMD versions of the learned butterfly layer's forward and backward
 * (lib/butterfly.ts has the maths and weight layout; lib/wasm/butterflyModule.ts the kernels).
 * Same arguments as `butterflyForward` / `butterflyBackward`; each returns false, doing nothing,
 * when it cannot run here (kernels not loaded, backend forced to scalar, width below 4), so the
 * caller keeps its JS loops as the fallback. Agrees with the JS layer within float32 rounding.
 */
import {withKernelMemory} from "./staging.js";
import {wasmLayers} from "../wasm/runtime.js";
import {backend} from "../wht.js";

/** True if the SIMD butterfly kernels can run a layer of width n. */
export function butterflySimdAvailable(n: number): boolean {
  return wasmLayers() !== null && backend() === "wasm-simd" && n >= 4;
}

/**
 * Space for the kernels' planar copies of the weights (and weight gradients) of the stages with
 * h ≥ 4: (log2 n − 2)·2n floats each. Never read here: it goes to the kernels as scratch.
 */
let planarSpace = new Float32Array(0);
function planar(n: number, copies: number): Float32Array {
  const floats = copies * Math.max(4, Math.max(0, Math.log2(n) - 2) * 2 * n);
  if (planarSpace.length < floats) planarSpace = new Float32Array(floats);
  return planarSpace.subarray(0, floats);
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
  withKernelMemory([x, y, w, planar(n, 1)], ["in", "out", "in", "scratch"], ([px, py, pw, pp]) =>
    k.bfly_fwd(px, py, pw, batch, n, Math.log2(n), pp)
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
  const space = planar(n, 2);
  const half = space.length / 2;
  withKernelMemory(
    [x, gy, gx, w, gw, scratch, space],
    ["in", "inout", "out", "in", "inout", "scratch", "scratch"],
    ([px, pgy, pgx, pw, pgw, ps, pp]) => {
      k.bfly_bwd(px, pgy, pgx, pw, pgw, ps, batch, n, Math.log2(n), pp, pp + 4 * half);
    }
  );
  return true;
}
