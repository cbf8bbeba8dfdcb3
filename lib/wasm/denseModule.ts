/**
 * The dense layer's small element-wise passes as WebAssembly kernels (lib/kernels/dense.ts), so a
 * team of threads (lib/team.ts) can run them on its share of the columns, in the same job as the
 * matrix products, instead of JavaScript loops on the calling thread. Each computes exactly what
 * the JS loops of lib/dense.ts compute, element by element:
 *
 * - rows_set(dst, ldd, src, rows, cols): dst[r, c] = src[c] (the bias copied into every row).
 * - relu_rows(y, ld, rows, cols): y = max(0, y) (Math.max(0, y): max(0, −0) = +0, NaN stays NaN).
 * - relu_mask_rows(g, ldg, x, ldx, rows, cols): g = +0 where x = 0 (either sign), else g unchanged.
 * - col_sums_add(gb, gy, ldy, rows, cols): gb[c] += gy[r, c] for r = 0, 1, … in order, one rounded
 *   float32 addition each (JS adds two float32 values in float64 and rounds the sum to float32 on
 *   store: float64 holds more than twice float32's precision, so that is the same correctly rounded
 *   float32 sum).
 * - fill_zero(p, count): count floats of +0.
 * - finite_flag(p, count, out): stores at out (an i32) 1 when every one of the count floats has
 *   |x| ≤ FLOAT32_MAX (no NaN, no ±Infinity), else 0 (any count; the caller finds the index itself).
 * Pointers and strides in bytes, rows and cols (and count) in elements; rows are walked four
 * columns at a time (unaligned v128 loads and stores), then the columns left one at a time.
 */
import type {Code, ModuleBuilder} from "./encoder.js";
import {op, simd, valtype} from "./opcodes.js";

const {i32, f32, v128} = valtype;
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Emits: for each of `rows` rows { for o over whole vectors { vec(o) } for o over the rest { one(o) } },
 * then every (pointer, stride) pair moves on one row. o is a byte offset in the row. (Also
 * layerModule.ts's mul_rows.)
 */
export function eachRow(
  c: Code,
  rows: number,
  cols: number,
  moves: Array<[number, number]>,
  vec: (o: number) => void,
  one: (o: number) => void
): void {
  const o = c.local(i32),
    vecEnd = c.local(i32),
    end = c.local(i32);
  c.get(cols).i32(-4).emit(op.i32_and).i32(2).emit(op.i32_shl).set(vecEnd);
  c.get(cols).i32(2).emit(op.i32_shl).set(end);
  c.block().loop();
  c.get(rows).i32(1).emit(op.i32_lt_s).brIf(1);
  c.i32(0).set(o);
  c.block().loop();
  c.get(o).get(vecEnd).emit(op.i32_ge_u).brIf(1);
  vec(o);
  c.get(o).i32(16).emit(op.i32_add).set(o).br(0);
  c.end().end();
  c.block().loop();
  c.get(o).get(end).emit(op.i32_ge_u).brIf(1);
  one(o);
  c.get(o).i32(4).emit(op.i32_add).set(o).br(0);
  c.end().end();
  for (const [p, stride] of moves) c.get(p).get(stride).emit(op.i32_add).set(p);
  c.get(rows).i32(1).emit(op.i32_sub).set(rows).br(0);
  c.end().end();
}

/** Pushes the address p + o. */
function at(c: Code, p: number, o: number): Code {
  return c.get(p).get(o).emit(op.i32_add);
}

function rowsSet(m: ModuleBuilder): number {
  const fn = m.declare([i32, i32, i32, i32, i32]);
  const c = fn.code;
  const [dst, ldd, src, rows, cols] = [0, 1, 2, 3, 4];
  eachRow(
    c,
    rows,
    cols,
    [[dst, ldd]],
    (o) =>
      at(at(c, dst, o), src, o)
        .v128Load(0)
        .v128Store(0),
    (o) =>
      at(at(c, dst, o), src, o)
        .f32Load(0)
        .f32Store(0)
  );
  return fn.index;
}

function reluRows(m: ModuleBuilder): number {
  const fn = m.declare([i32, i32, i32, i32]);
  const c = fn.code;
  const [y, ld, rows, cols] = [0, 1, 2, 3];
  eachRow(
    c,
    rows,
    cols,
    [[y, ld]],
    (o) => {
      at(c, y, o);
      c.f32x4Const(0);
      at(c, y, o).v128Load(0).simd(simd.f32x4_max).v128Store(0);
    },
    (o) => {
      at(c, y, o);
      c.f32(0);
      at(c, y, o).f32Load(0).emit(op.f32_max).f32Store(0);
    }
  );
  return fn.index;
}

function reluMaskRows(m: ModuleBuilder): number {
  const fn = m.declare([i32, i32, i32, i32, i32, i32]);
  const c = fn.code;
  const [g, ldg, x, ldx, rows, cols] = [0, 1, 2, 3, 4, 5];
  eachRow(
    c,
    rows,
    cols,
    [
      [g, ldg],
      [x, ldx]
    ],
    (o) => {
      // g & ~(x == 0): all bits cleared (+0) where x is ±0
      at(c, g, o);
      at(c, g, o).v128Load(0);
      at(c, x, o).v128Load(0).f32x4Const(0).simd(simd.f32x4_eq);
      c.simd(simd.v128_andnot).v128Store(0);
    },
    (o) => {
      at(c, g, o);
      c.f32(0);
      at(c, g, o).f32Load(0);
      at(c, x, o).f32Load(0).f32(0).emit(op.f32_eq);
      c.emit(op.select).f32Store(0);
    }
  );
  return fn.index;
}

function colSumsAdd(m: ModuleBuilder): number {
  const fn = m.declare([i32, i32, i32, i32, i32]);
  const c = fn.code;
  const [gb, gy, ldy, rows, cols] = [0, 1, 2, 3, 4];
  const o = c.local(i32),
    vecEnd = c.local(i32),
    end = c.local(i32),
    p = c.local(i32),
    r = c.local(i32),
    acc = c.local(v128),
    accf = c.local(f32);
  c.get(cols).i32(-4).emit(op.i32_and).i32(2).emit(op.i32_shl).set(vecEnd);
  c.get(cols).i32(2).emit(op.i32_shl).set(end);
  const column = (vec: boolean) => {
    at(c, gb, o);
    if (vec) c.v128Load(0);
    else c.f32Load(0);
    c.set(vec ? acc : accf);
    at(c, gy, o).set(p);
    c.get(rows).set(r);
    c.block().loop();
    c.get(r).i32(1).emit(op.i32_lt_s).brIf(1);
    c.get(vec ? acc : accf).get(p);
    if (vec) c.v128Load(0).simd(simd.f32x4_add);
    else c.f32Load(0).emit(op.f32_add);
    c.set(vec ? acc : accf);
    c.get(p).get(ldy).emit(op.i32_add).set(p);
    c.get(r).i32(1).emit(op.i32_sub).set(r).br(0);
    c.end().end();
    at(c, gb, o).get(vec ? acc : accf);
    if (vec) c.v128Store(0);
    else c.f32Store(0);
  };
  c.i32(0).set(o);
  c.block().loop();
  c.get(o).get(vecEnd).emit(op.i32_ge_u).brIf(1);
  column(true);
  c.get(o).i32(16).emit(op.i32_add).set(o).br(0);
  c.end().end();
  c.block().loop();
  c.get(o).get(end).emit(op.i32_ge_u).brIf(1);
  column(false);
  c.get(o).i32(4).emit(op.i32_add).set(o).br(0);
  c.end().end();
  return fn.index;
}

function fillZero(m: ModuleBuilder): number {
  const fn = m.declare([i32, i32]);
  const c = fn.code;
  const [p, count] = [0, 1];
  const one = c.local(i32);
  c.i32(1).set(one);
  eachRow(
    c,
    one,
    count,
    [],
    (o) => at(c, p, o).f32x4Const(0).v128Store(0),
    (o) => at(c, p, o).f32(0).f32Store(0)
  );
  return fn.index;
}

function finiteFlag(m: ModuleBuilder): number {
  const fn = m.declare([i32, i32, i32]);
  const c = fn.code;
  const [p, count, out] = [0, 1, 2];
  const one = c.local(i32),
    ok = c.local(v128),
    okf = c.local(i32),
    max = c.local(v128);
  c.i32(1).set(one);
  c.i32(1).set(okf);
  c.f32x4Const(FLOAT32_MAX).set(max);
  c.get(max).get(max).simd(simd.f32x4_eq).set(ok); // all ones
  eachRow(
    c,
    one,
    count,
    [],
    (o) => {
      c.get(ok);
      at(c, p, o).v128Load(0).simd(simd.f32x4_abs).get(max).simd(simd.f32x4_le).simd(simd.v128_and).set(ok);
    },
    (o) => {
      c.get(okf);
      at(c, p, o).f32Load(0).emit(op.f32_abs).f32(FLOAT32_MAX).emit(op.f32_le).emit(op.i32_and).set(okf);
    }
  );
  c.get(out).get(ok).simd(simd.i32x4_all_true).get(okf).emit(op.i32_and).mem(op.i32_store, 2, 0);
  return fn.index;
}

/** Adds and exports the kernels above (appended after every other kernel, so they keep their bytes). */
export function addDenseKernels(m: ModuleBuilder): void {
  m.export("rows_set", rowsSet(m));
  m.export("relu_rows", reluRows(m));
  m.export("relu_mask_rows", reluMaskRows(m));
  m.export("col_sums_add", colSumsAdd(m));
  m.export("fill_zero", fillZero(m));
  m.export("finite_flag", finiteFlag(m));
}
