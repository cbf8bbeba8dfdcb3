/**
 * WebAssembly SIMD matrix products for dense layers (row-major float32, register-tiled kernels in
 * lib/wasm/gemmModule.ts). Each returns false, doing nothing, when the kernels are not loaded
 * or the backend is forced to scalar, so callers keep their JS loops as the fallback.
 *
 *   matmulAdd(a, b, c, M, K, N)         c[M×N] += a[M×K] · b[K×N]          (x·W)
 *   matmulTransAAdd(a, b, c, M, K, N)   c[K×N] += a[M×K]ᵀ · b[M×N]         (gW += xᵀ·gy)
 *   matmulTransB(a, b, c, M, K, N, acc) c[M×N] (+)= a[M×K] · b[N×K]ᵀ       (gx = gy·Wᵀ)
 *
 * Fused multiply-add: where the engine has relaxed SIMD, the products can use f32x4.relaxed_madd
 * (one rounding per multiply-add: faster, and different in the last bits). `setFusedMultiplyAdd`
 * chooses: "auto" (the default) uses it where the engine has it, except in Node, so runs recorded in
 * Node keep their bits on every machine; "on" asks for it (a SwitchNetError where the engine lacks
 * it; Node 20 needs --experimental-wasm-relaxed-simd); "off" never uses it.
 */
import {withKernelMemory} from "./staging.js";
import {backend} from "../wht.js";
import {splitAcrossTeam, type KernelCall} from "../team.js";
import {SwitchNetError, checkOneOf} from "../check.js";
import {relaxedSimdSupported, wasmLayers, type LayerExports} from "../wasm/runtime.js";
import {scratchBlock} from "../wasm/memory.js";
import {GEMM_MR, GEMM_NR} from "../wasm/gemmModule.js";

type GemmArgs = Parameters<LayerExports["gemm"]>;

export type FusedMultiplyAdd = "auto" | "on" | "off";
let fmaMode: FusedMultiplyAdd = "auto";

function isNode(): boolean {
  return !!(globalThis as {process?: {versions?: {node?: string}}}).process?.versions?.node;
}

/**
 * Chooses whether the dense products use relaxed-SIMD fused multiply-add (see the file comment);
 * returns whether they will. "on" throws a SwitchNetError where the engine lacks relaxed SIMD.
 */
export function setFusedMultiplyAdd(mode: FusedMultiplyAdd): boolean {
  checkOneOf("mode", mode, ["auto", "on", "off"]);
  if (mode === "on" && !relaxedSimdSupported()) {
    throw new SwitchNetError(
      'setFusedMultiplyAdd("on"): this engine does not support WebAssembly relaxed SIMD ' +
        '(Node 20 needs the flag --experimental-wasm-relaxed-simd); use "auto" or "off"'
    );
  }
  fmaMode = mode;
  return fusedMultiplyAdd();
}

/** True when the dense products use fused multiply-add now (the setting and the engine allow it). */
export function fusedMultiplyAdd(): boolean {
  if (fmaMode === "off" || !relaxedSimdSupported()) return false;
  return fmaMode === "on" || !isNode();
}

/** The export to call: the fused variant when in use and present in the loaded module. */
function kernelName<N extends "gemm" | "gemm_nt">(k: LayerExports, name: N): N {
  const fused = `${name}_fma` as const;
  return (fusedMultiplyAdd() && k[fused] ? fused : name) as N;
}

/** Room for gy packed into panels (matmulTransAAdd); grow-only, like the staging scratch. */
const packScratch = scratchBlock();

/** Rows of b kept hot in cache per call of x·W (about 1 MiB of b at N = 1448). */
const K_BLOCK = 128;

export function gemmSimdAvailable(): boolean {
  return wasmLayers() !== null && backend() === "wasm-simd";
}

/**
 * The kernel calls of c[i0…i1, j0…j1) += a[i0…i1, ·]·b[·, j0…j1) (a M×K, b K×N, c M×N row-major at
 * byte addresses pa, pb, pc): blocks of K_BLOCK rows of b in order, so every element of c adds its
 * K products in t order whatever the ranges (a team may split by rows or by columns: the same bits).
 */
export function gemmAddCalls(
  pa: number,
  pb: number,
  pc: number,
  K: number,
  N: number,
  i0: number,
  i1: number,
  j0: number,
  j1: number
): KernelCall[] {
  const name = kernelName(wasmLayers()!, "gemm");
  const out: KernelCall[] = [];
  for (let k0 = 0; k0 < K; k0 += K_BLOCK) {
    const args: GemmArgs = [
      pa + 4 * (i0 * K + k0),
      4 * K,
      4,
      pb + 4 * k0 * N + 4 * j0,
      4 * N,
      4 * GEMM_NR,
      pc + 4 * (i0 * N + j0),
      4 * N,
      i1 - i0,
      Math.min(K_BLOCK, K - k0),
      j1 - j0,
      i1 - i0
    ];
    out.push([name, args]);
  }
  return out;
}

export function matmulAdd(a: Float32Array, b: Float32Array, c: Float32Array, M: number, K: number, N: number): boolean {
  const k = wasmLayers();
  if (!k || !gemmSimdAvailable()) return false;
  if (M === 0 || K === 0 || N === 0) return true;
  withKernelMemory([a, b, c], ["in", "in", "inout"], ([pa, pb, pc]) => {
    // Columns of c (whole panels) to each thread of an active team; each element sums in the same order.
    const calls = (j0: number, j1: number) => gemmAddCalls(pa, pb, pc, K, N, 0, M, j0, j1);
    if (!splitAcrossTeam(N, GEMM_NR, (M * K * N) / 64, calls)) {
      for (const [name, args] of calls(0, N)) k[name as "gemm"](...(args as GemmArgs));
    }
  });
  return true;
}

/**
 * c[K×N] += a[M×K]ᵀ·b[M×N] (byte addresses): packs b into panels (once, on the calling thread) and
 * returns the call for rows i0…i1 of c (= parameters); every element sums the M rows in order, so
 * any split of the rows gives the same bits.
 */
export function gemmTransAAddCall(
  pa: number,
  pb: number,
  pc: number,
  M: number,
  K: number,
  N: number
): (i0: number, i1: number) => KernelCall {
  const k = wasmLayers()!;
  // b packed into panels of GEMM_NR columns, read front to back (about 1.2× faster; the same
  // bits, so where the scratch does not fit, b is read in place).
  const name = kernelName(k, "gemm");
  let bp = pb,
    ldb = 4 * N,
    bps = 4 * GEMM_NR;
  try {
    bp = packScratch(4 * GEMM_NR * M * Math.ceil(N / GEMM_NR));
    k.gemm_pack(pb, 4 * N, bp, M, N);
    ldb = 4 * GEMM_NR;
    bps = 4 * GEMM_NR * M;
  } catch (e) {
    if (!(e instanceof SwitchNetError)) throw e;
    bp = pb;
  }
  // Row tiles outermost (c is large: walked a few rows at a time; measured: blocks of 8 to 64 rows
  // were no faster).
  return (i0, i1) => [name, [pa + 4 * i0, 4, 4 * K, bp, ldb, bps, pc + 4 * i0 * N, 4 * N, i1 - i0, M, N, GEMM_MR]];
}

export function matmulTransAAdd(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  M: number,
  K: number,
  N: number
): boolean {
  const k = wasmLayers();
  if (!k || !gemmSimdAvailable()) return false;
  if (M === 0 || K === 0 || N === 0) return true;
  withKernelMemory([a, b, c], ["in", "in", "inout"], ([pa, pb, pc]) => {
    // Rows of c (= parameters) to each thread of an active team: each sums the batch in the same order.
    const call = gemmTransAAddCall(pa, pb, pc, M, K, N);
    if (!splitAcrossTeam(K, 4, (M * K * N) / 64, (i0, i1) => [call(i0, i1)])) {
      const [name, args] = call(0, K);
      k[name as "gemm"](...(args as GemmArgs));
    }
  });
  return true;
}

/** The call of c[·, j0…j1) (+)= a[M×K]·b[j0…j1, ·]ᵀ (byte addresses; c is M×N): same tiles, same bits. */
export function gemmTransBCall(
  pa: number,
  pb: number,
  pc: number,
  M: number,
  K: number,
  N: number,
  accumulate: boolean
): (j0: number, j1: number) => KernelCall {
  const name = kernelName(wasmLayers()!, "gemm_nt");
  const acc = accumulate ? 1 : 0;
  return (j0, j1) => [name, [pa, 4 * K, pb + 4 * j0 * K, 4 * K, pc + 4 * j0, 4 * N, M, K, j1 - j0, acc]];
}

export function matmulTransB(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  M: number,
  K: number,
  N: number,
  accumulate = false
): boolean {
  const k = wasmLayers();
  if (!k || !gemmSimdAvailable()) return false;
  if (M === 0 || N === 0) return true;
  withKernelMemory([a, b, c], ["in", "in", accumulate ? "inout" : "out"], ([pa, pb, pc]) => {
    // Columns of c (multiples of 4, the kernel's tile) to each thread of an active team: same tiles, same bits.
    const call = gemmTransBCall(pa, pb, pc, M, K, N, accumulate);
    if (!splitAcrossTeam(N, 4, (M * K * N) / 64, (j0, j1) => [call(j0, j1)])) {
      const [name, args] = call(0, N);
      k[name as "gemm_nt"](...(args as Parameters<LayerExports["gemm_nt"]>));
    }
  });
  return true;
}
