/**
 * How much variety the input projection gives the first layer (SPEC.md, "Why more than one round").
 *
 * With inputs x of d values, the projection is a fixed W × d matrix P (placement, then each round's
 * v ← WHT(D_r ⊙ v)/√W). Output j of the projection is the feature P[j, ·]·x; the first layer's
 * switches act on these features one by one. Two numbers measure the variety:
 *
 * - `distinctFeatures`: distinct rows of P up to sign (a feature and its negative switch on the same
 *   inputs). One round on a zero-padded input gives at most 2^ceil(log2 d) at any W, because
 *   H[j, i] for i < d depends only on the low ceil(log2 d) bits of j.
 * - `switchRank`: the numerical rank, over `samples` inputs, of the 2W functions
 *   relu(P[j, ·]·x) and relu(−P[j, ·]·x). Whatever its weights, a two-sided-switched first layer
 *   outputs combinations of these (y = Σ_j relu(v_j)·A_j − relu(−v_j)·B_j), so this bounds the rank
 *   of its output over those inputs, and generic weights reach it.
 *
 * Computed in float64 from the model's own flips (`projectionFlips`), so it describes exactly the
 * projection a model with the same spec uses.
 */
import {checkInteger, checkOneOf, fail} from "./check.js";
import {projectionFlips} from "./model.js";
import {MAX_PROJECTION_ROUNDS, MODEL_DEFAULTS} from "./spec.js";
import {placeForward} from "./projection.js";
import {createRng} from "./random.js";
import {PROJECTION_KINDS, type ProjectionKind, type ResolvedModelSpec} from "./types.js";

export interface DiversityOptions {
  width: number;
  inputSize: number;
  projectionRounds?: number;
  projection?: ProjectionKind;
  placement?: "pad" | "repeat";
  /** Seed of the model whose flips are measured (default 1). */
  seed?: number;
  /** Random inputs for the rank (default 120): uniform in [−1, 1], the last input held at 1 (a bias input). */
  samples?: number;
  /** Seed of those inputs (default 1). */
  sampleSeed?: number;
}

export interface Diversity {
  distinctFeatures: number;
  switchRank: number;
  samples: number;
}

/** In-place unnormalised WHT of a float64 vector (length a power of two). */
function wht64(v: Float64Array): void {
  const n = v.length;
  for (let h = 1; h < n; h *= 2) {
    for (let i = 0; i < n; i += 2 * h) {
      for (let j = i; j < i + h; j++) {
        const a = v[j];
        const b = v[j + h];
        v[j] = a + b;
        v[j + h] = a - b;
      }
    }
  }
}

/** The projection matrix, column by column: columns[i] = P e_i (length W), in float64. */
export function projectionColumns(
  spec: Pick<ResolvedModelSpec, "width" | "inputSize" | "projectionRounds" | "projection" | "placement" | "seed">
): Float64Array[] {
  const {width: n, inputSize: d} = spec;
  const flips = projectionFlips(spec);
  const scale = 1 / Math.sqrt(n);
  const columns: Float64Array[] = [];
  const unit = new Float32Array(d);
  const placed = new Float32Array(n);
  for (let i = 0; i < d; i++) {
    unit.fill(0);
    unit[i] = 1;
    placeForward(unit, placed, 1, d, n, spec.placement);
    const v = Float64Array.from(placed);
    for (const f of flips) {
      for (let j = 0; j < n; j++) v[j] *= f[j];
      wht64(v);
      for (let j = 0; j < n; j++) v[j] *= scale;
    }
    columns.push(v);
  }
  return columns;
}

/** Numerical rank of a symmetric positive semi-definite matrix (row-major, size s): pivoted Cholesky. */
export function psdRank(gram: Float64Array, s: number, relativeTolerance = 1e-10): number {
  if (gram.length !== s * s) fail(`gram must hold ${s} × ${s} values, got ${gram.length}`);
  const a = Float64Array.from(gram);
  let largest = 0;
  for (let i = 0; i < s; i++) largest = Math.max(largest, a[i * s + i]);
  if (!(largest > 0)) return 0;
  const done = new Uint8Array(s);
  let rank = 0;
  for (let k = 0; k < s; k++) {
    let p = -1;
    for (let i = 0; i < s; i++) if (!done[i] && (p < 0 || a[i * s + i] > a[p * s + p])) p = i;
    const pivot = a[p * s + p];
    if (!(pivot > relativeTolerance * largest)) break;
    done[p] = 1;
    rank++;
    // Schur complement: a ← a − a[:, p] a[p, :] / pivot on the rows and columns not yet chosen.
    const row = new Float64Array(s);
    for (let j = 0; j < s; j++) row[j] = a[p * s + j];
    for (let i = 0; i < s; i++) {
      if (done[i]) continue;
      const f = row[i] / pivot;
      if (f === 0) continue;
      for (let j = 0; j < s; j++) if (!done[j]) a[i * s + j] -= f * row[j];
    }
  }
  return rank;
}

/** Distinct features and switch rank of the projection a model with these settings uses (see the file comment). */
export function projectionDiversity(options: DiversityOptions): Diversity {
  const width = checkInteger("width", options.width, 1);
  if ((width & (width - 1)) !== 0) fail(`width must be a power of two, got ${width}`);
  const d = checkInteger("inputSize", options.inputSize, 1, width);
  const spec = {
    width,
    inputSize: d,
    projectionRounds: checkInteger(
      "projectionRounds",
      options.projectionRounds ?? MODEL_DEFAULTS.projectionRounds,
      1,
      MAX_PROJECTION_ROUNDS
    ),
    projection: checkOneOf("projection", options.projection ?? MODEL_DEFAULTS.projection, PROJECTION_KINDS),
    placement: checkOneOf("placement", options.placement ?? MODEL_DEFAULTS.placement, ["pad", "repeat"] as const),
    seed: checkInteger("seed", options.seed ?? MODEL_DEFAULTS.seed)
  };
  const samples = checkInteger("samples", options.samples ?? 120, 1, 4096);
  const columns = projectionColumns(spec);

  // Distinct rows up to sign: the first nonzero entry made positive, entries keyed on a grid far
  // finer than the spacing of the values (multiples of W^(−rounds/2)).
  const unique: number[] = [];
  const seen = new Set<string>();
  const keyScale = Math.sqrt(width) * 1e6;
  for (let j = 0; j < width; j++) {
    let sign = 0;
    for (let i = 0; i < d && sign === 0; i++) sign = Math.sign(Math.round(columns[i][j] * keyScale));
    if (sign === 0) continue; // an all-zero feature switches on nothing
    let key = "";
    for (let i = 0; i < d; i++) key += Math.round(sign * columns[i][j] * keyScale) + ",";
    if (!seen.has(key)) {
      seen.add(key);
      unique.push(j);
    }
  }

  // Gram matrix over the samples of the 2·(distinct features) switch functions. Duplicated features
  // add the same columns again, so the distinct ones give the same rank.
  const rng = createRng(checkInteger("sampleSeed", options.sampleSeed ?? 1));
  const x = new Float64Array(samples * d);
  for (let s = 0; s < samples; s++) {
    for (let i = 0; i < d - 1; i++) x[s * d + i] = 2 * rng.next() - 1;
    x[s * d + d - 1] = 1;
  }
  const m = unique.length;
  const pos = new Float64Array(samples * m);
  const neg = new Float64Array(samples * m);
  for (let s = 0; s < samples; s++) {
    for (let u = 0; u < m; u++) {
      let v = 0;
      for (let i = 0; i < d; i++) v += columns[i][unique[u]] * x[s * d + i];
      if (v > 0) pos[s * m + u] = v;
      else neg[s * m + u] = -v;
    }
  }
  const gram = new Float64Array(samples * samples);
  for (let s = 0; s < samples; s++) {
    for (let t = s; t < samples; t++) {
      let g = 0;
      for (let u = 0; u < m; u++) g += pos[s * m + u] * pos[t * m + u] + neg[s * m + u] * neg[t * m + u];
      gram[s * samples + t] = g;
      gram[t * samples + s] = g;
    }
  }
  return {distinctFeatures: m, switchRank: psdRank(gram, samples), samples};
}
