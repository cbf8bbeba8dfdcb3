/**
 * Budget matching for the capacity experiment: which width gives each contender the same
 * budget as a reference Switch Net 4 layer.
 *
 * Three budgets, named plainly (SPEC.md, "Weights per input point"):
 * - "params": equal stored parameters (weights and biases kept in memory);
 * - "edges":  equal connections, counting the fixed ±1 butterfly edges as well as learned ones;
 * - "macs":   equal active multiply-adds per sample (the additions of a fixed WHT are not counted).
 *
 * Counts are per width-W layer (`counts` in lib/counts.ts), as in the seed's question ("a 65,536-wide layer against a
 * 1448-wide dense layer"). Per layer of width W:
 *
 * | kind        | stored            | active multiply-adds | edges                        |
 * |-------------|-------------------|----------------------|------------------------------|
 * | switchnet4  | 2·m·W             | m·W                  | W·(m + 2·(log2 W − log2 m))  |
 * | butterfly   | 2·W·log2 W + 2·W  | 2·W·log2 W           | 2·W·log2 W                   |
 * | filterbank  | 2·W               | W                    | 2·W·log2 W + W               |
 * | dense       | W² + W            | W²                   | W²                           |
 *
 * (Butterfly: the first stage is two-sided switched, so it stores 2·W extra weights of which
 * half are active per sample. Filter bank: a fixed WHT, 2 edges per point per stage, then one
 * switched slope per element. Dense: a W×W layer with biases.)
 */
import {MAX_PROJECTION_ROUNDS} from "../spec.js";
import {checkInteger, checkOneOf, checkPowerOfTwo, describe, fail} from "../check.js";
import {counts} from "../counts.js";
import {GROUP_SIZES, MODEL_KINDS, type ModelKind} from "../types.js";

export type BudgetKind = "params" | "edges" | "macs";
export const BUDGET_KINDS: readonly BudgetKind[] = ["params", "edges", "macs"];

/** Plain names for the page and the reports. */
export const BUDGET_NAMES: Record<BudgetKind, string> = {
  params: "equal stored parameters",
  edges: "equal connections (edges, fixed ±1 ones included)",
  macs: "equal multiply-adds"
};

/** One width-W layer, counted three ways. */
export interface LayerBudget {
  params: number;
  edges: number;
  macs: number;
}

/**
 * A contender: a model kind, for Switch Net 4 its mini-layer size m, and for the WHT kinds the
 * rounds of the input projection. More than one round uses random flips (two sub-random rounds
 * give a small input about half as many distinct features: SPEC.md, lib/diversity.ts).
 */
export interface Contender {
  /** Stable id, e.g. "switchnet4-m4", "switchnet4-m4-r2", "filterbank-r2", "dense". */
  id: string;
  kind: ModelKind;
  /** Switch Net 4 mini-layer size m (ignored by other kinds). */
  groupSize: number;
  /** Input projection rounds (1 for dense, which has none). */
  rounds: number;
}

/** The contender every budget is taken from: Switch Net 4 with m = 4. */
export const REFERENCE: Contender = {id: "switchnet4-m4", kind: "switchnet4", groupSize: 4, rounds: 1};

/** A contender from its kind (and m for Switch Net 4, and projection rounds for the WHT kinds). */
export function contender(kind: ModelKind, groupSize = 4, rounds = 1): Contender {
  checkOneOf("kind", kind, MODEL_KINDS);
  checkInteger("rounds", rounds, 1, MAX_PROJECTION_ROUNDS);
  if (kind === "dense" && rounds !== 1) fail(`dense has no input projection: rounds must be 1, got ${rounds}`);
  const suffix = rounds > 1 ? `-r${rounds}` : "";
  if (kind !== "switchnet4") return {id: `${kind}${suffix}`, kind, groupSize: 4, rounds};
  if (!(GROUP_SIZES as readonly number[]).includes(groupSize)) {
    fail(`groupSize must be one of ${GROUP_SIZES.join(", ")}, got ${describe(groupSize)}`);
  }
  return {id: `switchnet4-m${groupSize}${suffix}`, kind, groupSize, rounds};
}

/** Parses "switchnet4-m8", "switchnet4-m4-r2", "butterfly-r2", "filterbank", "dense" (the ids `contender` makes). */
export function parseContender(id: string): Contender {
  const match = /^(switchnet4|butterfly|filterbank|dense)(?:-m(\d+))?(?:-r(\d+))?$/.exec(String(id));
  if (match && (match[2] === undefined || match[1] === "switchnet4")) {
    const kind = match[1] as ModelKind;
    return contender(
      kind,
      match[2] === undefined ? 4 : Number(match[2]),
      match[3] === undefined ? 1 : Number(match[3])
    );
  }
  return fail(
    `contender must be switchnet4-m1/m2/m4/m8/m16, butterfly, filterbank or dense, each WHT kind optionally with -r2 or -r3 (projection rounds); got ${JSON.stringify(id)}`
  );
}

/** Per-layer counts of one width-W layer of a contender (from `lib/counts.ts`). */
export function layerBudget(c: Contender, width: number): LayerBudget {
  const layer = counts(c.kind, width, {groupSize: c.groupSize});
  return {params: layer.stored + layer.biases, edges: layer.edges, macs: layer.active};
}

export interface MatchOptions {
  /** Smallest width allowed (WHT kinds must hold the input and the output). Default 1. */
  minWidth?: number;
  /** Largest width allowed. Default 2^22 for WHT kinds, 65,536 for dense. */
  maxWidth?: number;
}

/**
 * The width at which contender `c` spends closest to `target` of budget `budget` per layer,
 * closeness measured as |log(count / target)|. Dense: any integer width; WHT kinds: a power
 * of two. Ties go to the smaller width.
 */
export function matchWidth(c: Contender, budget: BudgetKind, target: number, options: MatchOptions = {}): number {
  checkOneOf("budget", budget, BUDGET_KINDS);
  if (typeof target !== "number" || !Number.isFinite(target) || target <= 0) {
    fail(`target must be a positive finite number, got ${target}`);
  }
  const minWidth = checkInteger("minWidth", options.minWidth ?? 1, 1);
  const maxWidth = checkInteger("maxWidth", options.maxWidth ?? (c.kind === "dense" ? 65536 : 2 ** 22), minWidth);
  const candidates: number[] = [];
  if (c.kind === "dense") {
    // Every budget of a dense layer grows like W²: search around the square root.
    const root = Math.sqrt(target);
    for (let w = Math.max(minWidth, Math.floor(root) - 2); w <= Math.min(maxWidth, Math.ceil(root) + 2); w++)
      candidates.push(w);
    if (candidates.length === 0) candidates.push(root < minWidth ? minWidth : maxWidth);
  } else {
    const low = Math.max(minWidth, c.kind === "switchnet4" ? c.groupSize : c.kind === "butterfly" ? 2 : 1);
    for (let w = 1; w <= maxWidth; w *= 2) if (w >= low) candidates.push(w);
    if (candidates.length === 0) fail(`no power-of-two width between ${low} and ${maxWidth} for ${c.id}`);
  }
  let best = candidates[0];
  let bestGap = Infinity;
  for (const w of candidates) {
    const gap = Math.abs(Math.log(layerBudget(c, w)[budget] / target));
    if (gap < bestGap - 1e-12) {
      best = w;
      bestGap = gap;
    }
  }
  return best;
}

/** One contender at one budget point. */
export interface MatchedModel {
  contender: Contender;
  budget: BudgetKind;
  /** Width of the reference Switch Net 4 (m = 4) layer that sets the budget. */
  refWidth: number;
  /** The per-layer budget to match. */
  target: number;
  width: number;
  /** The contender's own per-layer counts at that width. */
  layer: LayerBudget;
  /** layer[budget] / target: 1 means an exact match. */
  ratio: number;
}

/**
 * Every contender matched to the reference Switch Net 4 (m = 4) layer of width `refWidth`
 * under `budget`.
 */
export function matchContenders(
  refWidth: number,
  budget: BudgetKind,
  contenders: readonly Contender[],
  options: MatchOptions = {}
): MatchedModel[] {
  checkPowerOfTwo("refWidth", refWidth);
  checkOneOf("budget", budget, BUDGET_KINDS);
  const target = layerBudget(REFERENCE, refWidth)[budget];
  return contenders.map((c) => {
    const width = matchWidth(c, budget, target, options);
    const layer = layerBudget(c, width);
    return {contender: c, budget, refWidth, target, width, layer, ratio: layer[budget] / target};
  });
}
