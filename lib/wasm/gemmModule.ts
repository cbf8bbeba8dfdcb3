/**
 * Register-tiled GEMM micro-kernels for the dense layer's three products (lib/kernels/gemm.ts),
 * emitted into the kernel module by layerModule.ts (plain SIMD: `gemm`, `gemm_nt`), runtime.ts
 * (`gemm_pack`) and, where the engine validates relaxed SIMD, runtime.ts again (fused
 * multiply-add: `gemm_fma`, `gemm_nt_fma`).
 *
 * - gemm(A, ars, ats, B, ldb, bps, C, ldc, M, K, N, rowBlock): C += Â·B, Â(i, t) at
 *   A + i·ars + t·ats (x·W: ars = row bytes, ats = 4; xᵀ·gy: ars = 4, ats = row bytes); B(t, j) at
 *   B + (j / GEMM_NR)·bps + (j mod GEMM_NR)·4 + t·ldb, so B is either row-major (bps = 4·GEMM_NR,
 *   ldb = row bytes) or packed by `gemm_pack` into panels of GEMM_NR columns (ldb = 4·GEMM_NR,
 *   bps = 4·GEMM_NR·K), each panel read front to back. Tiles of GEMM_MR × GEMM_NR elements of C in
 *   registers, vectorised across the columns of C; blocks of rowBlock (≥ 1) rows outermost, column
 *   panels within them (rowBlock ≥ M: column panels outermost). Edges: tiles of one row, then
 *   4-column and 1-column panels.
 *   Every element of C adds its K products one after the other in t order (a rounded multiply,
 *   then a rounded add), whatever its tile, loop order or packing: the bits of the 4 × 8 kernel
 *   this replaced, and of one thread or a team's share of the rows or columns.
 * - gemm_nt(A, lda, B, ldb, C, ldc, M, K, N, accumulate): C (+)= A·Bᵀ. Vectorised along t (rows of
 *   A and B are contiguous): C[i, j] sums four strands t ≡ 0, 1, 2, 3 (mod 4) over whole vectors,
 *   then ((s0 + s1) + s2) + s3, plus the scalar tail (t ≥ K − K mod 4, summed from 0 in t order),
 *   plus C when accumulating: again the bits of the kernel this replaced. Tiles of NT_MR rows × 4
 *   columns share each loaded vector of B across NT_MR rows; four columns (rows of B) outermost so
 *   they stay in L1 while the rows of A pass by.
 * - gemm_pack(B, ldb, P, K, N): the panels `gemm` reads with bps = 4·GEMM_NR·K.
 * With `fma` each vector multiply-add is one f32x4.relaxed_madd (fused where the hardware has FMA:
 * one rounding instead of two, so the last bits differ from the plain kernels).
 * All sizes and strides are in bytes except M, K, N (elements).
 */
import type {Code, ModuleBuilder} from "./encoder.js";
import {op, simd, valtype} from "./opcodes.js";

const {i32, f32, v128} = valtype;

/** f32x4.relaxed_madd(a, b, c) = a·b + c (relaxed SIMD; opcode after the 0xfd prefix). */
export const RELAXED_MADD = 0x105;

/**
 * Rows × vectors of 4 columns per register tile of `gemm`. V8 issues every load of a step before
 * its arithmetic, so a step's MR splats, NV vectors of B, MR·NV accumulators and one product must
 * fit in the 15 vector registers it allocates on x64. Measured at batch 64, W = 1448 (Zen 4):
 * 2 × 4 (16 columns) fastest; 4 × 2 fits too but ran 4–6 % slower with plain SIMD (2 % faster with
 * fused multiply-add); 3 × 4, 5 × 2 and 6 × 2 spill and ran 20–40 % slower, 1 × 4 reuses too little;
 * unrolling the step loop was slower too.
 */
export const GEMM_MR = 2;
export const GEMM_NV = 4;
/** Columns per panel of `gemm` (and of `gemm_pack`): the unit a team splits columns by. */
export const GEMM_NR = 4 * GEMM_NV;
/** Rows per tile of `gemm_nt` (times 4 columns): 2 measured fastest (1 and 3 slower). */
export const NT_MR = 2;

/** acc += a·b on v128 locals: a multiply then an add, or one relaxed fused multiply-add. */
function vmadd(c: Code, fma: boolean, acc: number, a: number, b: number): void {
  if (fma) c.get(a).get(b).get(acc).simd(RELAXED_MADD).set(acc);
  else c.get(acc).get(a).get(b).simd(simd.f32x4_mul).simd(simd.f32x4_add).set(acc);
}

/** Emits `while (v + step <= limit) { body(); v += step }` (signed i32 locals). */
function whileFits(c: Code, v: number, step: number, limit: number, body: () => void): void {
  c.block().loop();
  c.get(v).i32(step).emit(op.i32_add).get(limit).emit(op.i32_gt_s).brIf(1);
  body();
  c.get(v).i32(step).emit(op.i32_add).set(v).br(0);
  c.end().end();
}

/** Sums the lanes of each of four v128 locals into one v128 (lane i = ((p_i0 + p_i1) + p_i2) + p_i3). */
export function transposeSum(c: Code, p: number[]): number {
  const shuf = (a: number, b: number, lanes: [number, number, number, number]) => {
    const out = c.local(v128);
    c.get(a).get(b).shuffle32(lanes).set(out);
    return out;
  };
  const a0 = shuf(p[0], p[1], [0, 4, 1, 5]);
  const a1 = shuf(p[0], p[1], [2, 6, 3, 7]);
  const a2 = shuf(p[2], p[3], [0, 4, 1, 5]);
  const a3 = shuf(p[2], p[3], [2, 6, 3, 7]);
  const t = [
    shuf(a0, a2, [0, 1, 4, 5]),
    shuf(a0, a2, [2, 3, 6, 7]),
    shuf(a1, a3, [0, 1, 4, 5]),
    shuf(a1, a3, [2, 3, 6, 7])
  ];
  const r = c.local(v128);
  c.get(t[0]).get(t[1]).simd(simd.f32x4_add).get(t[2]).simd(simd.f32x4_add).get(t[3]).simd(simd.f32x4_add).set(r);
  return r;
}

/** C += Â·B (see the file comment); returns the function index. */
export function gemmKernel(m: ModuleBuilder, fma: boolean): number {
  const fn = m.declare([i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32]);
  const c = fn.code;
  const [A, ars, ats, B, ldb, bps, C, ldc, M, K, N, rowBlock] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const i0 = c.local(i32),
    iEnd = c.local(i32);
  const i = c.local(i32),
    j = c.local(i32),
    pa = c.local(i32),
    pb = c.local(i32),
    pc = c.local(i32),
    t = c.local(i32);
  const rowA = Array.from({length: GEMM_MR - 1}, () => c.local(i32)); // r·ars, r = 1 … MR − 1
  const rowC = Array.from({length: GEMM_MR - 1}, () => c.local(i32));
  c.get(K).i32(1).emit(op.i32_lt_s).get(rowBlock).i32(1).emit(op.i32_lt_s).emit(op.i32_or).if().ret().end();
  for (let r = 1; r < GEMM_MR; r++) {
    c.get(ars)
      .i32(r)
      .emit(op.i32_mul)
      .set(rowA[r - 1]);
    c.get(ldc)
      .i32(r)
      .emit(op.i32_mul)
      .set(rowC[r - 1]);
  }
  const addrA = (r: number) => {
    c.get(pa);
    if (r > 0) c.get(rowA[r - 1]).emit(op.i32_add);
  };
  const addrC = (r: number) => {
    c.get(pc);
    if (r > 0) c.get(rowC[r - 1]).emit(op.i32_add);
  };

  // One tile: rb rows × (nv vectors of 4 columns, or with nv = 0 one scalar column) at (i, j).
  const tile = (rb: number, nv: number) => {
    c.get(A).get(i).get(ars).emit(op.i32_mul).emit(op.i32_add).set(pa);
    // pb = B + (j / NR)·bps + (j mod NR)·4
    c.get(B).get(j).i32(Math.log2(GEMM_NR)).emit(op.i32_shr_u).get(bps).emit(op.i32_mul).emit(op.i32_add);
    c.get(j)
      .i32(GEMM_NR - 1)
      .emit(op.i32_and)
      .i32(2)
      .emit(op.i32_shl)
      .emit(op.i32_add)
      .set(pb);
    c.get(C).get(i).get(ldc).emit(op.i32_mul).emit(op.i32_add).get(j).i32(2).emit(op.i32_shl).emit(op.i32_add).set(pc);
    const vec = nv > 0;
    const q = vec ? nv : 1;
    const accs: number[][] = [];
    for (let r = 0; r < rb; r++) {
      accs.push([]);
      for (let k = 0; k < q; k++) {
        const a = c.local(vec ? v128 : f32);
        addrC(r);
        if (vec) c.v128Load(16 * k);
        else c.f32Load(0);
        c.set(a);
        accs[r].push(a);
      }
    }
    const bv = Array.from({length: q}, () => c.local(vec ? v128 : f32));
    const av = c.local(vec ? v128 : f32);
    // Step t: row t of B times column t of Â into every accumulator, then both pointers move on.
    c.get(K).set(t);
    c.loop();
    bv.forEach((b, k) => {
      c.get(pb);
      if (vec) c.v128Load(16 * k);
      else c.f32Load(0);
      c.set(b);
    });
    for (let r = 0; r < rb; r++) {
      addrA(r);
      if (vec) c.v128Load32Splat(0);
      else c.f32Load(0);
      c.set(av);
      for (let k = 0; k < q; k++) {
        if (vec) vmadd(c, fma, accs[r][k], av, bv[k]);
        else c.get(accs[r][k]).get(av).get(bv[k]).emit(op.f32_mul).emit(op.f32_add).set(accs[r][k]);
      }
    }
    c.get(pa).get(ats).emit(op.i32_add).set(pa);
    c.get(pb).get(ldb).emit(op.i32_add).set(pb);
    c.get(t).i32(1).emit(op.i32_sub).tee(t).brIf(0);
    c.end();
    for (let r = 0; r < rb; r++) {
      for (let k = 0; k < q; k++) {
        addrC(r);
        c.get(accs[r][k]);
        if (vec) c.v128Store(16 * k);
        else c.f32Store(0);
      }
    }
  };

  // Blocks of rowBlock rows outermost; in each, column panels, and in each panel the block's row
  // tiles. rowBlock ≥ M: column panels outermost (x·W: a panel of B stays in L1 while the row tiles
  // pass by); small: C is walked a few rows at a time (xᵀ·gy, where C is large).
  const panel = (nv: number) => {
    c.get(i0).set(i);
    whileFits(c, i, GEMM_MR, iEnd, () => tile(GEMM_MR, nv));
    whileFits(c, i, 1, iEnd, () => tile(1, nv));
  };
  c.i32(0).set(i0);
  c.block().loop();
  c.get(i0).get(M).emit(op.i32_ge_s).brIf(1);
  // iEnd = min(M, i0 + rowBlock)
  c.get(i0)
    .get(rowBlock)
    .emit(op.i32_add)
    .tee(iEnd)
    .get(M)
    .get(iEnd)
    .get(M)
    .emit(op.i32_lt_s)
    .emit(op.select)
    .set(iEnd);
  c.i32(0).set(j);
  whileFits(c, j, GEMM_NR, N, () => panel(GEMM_NV));
  whileFits(c, j, 4, N, () => panel(1));
  whileFits(c, j, 1, N, () => panel(0));
  c.get(iEnd).set(i0).br(0);
  c.end().end();
  return fn.index;
}

/** C (+)= A·Bᵀ (see the file comment); returns the function index. */
export function gemmNTKernel(m: ModuleBuilder, fma: boolean): number {
  const fn = m.declare([i32, i32, i32, i32, i32, i32, i32, i32, i32, i32]);
  const c = fn.code;
  const [A, lda, B, ldb, C, ldc, M, K, N, accumulate] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const i = c.local(i32),
    j = c.local(i32),
    o = c.local(i32),
    kv = c.local(i32),
    kb = c.local(i32);
  const pa = Array.from({length: NT_MR}, () => c.local(i32));
  const pc = Array.from({length: NT_MR}, () => c.local(i32));
  const pb = [c.local(i32), c.local(i32), c.local(i32), c.local(i32)];
  const bv = c.local(v128),
    bf = c.local(f32);
  c.get(K).i32(-4).emit(op.i32_and).i32(2).emit(op.i32_shl).set(kv); // bytes covered by whole v128s
  c.get(K).i32(2).emit(op.i32_shl).set(kb);

  // rows × cols outputs at (i, j), cols = 4 or 1.
  const tile = (rows: number, cols: 4 | 1) => {
    for (let r = 0; r < rows; r++) {
      c.get(A).get(i).i32(r).emit(op.i32_add).get(lda).emit(op.i32_mul).emit(op.i32_add).set(pa[r]);
      c.get(C).get(i).i32(r).emit(op.i32_add).get(ldc).emit(op.i32_mul).emit(op.i32_add).get(j).i32(2).emit(op.i32_shl);
      c.emit(op.i32_add).set(pc[r]);
    }
    for (let q = 0; q < cols; q++) {
      c.get(B).get(j).i32(q).emit(op.i32_add).get(ldb).emit(op.i32_mul).emit(op.i32_add).set(pb[q]);
    }
    const av = Array.from({length: rows}, () => c.local(v128));
    const acc = Array.from({length: rows}, () => Array.from({length: cols}, () => c.local(v128)));
    const af = Array.from({length: rows}, () => c.local(f32));
    const tail = Array.from({length: rows}, () => Array.from({length: cols}, () => c.local(f32)));
    for (const row of acc) for (const a of row) c.f32x4Const(0).set(a);
    c.i32(0).set(o);
    c.block().loop();
    c.get(o).get(kv).emit(op.i32_ge_u).brIf(1);
    av.forEach((a, r) => c.get(pa[r]).get(o).emit(op.i32_add).v128Load(0).set(a));
    for (let q = 0; q < cols; q++) {
      c.get(pb[q]).get(o).emit(op.i32_add).v128Load(0).set(bv);
      for (let r = 0; r < rows; r++) vmadd(c, fma, acc[r][q], av[r], bv);
    }
    c.get(o).i32(16).emit(op.i32_add).set(o).br(0);
    c.end().end();
    // scalar tail (K not a multiple of 4), in t order from 0
    for (const row of tail) for (const tl of row) c.f32(0).set(tl);
    c.block().loop();
    c.get(o).get(kb).emit(op.i32_ge_u).brIf(1);
    af.forEach((a, r) => c.get(pa[r]).get(o).emit(op.i32_add).f32Load(0).set(a));
    for (let q = 0; q < cols; q++) {
      c.get(pb[q]).get(o).emit(op.i32_add).f32Load(0).set(bf);
      for (let r = 0; r < rows; r++) {
        c.get(tail[r][q]).get(af[r]).get(bf).emit(op.f32_mul).emit(op.f32_add).set(tail[r][q]);
      }
    }
    c.get(o).i32(4).emit(op.i32_add).set(o).br(0);
    c.end().end();
    for (let r = 0; r < rows; r++) {
      if (cols === 4) {
        const s = transposeSum(c, acc[r]);
        const tl = tail[r];
        c.get(s).get(tl[0]).f32x4Splat().get(tl[1]).replaceLane(1).get(tl[2]).replaceLane(2).get(tl[3]).replaceLane(3);
        c.simd(simd.f32x4_add).set(s);
        c.get(accumulate).if();
        c.get(s).get(pc[r]).v128Load(0).simd(simd.f32x4_add).set(s);
        c.end();
        c.get(pc[r]).get(s).v128Store(0);
      } else {
        const a = acc[r][0],
          sf = af[r];
        c.get(a)
          .extractLane(0)
          .get(a)
          .extractLane(1)
          .emit(op.f32_add)
          .get(a)
          .extractLane(2)
          .emit(op.f32_add)
          .get(a)
          .extractLane(3)
          .emit(op.f32_add)
          .get(tail[r][0])
          .emit(op.f32_add)
          .set(sf);
        c.get(accumulate).if();
        c.get(sf).get(pc[r]).f32Load(0).emit(op.f32_add).set(sf);
        c.end();
        c.get(pc[r]).get(sf).f32Store(0);
      }
    }
  };

  // Four columns (rows of B) outermost: they stay in L1 while every row of A passes by.
  const columns = (cols: 4 | 1) => {
    c.i32(0).set(i);
    whileFits(c, i, NT_MR, M, () => tile(NT_MR, cols));
    whileFits(c, i, 1, M, () => tile(1, cols));
  };
  c.i32(0).set(j);
  whileFits(c, j, 4, N, () => columns(4));
  whileFits(c, j, 1, N, () => columns(1));
  return fn.index;
}

/**
 * gemm_pack(B, ldb, P, K, N): copies the K × N row-major B (row stride ldb bytes) into panels of
 * GEMM_NR columns, panel after panel, each K rows of GEMM_NR floats (the last panel holds the
 * columns left, its unused floats untouched): what `gemm` reads with ldb = 4·GEMM_NR and
 * bps = 4·GEMM_NR·K. P needs 4·GEMM_NR·K·⌈N / GEMM_NR⌉ bytes.
 */
export function gemmPackKernel(m: ModuleBuilder): number {
  const fn = m.declare([i32, i32, i32, i32, i32]);
  const c = fn.code;
  const [B, ldb, P, K, N] = [0, 1, 2, 3, 4];
  const j = c.local(i32),
    t = c.local(i32),
    src = c.local(i32),
    dst = c.local(i32),
    q = c.local(i32);
  const NR = GEMM_NR;
  c.i32(0).set(j);
  c.get(P).set(dst);
  whileFits(c, j, NR, N, () => {
    c.get(B).get(j).i32(2).emit(op.i32_shl).emit(op.i32_add).set(src);
    c.i32(0).set(t);
    whileFits(c, t, 1, K, () => {
      for (let v = 0; v < NR / 4; v++)
        c.get(dst)
          .get(src)
          .v128Load(16 * v)
          .v128Store(16 * v);
      c.get(src).get(ldb).emit(op.i32_add).set(src);
      c.get(dst)
        .i32(4 * NR)
        .emit(op.i32_add)
        .set(dst);
    });
  });
  // The last, narrower panel: rows of N − j floats, GEMM_NR floats apart like the others.
  c.get(j).get(N).emit(op.i32_lt_s).if();
  c.get(B).get(j).i32(2).emit(op.i32_shl).emit(op.i32_add).set(src);
  c.i32(0).set(t);
  whileFits(c, t, 1, K, () => {
    c.get(j).set(q);
    whileFits(c, q, 1, N, () => {
      c.get(dst).get(q).get(j).emit(op.i32_sub).i32(2).emit(op.i32_shl).emit(op.i32_add);
      c.get(src).get(q).get(j).emit(op.i32_sub).i32(2).emit(op.i32_shl).emit(op.i32_add).f32Load(0).f32Store(0);
    });
    c.get(src).get(ldb).emit(op.i32_add).set(src);
    c.get(dst)
      .i32(4 * NR)
      .emit(op.i32_add)
      .set(dst);
  });
  c.end();
  return fn.index;
}
