/**
 * WebAssembly SIMD versions of the Switch Net 4 layer's forward and backward (lib/switchnet.ts
 * describes the maths and the weight layout; lib/wasm/layerModule.ts the kernels). Same arguments
 * as `switchNetForward` / `switchNetBackward`. Each returns false, doing nothing, when it cannot
 * run here (kernels not loaded, backend forced to scalar, group size below 4 or width below 16),
 * so callers keep their JS loop as the fallback. Results agree with the JS loops within float32
 * rounding (the kernels round each product before adding it).
 */
import {normalizeScale} from "./kernel.js";
import {withKernelMemory} from "./staging.js";
import {SIMD_GROUP_SIZES} from "../wasm/layerModule.js";
import {wasmLayers} from "../wasm/runtime.js";
import {backend} from "../wht.js";
import {activeTeam, splitAcrossTeam} from "../team.js";
import type {LayerTeamKernels} from "../types.js";

/** True if the SIMD layer kernels can run a layer of width n and group size m. */
export function switchLayerSimdAvailable(n: number, m: number): boolean {
  return (
    wasmLayers() !== null &&
    backend() === "wasm-simd" &&
    (SIMD_GROUP_SIZES as readonly number[]).includes(m) &&
    n >= 16 &&
    n >= m
  );
}

/** y ← layer(x) for `batch` rows of width n (x unchanged). */
export function switchForwardSimd(
  x: Float32Array,
  y: Float32Array,
  w: Float32Array,
  n: number,
  m: number,
  batch: number
): boolean {
  const k = wasmLayers();
  if (!k || !switchLayerSimdAvailable(n, m)) return false;
  if (batch === 0) return true;
  const s = normalizeScale(n, m);
  withKernelMemory([x, y, w], ["in", "out", "in"], ([px, py, pw]) => {
    const logn = Math.log2(n),
      logm = Math.log2(m);
    // Rows to each thread of an active team: each row is computed by the same code either way.
    if (
      !splitAcrossTeam(batch, 1, batch * n, (r0, r1) => [
        [`switch_fwd_${m}`, [px + 4 * r0 * n, py + 4 * r0 * n, pw, r1 - r0, n, logn, logm, s]]
      ])
    ) {
      k[`switch_fwd_${m}`](px, py, pw, batch, n, logn, logm, s);
    }
  });
  return true;
}

/** Backward: gy is overwritten as scratch, gx receives the input gradient, gw accumulates. */
export function switchBackwardSimd(
  x: Float32Array,
  gy: Float32Array,
  gx: Float32Array,
  w: Float32Array,
  gw: Float32Array,
  n: number,
  m: number,
  batch: number
): boolean {
  const k = wasmLayers();
  if (!k || !switchLayerSimdAvailable(n, m)) return false;
  if (batch === 0) return true;
  const s = normalizeScale(n, m);
  withKernelMemory([x, gy, gx, w, gw], ["in", "inout", "out", "in", "inout"], ([px, pgy, pgx, pw, pgw]) => {
    const logn = Math.log2(n),
      logm = Math.log2(m);
    // With a team: the WHT of gy split by rows, then the mini layers split by groups of columns,
    // so each weight gradient sums its rows in the one order switch_bwd uses (same bits).
    const team = activeTeam();
    if (team !== null && batch * n >= 16384 && n >= 2 * m) {
      if (!splitAcrossTeam(batch, 1, Infinity, (r0, r1) => [["batch", [pgy + 4 * r0 * n, r1 - r0, logn, logm, s]]])) {
        (k as unknown as {batch(p: number, c: number, l: number, f: number, s: number): void}).batch(
          pgy,
          batch,
          logn,
          logm,
          s
        );
      }
      splitAcrossTeam(n, m, Infinity, (g0, g1) => [
        [`switch_bwd_groups_${m}`, [px, pgy, pgx, pw, pgw, batch, n, g0, g1]]
      ]);
    } else {
      k[`switch_bwd_${m}`](px, pgy, pgx, pw, pgw, batch, n, logn, logm, s);
    }
  });
  return true;
}

/**
 * switchBackwardSimd without the input gradient: the WHT of gy (overwritten) and gw += v·gy, the
 * same bits as switchBackwardSimd's gw. False, doing nothing, when the kernels cannot run here or a
 * team is active (the team splits the full backward; callers then use switchBackwardSimd).
 */
export function switchWeightBackwardSimd(
  x: Float32Array,
  gy: Float32Array,
  _w: Float32Array,
  gw: Float32Array,
  n: number,
  m: number,
  batch: number
): boolean {
  const k = wasmLayers();
  if (!k || !switchLayerSimdAvailable(n, m) || activeTeam() !== null) return false;
  if (batch === 0) return true;
  const s = normalizeScale(n, m);
  withKernelMemory([x, gy, gw], ["in", "inout", "inout"], ([px, pgy, pgw]) => {
    k[`switch_bwd_w_${m}`](px, pgy, 0, 0, pgw, batch, n, Math.log2(n), Math.log2(m), s);
  });
  return true;
}

/** The head kernels' carry stack: 32 levels of up to 16 floats for each of up to four rows (ROW_BLOCK). */
const headStack = new Float32Array(4 * 32 * 16);

/**
 * The first m outputs of each of `batch` rows of the layer (what switchForwardSimd writes at
 * columns 0 … m − 1, the same bits) into head (m floats per row), without the rest of the row.
 * False, doing nothing, when the kernels cannot run here or a team is active.
 */
export function switchForwardHeadSimd(
  x: Float32Array,
  head: Float32Array,
  w: Float32Array,
  n: number,
  m: number,
  batch: number
): boolean {
  const k = wasmLayers();
  if (!k || !switchLayerSimdAvailable(n, m) || n <= m || activeTeam() !== null) return false;
  if (batch === 0) return true;
  withKernelMemory([x, head, w, headStack], ["in", "out", "in", "scratch"], ([px, ph, pw, ps]) => {
    k[`switch_fwd_head_${m}`](px, ph, pw, batch, n, ps, normalizeScale(n, m));
  });
  return true;
}

/**
 * switchBackwardSimd (or, with gx null, switchWeightBackwardSimd) for an output gradient that is
 * zero past the first m entries of each row, given as g (m floats per row, the entries themselves):
 * the same gx and gw bits without the row of gy. Through T_m/√(n/m), such a row becomes g·scale in
 * every group: at each stage a value meets a zero (+0, as the caller's zero-filled row has it) and
 * v + 0 = v − 0 = v, except that −0 + 0 = +0; so a row with a −0 entry is left to the general path
 * (false, doing nothing), as is everything when the kernels cannot run here or a team is active.
 */
export function switchBackwardHeadSimd(
  x: Float32Array,
  g: Float32Array,
  gx: Float32Array | null,
  w: Float32Array,
  gw: Float32Array,
  n: number,
  m: number,
  batch: number
): boolean {
  const k = wasmLayers();
  if (!k || !switchLayerSimdAvailable(n, m) || n <= m || activeTeam() !== null) return false;
  if (batch === 0) return true;
  const s = normalizeScale(n, m);
  const scaled = new Float32Array(batch * m);
  for (let i = 0; i < scaled.length; i++) {
    if (Object.is(g[i], -0)) return false;
    scaled[i] = g[i] * s;
  }
  const logn = Math.log2(n),
    logm = Math.log2(m);
  if (gx === null) {
    withKernelMemory([x, scaled, w, gw], ["in", "in", "in", "inout"], ([px, pg, pw, pgw]) => {
      k[`switch_bwd_w_head_${m}`](px, pg, 0, pw, pgw, batch, n, logn, logm, s);
    });
  } else {
    withKernelMemory([x, scaled, gx, w, gw], ["in", "in", "out", "in", "inout"], ([px, pg, pgx, pw, pgw]) => {
      k[`switch_bwd_head_${m}`](px, pg, pgx, pw, pgw, batch, n, logn, logm, s);
    });
  }
  return true;
}

/**
 * switchForwardSimd for rows that repeat a pattern of `period` floats (a multiple of m dividing n),
 * given as one pattern per row (patterns: batch × period): the same y bits as on the whole rows.
 * False, doing nothing, when the kernels cannot run here, a team is active or the period does not fit.
 */
export function switchForwardPeriodicSimd(
  patterns: Float32Array,
  period: number,
  y: Float32Array,
  w: Float32Array,
  n: number,
  m: number,
  batch: number
): boolean {
  const k = wasmLayers();
  if (!k || !switchLayerSimdAvailable(n, m) || activeTeam() !== null || period % m !== 0 || n % period !== 0)
    return false;
  if (batch === 0) return true;
  withKernelMemory([patterns, y, w], ["in", "out", "in"], ([px, py, pw]) => {
    k[`switch_fwd_per_${m}`](px, py, pw, batch, n, Math.log2(n), Math.log2(m), normalizeScale(n, m), 4 * period);
  });
  return true;
}

/** switchWeightBackwardSimd for inputs given as patterns (see switchForwardPeriodicSimd): the same gy and gw bits. */
export function switchWeightBackwardPeriodicSimd(
  patterns: Float32Array,
  period: number,
  gy: Float32Array,
  w: Float32Array,
  gw: Float32Array,
  n: number,
  m: number,
  batch: number
): boolean {
  const k = wasmLayers();
  if (!k || !switchLayerSimdAvailable(n, m) || activeTeam() !== null || period % m !== 0 || n % period !== 0)
    return false;
  if (batch === 0) return true;
  withKernelMemory([patterns, gy, w, gw], ["in", "inout", "in", "inout"], ([px, pgy, pw, pgw]) => {
    k[`switch_bwd_w_per_${m}`](
      px,
      pgy,
      0,
      pw,
      pgw,
      batch,
      n,
      Math.log2(n),
      Math.log2(m),
      normalizeScale(n, m),
      4 * period
    );
  });
  return true;
}

/**
 * The layer's kernel calls for a team of threads (see LayerTeamKernels), or null when the SIMD
 * kernels cannot run a layer of width n and group size m here. The column calls are the team
 * shares of lib/wasm/layerModule.ts (addTeamShortcutKernels, switch_bwd_groups_m), which add each
 * weight gradient's rows in the order of the one-thread kernels; the transform is the WHT those
 * kernels start with.
 */
export function switchTeamKernels(n: number, m: number): LayerTeamKernels | null {
  if (!switchLayerSimdAvailable(n, m)) return null;
  const logn = Math.log2(n),
    logm = Math.log2(m),
    s = normalizeScale(n, m);
  const fits = (period: number) => period % m === 0 && n % period === 0;
  return {
    unit: m,
    forward: (x, y, w, rows) => [`switch_fwd_${m}`, [x, y, w, rows, n, logn, logm, s]],
    head: n > m,
    forwardHead: (x, head, w, rows, stack) => [`switch_fwd_head_${m}`, [x, head, w, rows, n, stack, s]],
    stackFloats: headStack.length,
    forwardPeriodic: (p, period, y, w, rows) =>
      fits(period) ? [`switch_fwd_per_${m}`, [p, y, w, rows, n, logn, logm, s, 4 * period]] : null,
    transform: (gy, rows) => ["batch", [gy, rows, logn, logm, s]],
    backwardColumns: (x, gy, gx, w, gw, rows, c0, c1) =>
      gx === null
        ? [`switch_bwd_w_groups_${m}`, [x, gy, 0, w, gw, rows, n, c0, c1]]
        : [`switch_bwd_groups_${m}`, [x, gy, gx, w, gw, rows, n, c0, c1]],
    backwardHeadColumns: (x, g, gx, w, gw, rows, c0, c1) =>
      gx === null
        ? [`switch_bwd_w_groups_head_${m}`, [x, g, 0, w, gw, rows, n, c0, c1]]
        : [`switch_bwd_groups_head_${m}`, [x, g, gx, w, gw, rows, n, c0, c1]],
    headScale: s,
    // column c's weights: 2·m floats from c·2·m
    zeroColumns: (gw, c0, c1) => ["fill_zero", [gw + 8 * m * c0, 2 * m * (c1 - c0)]],
    weightBackwardPeriodicColumns: (p, period, gy, w, gw, rows, c0, c1) => [
      `switch_bwd_w_groups_per_${m}`,
      [p, gy, 0, w, gw, rows, n, c0, c1, 4 * period]
    ]
  };
}
