/**
 * The fixed filter bank layer's kernels (lib/filterbank.ts has the maths and the weight layout:
 * a[j] at 2j, b[j] at 2j + 1, branch b when v < 0), computing exactly what its JavaScript loops
 * compute, bit for bit:
 *
 * - fb_fwd(x, y, w, rows, n, log2n, scale): y = v·w[2j + (v < 0)] for each row, then the
 *   normalised WHT of that row while it is in cache (the WHT driver's `block`, which the kernel
 *   behind `whtBatch` runs too: the same bits). JS multiplies two float32 values in float64 (exact)
 *   and rounds once on store: one float32 multiplication, as f32x4.mul does.
 * - fb_bwd(x, gy, gx, w, gw, rows, n, log2n, scale, transform, c0, c1) and fb_bwd_w (the same
 *   without gx: gx is not read or written): blocks of up to ROW_BLOCK rows; with transform ≠ 0 the
 *   WHT of each gy row of the block first; then for columns c0 … c1 − 1, the rows of the block in
 *   order: gx = w[k]·g (one float32 multiplication) and gw[k] += v·g with k = 2j + (v < 0). JS
 *   computes that sum as float64(gw[k]) + (v·g exact in float64), rounded to float64 and then to
 *   float32 on store; the kernel does the same operations on f64x2 lanes (promote, multiply, add,
 *   demote) on gw[k], selected from a and b first. The branch not taken keeps its old bits (a
 *   select, not an addition of zero, so a −0 there stays −0), and −0 inputs take branch a as in JS
 *   (−0 < 0 is false; so does NaN). Rows add in increasing order for each column, as in JS.
 *   The column range lets a team of threads split the weight gradient by columns (same bits).
 * Pointers in bytes, rows, n, c0 and c1 in elements; n a multiple of 16, c0 and c1 of 8.
 */
import type {Code, ModuleBuilder} from "./encoder.js";
import {op, simd, valtype} from "./opcodes.js";
import type {WhtFunctions} from "./whtModule.js";

const {i32, f32, v128} = valtype;

/**
 * Rows whose weight gradients are added while the weights stay in registers (the gw loads and
 * stores are shared), and chunks of four columns a pass over them (independent chains of additions).
 * Measured at W = 65,536 (64 rows, the slopes of the backward alone): 1 × 1 about 6 ms, 2 × 2 and
 * 1 × 2 about 3.8 ms, 4 × 1 about 6.8 ms (each row's sum waits for the one before).
 */
const ROW_BLOCK = 2;
const UNROLL = 2;

/** Pushes lanes 0, 2, 4, 6 (deinterleave = "a") or 1, 3, 5, 7 ("b") of the two v128 locals lo, hi. */
function deinterleave(c: Code, lo: number, hi: number, odd: boolean): Code {
  return c
    .get(lo)
    .get(hi)
    .shuffle32(odd ? [1, 3, 5, 7] : [0, 2, 4, 6]);
}

/** Pushes promote(lanes 2, 3 of the v128 local v) as f64x2. */
function promoteHigh(c: Code, v: number): Code {
  return c.get(v).get(v).shuffle32([2, 3, 2, 3]).simd(simd.f64x2_promote_low_f32x4);
}

/** Forward: fb_fwd (see the file comment). */
function forward(m: ModuleBuilder, wht: WhtFunctions): number {
  const fn = m.declare([i32, i32, i32, i32, i32, i32, f32]);
  const c = fn.code;
  const [x, y, w, rows, n, logn, s] = [0, 1, 2, 3, 4, 5, 6];
  const rowBytes = c.local(i32),
    o = c.local(i32),
    wo = c.local(i32),
    v = c.local(v128),
    w0 = c.local(v128),
    w1 = c.local(v128),
    zero = c.local(v128);
  c.get(rows).i32(1).emit(op.i32_lt_s).if().ret().end();
  c.get(n).i32(2).emit(op.i32_shl).set(rowBytes);
  c.f32x4Const(0).set(zero);
  c.loop(); // rows
  c.i32(0).set(o);
  c.get(w).set(wo);
  c.loop(); // four columns at a time
  c.get(x).get(o).emit(op.i32_add).v128Load(0).set(v);
  c.get(wo).v128Load(0).set(w0);
  c.get(wo).v128Load(16).set(w1);
  c.get(y).get(o).emit(op.i32_add);
  c.get(v);
  // bitselect(b, a, v < 0): b where v < 0, else a
  deinterleave(c, w0, w1, true);
  deinterleave(c, w0, w1, false);
  c.get(v).get(zero).simd(simd.f32x4_lt);
  c.simd(simd.v128_bitselect).simd(simd.f32x4_mul).v128Store(0);
  c.get(wo).i32(32).emit(op.i32_add).set(wo);
  c.get(o).i32(16).emit(op.i32_add).tee(o).get(rowBytes).emit(op.i32_lt_u).brIf(0);
  c.end();
  c.get(y).get(logn).i32(0).get(s).call(wht.block);
  c.get(x).get(rowBytes).emit(op.i32_add).set(x);
  c.get(y).get(rowBytes).emit(op.i32_add).set(y);
  c.get(rows).i32(1).emit(op.i32_sub).tee(rows).brIf(0);
  c.end();
  return fn.index;
}

/** Backward: fb_bwd, or without the input gradient fb_bwd_w (see the file comment). */
function backward(m: ModuleBuilder, wht: WhtFunctions, withGx: boolean): number {
  const fn = m.declare([i32, i32, i32, i32, i32, i32, i32, i32, f32, i32, i32, i32]);
  const c = fn.code;
  const [x, gy, gx, w, gw, rows, n, logn, s, transform, c0, c1] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const rowBytes = c.local(i32),
    rb = c.local(i32),
    r = c.local(i32),
    p = c.local(i32),
    o = c.local(i32),
    oEnd = c.local(i32);
  // per chunk of four columns of a pass (UNROLL chunks: independent chains of additions)
  const chunks = Array.from({length: UNROLL}, () => ({
    accA: c.local(v128),
    accB: c.local(v128),
    wA: c.local(v128),
    wB: c.local(v128)
  }));
  const v = c.local(v128),
    g = c.local(v128),
    mask = c.local(v128),
    lo = c.local(v128),
    hi = c.local(v128),
    pLo = c.local(v128),
    pHi = c.local(v128),
    sel = c.local(v128),
    zero = c.local(v128);
  c.get(rows).i32(1).emit(op.i32_lt_s).if().ret().end();
  c.get(n).i32(2).emit(op.i32_shl).set(rowBytes);
  c.f32x4Const(0).set(zero);
  c.loop(); // blocks of rows
  // rb = min(rows, ROW_BLOCK)
  c.get(rows).i32(ROW_BLOCK).get(rows).i32(ROW_BLOCK).emit(op.i32_lt_s).emit(op.select).set(rb);
  // the WHT of the block's gradient rows first (each row on its own: the same bits as one batch)
  c.get(transform).if();
  c.get(gy).set(p);
  c.get(rb).set(r);
  c.loop();
  c.get(p).get(logn).i32(0).get(s).call(wht.block);
  c.get(p).get(rowBytes).emit(op.i32_add).set(p);
  c.get(r).i32(1).emit(op.i32_sub).tee(r).brIf(0);
  c.end();
  c.end();
  c.get(c0).i32(2).emit(op.i32_shl).set(o);
  c.get(c1).i32(2).emit(op.i32_shl).set(oEnd);
  c.block();
  c.get(o).get(oEnd).emit(op.i32_ge_u).brIf(0);
  c.loop(); // UNROLL·4 columns a pass: weights deinterleaved into a and b, kept over the block's rows
  chunks.forEach(({accA, accB, wA, wB}, u) => {
    // gw (and w) of columns o/4 + 4u … o/4 + 4u + 3: 8 floats at 2·o + 32u bytes
    const pairs = (base: number, a: number, b: number) => {
      c.get(base).get(o).i32(1).emit(op.i32_shl).emit(op.i32_add).tee(p);
      c.v128Load(32 * u).set(lo);
      c.get(p)
        .v128Load(32 * u + 16)
        .set(hi);
      deinterleave(c, lo, hi, false).set(a);
      deinterleave(c, lo, hi, true).set(b);
    };
    pairs(gw, accA, accB);
    if (withGx) pairs(w, wA, wB);
  });
  c.get(o).set(p); // byte offset of the current row's columns from the block's first row
  c.get(rb).set(r);
  c.loop(); // the block's rows, in order
  chunks.forEach(({accA, accB, wA, wB}, u) => {
    c.get(x)
      .get(p)
      .emit(op.i32_add)
      .v128Load(16 * u)
      .set(v);
    c.get(gy)
      .get(p)
      .emit(op.i32_add)
      .v128Load(16 * u)
      .set(g);
    c.get(v).get(zero).simd(simd.f32x4_lt).set(mask);
    if (withGx) {
      c.get(gx).get(p).emit(op.i32_add);
      c.get(wB)
        .get(wA)
        .get(mask)
        .simd(simd.v128_bitselect)
        .get(g)
        .simd(simd.f32x4_mul)
        .v128Store(16 * u);
    }
    // v·g exact in float64, lanes 0–1 and 2–3
    c.get(v).simd(simd.f64x2_promote_low_f32x4).get(g).simd(simd.f64x2_promote_low_f32x4).simd(simd.f64x2_mul).set(pLo);
    promoteHigh(c, v);
    promoteHigh(c, g);
    c.simd(simd.f64x2_mul).set(pHi);
    // the taken branch's sum t = round32(float64(b or a) + v·g), then a ← t where v ≥ 0, b ← t where v < 0
    c.get(accB).get(accA).get(mask).simd(simd.v128_bitselect).set(sel);
    c.get(sel).simd(simd.f64x2_promote_low_f32x4).get(pLo).simd(simd.f64x2_add).simd(simd.f32x4_demote_f64x2_zero);
    promoteHigh(c, sel).get(pHi).simd(simd.f64x2_add).simd(simd.f32x4_demote_f64x2_zero);
    c.shuffle32([0, 1, 4, 5]).set(sel);
    c.get(accA).get(sel).get(mask).simd(simd.v128_bitselect).set(accA);
    c.get(sel).get(accB).get(mask).simd(simd.v128_bitselect).set(accB);
  });
  c.get(p).get(rowBytes).emit(op.i32_add).set(p);
  c.get(r).i32(1).emit(op.i32_sub).tee(r).brIf(0);
  c.end();
  // interleave a and b back: [a0 b0 a1 b1], [a2 b2 a3 b3]
  c.get(gw).get(o).i32(1).emit(op.i32_shl).emit(op.i32_add).set(p);
  chunks.forEach(({accA, accB}, u) => {
    c.get(p)
      .get(accA)
      .get(accB)
      .shuffle32([0, 4, 1, 5])
      .v128Store(32 * u);
    c.get(p)
      .get(accA)
      .get(accB)
      .shuffle32([2, 6, 3, 7])
      .v128Store(32 * u + 16);
  });
  c.get(o)
    .i32(16 * UNROLL)
    .emit(op.i32_add)
    .tee(o)
    .get(oEnd)
    .emit(op.i32_lt_u)
    .brIf(0);
  c.end();
  c.end();
  // the next block
  c.get(rb).get(rowBytes).emit(op.i32_mul).set(p);
  c.get(x).get(p).emit(op.i32_add).set(x);
  c.get(gy).get(p).emit(op.i32_add).set(gy);
  if (withGx) c.get(gx).get(p).emit(op.i32_add).set(gx);
  c.get(rows).get(rb).emit(op.i32_sub).tee(rows).i32(0).emit(op.i32_gt_s).brIf(0);
  c.end();
  return fn.index;
}

/** Adds and exports fb_fwd, fb_bwd and fb_bwd_w (appended after every other kernel, so they keep their bytes). */
export function addFilterBankKernels(m: ModuleBuilder, wht: WhtFunctions): void {
  m.export("fb_fwd", forward(m, wht));
  m.export("fb_bwd", backward(m, wht, true));
  m.export("fb_bwd_w", backward(m, wht, false));
}
