/**
 * WebAssembly SIMD matrix products for dense layers (row-major float32, kernels in
 * lib/wasm/layerModule.ts). Each returns false, doing nothing, when the kernels are not loaded
 * or the backend is forced to scalar, so callers keep their JS loops as the fallback.
 *
 *   matmulAdd(a, b, c, M, K, N)         c[M×N] += a[M×K] · b[K×N]          (x·W)
 *   matmulTransAAdd(a, b, c, M, K, N)   c[K×N] += a[M×K]ᵀ · b[M×N]         (gW += xᵀ·gy)
 *   matmulTransB(a, b, c, M, K, N, acc) c[M×N] (+)= a[M×K] · b[N×K]ᵀ       (gx = gy·Wᵀ)
 */
import {withKernelMemory} from "./staging.js";
import {wasmLayers} from "../wasm/runtime.js";
import {backend} from "../wht.js";

/** Rows of b kept hot in cache per call of x·W (about 1 MiB of b at N = 1448). */
const K_BLOCK = 128;

export function gemmSimdAvailable(): boolean {
  return wasmLayers() !== null && backend() === "wasm-simd";
}

export function matmulAdd(a: Float32Array, b: Float32Array, c: Float32Array, M: number, K: number, N: number): boolean {
  const k = wasmLayers();
  if (!k || !gemmSimdAvailable()) return false;
  if (M === 0 || K === 0 || N === 0) return true;
  withKernelMemory([a, b, c], ["in", "in", "inout"], ([pa, pb, pc]) => {
    for (let k0 = 0; k0 < K; k0 += K_BLOCK) {
      const kc = Math.min(K_BLOCK, K - k0);
      k.gemm(pa + 4 * k0, 4 * K, 4, pb + 4 * k0 * N, 4 * N, pc, 4 * N, M, kc, N);
    }
  });
  return true;
}

export function matmulTransAAdd(a: Float32Array, b: Float32Array, c: Float32Array, M: number, K: number, N: number): boolean {
  const k = wasmLayers();
  if (!k || !gemmSimdAvailable()) return false;
  if (M === 0 || K === 0 || N === 0) return true;
  withKernelMemory([a, b, c], ["in", "in", "inout"], ([pa, pb, pc]) => {
    k.gemm(pa, 4, 4 * K, pb, 4 * N, pc, 4 * N, K, M, N);
  });
  return true;
}

export function matmulTransB(a: Float32Array, b: Float32Array, c: Float32Array, M: number, K: number, N: number, accumulate = false): boolean {
  const k = wasmLayers();
  if (!k || !gemmSimdAvailable()) return false;
  if (M === 0 || N === 0) return true;
  withKernelMemory([a, b, c], ["in", "in", accumulate ? "inout" : "out"], ([pa, pb, pc]) => {
    k.gemm_nt(pa, 4 * K, pb, 4 * K, pc, 4 * N, M, K, N, accumulate ? 1 : 0);
  });
  return true;
}
