/**
 * Generates the WebAssembly SIMD kernels of the learned butterfly layer (lib/butterfly.ts gives
 * the maths and the weight layout), added to the kernel module:
 *
 * - bfly_fwd(x, y, w, rows, n, log2n, planar): per row, the switched first stage (scalar: each
 *   element picks its weight pair by its sign), then stages h = 2 … n/2 in place; four pairs per
 *   step. The stages with h ≥ 4 read their weights from `planar`, a copy made once per call with
 *   each four pairs' [w1 w2 w3 w4] transposed into [W1, W2, W3, W4] (t4), instead of transposing
 *   them for every row (7–19 % less time per training step of the butterfly at 16,384 on a busy machine).
 * - bfly_bwd(x, gy, gx, w, gw, scratch, rows, n, log2n, planarW, planarGw): per row, the stage
 *   inputs recomputed into scratch ((log2n − 1)·n floats), then the stages backwards: gw += the
 *   four products, gy ← the transposed pair map, and finally the switched stage into gx. The
 *   stages with h ≥ 4 use planar copies of w and gw (gw's copied back at the end): every gradient
 *   lane gets the same products added in the same order, so the same bits.
 * Pointers in bytes; float32 rounding after every product and sum (JS rounds once per output).
 */
import type {Code, ModuleBuilder} from "./encoder.js";
import {op, simd, valtype} from "./opcodes.js";

const {i32, f32, v128} = valtype;

function newLocal(c: Code, t: number): number {
  return c.local(t as typeof v128);
}

/** A new v128 local holding the 32-bit lanes of a and b picked by `lanes` (0–3 from a, 4–7 from b). */
function shuffled(c: Code, a: number, b: number, lanes: [number, number, number, number]): number {
  const out = newLocal(c, v128);
  c.get(a).get(b).shuffle32(lanes).set(out);
  return out;
}

/** Four v128 locals transposed (lane j of r[k] ↔ lane k of result[j]). */
function transpose4(c: Code, r: number[]): number[] {
  const a0 = shuffled(c, r[0], r[1], [0, 4, 1, 5]);
  const a1 = shuffled(c, r[0], r[1], [2, 6, 3, 7]);
  const a2 = shuffled(c, r[2], r[3], [0, 4, 1, 5]);
  const a3 = shuffled(c, r[2], r[3], [2, 6, 3, 7]);
  return [
    shuffled(c, a0, a2, [0, 1, 4, 5]),
    shuffled(c, a0, a2, [2, 3, 6, 7]),
    shuffled(c, a1, a3, [0, 1, 4, 5]),
    shuffled(c, a1, a3, [2, 3, 6, 7])
  ];
}

/** The weights of four pairs at wo ([w1 w2 w3 w4] each) as [W1, W2, W3, W4], lane p for pair p. */
function pairWeights(c: Code, wo: number): number[] {
  const L = [0, 1, 2, 3].map((r) => {
    const l = newLocal(c, v128);
    c.get(wo)
      .v128Load(16 * r)
      .set(l);
    return l;
  });
  return transpose4(c, L);
}

/**
 * The loops of a stage with h ≥ 4 over one row: i runs over the blocks of 2h elements (byte
 * offsets up to endBytes); in each, `block` points q at the block's first element (and sets
 * anything else per block), then q steps over the block's first half four pairs (16 bytes) at a
 * time, `pairs` emitting each step. Shared by the forward and backward stage kernels.
 */
function fourPairSteps(
  c: Code,
  at: {i: number; q: number; e: number; hb: number; endBytes: number},
  block: () => void,
  pairs: () => void
): void {
  const {i, q, e, hb, endBytes} = at;
  c.i32(0).set(i);
  c.loop(); // blocks of 2h
  block();
  c.get(q).get(hb).emit(op.i32_add).set(e);
  c.loop(); // four pairs
  pairs();
  c.get(q).i32(16).emit(op.i32_add).tee(q).get(e).emit(op.i32_lt_u).brIf(0);
  c.end();
  c.get(i).get(hb).i32(1).emit(op.i32_shl).emit(op.i32_add).tee(i).get(endBytes).emit(op.i32_lt_u).brIf(0);
  c.end();
}

/** out = p·a + q·b on v128 locals. */
function mix(c: Code, out: number, p: number, a: number, q: number, b: number): void {
  c.get(p).get(a).simd(simd.f32x4_mul).get(q).get(b).simd(simd.f32x4_mul).simd(simd.f32x4_add).set(out);
}

/**
 * Pushes the byte offset (plus `base` when given) of the weight pair that element j picks by the
 * sign of v: (2j + s)·2 floats = 16j + 8s bytes, where jb = 4j is j in bytes and s = (v < 0).
 */
function pairAddress(c: Code, base: number | null, jb: number, extra: number, v: number): void {
  c.get(jb).i32(2).emit(op.i32_shl);
  if (base !== null) c.get(base).emit(op.i32_add);
  if (extra) c.i32(extra).emit(op.i32_add);
  c.get(v).f32(0).emit(op.f32_lt).i32(3).emit(op.i32_shl).emit(op.i32_add);
}

/** stage0(src, dst, w, n): the switched first stage on one row. */
function stage0Forward(m: ModuleBuilder): number {
  const fn = m.declare([i32, i32, i32, i32]);
  const c = fn.code;
  const [src, dst, w, n] = [0, 1, 2, 3];
  const jb = c.local(i32),
    end = c.local(i32),
    wa = c.local(i32),
    wb = c.local(i32),
    a = c.local(f32),
    b = c.local(f32);
  c.get(n).i32(2).emit(op.i32_shl).set(end);
  c.i32(0).set(jb);
  c.loop();
  c.get(src).get(jb).emit(op.i32_add).f32Load(0).set(a);
  c.get(src).get(jb).emit(op.i32_add).f32Load(4).set(b);
  pairAddress(c, w, jb, 0, a);
  c.set(wa);
  pairAddress(c, w, jb, 16, b);
  c.set(wb);
  for (const o of [0, 1]) {
    c.get(dst).get(jb).emit(op.i32_add);
    c.get(a)
      .get(wa)
      .f32Load(4 * o)
      .emit(op.f32_mul)
      .get(b)
      .get(wb)
      .f32Load(4 * o)
      .emit(op.f32_mul)
      .emit(op.f32_add);
    c.f32Store(4 * o);
  }
  c.get(jb).i32(8).emit(op.i32_add).tee(jb).get(end).emit(op.i32_lt_u).brIf(0);
  c.end();
  return fn.index;
}

/**
 * The weights of four pairs at wo: interleaved ([w1 w2 w3 w4] per pair, transposed here), or
 * planar ([W1, W2, W3, W4] already, as `bfly_t4` leaves them): the same four v128 either way.
 */
function fourPairWeights(c: Code, wo: number, planar: boolean): number[] {
  if (!planar) return pairWeights(c, wo);
  return [0, 1, 2, 3].map((r) => {
    const l = newLocal(c, v128);
    c.get(wo)
      .v128Load(16 * r)
      .set(l);
    return l;
  });
}

/**
 * t4(src, dst, blocks): each block of 16 floats as a 4×4 matrix, transposed (src ≠ dst): turns a
 * stage's interleaved weights ([w1 w2 w3 w4] per pair) into planar ones per four pairs and back.
 */
function transposeBlocks(m: ModuleBuilder): number {
  const fn = m.declare([i32, i32, i32]);
  const c = fn.code;
  const [src, dst, blocks] = [0, 1, 2];
  c.get(blocks).i32(1).emit(op.i32_lt_s).if().ret().end();
  c.loop();
  const T = pairWeights(c, src);
  T.forEach((t, r) =>
    c
      .get(dst)
      .get(t)
      .v128Store(16 * r)
  );
  c.get(src).i32(64).emit(op.i32_add).set(src);
  c.get(dst).i32(64).emit(op.i32_add).set(dst);
  c.get(blocks).i32(1).emit(op.i32_sub).tee(blocks).brIf(0);
  c.end();
  return fn.index;
}

/**
 * stage(src, dst, wo, n, h): a learned stage of half-size h ≥ 2 on one row (dst may be src); with
 * `planar`, for h ≥ 4 only, its weights planar per four pairs (see transposeBlocks).
 */
function stageForward(m: ModuleBuilder, planar = false): number {
  const fn = m.declare([i32, i32, i32, i32, i32]);
  const c = fn.code;
  const [src, dst, wo, n, h] = [0, 1, 2, 3, 4];
  const end = c.local(i32),
    q = c.local(i32),
    d = c.local(i32),
    e = c.local(i32),
    hb = c.local(i32),
    i = c.local(i32);
  c.get(n).i32(2).emit(op.i32_shl).set(end);
  c.get(h).i32(2).emit(op.i32_shl).set(hb);
  c.get(h).i32(2).emit(op.i32_eq).if();
  {
    c.i32(0).set(q);
    c.loop();
    const v = newLocal(c, v128),
      l0 = newLocal(c, v128),
      l1 = newLocal(c, v128),
      out = newLocal(c, v128);
    c.get(src).get(q).emit(op.i32_add).v128Load(0).set(v);
    c.get(wo).v128Load(0).set(l0);
    c.get(wo).v128Load(16).set(l1);
    const A = shuffled(c, v, v, [0, 1, 0, 1]),
      B = shuffled(c, v, v, [2, 3, 2, 3]);
    const WA = shuffled(c, l0, l1, [0, 4, 2, 6]),
      WB = shuffled(c, l0, l1, [1, 5, 3, 7]);
    mix(c, out, WA, A, WB, B);
    c.get(dst).get(q).emit(op.i32_add).get(out).v128Store(0);
    c.get(wo).i32(32).emit(op.i32_add).set(wo);
    c.get(q).i32(16).emit(op.i32_add).tee(q).get(end).emit(op.i32_lt_u).brIf(0);
    c.end();
  }
  c.else();
  fourPairSteps(
    c,
    {i, q, e, hb, endBytes: end},
    () => {
      c.get(src).get(i).emit(op.i32_add).set(q);
      c.get(dst).get(i).emit(op.i32_add).set(d);
    },
    () => {
      const a = newLocal(c, v128),
        b = newLocal(c, v128),
        ya = newLocal(c, v128),
        yb = newLocal(c, v128);
      c.get(q).v128Load(0).set(a);
      c.get(q).get(hb).emit(op.i32_add).v128Load(0).set(b);
      const [W1, W2, W3, W4] = fourPairWeights(c, wo, planar);
      mix(c, ya, W1, a, W2, b);
      mix(c, yb, W3, a, W4, b);
      c.get(d).get(ya).v128Store(0);
      c.get(d).get(hb).emit(op.i32_add).get(yb).v128Store(0);
      c.get(wo).i32(64).emit(op.i32_add).set(wo);
      c.get(d).i32(16).emit(op.i32_add).set(d);
    }
  );
  c.end();
  return fn.index;
}

/**
 * stage_bwd(src, g, wo, gwo, n, h): backward of a learned stage; src holds the stage's input. With
 * `planar` (h ≥ 4 only) its weights and weight gradients are planar per four pairs: each gradient
 * lane gets the same product added as in the interleaved layout, without the transposes.
 */
function stageBackward(m: ModuleBuilder, planar = false): number {
  const fn = m.declare([i32, i32, i32, i32, i32, i32]);
  const c = fn.code;
  const [src, g, wo, gwo, n, h] = [0, 1, 2, 3, 4, 5];
  const end = c.local(i32),
    q = c.local(i32),
    e = c.local(i32),
    hb = c.local(i32),
    i = c.local(i32),
    off = c.local(i32);
  c.get(n).i32(2).emit(op.i32_shl).set(end);
  c.get(h).i32(2).emit(op.i32_shl).set(hb);
  const addTo = (addr: () => void, offset: number, value: number) => {
    addr();
    addr();
    c.v128Load(offset).get(value).simd(simd.f32x4_add).v128Store(offset);
  };
  c.get(h).i32(2).emit(op.i32_eq).if();
  {
    c.i32(0).set(q);
    c.loop();
    const v = newLocal(c, v128),
      gv = newLocal(c, v128),
      l0 = newLocal(c, v128),
      l1 = newLocal(c, v128);
    const p0 = newLocal(c, v128),
      p1 = newLocal(c, v128),
      out = newLocal(c, v128);
    c.get(src).get(q).emit(op.i32_add).v128Load(0).set(v);
    c.get(g).get(q).emit(op.i32_add).v128Load(0).set(gv);
    c.get(wo).v128Load(0).set(l0);
    c.get(wo).v128Load(16).set(l1);
    // gw for pairs 0 and 1: [a·gc, b·gc, a·gd, b·gd]
    c.get(v).get(v).shuffle32([0, 2, 0, 2]).get(gv).get(gv).shuffle32([0, 0, 2, 2]).simd(simd.f32x4_mul).set(p0);
    c.get(v).get(v).shuffle32([1, 3, 1, 3]).get(gv).get(gv).shuffle32([1, 1, 3, 3]).simd(simd.f32x4_mul).set(p1);
    addTo(() => c.get(gwo), 0, p0);
    addTo(() => c.get(gwo), 16, p1);
    // g ← [w1·gc + w3·gd (j), w2·gc + w4·gd (j + h)]
    const X = shuffled(c, l0, l1, [0, 4, 1, 5]),
      Y = shuffled(c, l0, l1, [2, 6, 3, 7]);
    const GC = shuffled(c, gv, gv, [0, 1, 0, 1]),
      GD = shuffled(c, gv, gv, [2, 3, 2, 3]);
    mix(c, out, X, GC, Y, GD);
    c.get(g).get(q).emit(op.i32_add).get(out).v128Store(0);
    c.get(wo).i32(32).emit(op.i32_add).set(wo);
    c.get(gwo).i32(32).emit(op.i32_add).set(gwo);
    c.get(q).i32(16).emit(op.i32_add).tee(q).get(end).emit(op.i32_lt_u).brIf(0);
    c.end();
  }
  c.else();
  fourPairSteps(
    c,
    {i, q, e, hb, endBytes: end},
    () => {
      c.get(i).set(q);
    },
    () => {
      const a = newLocal(c, v128),
        b = newLocal(c, v128),
        gc = newLocal(c, v128),
        gd = newLocal(c, v128);
      const ga = newLocal(c, v128),
        gb = newLocal(c, v128);
      c.get(src).get(q).emit(op.i32_add).v128Load(0).set(a);
      c.get(src).get(q).emit(op.i32_add).get(hb).emit(op.i32_add).v128Load(0).set(b);
      c.get(g).get(q).emit(op.i32_add).v128Load(0).set(gc);
      c.get(g).get(q).emit(op.i32_add).get(hb).emit(op.i32_add).v128Load(0).set(gd);
      const [W1, W2, W3, W4] = fourPairWeights(c, wo, planar);
      const prod = (x: number, y: number) => {
        const out = newLocal(c, v128);
        c.get(x).get(y).simd(simd.f32x4_mul).set(out);
        return out;
      };
      const products = [prod(a, gc), prod(b, gc), prod(a, gd), prod(b, gd)];
      const G = planar ? products : transpose4(c, products);
      G.forEach((gr, r) => addTo(() => c.get(gwo), 16 * r, gr));
      mix(c, ga, W1, gc, W3, gd);
      mix(c, gb, W2, gc, W4, gd);
      c.get(g).get(q).emit(op.i32_add).set(off);
      c.get(off).get(ga).v128Store(0);
      c.get(off).get(hb).emit(op.i32_add).get(gb).v128Store(0);
      c.get(wo).i32(64).emit(op.i32_add).set(wo);
      c.get(gwo).i32(64).emit(op.i32_add).set(gwo);
    }
  );
  c.end();
  return fn.index;
}

/** stage0_bwd(x, g, gx, w, gw, n): backward of the switched first stage on one row. */
function stage0Backward(m: ModuleBuilder): number {
  const fn = m.declare([i32, i32, i32, i32, i32, i32]);
  const c = fn.code;
  const [x, g, gx, w, gw, n] = [0, 1, 2, 3, 4, 5];
  const jb = c.local(i32),
    end = c.local(i32),
    oa = c.local(i32),
    ob = c.local(i32);
  const a = c.local(f32),
    b = c.local(f32),
    gc = c.local(f32),
    gd = c.local(f32);
  c.get(n).i32(2).emit(op.i32_shl).set(end);
  c.i32(0).set(jb);
  c.loop();
  c.get(x).get(jb).emit(op.i32_add).f32Load(0).set(a);
  c.get(x).get(jb).emit(op.i32_add).f32Load(4).set(b);
  c.get(g).get(jb).emit(op.i32_add).f32Load(0).set(gc);
  c.get(g).get(jb).emit(op.i32_add).f32Load(4).set(gd);
  // byte offsets of the selected weight pairs (the same in w and gw)
  pairAddress(c, null, jb, 0, a);
  c.set(oa);
  pairAddress(c, null, jb, 16, b);
  c.set(ob);
  const acc = (o: number, offset: number, v: number, gval: number) => {
    c.get(gw).get(o).emit(op.i32_add);
    c.get(gw).get(o).emit(op.i32_add).f32Load(offset).get(v).get(gval).emit(op.f32_mul).emit(op.f32_add);
    c.f32Store(offset);
  };
  acc(oa, 0, a, gc);
  acc(oa, 4, a, gd);
  acc(ob, 0, b, gc);
  acc(ob, 4, b, gd);
  for (const [o, at] of [
    [oa, 0],
    [ob, 4]
  ] as const) {
    c.get(gx).get(jb).emit(op.i32_add);
    c.get(w).get(o).emit(op.i32_add).f32Load(0).get(gc).emit(op.f32_mul);
    c.get(w).get(o).emit(op.i32_add).f32Load(4).get(gd).emit(op.f32_mul).emit(op.f32_add);
    c.f32Store(at);
  }
  c.get(jb).i32(8).emit(op.i32_add).tee(jb).get(end).emit(op.i32_lt_u).brIf(0);
  c.end();
  return fn.index;
}

/** Adds bfly_fwd and bfly_bwd (see the file comment) to `m` and exports them. */
export function addButterflyKernels(m: ModuleBuilder): void {
  const s0 = stage0Forward(m),
    sk = stageForward(m),
    skp = stageForward(m, true),
    bk = stageBackward(m),
    bkp = stageBackward(m, true),
    b0 = stage0Backward(m),
    t4 = transposeBlocks(m);
  /** Pushes (logn − 2)·n/8: the 16-float blocks of the stages with h ≥ 4 (none below n = 8). */
  const planarBlocks = (c: Code, n: number, logn: number) =>
    c.get(logn).i32(2).emit(op.i32_sub).get(n).i32(3).emit(op.i32_shr_u).emit(op.i32_mul);
  /** Pushes w + 6n floats (bytes): the first weight of stage k = 2 (h = 4). */
  const stage2 = (c: Code, w: number, n: number) => c.get(w).get(n).i32(24).emit(op.i32_mul).emit(op.i32_add);

  const fwd = m.declare([i32, i32, i32, i32, i32, i32, i32]);
  {
    const c = fwd.code;
    const [x, y, w, rows, n, logn, pw] = [0, 1, 2, 3, 4, 5, 6];
    const rowBytes = c.local(i32),
      h = c.local(i32),
      wo = c.local(i32);
    c.get(rows).i32(1).emit(op.i32_lt_s).if().ret().end();
    c.get(n).i32(2).emit(op.i32_shl).set(rowBytes);
    // the stages with h ≥ 4 read planar weights (transposed once here, not once per row)
    stage2(c, w, n);
    c.get(pw);
    planarBlocks(c, n, logn);
    c.call(t4);
    c.loop();
    c.get(x).get(y).get(w).get(n).call(s0);
    // h = 2 (n ≥ 4 here) from the weights at 4n floats, then h = 4 … n/2 from the planar copy
    c.get(y).get(y).get(w).get(n).i32(4).emit(op.i32_shl).emit(op.i32_add).get(n).i32(2).call(sk);
    c.i32(4).set(h);
    c.get(pw).set(wo);
    c.block().loop();
    c.get(h).get(n).emit(op.i32_ge_u).brIf(1);
    c.get(y).get(y).get(wo).get(n).get(h).call(skp);
    c.get(wo).get(n).i32(3).emit(op.i32_shl).emit(op.i32_add).set(wo); // 2n floats
    c.get(h).i32(1).emit(op.i32_shl).set(h).br(0);
    c.end().end();
    c.get(x).get(rowBytes).emit(op.i32_add).set(x);
    c.get(y).get(rowBytes).emit(op.i32_add).set(y);
    c.get(rows).i32(1).emit(op.i32_sub).tee(rows).brIf(0);
    c.end();
  }
  m.export("bfly_fwd", fwd.index);

  const bwd = m.declare([i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32]);
  {
    const c = bwd.code;
    const [x, gy, gx, w, gw, scratch, rows, n, logn, pw, pgw] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const rowBytes = c.local(i32),
      k = c.local(i32),
      h = c.local(i32),
      wo = c.local(i32),
      so = c.local(i32);
    c.get(rows).i32(1).emit(op.i32_lt_s).if().ret().end();
    c.get(n).i32(2).emit(op.i32_shl).set(rowBytes);
    // planar copies of the weights and weight gradients of the stages with h ≥ 4; the gradients
    // go back at the end (each lane gets the same sums in the same order as in place)
    stage2(c, w, n);
    c.get(pw);
    planarBlocks(c, n, logn);
    c.call(t4);
    stage2(c, gw, n);
    c.get(pgw);
    planarBlocks(c, n, logn);
    c.call(t4);
    /** Pushes the byte offset of stage k's weights (k ≥ 2) in the planar copies: (k − 2)·2n floats. */
    const planarOffset = () => c.get(k).i32(2).emit(op.i32_sub).get(n).i32(3).emit(op.i32_shl).emit(op.i32_mul);
    c.loop();
    // stage inputs: scratch row k − 1 holds the input of stage k (k = 1 … logn − 1)
    c.get(logn).i32(1).emit(op.i32_gt_s).if();
    c.get(x).get(scratch).get(w).get(n).call(s0);
    c.end();
    c.i32(1).set(k);
    c.i32(2).set(h);
    c.block().loop();
    c.get(k).get(logn).i32(1).emit(op.i32_sub).emit(op.i32_ge_s).brIf(1);
    c.get(scratch).get(k).i32(1).emit(op.i32_sub).get(rowBytes).emit(op.i32_mul).emit(op.i32_add).set(so);
    c.get(k).i32(1).emit(op.i32_eq).if();
    c.get(so).get(so).get(rowBytes).emit(op.i32_add).get(w).get(n).i32(4).emit(op.i32_shl).emit(op.i32_add);
    c.get(n).get(h).call(sk);
    c.else();
    c.get(pw);
    planarOffset();
    c.emit(op.i32_add).set(wo);
    c.get(so).get(so).get(rowBytes).emit(op.i32_add).get(wo).get(n).get(h).call(skp);
    c.end();
    c.get(k).i32(1).emit(op.i32_add).set(k);
    c.get(h).i32(1).emit(op.i32_shl).set(h).br(0);
    c.end().end();
    // stages logn − 1 … 1 backwards (h = n/2 … 2)
    c.get(logn).i32(1).emit(op.i32_sub).set(k);
    c.get(n).i32(1).emit(op.i32_shr_u).set(h);
    c.block().loop();
    c.get(k).i32(1).emit(op.i32_lt_s).brIf(1);
    c.get(scratch).get(k).i32(1).emit(op.i32_sub).get(rowBytes).emit(op.i32_mul).emit(op.i32_add).set(so);
    c.get(k).i32(1).emit(op.i32_eq).if();
    c.get(n).i32(4).emit(op.i32_shl).set(wo); // stage 1 at 4n floats
    c.get(so).get(gy).get(w).get(wo).emit(op.i32_add).get(gw).get(wo).emit(op.i32_add).get(n).get(h).call(bk);
    c.else();
    planarOffset();
    c.set(wo);
    c.get(so).get(gy).get(pw).get(wo).emit(op.i32_add).get(pgw).get(wo).emit(op.i32_add).get(n).get(h).call(bkp);
    c.end();
    c.get(k).i32(1).emit(op.i32_sub).set(k);
    c.get(h).i32(1).emit(op.i32_shr_u).set(h).br(0);
    c.end().end();
    c.get(x).get(gy).get(gx).get(w).get(gw).get(n).call(b0);
    c.get(x).get(rowBytes).emit(op.i32_add).set(x);
    c.get(gy).get(rowBytes).emit(op.i32_add).set(gy);
    c.get(gx).get(rowBytes).emit(op.i32_add).set(gx);
    c.get(rows).i32(1).emit(op.i32_sub).tee(rows).brIf(0);
    c.end();
    c.get(pgw);
    stage2(c, gw, n);
    planarBlocks(c, n, logn);
    c.call(t4);
  }
  m.export("bfly_bwd", bwd.index);
}
