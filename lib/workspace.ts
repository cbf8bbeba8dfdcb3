/**
 * Grow-only workspaces, as the models keep them (lib/model.ts, lib/dense.ts): a set of arrays in
 * the kernel memory (when it is loaded; plain arrays otherwise) sized per row for the largest batch
 * seen so far, of which views of the current batch's rows are used.
 */
import {kernelArrays, releaseKernelArray} from "./wasm/memory.js";

export interface GrowOnly {
  /** The arrays, the i-th `capacity × floatsPerRow[i]` floats long (none before the first `ensure`). */
  readonly arrays: readonly Float32Array[];
  /** Rows the arrays hold. */
  readonly capacity: number;
  /**
   * Makes room for `rows` rows. With fewer, allocates new arrays first and only then frees the old
   * ones, so arrays that do not fit (the allocation throws) leave the old ones in place. Returns
   * whether it grew.
   */
  ensure(rows: number): boolean;
  /** Frees the arrays (capacity 0; a later `ensure` allocates again). */
  free(): void;
}

/** Grow-only arrays of `floatsPerRow[i]` floats per row each. */
export function growOnly(floatsPerRow: readonly number[]): GrowOnly {
  let arrays: Float32Array[] = [];
  let capacity = 0;
  const free = () => {
    for (const a of arrays) releaseKernelArray(a);
    arrays = [];
    capacity = 0;
  };
  return {
    get arrays() {
      return arrays;
    },
    get capacity() {
      return capacity;
    },
    ensure(rows: number): boolean {
      if (rows <= capacity) return false;
      const fresh = kernelArrays(
        floatsPerRow.map((f) => rows * f),
        {internal: true}
      );
      free();
      arrays = fresh;
      capacity = rows;
      return true;
    },
    free
  };
}
