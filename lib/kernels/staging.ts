/**
 * Puts the arrays a kernel call needs into the kernel memory: arrays already there (see
 * `allocate`) are used in place; others are copied into one reusable scratch block before the
 * call and, if the kernel writes them, copied back after it.
 *
 * When the kernel memory has no room for that scratch block, the SwitchNetError of `allocBytes`
 * (how much was asked, how much is in use, dispose() what is no longer needed) is thrown, or,
 * for a caller whose JavaScript loop gives the same bits as the kernel, `false` is returned so it
 * can run that loop instead. Layer and matrix kernels do not fall back: their loops round
 * differently, and a model's numbers must not depend on how full the memory is.
 */
import {SwitchNetError} from "../check.js";
import {inWasmMemory, memoryBuffer, scratchBlock} from "../wasm/memory.js";

/** "scratch": the kernel only needs the space (nothing is copied in or out). */
export type Access = "in" | "out" | "inout" | "scratch";

const scratch = scratchBlock();

/**
 * Calls `fn` with the byte address of each array in the kernel memory (see the file comment) and
 * returns true; with `ifRoom`, returns false without calling it when the scratch does not fit.
 */
export function withKernelMemory(
  arrays: Float32Array[],
  access: Access[],
  fn: (ptrs: number[]) => void,
  ifRoom = false
): boolean {
  // Addresses of resident arrays first: growing a non-shared memory below detaches their views
  // (the kernels still reach them by address; the caller must take fresh views afterwards).
  const resident = arrays.map((a) => inWasmMemory(a));
  const ptrs = arrays.map((a, i) => (resident[i] ? a.byteOffset : -1));
  let bytes = 0;
  for (let i = 0; i < arrays.length; i++) if (!resident[i]) bytes += Math.ceil(arrays[i].byteLength / 64) * 64;
  if (bytes > 0) {
    let at: number;
    try {
      at = scratch(bytes);
    } catch (e) {
      if (ifRoom && e instanceof SwitchNetError) return false;
      throw e;
    }
    const buffer = memoryBuffer();
    for (let i = 0; i < arrays.length; i++) {
      if (resident[i]) continue;
      ptrs[i] = at;
      if (access[i] === "in" || access[i] === "inout") new Float32Array(buffer, at, arrays[i].length).set(arrays[i]);
      at += Math.ceil(arrays[i].byteLength / 64) * 64;
    }
  }
  fn(ptrs);
  if (bytes > 0) {
    const buffer = memoryBuffer();
    for (let i = 0; i < arrays.length; i++) {
      if (!resident[i] && (access[i] === "out" || access[i] === "inout"))
        arrays[i].set(new Float32Array(buffer, ptrs[i], arrays[i].length));
    }
  }
  return true;
}
