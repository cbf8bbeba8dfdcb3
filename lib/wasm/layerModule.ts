/**
 * Generates the WebAssembly SIMD kernels for whole layers, added to the same module as the WHT
 * (they call its driver directly):
 *
 * - switch_fwd_m / switch_bwd_m (m = 4, 8, 16): the Switch Net 4 layer of lib/switchnet.ts on
 *   blocks of up to four rows, groups outermost so each group's weights come from memory once per
 *   block: the two-sided mini layers (weights W[j, s, o] at (j·2 + s)·m + o), then T_m/√(n/m) on
 *   each row while the block is in cache; backward: T_m/√(n/m) on gy, gw += v·gy for the selected
 *   branch, gx = Σ_o W·gy (four dot products summed at once through a 4×4 transpose).
 *   Each group's branch offsets come from one compare of its inputs as a v128 (`branches`).
 * - switch_fwd_head_m / switch_bwd_head_m / switch_bwd_w_head_m: the last layer when only its first
 *   m outputs are wanted (see addHeadKernels).
 * - switch_fwd_per_m / switch_bwd_w_per_m: the first layer on rows that repeat a pattern (see
 *   addPeriodicKernels).
 * - gemm and gemm_nt: the dense layer's matrix products (register-tiled; see gemmModule.ts).
 * All sizes and strides are in bytes except M, K, N (elements).
 */
import type {Code, ModuleBuilder} from "./encoder.js";
import {op, simd, valtype} from "./opcodes.js";
import {gemmKernel, gemmNTKernel, transposeSum} from "./gemmModule.js";
import {eachRow} from "./denseModule.js";
import type {WhtFunctions} from "./whtModule.js";

const {i32, f32, v128} = valtype;

/** The group sizes with SIMD layer kernels (smaller groups stay in JS). */
export const SIMD_GROUP_SIZES = [4, 8, 16] as const;

function add(c: Code, a: number, b: number, out: number): void {
  c.get(a).get(b).emit(op.i32_add).set(out);
}

/** a + b·c on v128 locals into `acc` (f32x4: multiply, then add). */
function madd(c: Code, acc: number, emitA: () => void, emitB: () => void): void {
  c.get(acc);
  emitA();
  emitB();
  c.simd(simd.f32x4_mul).simd(simd.f32x4_add).set(acc);
}

/** Byte offset of branch-0 weights of element i in a group: (2i)·m floats. */
const rowOffset = (i: number, m: number) => 2 * i * m * 4;

/**
 * The branch offsets of four elements at once: for the v128 of inputs at `ptr` + offset, a local
 * `sel` whose lane i is the byte offset of element i's selected branch (0 when v ≥ 0, else m·4:
 * so −0 takes branch 0 and NaN branch 1, as the JS loops' +(v < 0) does for every non-NaN v) and a local holding the inputs;
 * `splatC` and `zero` are locals holding i32x4.splat(m·4) and zeros. Per element, `laneBranch`
 * then pushes the offset and `laneSplat` the input in all four lanes: fewer instructions than a
 * scalar load, compare and select per element.
 */
function branches(c: Code, ptr: number, offset: number, splatC: number, zero: number): {xv: number; sel: number} {
  const xv = c.local(v128),
    sel = c.local(v128);
  c.get(ptr).v128Load(offset).set(xv);
  c.get(splatC).get(xv).get(zero).simd(simd.f32x4_ge).simd(simd.v128_andnot).set(sel);
  return {xv, sel};
}
function laneBranch(c: Code, sel: number, lane: number): void {
  c.get(sel).simd(simd.i32x4_extract_lane).emit(lane);
}
function laneSplat(c: Code, xv: number, lane: number): void {
  c.get(xv).get(xv).shuffle32([lane, lane, lane, lane]);
}
/** Sets up the locals `branches` needs: [splatC, zero]. */
function branchConstants(c: Code, m: number): [number, number] {
  const splatC = c.local(v128),
    zero = c.local(v128);
  c.i32(m * 4)
    .simd(simd.i32x4_splat)
    .set(splatC);
  c.f32x4Const(0).set(zero);
  return [splatC, zero];
}

/** forRows with blocks of two rows unrolled (the groups' loops: the loop's own work was measurable there). */
function forRowsUnrolled(c: Code, rb: number, rowBytes: number, ptrs: RowPointer[], body: () => void): void {
  forRows(c, rb, rowBytes, ptrs, body, true);
}

/** Rows handled together: each group's weights come from memory once per block (4 measured best: 1.4–1.6× over 1, 8 slower). */
const ROW_BLOCK = 4;

/** [from, to] (a row's stride rowBytes), [from, to, bytes] (a constant stride) or [from, to, {local}] (a stride in a local). */
type RowPointer = [number, number] | [number, number, number | {local: number}];

/**
 * Emits, for the current block, a loop r = 0 … rb − 1 over rows with `ptrs` advanced by rowBytes
 * (or, for a pointer given with a third entry, by that stride).
 */
function forRows(c: Code, rb: number, rowBytes: number, ptrs: RowPointer[], body: () => void, unroll2 = false): void {
  const r = c.local(i32);
  const advance = () => {
    for (const [, to, stride] of ptrs) {
      c.get(to);
      if (stride === undefined) c.get(rowBytes);
      else if (typeof stride === "number") c.i32(stride);
      else c.get(stride.local);
      c.emit(op.i32_add).set(to);
    }
  };
  for (const [from, to] of ptrs) c.get(from).set(to);
  if (unroll2) {
    // two rows (the tiled path's blocks) without the loop: the same body twice
    c.get(rb).i32(2).emit(op.i32_eq).if();
    body();
    advance();
    body();
    c.else();
  }
  c.get(rb).set(r);
  c.loop();
  body();
  advance();
  c.get(r).i32(1).emit(op.i32_sub).tee(r).brIf(0);
  c.end();
  if (unroll2) c.end();
}

/**
 * switch_fwd_m, or with `periodic` switch_fwd_per_m(x, y, w, rows, n, log2n, log2m, scale, period):
 * the same for rows of x that repeat one pattern of `period` bytes (a multiple of 4m dividing 4n),
 * given as one pattern per row (x holds rows × period bytes): the row itself is never read or
 * stored (the first layer's input after the padded input's first round, lib/model.ts).
 */
function switchForward(m: ModuleBuilder, wht: WhtFunctions, gm: number, periodic = false): number {
  const fn = m.declare(
    periodic ? [i32, i32, i32, i32, i32, i32, i32, f32, i32] : [i32, i32, i32, i32, i32, i32, i32, f32]
  );
  const c = fn.code;
  const [x, y, w, rows, n, logn, logm, s, period] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const xWrap = periodic ? c.local(i32) : -1;
  const rowBytes = c.local(i32),
    xg = c.local(i32),
    yg = c.local(i32),
    wg = c.local(i32),
    gEnd = c.local(i32);
  const xr = c.local(i32),
    yr = c.local(i32),
    rb = c.local(i32);
  const wa = c.local(i32),
    vs = c.local(v128);
  let quad = {xv: -1, sel: -1};
  const q = gm / 4;
  const acc = Array.from({length: q}, () => c.local(v128));
  c.get(rows).i32(1).emit(op.i32_lt_s).if().ret().end();
  c.get(n).i32(2).emit(op.i32_shl).set(rowBytes);
  const [splatC, zero] = branchConstants(c, gm);
  c.loop(); // blocks of rows
  // rb = min(rows, ROW_BLOCK)
  c.get(rows).i32(ROW_BLOCK).get(rows).i32(ROW_BLOCK).emit(op.i32_lt_s).emit(op.select).set(rb);
  c.get(x).set(xg).get(y).set(yg).get(w).set(wg);
  if (periodic) {
    // groups counted by the weights (8·m·n bytes); x wraps round its pattern
    c.get(w)
      .get(n)
      .i32(8 * gm)
      .emit(op.i32_mul)
      .emit(op.i32_add)
      .set(gEnd);
    add(c, x, period, xWrap);
  } else {
    add(c, x, rowBytes, gEnd);
  }
  c.loop(); // groups
  forRowsUnrolled(c, rb, rowBytes, [periodic ? [xg, xr, {local: period}] : [xg, xr], [yg, yr]], () => {
    for (const a of acc) c.f32x4Const(0).set(a);
    for (let i = 0; i < gm; i++) {
      if (i % 4 === 0) quad = branches(c, xr, 4 * i, splatC, zero);
      c.get(wg);
      laneBranch(c, quad.sel, i % 4);
      c.emit(op.i32_add).set(wa);
      laneSplat(c, quad.xv, i % 4);
      c.set(vs);
      for (let k = 0; k < q; k++)
        madd(
          c,
          acc[k],
          () => c.get(vs),
          () => c.get(wa).v128Load(rowOffset(i, gm) + 16 * k)
        );
    }
    acc.forEach((a, k) =>
      c
        .get(yr)
        .get(a)
        .v128Store(16 * k)
    );
  });
  c.get(yg)
    .i32(4 * gm)
    .emit(op.i32_add)
    .set(yg);
  if (periodic) {
    c.get(xg)
      .i32(4 * gm)
      .emit(op.i32_add)
      .tee(xg)
      .get(xWrap)
      .emit(op.i32_eq)
      .if()
      .get(x)
      .set(xg)
      .end();
    c.get(wg)
      .i32(2 * gm * gm * 4)
      .emit(op.i32_add)
      .tee(wg)
      .get(gEnd)
      .emit(op.i32_lt_u)
      .brIf(0);
  } else {
    c.get(wg)
      .i32(2 * gm * gm * 4)
      .emit(op.i32_add)
      .set(wg);
    c.get(xg)
      .i32(4 * gm)
      .emit(op.i32_add)
      .tee(xg)
      .get(gEnd)
      .emit(op.i32_lt_u)
      .brIf(0);
  }
  c.end();
  // T_m/√(n/m) on each row of the block while it is still in cache
  forRows(c, rb, rowBytes, [[y, yr]], () => {
    c.get(yr).get(logn).get(logm).get(s).call(wht.block);
  });
  c.get(x)
    .get(rb)
    .get(periodic ? period : rowBytes)
    .emit(op.i32_mul)
    .emit(op.i32_add)
    .set(x);
  c.get(y).get(rb).get(rowBytes).emit(op.i32_mul).emit(op.i32_add).set(y);
  c.get(rows).get(rb).emit(op.i32_sub).tee(rows).i32(0).emit(op.i32_gt_s).brIf(0);
  c.end();
  return fn.index;
}

/**
 * switch_bwd_m, or with `groupsOnly` switch_bwd_groups_m(x, gy, gx, w, gw, rows, n, g0, g1): the
 * same mini-layer backward without the WHT of gy (already done), on the columns g0 … g1 − 1 of
 * every row only (whole groups): one thread's share of a layer's backward, split by parameter
 * (lib/team.ts). Each gw element sums its rows in the same order as switch_bwd_m.
 * `groupsOnly` combines with `weightsOnly`, `head` (gy: m floats per row, not offset by g0) and
 * `periodic` (x: a pattern per row, entered at column g0 modulo the period; the period is then
 * the tenth argument).
 */
function switchBackward(
  m: ModuleBuilder,
  wht: WhtFunctions,
  gm: number,
  groupsOnly = false,
  weightsOnly = false,
  head = false,
  periodic = false
): number {
  const fn = groupsOnly
    ? m.declare(
        periodic ? [i32, i32, i32, i32, i32, i32, i32, i32, i32, i32] : [i32, i32, i32, i32, i32, i32, i32, i32, i32]
      )
    : m.declare(
        periodic
          ? [i32, i32, i32, i32, i32, i32, i32, i32, i32, f32, i32]
          : [i32, i32, i32, i32, i32, i32, i32, i32, i32, f32]
      );
  const c = fn.code;
  const [x, gy, gx, w, gw, rows, n, logn, logm, s] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const period = groupsOnly ? 9 : 10;
  const xWrap = periodic ? c.local(i32) : -1;
  const [g0, g1] = [7, 8];
  const rowBytes = c.local(i32),
    xg = c.local(i32),
    gyg = c.local(i32),
    gxg = c.local(i32);
  const wg = c.local(i32),
    gwg = c.local(i32),
    gEnd = c.local(i32),
    sel = c.local(i32);
  const xr = c.local(i32),
    gyr = c.local(i32),
    gxr = c.local(i32),
    rb = c.local(i32);
  const vs = c.local(v128);
  const q = gm / 4;
  const gyv = Array.from({length: q}, () => c.local(v128));
  const span = groupsOnly ? c.local(i32) : -1;
  // with groupsOnly and periodic: where column g0 falls in the pattern (bytes)
  const xStart = groupsOnly && periodic ? c.local(i32) : -1;
  c.get(rows).i32(1).emit(op.i32_lt_s).if().ret().end();
  c.get(n).i32(2).emit(op.i32_shl).set(rowBytes);
  const [splatC, zero] = branchConstants(c, gm);
  if (groupsOnly) {
    // Start at column g0 of every row and of the weights (2·m floats per column); a head's gy has
    // only its first group, a pattern is entered at g0 modulo the period.
    for (const p of [...(periodic ? [] : [x]), ...(head ? [] : [gy]), gx])
      c.get(p).get(g0).i32(2).emit(op.i32_shl).emit(op.i32_add).set(p);
    if (periodic) c.get(g0).i32(2).emit(op.i32_shl).get(period).emit(op.i32_rem_u).set(xStart);
    for (const p of [w, gw])
      c.get(p)
        .get(g0)
        .i32(8 * gm)
        .emit(op.i32_mul)
        .emit(op.i32_add)
        .set(p);
    c.get(g1).get(g0).emit(op.i32_sub).i32(2).emit(op.i32_shl).set(span);
  }
  c.loop(); // blocks of rows
  c.get(rows).i32(ROW_BLOCK).get(rows).i32(ROW_BLOCK).emit(op.i32_lt_s).emit(op.select).set(rb);
  if (!groupsOnly && !head) {
    forRows(c, rb, rowBytes, [[gy, gyr]], () => {
      c.get(gyr).get(logn).get(logm).get(s).call(wht.block);
    });
  }
  if (groupsOnly && periodic) add(c, x, xStart, xg);
  else c.get(x).set(xg);
  c.get(gy).set(gyg).get(gx).set(gxg).get(w).set(wg).get(gw).set(gwg);
  if (periodic) {
    // as in switch_fwd_per: groups counted by the weights, x wrapping round its pattern
    c.get(w);
    if (groupsOnly)
      c.get(span)
        .i32(2 * gm)
        .emit(op.i32_mul);
    else
      c.get(n)
        .i32(8 * gm)
        .emit(op.i32_mul);
    c.emit(op.i32_add).set(gEnd);
    add(c, x, period, xWrap);
  } else {
    add(c, x, groupsOnly ? span : rowBytes, gEnd);
  }
  c.loop(); // groups
  // with `head`, gy holds one group's m values per row (the same for every group of the row)
  forRowsUnrolled(
    c,
    rb,
    rowBytes,
    [periodic ? [xg, xr, {local: period}] : [xg, xr], head ? [gyg, gyr, 4 * gm] : [gyg, gyr], [gxg, gxr]],
    () => {
      gyv.forEach((g, k) =>
        c
          .get(gyr)
          .v128Load(16 * k)
          .set(g)
      );
      for (let ib = 0; ib < gm / 4; ib++) {
        const p: number[] = [];
        const quad = branches(c, xr, 16 * ib, splatC, zero);
        for (let r = 0; r < 4; r++) {
          const i = 4 * ib + r;
          laneBranch(c, quad.sel, r);
          c.set(sel);
          laneSplat(c, quad.xv, r);
          c.set(vs);
          const pi = c.local(v128);
          for (let k = 0; k < q; k++) {
            const off = rowOffset(i, gm) + 16 * k;
            // p_i += W[row] · gy (not with weightsOnly: no input gradient)
            if (weightsOnly) {
              // nothing
            } else if (k === 0) {
              c.get(wg).get(sel).emit(op.i32_add).v128Load(off).get(gyv[k]).simd(simd.f32x4_mul).set(pi);
            } else {
              madd(
                c,
                pi,
                () => c.get(wg).get(sel).emit(op.i32_add).v128Load(off),
                () => c.get(gyv[k])
              );
            }
            // gw[row] += v · gy
            c.get(gwg).get(sel).emit(op.i32_add);
            c.get(gwg).get(sel).emit(op.i32_add).v128Load(off);
            c.get(vs).get(gyv[k]).simd(simd.f32x4_mul).simd(simd.f32x4_add);
            c.v128Store(off);
          }
          p.push(pi);
        }
        if (!weightsOnly) {
          const r = transposeSum(c, p);
          c.get(gxr)
            .get(r)
            .v128Store(16 * ib);
        }
      }
    }
  );
  if (!head)
    c.get(gyg)
      .i32(4 * gm)
      .emit(op.i32_add)
      .set(gyg);
  c.get(gxg)
    .i32(4 * gm)
    .emit(op.i32_add)
    .set(gxg);
  c.get(wg)
    .i32(2 * gm * gm * 4)
    .emit(op.i32_add)
    .set(wg);
  if (periodic) {
    c.get(xg)
      .i32(4 * gm)
      .emit(op.i32_add)
      .tee(xg)
      .get(xWrap)
      .emit(op.i32_eq)
      .if()
      .get(x)
      .set(xg)
      .end();
    c.get(gwg)
      .i32(2 * gm * gm * 4)
      .emit(op.i32_add)
      .set(gwg);
    c.get(wg).get(gEnd).emit(op.i32_lt_u).brIf(0);
  } else {
    c.get(gwg)
      .i32(2 * gm * gm * 4)
      .emit(op.i32_add)
      .set(gwg);
    c.get(xg)
      .i32(4 * gm)
      .emit(op.i32_add)
      .tee(xg)
      .get(gEnd)
      .emit(op.i32_lt_u)
      .brIf(0);
  }
  c.end();
  if (periodic) c.get(x).get(rb).get(period).emit(op.i32_mul).emit(op.i32_add).set(x);
  if (head) c.get(x).get(rb).get(rowBytes).emit(op.i32_mul).emit(op.i32_add).set(x);
  for (const p of head ? [gx] : periodic ? [gy, gx] : [x, gy, gx])
    c.get(p).get(rb).get(rowBytes).emit(op.i32_mul).emit(op.i32_add).set(p);
  if (head)
    c.get(gy)
      .get(rb)
      .i32(4 * gm)
      .emit(op.i32_mul)
      .emit(op.i32_add)
      .set(gy);
  c.get(rows).get(rb).emit(op.i32_sub).tee(rows).i32(0).emit(op.i32_gt_s).brIf(0);
  c.end();
  return fn.index;
}

/**
 * switch_fwd_head_m(x, out, w, rows, n, stack, scale): the first m outputs of each row of
 * switch_fwd_m only, into out (m floats per row). Output o < m of T_m is, stage by stage, the lower
 * element of every butterfly it passes: the pairwise sum over groups t of y[t, o] in the tree the
 * stages build ((y0 + y1) + (y2 + y3)) + …, then one multiply by the scale. The kernel adds the
 * groups' mini-layer outputs in that tree as they come (a carry chain through `stack`, 32 levels
 * of m floats per row of a block: 2 KiB per row for m = 16), so each output gets the same float
 * operations as in switch_fwd_m and no row of y is written.
 */
function switchForwardHead(m: ModuleBuilder, gm: number): number {
  const fn = m.declare([i32, i32, i32, i32, i32, i32, f32]);
  const c = fn.code;
  const [x, out, w, rows, n, stack, s] = [0, 1, 2, 3, 4, 5, 6];
  const rowBytes = c.local(i32),
    xg = c.local(i32),
    wg = c.local(i32),
    gEnd = c.local(i32);
  const xr = c.local(i32),
    sr = c.local(i32),
    rb = c.local(i32),
    or = c.local(i32);
  const wa = c.local(i32),
    vs = c.local(v128);
  let quad = {xv: -1, sel: -1};
  const t = c.local(i32),
    tt = c.local(i32),
    lp = c.local(i32),
    top = c.local(i32);
  const q = gm / 4;
  const level = 16 * q; // bytes per stack level
  const stackRow = 32 * level;
  const acc = Array.from({length: q}, () => c.local(v128));
  const sv = c.local(v128);
  c.get(rows).i32(1).emit(op.i32_lt_s).if().ret().end();
  c.get(n).i32(2).emit(op.i32_shl).set(rowBytes);
  c.get(s).f32x4Splat().set(sv);
  const [splatC, zero] = branchConstants(c, gm);
  // top = log2(n/m)·level: the stack level that holds the whole sum
  c.i32(0).set(top);
  c.get(n).set(tt);
  c.block().loop();
  c.get(tt).i32(gm).emit(op.i32_le_u).brIf(1);
  c.get(tt).i32(1).emit(op.i32_shr_u).set(tt);
  c.get(top).i32(level).emit(op.i32_add).set(top);
  c.br(0);
  c.end().end();
  c.loop(); // blocks of rows
  c.get(rows).i32(ROW_BLOCK).get(rows).i32(ROW_BLOCK).emit(op.i32_lt_s).emit(op.select).set(rb);
  c.get(x).set(xg).get(w).set(wg);
  c.i32(0).set(t);
  add(c, x, rowBytes, gEnd);
  c.loop(); // groups
  forRowsUnrolled(
    c,
    rb,
    rowBytes,
    [
      [xg, xr],
      [stack, sr, stackRow]
    ],
    () => {
      for (const a of acc) c.f32x4Const(0).set(a);
      for (let i = 0; i < gm; i++) {
        if (i % 4 === 0) quad = branches(c, xr, 4 * i, splatC, zero);
        c.get(wg);
        laneBranch(c, quad.sel, i % 4);
        c.emit(op.i32_add).set(wa);
        laneSplat(c, quad.xv, i % 4);
        c.set(vs);
        for (let k = 0; k < q; k++)
          madd(
            c,
            acc[k],
            () => c.get(vs),
            () => c.get(wa).v128Load(rowOffset(i, gm) + 16 * k)
          );
      }
      // carry: while bit l of t is set, acc = stack[l] + acc (the left subtree's sum first)
      c.get(t).set(tt).get(sr).set(lp);
      c.block().loop();
      c.get(tt).i32(1).emit(op.i32_and).emit(op.i32_eqz).brIf(1);
      acc.forEach((a, k) =>
        c
          .get(lp)
          .v128Load(16 * k)
          .get(a)
          .simd(simd.f32x4_add)
          .set(a)
      );
      c.get(lp).i32(level).emit(op.i32_add).set(lp);
      c.get(tt).i32(1).emit(op.i32_shr_u).set(tt);
      c.br(0);
      c.end().end();
      acc.forEach((a, k) =>
        c
          .get(lp)
          .get(a)
          .v128Store(16 * k)
      );
    }
  );
  c.get(t).i32(1).emit(op.i32_add).set(t);
  c.get(wg)
    .i32(2 * gm * gm * 4)
    .emit(op.i32_add)
    .set(wg);
  c.get(xg)
    .i32(4 * gm)
    .emit(op.i32_add)
    .tee(xg)
    .get(gEnd)
    .emit(op.i32_lt_u)
    .brIf(0);
  c.end();
  // out = the whole sum · scale (the last pass's multiply)
  forRows(
    c,
    rb,
    rowBytes,
    [
      [out, or, 4 * gm],
      [stack, sr, stackRow]
    ],
    () => {
      for (let k = 0; k < q; k++) {
        c.get(or)
          .get(sr)
          .get(top)
          .emit(op.i32_add)
          .v128Load(16 * k)
          .get(sv)
          .simd(simd.f32x4_mul)
          .v128Store(16 * k);
      }
    }
  );
  c.get(x).get(rb).get(rowBytes).emit(op.i32_mul).emit(op.i32_add).set(x);
  c.get(out)
    .get(rb)
    .i32(4 * gm)
    .emit(op.i32_mul)
    .emit(op.i32_add)
    .set(out);
  c.get(rows).get(rb).emit(op.i32_sub).tee(rows).i32(0).emit(op.i32_gt_s).brIf(0);
  c.end();
  return fn.index;
}

/**
 * mul_rows(src, srcStride, dst, dstStride, f, cols, rows): dst[r, c] = f[c]·src[r, c] for c < cols,
 * rows of `rows` (strides in bytes; src may be dst). The models' sign flips and output slicing.
 */
function mulRows(m: ModuleBuilder): number {
  const fn = m.declare([i32, i32, i32, i32, i32, i32, i32]);
  const c = fn.code;
  const [src, ss, dst, ds, f, cols, rows] = [0, 1, 2, 3, 4, 5, 6];
  eachRow(
    c,
    rows,
    cols,
    [
      [src, ss],
      [dst, ds]
    ],
    (o) => {
      // four at a time
      c.get(dst).get(o).emit(op.i32_add);
      c.get(f).get(o).emit(op.i32_add).v128Load(0).get(src).get(o).emit(op.i32_add).v128Load(0).simd(simd.f32x4_mul);
      c.v128Store(0);
    },
    (o) => {
      // the rest
      c.get(dst).get(o).emit(op.i32_add);
      c.get(f).get(o).emit(op.i32_add).f32Load(0).get(src).get(o).emit(op.i32_add).f32Load(0).emit(op.f32_mul);
      c.f32Store(0);
    }
  );
  return fn.index;
}

/** Adds the layer kernels to `m` and exports them (switch_fwd_4, switch_bwd_4, …, gemm, gemm_nt, mul_rows). */
export function addLayerKernels(m: ModuleBuilder, wht: WhtFunctions): void {
  m.export("mul_rows", mulRows(m));
  for (const gm of SIMD_GROUP_SIZES) {
    m.export(`switch_fwd_${gm}`, switchForward(m, wht, gm));
    m.export(`switch_bwd_${gm}`, switchBackward(m, wht, gm));
  }
  m.export("gemm", gemmKernel(m, false));
  m.export("gemm_nt", gemmNTKernel(m, false));
}

/**
 * Kernels for splitting a layer's work across threads (lib/team.ts), added after every other
 * kernel so the others keep their bytes: switch_bwd_groups_m (see switchBackward).
 */
export function addTeamLayerKernels(m: ModuleBuilder, wht: WhtFunctions): void {
  for (const gm of SIMD_GROUP_SIZES) m.export(`switch_bwd_groups_${gm}`, switchBackward(m, wht, gm, true));
}

/**
 * switch_bwd_w_m(x, gy, gx, w, gw, rows, n, log2n, log2m, scale): switch_bwd_m without the input
 * gradient (gx and w are not read or written): the WHT of gy and gw += v·gy, each gw element summing
 * its rows in the same order, so the same bits. For the first layer when nobody needs the gradient
 * at the model's input (training). Added after every other kernel so the others keep their bytes.
 */
export function addWeightGradientKernels(m: ModuleBuilder, wht: WhtFunctions): void {
  for (const gm of SIMD_GROUP_SIZES) m.export(`switch_bwd_w_${gm}`, switchBackward(m, wht, gm, false, true));
}

/**
 * The last layer's kernels when only the first m outputs of each row are wanted (lib/model.ts's
 * tiled path; added after every other kernel so the others keep their bytes):
 * - switch_fwd_head_m(x, out, w, rows, n, stack, scale): see switchForwardHead;
 * - switch_bwd_head_m(x, g, gx, w, gw, rows, n, log2n, log2m, scale) and switch_bwd_w_head_m (no
 *   input gradient): switch_bwd_m / switch_bwd_w_m for an output gradient that is zero past the
 *   first m entries of each row, given as g = those entries already through T_m/√(n/m) — every
 *   group of the row gets the same m values (m floats per row; the caller checks the zeros' signs).
 *   The mini-layer arithmetic is switch_bwd_m's, so the same bits.
 */
export function addHeadKernels(m: ModuleBuilder, wht: WhtFunctions): void {
  for (const gm of SIMD_GROUP_SIZES) {
    m.export(`switch_fwd_head_${gm}`, switchForwardHead(m, gm));
    m.export(`switch_bwd_head_${gm}`, switchBackward(m, wht, gm, false, false, true));
    m.export(`switch_bwd_w_head_${gm}`, switchBackward(m, wht, gm, false, true, true));
  }
}

/**
 * The first layer's kernels for rows that repeat a pattern (lib/model.ts's padded input after one
 * projection round), added after every other kernel: switch_fwd_per_m (see switchForward) and
 * switch_bwd_w_per_m(x, gy, gx, w, gw, rows, n, log2n, log2m, scale, period), switch_bwd_w_m with x
 * given as one pattern of `period` bytes per row. The same arithmetic, so the same bits.
 */
export function addPeriodicKernels(m: ModuleBuilder, wht: WhtFunctions): void {
  for (const gm of SIMD_GROUP_SIZES) {
    m.export(`switch_fwd_per_${gm}`, switchForward(m, wht, gm, true));
    m.export(`switch_bwd_w_per_${gm}`, switchBackward(m, wht, gm, false, true, false, true));
  }
}

/**
 * The shortcut kernels' shares for a team of threads (lib/model.ts's threaded path; added after
 * every other kernel so the others keep their bytes), each on the columns g0 … g1 − 1 of every row
 * (whole groups), so each gw element sums its rows in the order the one-thread kernel does:
 * - switch_bwd_groups_head_m(x, g, gx, w, gw, rows, n, g0, g1) and switch_bwd_w_groups_head_m (no
 *   input gradient): switch_bwd_head_m / switch_bwd_w_head_m's share;
 * - switch_bwd_w_groups_m(x, gy, gx, w, gw, rows, n, g0, g1): switch_bwd_w_m's share after the WHT
 *   of gy (done by rows first, as for switch_bwd_groups_m);
 * - switch_bwd_w_groups_per_m(x, gy, gx, w, gw, rows, n, g0, g1, period): switch_bwd_w_per_m's
 *   share after the WHT of gy.
 */
export function addTeamShortcutKernels(m: ModuleBuilder, wht: WhtFunctions): void {
  for (const gm of SIMD_GROUP_SIZES) {
    m.export(`switch_bwd_groups_head_${gm}`, switchBackward(m, wht, gm, true, false, true));
    m.export(`switch_bwd_w_groups_head_${gm}`, switchBackward(m, wht, gm, true, true, true));
    m.export(`switch_bwd_w_groups_${gm}`, switchBackward(m, wht, gm, true, true));
    m.export(`switch_bwd_w_groups_per_${gm}`, switchBackward(m, wht, gm, true, true, false, true));
  }
}
