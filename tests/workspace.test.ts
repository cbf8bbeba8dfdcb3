// The models' grow-only workspaces (lib/workspace.ts): they grow to the largest batch asked for and
// never shrink, live in the kernel memory, keep the old arrays when new ones do not fit, and free
// everything they hold.
import {beforeAll, describe, expect, it} from "vitest";
import {ready} from "../lib/wht.js";
import {allocatedBytes, inWasmMemory} from "../lib/wasm/memory.js";
import {growOnly} from "../lib/workspace.js";

beforeAll(async () => {
  expect(await ready()).toBe("wasm-simd");
});

describe("growOnly", () => {
  it("grows to the largest row count asked for, never shrinks, and frees what it holds", () => {
    const base = allocatedBytes();
    const w = growOnly([3, 5]);
    expect(w.capacity).toBe(0);
    expect(w.arrays).toEqual([]);
    expect(w.ensure(4)).toBe(true);
    expect(w.capacity).toBe(4);
    expect(w.arrays.map((a) => a.length)).toEqual([12, 20]);
    expect(w.arrays.every((a) => inWasmMemory(a))).toBe(true);
    expect(allocatedBytes() - base).toBeGreaterThanOrEqual(4 * 32);
    const first = w.arrays;
    expect(w.ensure(4)).toBe(false);
    expect(w.ensure(1)).toBe(false);
    expect(w.arrays).toBe(first);
    expect(w.ensure(6)).toBe(true);
    expect(w.arrays.map((a) => a.length)).toEqual([18, 30]);
    expect(w.arrays[0]).not.toBe(first[0]);
    w.free();
    expect(w.capacity).toBe(0);
    expect(w.arrays).toEqual([]);
    expect(allocatedBytes()).toBe(base);
    expect(w.ensure(2)).toBe(true);
    expect(w.arrays.map((a) => a.length)).toEqual([6, 10]);
    w.free();
    expect(allocatedBytes()).toBe(base);
  });

  it("keeps its arrays when larger ones do not fit", () => {
    const w = growOnly([1024, 1024]);
    w.ensure(2);
    const before = w.arrays;
    const bytes = allocatedBytes();
    // 2^20 rows of 2 × 1024 floats: 8 GiB, more than a WebAssembly memory can hold.
    expect(() => w.ensure(2 ** 20)).toThrow();
    expect(w.capacity).toBe(2);
    expect(w.arrays).toBe(before);
    expect(allocatedBytes()).toBe(bytes);
    w.free();
  });
});
