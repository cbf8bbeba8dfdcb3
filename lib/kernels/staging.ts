/**
 * Puts the arrays a kernel call needs into the kernel memory: arrays already there (see
 * `allocate`) are used in place; others are copied into one reusable scratch block before the
 * call and, if the kernel writes them, copied back after it.
 */
import {inWasmMemory, memoryBuffer, scratchBlock} from "../wasm/memory.js";

/** "scratch": the kernel only needs the space (nothing is copied in or out). */
export type Access = "in" | "out" | "inout" | "scratch";

const scratch = scratchBlock();

/** Calls `fn` with the byte address of each array in the kernel memory (see the file comment). */
export function withKernelMemory(arrays: Float32Array[], access: Access[], fn: (ptrs: number[]) => void): void {
  // Addresses of resident arrays first: growing a non-shared memory below detaches their views
  // (the kernels still reach them by address; the caller must take fresh views afterwards).
  const resident = arrays.map((a) => inWasmMemory(a));
  const ptrs = arrays.map((a, i) => (resident[i] ? a.byteOffset : -1));
  let bytes = 0;
  for (let i = 0; i < arrays.length; i++) if (!resident[i]) bytes += Math.ceil(arrays[i].byteLength / 64) * 64;
  if (bytes > 0) {
    let at = scratch(bytes);
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
      if (!resident[i] && (access[i] === "out" || access[i] === "inout")) arrays[i].set(new Float32Array(buffer, ptrs[i], arrays[i].length));
    }
  }
}
