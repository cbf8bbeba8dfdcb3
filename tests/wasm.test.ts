// Tests for lib/wasm/ (the binary emitter, the emitted SIMD WHT kernel, the kernel memory) and
// for the WHT fallback path with WebAssembly forced off.
import {afterEach, beforeAll, describe, expect, it, vi} from "vitest";
import {SwitchNetError} from "../lib/check.js";
import {createRng} from "../lib/random.js";
import {type Code, ModuleBuilder, sleb, uleb} from "../lib/wasm/encoder.js";
import {allocate, allocatedBytes, inWasmMemory, kernelArray, wasmMemory} from "../lib/wasm/memory.js";
import {createModel} from "../lib/model.js";
import {op, valtype} from "../lib/wasm/opcodes.js";
import {simdSupported, wasmFailure} from "../lib/wasm/runtime.js";
import {backend, ready, setBackend, wht, whtBatch, whtKernel, whtKernelNames, whtReference} from "../lib/wht.js";
import {expectSameBits} from "./helpers/bits.js";

function randomVector(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = rng.normal();
  return x;
}

/** Largest |a[i] − b[i]|. */
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function radix2(x: Float32Array, size: number, from: number, normalize: boolean): Float32Array {
  const y = x.slice();
  whtKernel("radix2").transform(y, size, from, normalize);
  return y;
}

beforeAll(async () => {
  await ready();
});

afterEach(() => {
  setBackend("auto");
});

describe("binary emitter", () => {
  it("encodes LEB128 like the spec's examples", () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(uleb(2 ** 32 - 1)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(sleb(0)).toEqual([0]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-64)).toEqual([0x40]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(() => uleb(-1)).toThrow(SwitchNetError);
    expect(() => sleb(2 ** 31)).toThrow(SwitchNetError);
  });

  it("writes a module that validates and runs (a loop summing 1..n)", () => {
    const m = new ModuleBuilder();
    const f = m.declare([valtype.i32], [valtype.i32]);
    const c: Code = f.code;
    const acc = c.local(valtype.i32);
    c.block().loop();
    c.get(0).emit(op.i32_eqz).brIf(1);
    c.get(acc).get(0).emit(op.i32_add).set(acc);
    c.get(0).i32(1).emit(op.i32_sub).set(0);
    c.br(0).end().end();
    c.get(acc);
    m.export("sum", f.index);
    const bytes = m.encode();
    expect(WebAssembly.validate(bytes)).toBe(true);
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    const sum = inst.exports.sum as (n: number) => number;
    expect(sum(10)).toBe(55);
    expect(sum(1000)).toBe(500500);
  });

  it("encodes modules far larger than a call's argument limit (a web worker's stack is small)", () => {
    const m = new ModuleBuilder();
    const f = m.declare([], [valtype.i32]);
    for (let i = 0; i < 1_000_000; i++) f.code.emit(op.nop);
    f.code.i32(7);
    m.export("seven", f.index);
    const bytes = m.encode();
    expect(bytes.length).toBeGreaterThan(1_000_000);
    const seven = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports.seven as () => number;
    expect(seven()).toBe(7);
  });
});

describe("SIMD WHT kernel", () => {
  it("is detected and chosen by ready() on this platform", async () => {
    expect(simdSupported()).toBe(true);
    expect(wasmFailure()).toBeNull();
    expect(whtKernelNames()).toContain("wasm-simd");
    expect(await ready()).toBe("wasm-simd");
    expect(backend()).toBe("wasm-simd");
  });

  it("equals the O(n²) Hadamard product within float32 rounding for n = 1 … 2^12", () => {
    for (let k = 0; k <= 12; k++) {
      const n = 2 ** k;
      const x = randomVector(n, 10 + k);
      const want = whtReference(x);
      const got = wht(x.slice());
      let scale = 0;
      for (const v of x) scale = Math.max(scale, Math.abs(v));
      const tol = 2 ** -22 * Math.max(1, k) * Math.sqrt(n) * scale;
      expect(maxDiff(got, want)).toBeLessThanOrEqual(tol);
    }
  });

  it("matches the radix-2 reference bit for bit for every size 1 … 2^16 and a few larger, with from and normalize", () => {
    const simd = whtKernel("wasm-simd");
    for (let k = 0; k <= 20; k += k < 16 ? 1 : 2) {
      const n = 2 ** k;
      const x = randomVector(n, 20 + k);
      const froms = [
        ...new Set([0, 1, 2, 3, 4, 5, 7, k - 3, k - 1, k].filter((f) => f >= 0 && f <= k).map((f) => 2 ** f))
      ];
      for (const from of froms) {
        for (const normalize of [false, true]) {
          const got = x.slice();
          simd.transform(got, n, from, normalize);
          expectSameBits(got, radix2(x, n, from, normalize), `n=${n} from=${from} normalize=${normalize}`);
        }
      }
    }
  });

  it("agrees with the scalar kernel within float32 rounding", () => {
    for (const k of [3, 9, 14, 17]) {
      const n = 2 ** k;
      const x = randomVector(n, 30 + k);
      const a = x.slice();
      whtKernel("scalar").transform(a, n, 4, true);
      const b = x.slice();
      whtKernel("wasm-simd").transform(b, n, 4, true);
      expect(maxDiff(a, b)).toBeLessThanOrEqual(2 ** -22 * k * 4);
      expect(maxDiff(a, x)).toBeGreaterThan(0.1);
    }
  });

  it("gives the same bits batched as one vector at a time, including short vectors that leave a tail", () => {
    for (const [size, count] of [
      [1, 5],
      [2, 7],
      [4, 3],
      [8, 5],
      [16, 3],
      [64, 33],
      [4096, 5],
      [8192, 3],
      [2 ** 15, 2]
    ]) {
      for (const opts of [{}, {from: Math.min(2, size), normalize: true}]) {
        const x = randomVector(size * count, size + count);
        const batched = whtBatch(x.slice(), {size, ...opts});
        const single = x.slice();
        for (let v = 0; v < count; v++) wht(single.subarray(v * size, (v + 1) * size), opts);
        expectSameBits(batched, single, `size=${size} count=${count}`);
        expectSameBits(batched, radix2(x, size, opts.from ?? 1, opts.normalize ?? false), `radix2 size=${size}`);
      }
    }
  });

  it("gives the same result before and after ready() within float32 rounding (scalar then SIMD)", () => {
    const x = randomVector(1 << 14, 40);
    setBackend("scalar");
    const before = wht(x.slice(), {normalize: true});
    setBackend("auto");
    const after = wht(x.slice(), {normalize: true});
    expect(maxDiff(before, after)).toBeLessThanOrEqual(2 ** -22 * 14 * 4);
    expect(maxDiff(before, x)).toBeGreaterThan(0.1);
  });
});

describe("kernel memory", () => {
  it("allocates zeroed tensors that the kernel transforms in place", () => {
    const t = allocate(1024);
    try {
      expect(t.array.length).toBe(1024);
      expect(t.array.every((v) => v === 0)).toBe(true);
      expect(inWasmMemory(t.array)).toBe(true);
      expect(inWasmMemory(new Float32Array(4))).toBe(false);
      const x = randomVector(1024, 50);
      t.array.set(x);
      const out = wht(t.array, {from: 4});
      expect(out).toBe(t.array);
      expectSameBits(t.array, radix2(x, 1024, 4, false), "in place");
    } finally {
      t.free();
    }
  });

  it("keeps tensors valid when the memory grows (take the view again from .array)", () => {
    const a = allocate(1000);
    a.array.set(randomVector(1000, 60));
    const copy = a.array.slice();
    const bytesBefore = wasmMemory().memory.buffer.byteLength;
    const big = allocate(bytesBefore / 4 + 1000); // forces a grow
    expect(wasmMemory().memory.buffer.byteLength).toBeGreaterThan(bytesBefore);
    expectSameBits(a.array, copy, "after grow");
    big.free();
    a.free();
  });

  it("reuses freed space and accounts for every byte", () => {
    const before = allocatedBytes();
    const a = allocate(100),
      b = allocate(1000),
      c = allocate(10);
    expect(allocatedBytes() - before).toBe(448 + 4032 + 64);
    const bPtr = b.ptr;
    b.free();
    const d = allocate(900);
    expect(d.ptr).toBe(bPtr);
    expect(a.ptr % 64).toBe(0);
    for (const t of [a, c, d]) t.free();
    expect(allocatedBytes()).toBe(before);
    expect(() => a.free()).toThrow(/already freed/);
    expect(() => a.array).toThrow(/was freed/);
    expect(() => allocate(-1)).toThrow(/n must be at least 0, got -1/);
  });
});

describe("model arrays in the kernel memory", () => {
  it("kernelArray gives zeroed arrays inside the shared kernel memory once the kernels are loaded", () => {
    expect(wasmMemory().shared).toBe(true);
    const a = kernelArray(1000);
    expect(a.length).toBe(1000);
    expect(a.every((v) => v === 0)).toBe(true);
    expect(inWasmMemory(a)).toBe(true);
    expect(kernelArray(0).length).toBe(0);
    const w = kernelArray(64, {internal: true});
    expect(inWasmMemory(w)).toBe(true);
    expect(w.every((v) => v === 0)).toBe(true);
    expect(() => kernelArray(-2)).toThrow(/n must be at least 0, got -2/);
  });

  it("models keep their parameters, gradients and activations there", () => {
    const model = createModel({kind: "switchnet4", inputSize: 8, outputSize: 8, width: 64, seed: 1});
    expect(inWasmMemory(model.params)).toBe(true);
    expect(inWasmMemory(model.grads)).toBe(true);
    const dense = createModel({kind: "dense", inputSize: 8, outputSize: 8, width: 40, seed: 1});
    expect(inWasmMemory(dense.params)).toBe(true);
    const out = model.forward(new Float32Array(8).fill(1), 1);
    expect(out.length).toBe(8);
    expect(out.some((v) => v !== 0)).toBe(true);
  });
});

describe("an unshared memory (a browser page without cross-origin isolation)", () => {
  /** Runs `body` on fresh copies of the library's modules whose kernel memory is not shared. */
  async function unshared(
    body: (wht: typeof import("../lib/wht.js"), memory: typeof import("../lib/wasm/memory.js")) => Promise<void>
  ) {
    const g = globalThis as {crossOriginIsolated?: boolean};
    g.crossOriginIsolated = false;
    vi.resetModules();
    try {
      const wht = await import("../lib/wht.js");
      const memory = await import("../lib/wasm/memory.js");
      expect(await wht.ready()).toBe("wasm-simd");
      expect(memory.wasmMemory().shared).toBe(false);
      await body(wht, memory);
    } finally {
      delete g.crossOriginIsolated;
      vi.resetModules();
    }
  }

  it("keeps working when the memory grows under resident tensors: kernels reach them by address", async () => {
    await unshared(async (wht, memory) => {
      const {butterflyForwardSimd} = await import("../lib/kernels/butterflyLayer.js");
      expect(memory.inWasmMemory(memory.kernelArray(8))).toBe(false); // models keep ordinary arrays
      const {butterflyForward, butterflyLayerSize, initButterflyLayer} = await import("../lib/butterfly.js");
      const n = 16384;
      const x = memory.allocate(n),
        y = memory.allocate(n);
      x.array.set(randomVector(n, 90));
      const w = new Float32Array(butterflyLayerSize(n)); // 1.9 MB: staging it grows the memory
      initButterflyLayer(w, n, createRng(3), 0.1);
      const before = memory.wasmMemory().memory.buffer.byteLength;
      expect(w.byteLength).toBeGreaterThan(before);
      const oldView = x.array;
      expect(butterflyForwardSimd(x.array, y.array, w, n, 1)).toBe(true);
      expect(memory.wasmMemory().memory.buffer.byteLength).toBeGreaterThan(before);
      expect(oldView.length).toBe(0); // detached, as documented
      expect(x.array.length).toBe(n); // a fresh view
      wht.setBackend("scalar");
      const want = new Float32Array(n);
      butterflyForward(x.array.slice(), want, w, n, 1);
      wht.setBackend("auto");
      let worst = 0;
      for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(y.array[i] - want[i]));
      expect(worst).toBeLessThan(1e-4);
      expect(y.array.some((v) => v !== 0)).toBe(true);
      const z = x.array.slice();
      wht.wht(x.array);
      expectSameBits(x.array, radix2(z, n, 1, false), "after growth");
    });
  });

  it("runs the Throughput page's layer benchmark, whose butterfly forward grows the memory for its planar weights", async () => {
    // What the page's benchmark worker runs (src/bench-worker.js, quick mode). It ended in "Cannot
    // perform %TypedArray%.prototype.set on a detached or out-of-bounds ArrayBuffer" when the views
    // of its resident arrays, taken before forward, went on to backward detached.
    await unshared(async (_wht, memory) => {
      const {runLayerBenchmark} = await import("../lib/bench.js");
      // In this fresh memory the butterfly's first forward grows it (for its planar block), so
      // views taken before that call are detached after it.
      const before = memory.kernelMemoryStats().size;
      const options = {quick: true, implementations: ["wasm-simd"], models: false, repeats: 1, minTimeMs: 1};
      const {rows} = await runLayerBenchmark(options);
      expect(rows.map((r) => `${r.layer}/${r.implementation}/${r.width}`)).toEqual([
        "switchnet4/wasm-simd/65536",
        "dense/wasm-simd/1448",
        "butterfly/wasm-simd/65536"
      ]);
      expect(memory.kernelMemoryStats().size).toBeGreaterThan(before);
    });
  });
});

describe("fallback with WebAssembly forced off", () => {
  it("setBackend('scalar') runs the JS kernel with the same results within rounding", () => {
    expect(setBackend("scalar")).toBe("scalar");
    expect(backend()).toBe("scalar");
    const x = randomVector(4096, 70);
    const got = wht(x.slice(), {from: 4, normalize: true});
    setBackend("wasm-simd");
    const simd = wht(x.slice(), {from: 4, normalize: true});
    expect(maxDiff(got, simd)).toBeLessThanOrEqual(2 ** -22 * 12 * 4);
    expect(maxDiff(got, x)).toBeGreaterThan(0.1);
  });

  it("reports no SIMD support when the engine rejects SIMD modules", () => {
    const spy = vi.spyOn(WebAssembly, "validate").mockReturnValue(false);
    try {
      expect(simdSupported()).toBe(false);
    } finally {
      spy.mockRestore();
    }
    expect(simdSupported()).toBe(true);
  });
});
