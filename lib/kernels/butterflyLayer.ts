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
  withKernelMemory([x, y, w], ["in", "out", "in"], ([px, py, pw]) => k.bfly_fwd(px, py, pw, batch, n, Math.log2(n)));
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
      k.bfly_bwd(px, pgy, pgx, pw, pgw, ps, batch, n, Math.log2(n));
    }
  );
  return true;
}
