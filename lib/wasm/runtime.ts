/**
 * Compiles the emitted kernel modules and instantiates them against the shared kernel memory.
 * `loadWasm()` is async and safe to call many times; when WebAssembly or its SIMD extension is
 * missing it resolves false and the callers keep their scalar kernels.
 */
import {ModuleBuilder} from "./encoder.js";
import {wasmMemory, MAX_PAGES} from "./memory.js";
import {op, simd} from "./opcodes.js";
import {buildWhtModule} from "./whtModule.js";

export interface WhtExports {
  batch(ptr: number, count: number, log2n: number, log2from: number, scale: number): void;
  block(ptr: number, log2n: number, log2from: number, scale: number): void;
  scale(ptr: number, end: number, scale: number): void;
}

export interface WasmModules {
  wht: WebAssembly.Module;
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

let modules: WasmModules | null = null;
let wht: WhtExports | null = null;
let loading: Promise<boolean> | null = null;

/** Builds the module bytes for this platform's memory (shared or not). */
export function whtModuleBytes(): Uint8Array<ArrayBuffer> {
  return buildWhtModule({shared: wasmMemory().shared, maxPages: MAX_PAGES});
}

async function load(): Promise<boolean> {
  if (!simdSupported()) return false;
  try {
    const whtModule = await WebAssembly.compile(whtModuleBytes());
    const instance = await WebAssembly.instantiate(whtModule, {env: {memory: wasmMemory().memory}});
    modules = {wht: whtModule};
    wht = instance.exports as unknown as WhtExports;
    return true;
  } catch {
    return false;
  }
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

/** The compiled modules (to hand to worker threads), or null before loading. */
export function wasmModules(): WasmModules | null {
  return modules;
}
