/**
 * Optimiser updates as WebAssembly kernels, so a team of threads (lib/team.ts) can share a step by
 * parameter ranges. They compute exactly what lib/optim.ts computes in JavaScript: every operation
 * in float64 in the same order (JavaScript numbers are float64; WebAssembly f64 arithmetic is the
 * same IEEE arithmetic, with no fused operations), float32 values widened exactly on load and
 * rounded to float32 on store. So the bits equal the JS loop's (tests/team.test.ts).
 *
 *   adam_step(p, g, m, v, count, lr, wd, b1, 1−b1, b2, 1−b2, c1, c2, eps)
 *   sgd_step(p, g, vel, count, lr, mu, wd)
 * Pointers in bytes, count in elements; the f64 constants computed by the caller as optim.ts does.
 */
import type {Code, ModuleBuilder} from "./encoder.js";
import {op, simd, valtype} from "./opcodes.js";

const {i32, f64, v128} = valtype;

function loadF64(c: Code, ptr: number): void {
  c.get(ptr).f32Load(0).emit(op.f64_promote_f32);
}

function adamStep(m: ModuleBuilder): number {
  const fn = m.declare([i32, i32, i32, i32, i32, f64, f64, f64, f64, f64, f64, f64, f64, f64]);
  const c = fn.code;
  const [p, g, mm, vv, count, lr, wd, b1, omb1, b2, omb2, c1, c2, eps] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
  const end = c.local(i32),
    gi = c.local(f64),
    mi = c.local(f64),
    vi = c.local(f64);
  c.get(count).i32(1).emit(op.i32_lt_s).if().ret().end();
  c.get(p).get(count).i32(2).emit(op.i32_shl).emit(op.i32_add).set(end);
  c.loop();
  // g = grads[i] + wd·params[i]
  loadF64(c, g);
  c.get(wd);
  loadF64(c, p);
  c.emit(op.f64_mul).emit(op.f64_add).set(gi);
  // mi = b1·m[i] + (1 − b1)·g
  c.get(b1);
  loadF64(c, mm);
  c.emit(op.f64_mul).get(omb1).get(gi).emit(op.f64_mul).emit(op.f64_add).set(mi);
  // vi = b2·v[i] + (1 − b2)·g·g
  c.get(b2);
  loadF64(c, vv);
  c.emit(op.f64_mul).get(omb2).get(gi).emit(op.f64_mul).get(gi).emit(op.f64_mul).emit(op.f64_add).set(vi);
  c.get(mm).get(mi).emit(op.f32_demote_f64).f32Store(0);
  c.get(vv).get(vi).emit(op.f32_demote_f64).f32Store(0);
  // params[i] −= (lr·mi·c1) / (√(vi·c2) + eps)
  c.get(p);
  loadF64(c, p);
  c.get(lr).get(mi).emit(op.f64_mul).get(c1).emit(op.f64_mul);
  c.get(vi).get(c2).emit(op.f64_mul).emit(op.f64_sqrt).get(eps).emit(op.f64_add);
  c.emit(op.f64_div).emit(op.f64_sub).emit(op.f32_demote_f64).f32Store(0);
  for (const q of [g, mm, vv]) c.get(q).i32(4).emit(op.i32_add).set(q);
  c.get(p).i32(4).emit(op.i32_add).tee(p).get(end).emit(op.i32_lt_u).brIf(0);
  c.end();
  return fn.index;
}

function sgdStep(m: ModuleBuilder): number {
  const fn = m.declare([i32, i32, i32, i32, f64, f64, f64]);
  const c = fn.code;
  const [p, g, vel, count, lr, mu, wd] = [0, 1, 2, 3, 4, 5, 6];
  const end = c.local(i32),
    gi = c.local(f64),
    vi = c.local(f64);
  c.get(count).i32(1).emit(op.i32_lt_s).if().ret().end();
  c.get(p).get(count).i32(2).emit(op.i32_shl).emit(op.i32_add).set(end);
  c.loop();
  loadF64(c, g);
  c.get(wd);
  loadF64(c, p);
  c.emit(op.f64_mul).emit(op.f64_add).set(gi);
  c.get(mu);
  loadF64(c, vel);
  c.emit(op.f64_mul).get(gi).emit(op.f64_add).set(vi);
  c.get(vel).get(vi).emit(op.f32_demote_f64).f32Store(0);
  c.get(p);
  loadF64(c, p);
  c.get(lr).get(vi).emit(op.f64_mul).emit(op.f64_sub).emit(op.f32_demote_f64).f32Store(0);
  for (const q of [g, vel]) c.get(q).i32(4).emit(op.i32_add).set(q);
  c.get(p).i32(4).emit(op.i32_add).tee(p).get(end).emit(op.i32_lt_u).brIf(0);
  c.end();
  return fn.index;
}

/**
 * adam_step_x2(…): adam_step's arithmetic on two float64 lanes at a time (f64x2: each lane the same
 * IEEE operation as the scalar f64 one, so the same bits), four parameters per iteration; count
 * must be a multiple of 4 (the caller runs the rest with adam_step or its JS loop).
 */
function adamStepX2(m: ModuleBuilder): number {
  const fn = m.declare([i32, i32, i32, i32, i32, f64, f64, f64, f64, f64, f64, f64, f64, f64]);
  const c = fn.code;
  const [p, g, mm, vv, count, ...scalars] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
  const end = c.local(i32);
  // lr, wd, b1, 1−b1, b2, 1−b2, c1, c2, eps splatted
  const [lr, wd, b1, omb1, b2, omb2, c1, c2, eps] = scalars.map((sc) => {
    const l = c.local(v128);
    c.get(sc).simd(simd.f64x2_splat).set(l);
    return l;
  });
  c.get(count).i32(4).emit(op.i32_lt_s).if().ret().end();
  c.get(p).get(count).i32(2).emit(op.i32_shl).emit(op.i32_add).set(end);
  c.loop();
  const four = (ptr: number) => {
    const l = c.local(v128);
    c.get(ptr).v128Load(0).set(l);
    return l;
  };
  const [pv, gv, mv, vvv] = [four(p), four(g), four(mm), four(vv)];
  const outs: Array<[number, number, number]> = [];
  for (const h of [0, 1]) {
    const half = (v: number) => {
      c.get(v);
      if (h === 1) c.get(v).shuffle32([2, 3, 0, 1]);
      c.simd(simd.f64x2_promote_low_f32x4);
    };
    const gi = c.local(v128),
      mi = c.local(v128),
      vi = c.local(v128),
      pi = c.local(v128);
    const f = (o: number) => c.simd(o);
    // g = grads + wd·params
    half(gv);
    c.get(wd);
    half(pv);
    f(simd.f64x2_mul);
    f(simd.f64x2_add);
    c.set(gi);
    // mi = b1·m + (1 − b1)·g
    c.get(b1);
    half(mv);
    f(simd.f64x2_mul);
    c.get(omb1).get(gi);
    f(simd.f64x2_mul);
    f(simd.f64x2_add);
    c.set(mi);
    // vi = b2·v + (1 − b2)·g·g
    c.get(b2);
    half(vvv);
    f(simd.f64x2_mul);
    c.get(omb2).get(gi);
    f(simd.f64x2_mul);
    c.get(gi);
    f(simd.f64x2_mul);
    f(simd.f64x2_add);
    c.set(vi);
    // params − (lr·mi·c1) / (√(vi·c2) + eps)
    half(pv);
    c.get(lr).get(mi);
    f(simd.f64x2_mul);
    c.get(c1);
    f(simd.f64x2_mul);
    c.get(vi).get(c2);
    f(simd.f64x2_mul);
    f(simd.f64x2_sqrt);
    c.get(eps);
    f(simd.f64x2_add);
    f(simd.f64x2_div);
    f(simd.f64x2_sub);
    c.set(pi);
    outs.push([mi, vi, pi]);
  }
  // demote each half to float32 (lanes 0, 1) and join the halves
  const store = (ptr: number, k: number) => {
    c.get(ptr);
    c.get(outs[0][k]).simd(simd.f32x4_demote_f64x2_zero);
    c.get(outs[1][k]).simd(simd.f32x4_demote_f64x2_zero);
    c.shuffle32([0, 1, 4, 5]);
    c.v128Store(0);
  };
  store(mm, 0);
  store(vv, 1);
  store(p, 2);
  for (const q of [g, mm, vv]) c.get(q).i32(16).emit(op.i32_add).set(q);
  c.get(p).i32(16).emit(op.i32_add).tee(p).get(end).emit(op.i32_lt_u).brIf(0);
  c.end();
  return fn.index;
}

/**
 * sgd_step_x2(p, g, vel, count, lr, mu, wd): sgd_step's arithmetic on two float64 lanes at a time
 * (the same IEEE operations per lane, so the same bits), four parameters per iteration; count must
 * be a multiple of 4 (the caller runs the rest with sgd_step or its JS loop).
 */
function sgdStepX2(m: ModuleBuilder): number {
  const fn = m.declare([i32, i32, i32, i32, f64, f64, f64]);
  const c = fn.code;
  const [p, g, vel, count, ...scalars] = [0, 1, 2, 3, 4, 5, 6];
  const end = c.local(i32);
  const [lr, mu, wd] = scalars.map((sc) => {
    const l = c.local(v128);
    c.get(sc).simd(simd.f64x2_splat).set(l);
    return l;
  });
  c.get(count).i32(4).emit(op.i32_lt_s).if().ret().end();
  c.get(p).get(count).i32(2).emit(op.i32_shl).emit(op.i32_add).set(end);
  c.loop();
  const four = (ptr: number) => {
    const l = c.local(v128);
    c.get(ptr).v128Load(0).set(l);
    return l;
  };
  const [pv, gv, velv] = [four(p), four(g), four(vel)];
  const outs: Array<[number, number]> = [];
  for (const h of [0, 1]) {
    const half = (v: number) => {
      c.get(v);
      if (h === 1) c.get(v).shuffle32([2, 3, 0, 1]);
      c.simd(simd.f64x2_promote_low_f32x4);
    };
    const gi = c.local(v128),
      vi = c.local(v128),
      pi = c.local(v128);
    // g = grads + wd·params
    half(gv);
    c.get(wd);
    half(pv);
    c.simd(simd.f64x2_mul).simd(simd.f64x2_add).set(gi);
    // v = mu·vel + g
    c.get(mu);
    half(velv);
    c.simd(simd.f64x2_mul).get(gi).simd(simd.f64x2_add).set(vi);
    // params − lr·v
    half(pv);
    c.get(lr).get(vi).simd(simd.f64x2_mul).simd(simd.f64x2_sub).set(pi);
    outs.push([vi, pi]);
  }
  const store = (ptr: number, k: number) => {
    c.get(ptr);
    c.get(outs[0][k]).simd(simd.f32x4_demote_f64x2_zero);
    c.get(outs[1][k]).simd(simd.f32x4_demote_f64x2_zero);
    c.shuffle32([0, 1, 4, 5]);
    c.v128Store(0);
  };
  store(vel, 0);
  store(p, 1);
  for (const q of [g, vel]) c.get(q).i32(16).emit(op.i32_add).set(q);
  c.get(p).i32(16).emit(op.i32_add).tee(p).get(end).emit(op.i32_lt_u).brIf(0);
  c.end();
  return fn.index;
}

/** Adds and exports sgd_step_x2 (appended after every other kernel, so they keep their bytes). */
export function addVectorSgdKernel(m: ModuleBuilder): void {
  m.export("sgd_step_x2", sgdStepX2(m));
}

/** Adds and exports adam_step_x2 (appended after every other kernel, so they keep their bytes). */
export function addVectorOptimizerKernels(m: ModuleBuilder): void {
  m.export("adam_step_x2", adamStepX2(m));
}

/** Adds and exports adam_step and sgd_step. */
export function addOptimizerKernels(m: ModuleBuilder): void {
  m.export("adam_step", adamStep(m));
  m.export("sgd_step", sgdStep(m));
}

/**
 * all_finite(p, count): 1 if every float32 of the `count` (a multiple of 4) at byte address p has
 * |x| ≤ FLOAT32_MAX (no NaN, no ±Infinity), else 0: the optimisers' checks of the gradients and of
 * the updated parameters, at memory speed (the caller finds the first bad index itself).
 */
function allFinite(m: ModuleBuilder): number {
  const fn = m.declare([i32, i32], [i32]);
  const c = fn.code;
  const [p, count] = [0, 1];
  const end = c.local(i32),
    ok = c.local(v128),
    max = c.local(v128);
  c.get(count).i32(4).emit(op.i32_lt_s).if().i32(1).ret().end();
  c.get(p).get(count).i32(-4).emit(op.i32_and).i32(2).emit(op.i32_shl).emit(op.i32_add).set(end);
  c.f32x4Const(3.4028234663852886e38).set(max);
  c.get(max).get(max).simd(simd.f32x4_eq).set(ok); // all ones
  c.loop();
  c.get(ok).get(p).v128Load(0).simd(simd.f32x4_abs).get(max).simd(simd.f32x4_le).simd(simd.v128_and).set(ok);
  c.get(p).i32(16).emit(op.i32_add).tee(p).get(end).emit(op.i32_lt_u).brIf(0);
  c.end();
  c.get(ok).simd(simd.i32x4_all_true);
  return fn.index;
}

/** Adds and exports all_finite (after every other kernel). */
export function addCheckKernels(m: ModuleBuilder): void {
  m.export("all_finite", allFinite(m));
}
