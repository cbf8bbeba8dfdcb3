/**
 * A tiny writer for the WebAssembly binary format: LEB128 numbers, function bodies built
 * instruction by instruction, and a module with types, an imported memory, functions, a table,
 * exports and element segments. Our kernels are generated with it at run time, so no binary
 * is committed and no toolchain is needed.
 */
import {fail} from "../check.js";
import {EMPTY_BLOCK, op, simd, valtype, type ValType} from "./opcodes.js";

/** Unsigned LEB128. */
export function uleb(value: number, out: number[] = []): number[] {
  if (!Number.isInteger(value) || value < 0 || value > 2 ** 32 - 1) fail(`uleb value must be a u32, got ${value}`);
  let v = value;
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 (for i32 constants). */
export function sleb(value: number, out: number[] = []): number[] {
  if (!Number.isInteger(value) || value < -(2 ** 31) || value > 2 ** 31 - 1)
    fail(`sleb value must be an i32, got ${value}`);
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/**
 * Appends `items` to `out` one by one. Never `out.push(...items)` for long arrays: spread
 * arguments live on the stack, and a module's code section overflows a web worker's stack.
 */
function append(out: number[], items: ArrayLike<number>): number[] {
  for (let i = 0; i < items.length; i++) out.push(items[i]);
  return out;
}

function f32Bytes(value: number): number[] {
  const b = new Uint8Array(new Float32Array([value]).buffer);
  return [...b];
}

function name(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...uleb(bytes.length), ...bytes];
}

/** A function body under construction. Methods append one instruction and return `this`. */
export class Code {
  readonly bytes: number[] = [];
  private readonly localTypes: ValType[] = [];
  constructor(readonly paramCount: number) {}

  /** Declares a new local of type `t` and returns its index. */
  local(t: ValType): number {
    this.localTypes.push(t);
    return this.paramCount + this.localTypes.length - 1;
  }

  emit(...b: number[]): this {
    for (const x of b) this.bytes.push(x);
    return this;
  }
  get(i: number): this {
    return this.emit(op.local_get, ...uleb(i));
  }
  set(i: number): this {
    return this.emit(op.local_set, ...uleb(i));
  }
  tee(i: number): this {
    return this.emit(op.local_tee, ...uleb(i));
  }
  i32(v: number): this {
    return this.emit(op.i32_const, ...sleb(v | 0));
  }
  f32(v: number): this {
    return this.emit(op.f32_const, ...f32Bytes(v));
  }
  call(f: number): this {
    return this.emit(op.call, ...uleb(f));
  }
  callIndirect(type: number, table = 0): this {
    return this.emit(op.call_indirect, ...uleb(type), ...uleb(table));
  }
  block(): this {
    return this.emit(op.block, EMPTY_BLOCK);
  }
  loop(): this {
    return this.emit(op.loop, EMPTY_BLOCK);
  }
  if(): this {
    return this.emit(op.if, EMPTY_BLOCK);
  }
  else(): this {
    return this.emit(op.else);
  }
  end(): this {
    return this.emit(op.end);
  }
  br(depth: number): this {
    return this.emit(op.br, ...uleb(depth));
  }
  brIf(depth: number): this {
    return this.emit(op.br_if, ...uleb(depth));
  }
  ret(): this {
    return this.emit(op.return);
  }
  /** A memory access with natural alignment `align` (log2 bytes) and constant byte offset. */
  mem(opcode: number, align: number, offset: number): this {
    return this.emit(opcode, ...uleb(align), ...uleb(offset));
  }
  simd(opcode: number): this {
    return this.emit(op.simd, ...uleb(opcode));
  }
  v128Load(offset: number): this {
    return this.emit(op.simd, ...uleb(simd.v128_load), ...uleb(4), ...uleb(offset));
  }
  v128Store(offset: number): this {
    return this.emit(op.simd, ...uleb(simd.v128_store), ...uleb(4), ...uleb(offset));
  }
  f32x4Splat(): this {
    return this.simd(simd.f32x4_splat);
  }
  f32Load(offset = 0): this {
    return this.emit(op.f32_load, 2, ...uleb(offset));
  }
  f32Store(offset = 0): this {
    return this.emit(op.f32_store, 2, ...uleb(offset));
  }
  /** Loads one float and splats it to four lanes. */
  v128Load32Splat(offset = 0): this {
    return this.emit(op.simd, ...uleb(simd.v128_load32_splat), 2, ...uleb(offset));
  }
  /** A v128 constant from four floats. */
  f32x4Const(a: number, b = a, c = a, d = a): this {
    return this.emit(op.simd, ...uleb(simd.v128_const), ...[a, b, c, d].flatMap(f32Bytes));
  }
  extractLane(lane: number): this {
    return this.emit(op.simd, ...uleb(simd.f32x4_extract_lane), lane);
  }
  replaceLane(lane: number): this {
    return this.emit(op.simd, ...uleb(simd.f32x4_replace_lane), lane);
  }
  /** i8x16.shuffle expressed with four 32-bit lane indices (0–3 first operand, 4–7 second). */
  shuffle32(lanes: [number, number, number, number]): this {
    const bytes = lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]);
    return this.emit(op.simd, ...uleb(simd.i8x16_shuffle), ...bytes);
  }

  /** The encoded body: local declarations, instructions, final `end`. */
  encode(): number[] {
    const groups: Array<[number, ValType]> = [];
    for (const t of this.localTypes) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const body = uleb(groups.length);
    for (const [count, t] of groups) append(body, uleb(count)).push(t);
    append(body, this.bytes).push(op.end);
    return append(uleb(body.length), body);
  }
}

interface FuncDef {
  type: number;
  code: Code;
}

export interface MemoryImport {
  module: string;
  name: string;
  minPages: number;
  maxPages: number;
  shared: boolean;
}

/** A module under construction: one imported memory, functions, one funcref table. */
export class ModuleBuilder {
  private readonly types: string[] = [];
  private readonly typeBytes: number[][] = [];
  private readonly funcs: FuncDef[] = [];
  private readonly exports: Array<[string, number]> = [];
  private table: number[] = [];
  private memory: MemoryImport | null = null;

  /** Index of the function type (params) → (results), added once. */
  type(params: ValType[], results: ValType[] = []): number {
    const bytes = [0x60, ...uleb(params.length), ...params, ...uleb(results.length), ...results];
    const key = bytes.join(",");
    let i = this.types.indexOf(key);
    if (i < 0) {
      i = this.types.length;
      this.types.push(key);
      this.typeBytes.push(bytes);
    }
    return i;
  }

  importMemory(memory: MemoryImport): void {
    this.memory = memory;
  }

  /** Reserves a function index; fill its body later with `define` (allows recursion). */
  declare(params: ValType[], results: ValType[] = []): {index: number; code: Code} {
    const code = new Code(params.length);
    this.funcs.push({type: this.type(params, results), code});
    return {index: this.funcs.length - 1, code};
  }

  export(exportName: string, funcIndex: number): void {
    this.exports.push([exportName, funcIndex]);
  }

  /** Puts `funcIndex` in table slot `slot` (slots left empty hold a null reference). */
  setTableSlot(slot: number, funcIndex: number): void {
    while (this.table.length <= slot) this.table.push(-1);
    this.table[slot] = funcIndex;
  }

  encode(): Uint8Array<ArrayBuffer> {
    const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    const section = (id: number, content: number[]) => {
      out.push(id);
      append(out, uleb(content.length));
      append(out, content);
    };
    const vec = (items: number[][]) => {
      const v = uleb(items.length);
      for (const item of items) append(v, item);
      return v;
    };

    section(1, vec(this.typeBytes));
    if (this.memory) {
      const m = this.memory;
      const limits = m.shared
        ? [0x03, ...uleb(m.minPages), ...uleb(m.maxPages)]
        : [0x01, ...uleb(m.minPages), ...uleb(m.maxPages)];
      section(2, vec([[...name(m.module), ...name(m.name), 0x02, ...limits]]));
    }
    section(3, vec(this.funcs.map((f) => uleb(f.type))));
    if (this.table.length > 0) section(4, vec([[valtype.funcref, 0x00, ...uleb(this.table.length)]]));
    section(7, vec(this.exports.map(([n, i]) => [...name(n), 0x00, ...uleb(i)])));
    if (this.table.length > 0) {
      // One active segment per run of filled slots.
      const segments: number[][] = [];
      for (let s = 0; s < this.table.length; ) {
        if (this.table[s] < 0) {
          s++;
          continue;
        }
        let e = s;
        while (e < this.table.length && this.table[e] >= 0) e++;
        segments.push([0x00, op.i32_const, ...sleb(s), op.end, ...vec(this.table.slice(s, e).map((f) => uleb(f)))]);
        s = e;
      }
      section(9, vec(segments));
    }
    section(10, vec(this.funcs.map((f) => f.code.encode())));
    return new Uint8Array(out);
  }
}
