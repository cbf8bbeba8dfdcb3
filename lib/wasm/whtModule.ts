/**
 * Generates the WHT kernels of the WebAssembly SIMD module (ANCHORS.md says why this structure):
 *
 * - register passes: groups of 16 or 32 floats (four or eight v128) take stages 1, 2 (inside
 *   each v128) and 4, 8, 16 (between them) in registers;
 * - radix-8 / radix-4 / radix-2 passes for half-size h ≥ 16 floats, one function per h with
 *   every offset a constant in the instruction (one pointer increment per 8 vectors);
 * - a driver: vectors up to 2^12 floats (16 KiB, in L1) run all their passes chunk by chunk;
 *   longer ones recurse into 8 (or 4, 2) sub-blocks, then one cross pass per level.
 *
 * Every stage rounds to float32 in ascending order of h, exactly like the radix-2 reference,
 * so results match it bit for bit (normalisation: one float32 multiply in the last pass).
 * Exports (added to the kernel module by lib/wasm/runtime.ts): batch(ptr, count, log2n, log2from,
 * scale) over `count` vectors at byte address ptr, block(ptr, log2n, log2from, scale) for one
 * vector, and cross(ptr, j0, j1, lo, hi, scale), one thread's columns of the top-level pass (the
 * pool in lib/parallel.ts splits a long vector's last pass with it).
 */
import type {Code, ModuleBuilder} from "./encoder.js";
import {op, simd, valtype} from "./opcodes.js";

const {i32, f32, v128} = valtype;

/** Largest log2 vector length the kernel handles (2^27 floats = 512 MiB). */
export const WASM_MAX_LOG2N = 27;
/** Vectors up to 2^BASE_LOG2 floats are transformed with in-cache passes. */
export const BASE_LOG2 = 12;

const REG_SLOTS = 64;
function regSlot(lo: number, top: number, scaled: number): number {
  return (lo * 5 + (top - 1)) * 2 + scaled;
}
function passSlot(stages: number, k: number, scaled: number): number {
  return REG_SLOTS + ((stages - 1) * 32 + k) * 2 + scaled;
}
/** Column passes (one block, a range of its columns) follow the passes in the table. */
const COLUMN_SLOTS = REG_SLOTS + 192;
function columnSlot(stages: number, k: number, scaled: number): number {
  return COLUMN_SLOTS + ((stages - 1) * 32 + k) * 2 + scaled;
}

/** Emits a[i], a[j] ← a[i] + a[j], a[i] − a[j] on v128 locals, renaming into fresh locals. */
function butterfly(c: Code, regs: number[], i: number, j: number): void {
  const sum = c.local(v128);
  const diff = c.local(v128);
  c.get(regs[i]).get(regs[j]).simd(simd.f32x4_add).set(sum);
  c.get(regs[i]).get(regs[j]).simd(simd.f32x4_sub).set(diff);
  regs[i] = sum;
  regs[j] = diff;
}

function storeAll(c: Code, p: number, regs: number[], stride: number, sv: number): void {
  regs.forEach((r, i) => {
    c.get(p).get(r);
    if (sv >= 0) c.get(sv).simd(simd.f32x4_mul);
    c.v128Store(i * stride);
  });
}

/** In-register stage h = 1 (d = 1) or h = 2 (d = 2) on one v128 local: a swap and a sign flip. */
function laneStage(c: Code, r: number, d: 1 | 2): number {
  const out = c.local(v128);
  // [v1+v0, v0−v1, v3+v2, v2−v3] (d = 1) or [v2+v0, v3+v1, v0−v2, v1−v3] (d = 2); x + (−y) = x − y exactly.
  c.get(r)
    .get(r)
    .shuffle32(d === 1 ? [1, 0, 3, 2] : [2, 3, 0, 1]);
  c.get(r);
  if (d === 1) c.f32x4Const(0, -0, 0, -0);
  else c.f32x4Const(0, 0, -0, -0);
  c.simd(simd.v128_xor).simd(simd.f32x4_add).set(out);
  return out;
}

/**
 * Register pass over [p, end): stages h = 2^lo … 2^(top−1) (top ≤ 5) on groups of 16 floats
 * (four v128; 32 floats, eight v128, when top = 5). Stages 1 and 2 run inside each v128 (a lane
 * swap and a sign flip: on our Intel machine 10–25 % faster than the 4×4 transposes ANCHORS.md
 * found best on Zen 5), stages 4, 8 and 16 between the v128s.
 */
function regPass(c: Code, lo: number, top: number, scaled: boolean): void {
  const p = 0,
    end = 1,
    s = 2;
  const vectors = top === 5 ? 8 : 4;
  const sv = scaled ? c.local(v128) : -1;
  if (scaled) c.get(s).f32x4Splat().set(sv);
  const has = (stage: number) => lo <= stage && stage < top;
  c.loop();
  let r = Array.from({length: vectors}, (_, i) => {
    const l = c.local(v128);
    c.get(p)
      .v128Load(16 * i)
      .set(l);
    return l;
  });
  if (has(0)) r = r.map((x) => laneStage(c, x, 1));
  if (has(1)) r = r.map((x) => laneStage(c, x, 2));
  for (let stage = 2; stage < 5; stage++) {
    if (!has(stage)) continue;
    const d = 1 << (stage - 2);
    for (let i = 0; i < vectors; i++) if ((i & d) === 0) butterfly(c, r, i, i + d);
  }
  storeAll(c, p, r, 16, sv);
  c.get(p)
    .i32(16 * vectors)
    .emit(op.i32_add)
    .tee(p)
    .get(end)
    .emit(op.i32_lt_u)
    .brIf(0);
  c.end();
}

/**
 * Radix-2^stages pass with half-size h = 2^k floats over [p, end): stages h, 2h, … in registers.
 * With `columns`, [p, end) is instead a range of columns of ONE block (p at the block start plus
 * the first column): how threads share the top-level pass of one long vector.
 */
function radixPass(c: Code, stages: number, k: number, scaled: boolean, columns = false): void {
  const p = 0,
    end = 1,
    s = 2;
  const radix = 1 << stages;
  const hb = 4 << k;
  const sv = scaled ? c.local(v128) : -1;
  const e = columns ? end : c.local(i32);
  if (scaled) c.get(s).f32x4Splat().set(sv);
  if (!columns) {
    c.loop();
    c.get(p).i32(hb).emit(op.i32_add).set(e);
  }
  c.loop();
  const regs = Array.from({length: radix}, (_, i) => {
    const l = c.local(v128);
    c.get(p)
      .v128Load(i * hb)
      .set(l);
    return l;
  });
  for (let st = 0; st < stages; st++) {
    const d = 1 << st;
    for (let i = 0; i < radix; i++) if ((i & d) === 0) butterfly(c, regs, i, i + d);
  }
  storeAll(c, p, regs, hb, sv);
  c.get(p).i32(16).emit(op.i32_add).tee(p).get(e).emit(op.i32_lt_u).brIf(0);
  c.end();
  if (!columns) {
    c.get(p)
      .i32((radix - 1) * hb)
      .emit(op.i32_add)
      .tee(p)
      .get(end)
      .emit(op.i32_lt_u)
      .brIf(0);
    c.end();
  }
}

/** Function indices of the WHT driver, for other kernels in the same module to call. */
export interface WhtFunctions {
  /** stages(p, end, lo, hi, s) */
  stages: number;
  /** block(p, log2n, log2from, s): one vector, cache-blocked */
  block: number;
  /** batch(p, count, log2n, log2from, s) */
  batch: number;
}

/** Adds the WHT passes (in the module's table) and drivers to `m`, exporting batch and block. */
export function addWhtKernels(m: ModuleBuilder): WhtFunctions {
  const passType = m.type([i32, i32, f32]);

  for (let lo = 0; lo < 4; lo++) {
    for (let top = lo + 1; top <= 5; top++) {
      for (const scaled of [0, 1]) {
        const fn = m.declare([i32, i32, f32]);
        regPass(fn.code, lo, top, scaled === 1);
        m.setTableSlot(regSlot(lo, top, scaled), fn.index);
      }
    }
  }
  for (let stages = 1; stages <= 3; stages++) {
    for (let k = 4; k + stages <= WASM_MAX_LOG2N; k++) {
      for (const scaled of [0, 1]) {
        const fn = m.declare([i32, i32, f32]);
        radixPass(fn.code, stages, k, scaled === 1);
        m.setTableSlot(passSlot(stages, k, scaled), fn.index);
        const col = m.declare([i32, i32, f32]);
        radixPass(col.code, stages, k, scaled === 1, true);
        m.setTableSlot(columnSlot(stages, k, scaled), col.index);
      }
    }
  }

  // stages(p, end, lo, hi, s): stages h = 2^lo … 2^(hi−1) on every vector of 2^hi floats in [p, end).
  const stagesFn = m.declare([i32, i32, i32, i32, f32]);
  {
    const c = stagesFn.code;
    const [p, end, lo, hi, s] = [0, 1, 2, 3, 4];
    const scaled = c.local(i32),
      h = c.local(i32),
      top = c.local(i32),
      r = c.local(i32);
    c.get(lo).get(hi).emit(op.i32_ge_s).if().ret().end();
    c.get(s).f32(1).emit(op.f32_ne).set(scaled);
    c.get(lo).set(h);
    c.get(h).i32(4).emit(op.i32_lt_s).if();
    {
      // top = 5 when that leaves a multiple of three stages (one sweep fewer), else min(hi, 4)
      c.get(hi).i32(4).get(hi).i32(4).emit(op.i32_lt_s).emit(op.select).set(top);
      c.get(hi)
        .i32(5)
        .emit(op.i32_ge_s)
        .get(hi)
        .i32(5)
        .emit(op.i32_sub)
        .i32(3)
        .emit(op.i32_rem_u)
        .emit(op.i32_eqz)
        .emit(op.i32_and)
        .if();
      c.i32(5).set(top);
      c.end();
      c.get(p).get(end).get(s);
      // slot = (h*5 + top − 1)*2 + (scaled & top == hi)
      c.get(h).i32(5).emit(op.i32_mul).get(top).emit(op.i32_add).i32(1).emit(op.i32_sub).i32(1).emit(op.i32_shl);
      c.get(scaled).get(top).get(hi).emit(op.i32_eq).emit(op.i32_and).emit(op.i32_add);
      c.callIndirect(passType);
      c.get(top).set(h);
    }
    c.end();
    c.block().loop();
    c.get(h).get(hi).emit(op.i32_ge_s).brIf(1);
    // r = min(hi − h, 3)
    c.get(hi)
      .get(h)
      .emit(op.i32_sub)
      .i32(3)
      .get(hi)
      .get(h)
      .emit(op.i32_sub)
      .i32(3)
      .emit(op.i32_lt_s)
      .emit(op.select)
      .set(r);
    c.get(p).get(end).get(s);
    // slot = REG_SLOTS + ((r − 1)*32 + h)*2 + (scaled & h + r == hi)
    c.get(r)
      .i32(1)
      .emit(op.i32_sub)
      .i32(5)
      .emit(op.i32_shl)
      .get(h)
      .emit(op.i32_add)
      .i32(1)
      .emit(op.i32_shl)
      .i32(REG_SLOTS)
      .emit(op.i32_add);
    c.get(scaled).get(h).get(r).emit(op.i32_add).get(hi).emit(op.i32_eq).emit(op.i32_and).emit(op.i32_add);
    c.callIndirect(passType);
    c.get(h).get(r).emit(op.i32_add).set(h);
    c.br(0);
    c.end().end();
  }

  // block(p, logn, logfrom, s): one vector of 2^logn floats, cache-blocked.
  const blockFn = m.declare([i32, i32, i32, f32]);
  {
    const c = blockFn.code;
    const [p, logn, logfrom, s] = [0, 1, 2, 3];
    const logsub = c.local(i32),
      q = c.local(i32),
      end = c.local(i32),
      step = c.local(i32);
    c.get(p).i32(4).get(logn).emit(op.i32_shl).emit(op.i32_add).set(end);
    c.get(logn).i32(BASE_LOG2).emit(op.i32_le_s).if();
    c.get(p).get(end).get(logfrom).get(logn).get(s).call(stagesFn.index).ret();
    c.end();
    // logsub = logn − min(3, logn − BASE)
    c.get(logn)
      .get(logn)
      .i32(BASE_LOG2)
      .emit(op.i32_sub)
      .i32(3)
      .get(logn)
      .i32(BASE_LOG2)
      .emit(op.i32_sub)
      .i32(3)
      .emit(op.i32_lt_s)
      .emit(op.select)
      .emit(op.i32_sub)
      .set(logsub);
    c.get(logfrom).get(logsub).emit(op.i32_lt_s).if();
    c.i32(4).get(logsub).emit(op.i32_shl).set(step);
    c.get(p).set(q);
    c.loop();
    c.get(q).get(logsub).get(logfrom).f32(1).call(blockFn.index);
    c.get(q).get(step).emit(op.i32_add).tee(q).get(end).emit(op.i32_lt_u).brIf(0);
    c.end();
    c.end();
    // stages max(logfrom, logsub) … logn − 1 across the sub-blocks
    c.get(p).get(end);
    c.get(logfrom).get(logsub).get(logfrom).get(logsub).emit(op.i32_gt_s).emit(op.select);
    c.get(logn).get(s).call(stagesFn.index);
  }

  // batch(p, count, logn, logfrom, s): `count` vectors back to back.
  const batchFn = m.declare([i32, i32, i32, i32, f32]);
  {
    const c = batchFn.code;
    const [p, count, logn, logfrom, s] = [0, 1, 2, 3, 4];
    const end = c.local(i32),
      q = c.local(i32),
      qe = c.local(i32),
      chunk = c.local(i32);
    c.get(count).i32(1).emit(op.i32_lt_s).if().ret().end();
    c.get(p).get(count).i32(4).get(logn).emit(op.i32_shl).emit(op.i32_mul).emit(op.i32_add).set(end);
    c.get(p).set(q);
    c.get(logn).i32(BASE_LOG2).emit(op.i32_le_s).if();
    {
      c.i32(4 << BASE_LOG2).set(chunk);
      c.loop();
      // qe = min(q + chunk, end)
      c.get(q)
        .get(chunk)
        .emit(op.i32_add)
        .get(end)
        .get(q)
        .get(chunk)
        .emit(op.i32_add)
        .get(end)
        .emit(op.i32_lt_u)
        .emit(op.select)
        .set(qe);
      c.get(q).get(qe).get(logfrom).get(logn).get(s).call(stagesFn.index);
      c.get(qe).tee(q).get(end).emit(op.i32_lt_u).brIf(0);
      c.end();
    }
    c.else();
    {
      c.loop();
      c.get(q).get(logn).get(logfrom).get(s).call(blockFn.index);
      c.get(q).i32(4).get(logn).emit(op.i32_shl).emit(op.i32_add).tee(q).get(end).emit(op.i32_lt_u).brIf(0);
      c.end();
    }
    c.end();
  }
  m.export("batch", batchFn.index);
  m.export("block", blockFn.index);

  // cross(p, j0, j1, lo, hi, s): stages 2^lo … 2^(hi−1) (at most three, lo ≥ 4) of the vector of
  // 2^hi floats at p, on its columns j0 … j1 − 1 only (multiples of 4): one thread's share of the
  // top-level pass that `block` ends with.
  const crossFn = m.declare([i32, i32, i32, i32, i32, f32]);
  {
    const c = crossFn.code;
    const [p, j0, j1, lo, hi, s] = [0, 1, 2, 3, 4, 5];
    c.get(p).get(j0).i32(2).emit(op.i32_shl).emit(op.i32_add);
    c.get(p).get(j1).i32(2).emit(op.i32_shl).emit(op.i32_add);
    c.get(s);
    // slot = COLUMN_SLOTS + ((hi − lo − 1)·32 + lo)·2 + (s ≠ 1)
    c.get(hi)
      .get(lo)
      .emit(op.i32_sub)
      .i32(1)
      .emit(op.i32_sub)
      .i32(5)
      .emit(op.i32_shl)
      .get(lo)
      .emit(op.i32_add)
      .i32(1)
      .emit(op.i32_shl);
    c.i32(COLUMN_SLOTS).emit(op.i32_add).get(s).f32(1).emit(op.f32_ne).emit(op.i32_add);
    c.callIndirect(passType);
  }
  m.export("cross", crossFn.index);

  return {stages: stagesFn.index, block: blockFn.index, batch: batchFn.index};
}
