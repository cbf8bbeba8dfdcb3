/**
 * Generates the WebAssembly SIMD kernels for whole layers, added to the same module as the WHT
 * (they call its driver directly):
 *
 * - switch_fwd_m / switch_bwd_m (m = 4, 8, 16): the Switch Net 4 layer of lib/switchnet.ts on
 *   blocks of up to four rows, groups outermost so each group's weights come from memory once per
 *   block: the two-sided mini layers (weights W[j, s, o] at (j·2 + s)·m + o), then T_m/√(n/m) on
 *   each row while the block is in cache; backward: T_m/√(n/m) on gy, gw += v·gy for the selected
 *   branch, gx = Σ_o W·gy (four dot products summed at once through a 4×4 transpose).
 * - gemm and gemm_nt: the dense layer's matrix products (register-tiled; see gemmModule.ts).
 * All sizes and strides are in bytes except M, K, N (elements).
 */
import type {Code, ModuleBuilder} from "./encoder.js";
import {op, simd, valtype} from "./opcodes.js";
import {gemmKernel, gemmNTKernel, transposeSum} from "./gemmModule.js";
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

/** Pushes (v ≥ 0 ? 0 : m·4) for the f32 local v: the byte offset of the selected branch. */
function branch(c: Code, v: number, m: number): void {
  c.i32(0).i32(m * 4).get(v).f32(0).emit(op.f32_ge).emit(op.select);
}

/** Rows handled together: each group's weights come from memory once per block (4 measured best: 1.4–1.6× over 1, 8 slower). */
const ROW_BLOCK = 4;

/** Emits, for the current block, a loop r = 0 … rb − 1 over rows with `ptrs` advanced by rowBytes. */
function forRows(c: Code, rb: number, rowBytes: number, ptrs: Array<[number, number]>, body: () => void): void {
  const r = c.local(i32);
  for (const [from, to] of ptrs) c.get(from).set(to);
  c.get(rb).set(r);
  c.loop();
  body();
  for (const [, to] of ptrs) c.get(to).get(rowBytes).emit(op.i32_add).set(to);
  c.get(r).i32(1).emit(op.i32_sub).tee(r).brIf(0);
  c.end();
}

function switchForward(m: ModuleBuilder, wht: WhtFunctions, gm: number): number {
  const fn = m.declare([i32, i32, i32, i32, i32, i32, i32, f32]);
  const c = fn.code;
  const [x, y, w, rows, n, logn, logm, s] = [0, 1, 2, 3, 4, 5, 6, 7];
  const rowBytes = c.local(i32), xg = c.local(i32), yg = c.local(i32), wg = c.local(i32), gEnd = c.local(i32);
  const xr = c.local(i32), yr = c.local(i32), rb = c.local(i32);
  const wa = c.local(i32), vf = c.local(f32), vs = c.local(v128);
  const q = gm / 4;
  const acc = Array.from({length: q}, () => c.local(v128));
  c.get(rows).i32(1).emit(op.i32_lt_s).if().ret().end();
  c.get(n).i32(2).emit(op.i32_shl).set(rowBytes);
  c.loop(); // blocks of rows
  // rb = min(rows, ROW_BLOCK)
  c.get(rows).i32(ROW_BLOCK).get(rows).i32(ROW_BLOCK).emit(op.i32_lt_s).emit(op.select).set(rb);
  c.get(x).set(xg).get(y).set(yg).get(w).set(wg);
  add(c, x, rowBytes, gEnd);
  c.loop(); // groups
  forRows(c, rb, rowBytes, [[xg, xr], [yg, yr]], () => {
    for (const a of acc) c.f32x4Const(0).set(a);
    for (let i = 0; i < gm; i++) {
      c.get(xr).f32Load(4 * i).set(vf);
      c.get(wg);
      branch(c, vf, gm);
      c.emit(op.i32_add).set(wa);
      c.get(vf).f32x4Splat().set(vs);
      for (let k = 0; k < q; k++) madd(c, acc[k], () => c.get(vs), () => c.get(wa).v128Load(rowOffset(i, gm) + 16 * k));
    }
    acc.forEach((a, k) => c.get(yr).get(a).v128Store(16 * k));
  });
  c.get(yg).i32(4 * gm).emit(op.i32_add).set(yg);
  c.get(wg).i32(2 * gm * gm * 4).emit(op.i32_add).set(wg);
  c.get(xg).i32(4 * gm).emit(op.i32_add).tee(xg).get(gEnd).emit(op.i32_lt_u).brIf(0);
  c.end();
  // T_m/√(n/m) on each row of the block while it is still in cache
  forRows(c, rb, rowBytes, [[y, yr]], () => {
    c.get(yr).get(logn).get(logm).get(s).call(wht.block);
  });
  c.get(x).get(rb).get(rowBytes).emit(op.i32_mul).emit(op.i32_add).set(x);
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
 */
function switchBackward(m: ModuleBuilder, wht: WhtFunctions, gm: number, groupsOnly = false, weightsOnly = false): number {
  const fn = groupsOnly ? m.declare([i32, i32, i32, i32, i32, i32, i32, i32, i32]) : m.declare([i32, i32, i32, i32, i32, i32, i32, i32, i32, f32]);
  const c = fn.code;
  const [x, gy, gx, w, gw, rows, n, logn, logm, s] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [g0, g1] = [7, 8];
  const rowBytes = c.local(i32), xg = c.local(i32), gyg = c.local(i32), gxg = c.local(i32);
  const wg = c.local(i32), gwg = c.local(i32), gEnd = c.local(i32), sel = c.local(i32);
  const xr = c.local(i32), gyr = c.local(i32), gxr = c.local(i32), rb = c.local(i32);
  const vf = c.local(f32), vs = c.local(v128);
  const q = gm / 4;
  const gyv = Array.from({length: q}, () => c.local(v128));
  const span = groupsOnly ? c.local(i32) : -1;
  c.get(rows).i32(1).emit(op.i32_lt_s).if().ret().end();
  c.get(n).i32(2).emit(op.i32_shl).set(rowBytes);
  if (groupsOnly) {
    // Start at column g0 of every row and of the weights (2·m floats per column).
    for (const p of [x, gy, gx]) c.get(p).get(g0).i32(2).emit(op.i32_shl).emit(op.i32_add).set(p);
    for (const p of [w, gw]) c.get(p).get(g0).i32(8 * gm).emit(op.i32_mul).emit(op.i32_add).set(p);
    c.get(g1).get(g0).emit(op.i32_sub).i32(2).emit(op.i32_shl).set(span);
  }
  c.loop(); // blocks of rows
  c.get(rows).i32(ROW_BLOCK).get(rows).i32(ROW_BLOCK).emit(op.i32_lt_s).emit(op.select).set(rb);
  if (!groupsOnly) {
    forRows(c, rb, rowBytes, [[gy, gyr]], () => {
      c.get(gyr).get(logn).get(logm).get(s).call(wht.block);
    });
  }
  c.get(x).set(xg).get(gy).set(gyg).get(gx).set(gxg).get(w).set(wg).get(gw).set(gwg);
  add(c, x, groupsOnly ? span : rowBytes, gEnd);
  c.loop(); // groups
  forRows(c, rb, rowBytes, [[xg, xr], [gyg, gyr], [gxg, gxr]], () => {
    gyv.forEach((g, k) => c.get(gyr).v128Load(16 * k).set(g));
    for (let ib = 0; ib < gm / 4; ib++) {
      const p: number[] = [];
      for (let r = 0; r < 4; r++) {
        const i = 4 * ib + r;
        c.get(xr).f32Load(4 * i).set(vf);
        branch(c, vf, gm);
        c.set(sel);
        c.get(vf).f32x4Splat().set(vs);
        const pi = c.local(v128);
        for (let k = 0; k < q; k++) {
          const off = rowOffset(i, gm) + 16 * k;
          // p_i += W[row] · gy (not with weightsOnly: no input gradient)
          if (weightsOnly) {
            // nothing
          } else if (k === 0) {
            c.get(wg).get(sel).emit(op.i32_add).v128Load(off).get(gyv[k]).simd(simd.f32x4_mul).set(pi);
          } else {
            madd(c, pi, () => c.get(wg).get(sel).emit(op.i32_add).v128Load(off), () => c.get(gyv[k]));
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
        c.get(gxr).get(r).v128Store(16 * ib);
      }
    }
  });
  c.get(gyg).i32(4 * gm).emit(op.i32_add).set(gyg);
  c.get(gxg).i32(4 * gm).emit(op.i32_add).set(gxg);
  c.get(wg).i32(2 * gm * gm * 4).emit(op.i32_add).set(wg);
  c.get(gwg).i32(2 * gm * gm * 4).emit(op.i32_add).set(gwg);
  c.get(xg).i32(4 * gm).emit(op.i32_add).tee(xg).get(gEnd).emit(op.i32_lt_u).brIf(0);
  c.end();
  for (const p of [x, gy, gx]) c.get(p).get(rb).get(rowBytes).emit(op.i32_mul).emit(op.i32_add).set(p);
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
  const o = c.local(i32), vecEnd = c.local(i32), end = c.local(i32);
  c.get(cols).i32(-4).emit(op.i32_and).i32(2).emit(op.i32_shl).set(vecEnd);
  c.get(cols).i32(2).emit(op.i32_shl).set(end);
  c.block().loop();
  c.get(rows).i32(1).emit(op.i32_lt_s).brIf(1);
  c.i32(0).set(o);
  c.block().loop(); // four at a time
  c.get(o).get(vecEnd).emit(op.i32_ge_u).brIf(1);
  c.get(dst).get(o).emit(op.i32_add);
  c.get(f).get(o).emit(op.i32_add).v128Load(0).get(src).get(o).emit(op.i32_add).v128Load(0).simd(simd.f32x4_mul);
  c.v128Store(0);
  c.get(o).i32(16).emit(op.i32_add).set(o).br(0);
  c.end().end();
  c.block().loop(); // the rest
  c.get(o).get(end).emit(op.i32_ge_u).brIf(1);
  c.get(dst).get(o).emit(op.i32_add);
  c.get(f).get(o).emit(op.i32_add).f32Load(0).get(src).get(o).emit(op.i32_add).f32Load(0).emit(op.f32_mul);
  c.f32Store(0);
  c.get(o).i32(4).emit(op.i32_add).set(o).br(0);
  c.end().end();
  add(c, src, ss, src);
  add(c, dst, ds, dst);
  c.get(rows).i32(1).emit(op.i32_sub).set(rows).br(0);
  c.end().end();
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
