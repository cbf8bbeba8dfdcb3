/**
 * WebAssembly SIMD versions of the Switch Net 4 layer's forward and backward (lib/switchnet.ts
 * describes the maths and the weight layout; lib/wasm/layerModule.ts the kernels). Same arguments
 * as `switchNetForward` / `switchNetBackward`. Each returns false, doing nothing, when it cannot
 * run here (kernels not loaded, backend forced to scalar, group size below 4 or width below 16),
 * so callers keep their JS loop as the fallback. Results agree with the JS loops within float32
 * rounding (the kernels round each product before adding it).
 */
import {normalizeScale} from "./kernel.js";
import {withKernelMemory} from "./staging.js";
import {SIMD_GROUP_SIZES} from "../wasm/layerModule.js";
import {wasmLayers} from "../wasm/runtime.js";
import {backend} from "../wht.js";

/** True if the SIMD layer kernels can run a layer of width n and group size m. */
export function switchLayerSimdAvailable(n: number, m: number): boolean {
  return wasmLayers() !== null && backend() === "wasm-simd" && (SIMD_GROUP_SIZES as readonly number[]).includes(m) && n >= 16 && n >= m;
}

/** y ← layer(x) for `batch` rows of width n (x unchanged). */
export function switchForwardSimd(x: Float32Array, y: Float32Array, w: Float32Array, n: number, m: number, batch: number): boolean {
  const k = wasmLayers();
  if (!k || !switchLayerSimdAvailable(n, m)) return false;
  if (batch === 0) return true;
  const s = normalizeScale(n, m);
  withKernelMemory([x, y, w], ["in", "out", "in"], ([px, py, pw]) => {
    k[`switch_fwd_${m}`](px, py, pw, batch, n, Math.log2(n), Math.log2(m), s);
  });
  return true;
}

/** Backward: gy is overwritten as scratch, gx receives the input gradient, gw accumulates. */
export function switchBackwardSimd(
  x: Float32Array, gy: Float32Array, gx: Float32Array, w: Float32Array, gw: Float32Array, n: number, m: number, batch: number
): boolean {
  const k = wasmLayers();
  if (!k || !switchLayerSimdAvailable(n, m)) return false;
  if (batch === 0) return true;
  const s = normalizeScale(n, m);
  withKernelMemory([x, gy, gx, w, gw], ["in", "inout", "out", "in", "inout"], ([px, pgy, pgx, pw, pgw]) => {
    k[`switch_bwd_${m}`](px, pgy, pgx, pw, pgw, batch, n, Math.log2(n), Math.log2(m), s);
  });
  return true;
}
