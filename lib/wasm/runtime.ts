/**
 * Compiles the emitted kernel module (WHT + layer kernels, one module so the layers call the WHT
 * directly) and instantiates them against the shared kernel memory.
 * `loadWasm()` is async and safe to call many times; when WebAssembly or its SIMD extension is
 * missing it resolves false and the callers keep their scalar kernels.
 */
import {ModuleBuilder} from "./encoder.js";
import {allowResidentArrays, wasmMemory, MAX_PAGES} from "./memory.js";
import {op, simd} from "./opcodes.js";
import {addButterflyKernels} from "./butterflyModule.js";
import {
  addHeadKernels,
  addLayerKernels,
  addPeriodicKernels,
  addTeamLayerKernels,
  addTeamShortcutKernels,
  addWeightGradientKernels
} from "./layerModule.js";
import {addCheckKernels, addOptimizerKernels, addVectorOptimizerKernels, addVectorSgdKernel} from "./optimModule.js";
import {addWhtKernels} from "./whtModule.js";
import {gemmKernel, gemmNTKernel, gemmPackKernel, RELAXED_MADD} from "./gemmModule.js";
import {addDenseKernels} from "./denseModule.js";
import {addFilterBankKernels} from "./filterBankModule.js";

export interface WhtExports {
  batch(ptr: number, count: number, log2n: number, log2from: number, scale: number): void;
  block(ptr: number, log2n: number, log2from: number, scale: number): void;
  cross(ptr: number, j0: number, j1: number, lo: number, hi: number, scale: number): void;
}

/** The layer kernels (see layerModule.ts for the arguments; pointers and strides in bytes). */
export interface LayerExports {
  [name: `switch_fwd_${number}`]: (
    x: number,
    y: number,
    w: number,
    rows: number,
    n: number,
    log2n: number,
    log2m: number,
    scale: number
  ) => void;
  [name: `switch_bwd_${number}`]: (
    x: number,
    gy: number,
    gx: number,
    w: number,
    gw: number,
    rows: number,
    n: number,
    log2n: number,
    log2m: number,
    scale: number
  ) => void;
  gemm(
    a: number,
    ars: number,
    ats: number,
    b: number,
    ldb: number,
    bps: number,
    c: number,
    ldc: number,
    m: number,
    k: number,
    n: number,
    rowBlock: number
  ): void;
  gemm_nt(
    a: number,
    lda: number,
    b: number,
    ldb: number,
    c: number,
    ldc: number,
    m: number,
    k: number,
    n: number,
    accumulate: number
  ): void;
  gemm_pack(b: number, ldb: number, p: number, k: number, n: number): void;
  /** Present only where the engine validates relaxed SIMD (see relaxedSimdSupported). */
  gemm_fma?: LayerExports["gemm"];
  gemm_nt_fma?: LayerExports["gemm_nt"];
  [name: `switch_bwd_w_${number}`]: (
    x: number,
    gy: number,
    gx: number,
    w: number,
    gw: number,
    rows: number,
    n: number,
    log2n: number,
    log2m: number,
    scale: number
  ) => void;
  [name: `switch_bwd_groups_${number}`]: (
    x: number,
    gy: number,
    gx: number,
    w: number,
    gw: number,
    rows: number,
    n: number,
    g0: number,
    g1: number
  ) => void;
  adam_step(
    p: number,
    g: number,
    m: number,
    v: number,
    count: number,
    lr: number,
    wd: number,
    b1: number,
    omb1: number,
    b2: number,
    omb2: number,
    c1: number,
    c2: number,
    eps: number
  ): void;
  adam_step_x2(
    p: number,
    g: number,
    m: number,
    v: number,
    count: number,
    lr: number,
    wd: number,
    b1: number,
    omb1: number,
    b2: number,
    omb2: number,
    c1: number,
    c2: number,
    eps: number
  ): void;
  [name: `switch_fwd_head_${number}`]: (
    x: number,
    out: number,
    w: number,
    rows: number,
    n: number,
    stack: number,
    scale: number
  ) => void;
  [name: `switch_bwd_head_${number}`]: (
    x: number,
    g: number,
    gx: number,
    w: number,
    gw: number,
    rows: number,
    n: number,
    log2n: number,
    log2m: number,
    scale: number
  ) => void;
  [name: `switch_bwd_w_head_${number}`]: (
    x: number,
    g: number,
    gx: number,
    w: number,
    gw: number,
    rows: number,
    n: number,
    log2n: number,
    log2m: number,
    scale: number
  ) => void;
  [name: `switch_fwd_per_${number}`]: (
    x: number,
    y: number,
    w: number,
    rows: number,
    n: number,
    log2n: number,
    log2m: number,
    scale: number,
    period: number
  ) => void;
  [name: `switch_bwd_w_per_${number}`]: (
    x: number,
    gy: number,
    gx: number,
    w: number,
    gw: number,
    rows: number,
    n: number,
    log2n: number,
    log2m: number,
    scale: number,
    period: number
  ) => void;
  /** Team shares (addTeamShortcutKernels): columns g0 … g1 − 1 of every row. */
  [name: `switch_bwd_groups_head_${number}` | `switch_bwd_w_groups_head_${number}` | `switch_bwd_w_groups_${number}`]: (
    x: number,
    gy: number,
    gx: number,
    w: number,
    gw: number,
    rows: number,
    n: number,
    g0: number,
    g1: number
  ) => void;
  [name: `switch_bwd_w_groups_per_${number}`]: (
    x: number,
    gy: number,
    gx: number,
    w: number,
    gw: number,
    rows: number,
    n: number,
    g0: number,
    g1: number,
    period: number
  ) => void;
  all_finite(p: number, count: number): number;
  /** The dense layer's element-wise passes (see denseModule.ts). */
  rows_set(dst: number, ldd: number, src: number, rows: number, cols: number): void;
  relu_rows(y: number, ld: number, rows: number, cols: number): void;
  relu_mask_rows(g: number, ldg: number, x: number, ldx: number, rows: number, cols: number): void;
  col_sums_add(gb: number, gy: number, ldy: number, rows: number, cols: number): void;
  fill_zero(p: number, count: number): void;
  finite_flag(p: number, count: number, out: number): void;
  sgd_step(p: number, g: number, vel: number, count: number, lr: number, mu: number, wd: number): void;
  sgd_step_x2(p: number, g: number, vel: number, count: number, lr: number, mu: number, wd: number): void;
  mul_rows(src: number, srcStride: number, dst: number, dstStride: number, f: number, cols: number, rows: number): void;
  /** The filter bank layer (see filterBankModule.ts). */
  fb_fwd(x: number, y: number, w: number, rows: number, n: number, log2n: number, scale: number): void;
  fb_bwd(
    x: number,
    gy: number,
    gx: number,
    w: number,
    gw: number,
    rows: number,
    n: number,
    log2n: number,
    scale: number,
    transform: number,
    c0: number,
    c1: number
  ): void;
  fb_bwd_w: LayerExports["fb_bwd"];
  /** planar: (log2n − 2)·2n floats of scratch (the stages with h ≥ 4's weights, planar). */
  bfly_fwd(x: number, y: number, w: number, rows: number, n: number, log2n: number, planar: number): void;
  /** planarW, planarGw: (log2n − 2)·2n floats of scratch each. */
  bfly_bwd(
    x: number,
    gy: number,
    gx: number,
    w: number,
    gw: number,
    scratch: number,
    rows: number,
    n: number,
    log2n: number,
    planarW: number,
    planarGw: number
  ): void;
}

export interface WasmModules {
  /** One module with every kernel; workers instantiate it on the same memory. */
  kernels: WebAssembly.Module;
}

/** True if this engine validates a module that uses 128-bit SIMD. */
export function simdSupported(): boolean {
  if (typeof WebAssembly !== "object" || typeof WebAssembly.validate !== "function") return false;
  const m = new ModuleBuilder();
  const f = m.declare([]);
  f.code.f32(0).simd(simd.f32x4_splat).emit(op.drop);
  try {
    return WebAssembly.validate(m.encode());
  } catch {
    return false;
  }
}

/**
 * True if this engine validates f32x4.relaxed_madd (relaxed SIMD: Chromium 114 and later; Node 20
 * only with --experimental-wasm-relaxed-simd). The answer is kept: it cannot change.
 */
export function relaxedSimdSupported(): boolean {
  if (relaxed === null) {
    relaxed = false;
    if (simdSupported()) {
      const m = new ModuleBuilder();
      const f = m.declare([]);
      f.code.f32x4Const(1).f32x4Const(2).f32x4Const(3).simd(RELAXED_MADD).emit(op.drop);
      try {
        relaxed = WebAssembly.validate(m.encode());
      } catch {
        relaxed = false;
      }
    }
  }
  return relaxed;
}
let relaxed: boolean | null = null;

let modules: WasmModules | null = null;
let wht: WhtExports | null = null;
let layers: LayerExports | null = null;
let loading: Promise<boolean> | null = null;
let failure: string | null = null;

/** Builds the module bytes for this platform's memory (shared or not). */
export function kernelModuleBytes(): Uint8Array<ArrayBuffer> {
  const m = new ModuleBuilder();
  m.importMemory({module: "env", name: "memory", minPages: 1, maxPages: MAX_PAGES, shared: wasmMemory().shared});
  const wht = addWhtKernels(m);
  addLayerKernels(m, wht);
  addButterflyKernels(m);
  // Appended last, so every kernel above keeps its bytes.
  addTeamLayerKernels(m, wht);
  addOptimizerKernels(m);
  addWeightGradientKernels(m, wht);
  addVectorOptimizerKernels(m);
  addHeadKernels(m, wht);
  addCheckKernels(m);
  addPeriodicKernels(m, wht);
  m.export("gemm_pack", gemmPackKernel(m));
  addDenseKernels(m);
  addVectorSgdKernel(m);
  addTeamShortcutKernels(m, wht);
  addFilterBankKernels(m, wht);
  // Only where the engine has relaxed SIMD (elsewhere the module would not validate).
  if (relaxedSimdSupported()) {
    m.export("gemm_fma", gemmKernel(m, true));
    m.export("gemm_nt_fma", gemmNTKernel(m, true));
  }
  return m.encode();
}

async function load(): Promise<boolean> {
  if (!simdSupported()) {
    failure = "this engine does not support WebAssembly SIMD";
    return false;
  }
  try {
    const kernels = await WebAssembly.compile(kernelModuleBytes());
    const instance = await WebAssembly.instantiate(kernels, {env: {memory: wasmMemory().memory}});
    modules = {kernels};
    wht = instance.exports as unknown as WhtExports;
    layers = instance.exports as unknown as LayerExports;
    allowResidentArrays(true);
    return true;
  } catch (e) {
    failure = `the kernel module failed to load: ${e instanceof Error ? e.message : String(e)}`;
    return false;
  }
}

/** Why the kernels are not in use (after `loadWasm()` resolved false), or null. */
export function wasmFailure(): string | null {
  return failure;
}

/** Compiles and instantiates the kernels once; resolves true when they are usable. */
export function loadWasm(): Promise<boolean> {
  if (!loading) loading = load();
  return loading;
}

/** The WHT kernel exports, or null before `loadWasm()` has succeeded. */
export function wasmWht(): WhtExports | null {
  return wht;
}

/** The layer kernel exports, or null before `loadWasm()` has succeeded. */
export function wasmLayers(): LayerExports | null {
  return layers;
}

/** The compiled modules (to hand to worker threads), or null before loading. */
export function wasmModules(): WasmModules | null {
  return modules;
}
