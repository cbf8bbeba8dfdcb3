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
import {splitAcrossTeam, type KernelCall} from "../team.js";

type GemmArgs = [number, number, number, number, number, number, number, number, number, number];

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
    // Columns of c (multiples of 8) to each thread of an active team; each element sums in the same order.
    const calls = (j0: number, j1: number): KernelCall[] => {
      const out: KernelCall[] = [];
      for (let k0 = 0; k0 < K; k0 += K_BLOCK) {
        out.push(["gemm", [pa + 4 * k0, 4 * K, 4, pb + 4 * k0 * N + 4 * j0, 4 * N, pc + 4 * j0, 4 * N, M, Math.min(K_BLOCK, K - k0), j1 - j0]]);
      }
      return out;
    };
    if (!splitAcrossTeam(N, 8, M * K * N / 64, calls)) for (const [, args] of calls(0, N)) k.gemm(...(args as GemmArgs));
  });
  return true;
}

export function matmulTransAAdd(a: Float32Array, b: Float32Array, c: Float32Array, M: number, K: number, N: number): boolean {
  const k = wasmLayers();
  if (!k || !gemmSimdAvailable()) return false;
  if (M === 0 || K === 0 || N === 0) return true;
  withKernelMemory([a, b, c], ["in", "in", "inout"], ([pa, pb, pc]) => {
    // Rows of c (= parameters) to each thread of an active team: each sums the batch in the same order.
    if (!splitAcrossTeam(K, 4, M * K * N / 64, (i0, i1) => [["gemm", [pa + 4 * i0, 4, 4 * K, pb, 4 * N, pc + 4 * i0 * N, 4 * N, i1 - i0, M, N]]])) {
      k.gemm(pa, 4, 4 * K, pb, 4 * N, pc, 4 * N, K, M, N);
    }
  });
  return true;
}

export function matmulTransB(a: Float32Array, b: Float32Array, c: Float32Array, M: number, K: number, N: number, accumulate = false): boolean {
  const k = wasmLayers();
  if (!k || !gemmSimdAvailable()) return false;
  if (M === 0 || N === 0) return true;
  withKernelMemory([a, b, c], ["in", "in", accumulate ? "inout" : "out"], ([pa, pb, pc]) => {
    // Columns of c (multiples of 4, the kernel's tile) to each thread of an active team: same tiles, same bits.
    const acc = accumulate ? 1 : 0;
    if (!splitAcrossTeam(N, 4, M * K * N / 64, (j0, j1) => [["gemm_nt", [pa, 4 * K, pb + 4 * j0 * K, 4 * K, pc + 4 * j0, 4 * N, M, K, j1 - j0, acc]]])) {
      k.gemm_nt(pa, 4 * K, pb, 4 * K, pc, 4 * N, M, K, N, acc);
    }
  });
  return true;
}
