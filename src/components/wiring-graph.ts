/**
 * The wiring of one Switch Net 4 layer as a layered graph, for the Wiring page's diagram:
 * inputs → sign flips → the projection's WHT stages → m×m mini layers → butterfly stages.
 *
 * Pure data: columns of `width` nodes and the edges between consecutive columns, each tagged
 * with its kind (learned mini-layer edge or fixed ±1 edge) and sign. `reach` lights up every
 * node and edge an input influences. "truncated" skips the combiner's first log2(m) butterfly
 * stages (exact: the mini layers absorb them); "full" draws every stage, for comparison.
 */
import {checkInteger, checkOneOf, checkPowerOfTwo, fail} from "../lib/check.js";

export type WiringMode = "truncated" | "full";
export const WIRING_MODES: readonly WiringMode[] = ["truncated", "full"];

export type ColumnKind = "input" | "flip" | "projection" | "mini" | "combiner";
/** Fixed edges are ±1 wires (never parameters); mini edges carry learned weights. */
export type EdgeKind = "flip" | "projection" | "mini" | "combiner";

export interface WiringColumn {
  kind: ColumnKind;
  /** Butterfly half-size h of the stage that produced this column (stage columns only). */
  half?: number;
  label: string;
}

export interface WiringEdge {
  /** The edge runs from column `column - 1`, row `from`, to column `column`, row `to`. */
  column: number;
  from: number;
  to: number;
  kind: EdgeKind;
  sign: 1 | -1;
}

export interface WiringGraph {
  width: number;
  groupSize: number;
  mode: WiringMode;
  columns: WiringColumn[];
  edges: WiringEdge[];
}

export interface WiringOptions {
  width: number;
  groupSize: number;
  mode: WiringMode;
  /** The input sign flips D_in (±1, length `width`). */
  flips: ArrayLike<number>;
  /** Draw the projection's full WHT after the flips (default true). */
  projection?: boolean;
  /** Draw the sign-flip column (default true; the Overview's sketch leaves it out). */
  showFlips?: boolean;
}

/** Butterfly half-sizes of the combiner: from m (truncated) or 1 (full) up to width/2. */
export function combinerHalves(width: number, groupSize: number, mode: WiringMode): number[] {
  const halves: number[] = [];
  for (let h = mode === "truncated" ? groupSize : 1; h < width; h *= 2) halves.push(h);
  return halves;
}

function butterflyEdges(edges: WiringEdge[], column: number, width: number, half: number, kind: EdgeKind): void {
  for (let i = 0; i < width; i += 2 * half) {
    for (let a = i; a < i + half; a++) {
      const b = a + half;
      // (a, b) → (a + b, a − b)
      edges.push({column, from: a, to: a, kind, sign: 1});
      edges.push({column, from: b, to: a, kind, sign: 1});
      edges.push({column, from: a, to: b, kind, sign: 1});
      edges.push({column, from: b, to: b, kind, sign: -1});
    }
  }
}

export function wiringGraph(options: WiringOptions): WiringGraph {
  const width = checkPowerOfTwo("width", options.width);
  const groupSize = checkPowerOfTwo("groupSize", options.groupSize);
  if (groupSize > width) fail(`groupSize must be at most the width ${width}, got ${groupSize}`);
  const mode = checkOneOf("mode", options.mode, WIRING_MODES);
  const flips = options.flips;
  if (!flips || flips.length !== width) fail(`flips must have length ${width}, got ${flips ? flips.length : flips}`);
  for (let i = 0; i < width; i++) {
    if (flips[i] !== 1 && flips[i] !== -1) fail(`flips must hold only +1 and -1, but flips[${i}] is ${flips[i]}`);
  }
  const columns: WiringColumn[] = [{kind: "input", label: "input x"}];
  const edges: WiringEdge[] = [];

  if (options.showFlips ?? true) {
    columns.push({kind: "flip", label: "sign flips"});
    for (let i = 0; i < width; i++) edges.push({column: 1, from: i, to: i, kind: "flip", sign: flips[i] as 1 | -1});
  }

  if (options.projection ?? true) {
    for (let h = 1; h < width; h *= 2) {
      columns.push({kind: "projection", half: h, label: `WHT stage h=${h}`});
      butterflyEdges(edges, columns.length - 1, width, h, "projection");
    }
  }

  columns.push({kind: "mini", label: `${width / groupSize} mini layers ${groupSize}×${groupSize}`});
  const mini = columns.length - 1;
  for (let g = 0; g < width; g += groupSize) {
    for (let i = g; i < g + groupSize; i++) {
      for (let o = g; o < g + groupSize; o++) edges.push({column: mini, from: i, to: o, kind: "mini", sign: 1});
    }
  }

  for (const h of combinerHalves(width, groupSize, mode)) {
    columns.push({kind: "combiner", half: h, label: `butterfly h=${h}`});
    butterflyEdges(edges, columns.length - 1, width, h, "combiner");
  }
  return {width, groupSize, mode, columns, edges};
}

/** Edges of the layer proper (mini layers and combiner), per input point: the 2·log2 W a reader counted. */
export function layerEdgesPerPoint(graph: WiringGraph): {learned: number; fixed: number; total: number} {
  let learned = 0;
  let fixed = 0;
  for (const e of graph.edges) {
    if (e.kind === "mini") learned++;
    else if (e.kind === "combiner") fixed++;
  }
  return {learned: learned / graph.width, fixed: fixed / graph.width, total: (learned + fixed) / graph.width};
}

export interface Reach {
  /** nodes[c][r]: does input `row` influence node r of column c? */
  nodes: boolean[][];
  /** For each edge index of graph.edges: is it on a path from the input? */
  edges: boolean[];
}

/** Every node and edge that input `row` influences, column by column. */
export function reach(graph: WiringGraph, row: number): Reach {
  checkInteger("row", row, 0, graph.width - 1);
  const nodes = graph.columns.map(() => new Array<boolean>(graph.width).fill(false));
  nodes[0][row] = true;
  const edges = new Array<boolean>(graph.edges.length).fill(false);
  // Edges are stored column by column, so one pass in order propagates reach forwards.
  graph.edges.forEach((e, k) => {
    if (nodes[e.column - 1][e.from]) {
      edges[k] = true;
      nodes[e.column][e.to] = true;
    }
  });
  return {nodes, edges};
}

/** How many nodes of each column an input reaches. */
export function reachCounts(r: Reach): number[] {
  return r.nodes.map((column) => column.filter(Boolean).length);
}

/**
 * The matrix that columns firstColumn..lastColumn apply, fixed ±1 edges only (mini layers hold
 * learned weights and are refused): M[to][from] = Σ over paths of the product of signs.
 * Shows, for example, that the projection's stages compose to the Hadamard matrix.
 */
export function composeColumns(graph: WiringGraph, firstColumn: number, lastColumn: number): number[][] {
  const n = graph.width;
  let m: number[][] = Array.from({length: n}, (_, i) => Array.from({length: n}, (_, j) => (i === j ? 1 : 0)));
  for (let c = firstColumn; c <= lastColumn; c++) {
    const step: number[][] = Array.from({length: n}, () => new Array<number>(n).fill(0));
    for (const e of graph.edges) {
      if (e.column !== c) continue;
      if (e.kind === "mini") fail(`column ${c} holds learned mini-layer edges; compose fixed columns only`);
      step[e.to][e.from] += e.sign;
    }
    m = step.map((row) => m[0].map((_, j) => row.reduce((s, v, k) => s + v * m[k][j], 0)));
  }
  return m;
}

/** Which of its two weight patterns each element selects: 0 = A (v ≥ 0), 1 = B (v < 0). */
export function switchStates(values: ArrayLike<number>): Uint8Array {
  const states = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) states[i] = values[i] >= 0 ? 0 : 1;
  return states;
}

/**
 * The value at every node of the fixed columns, from the input up to the mini layers' inputs
 * (unnormalised: sums of ±inputs along the wires). Columns from the mini layers on depend on
 * learned weights and are left undefined.
 */
export function columnValues(graph: WiringGraph, input: ArrayLike<number>): (Float64Array | undefined)[] {
  if (input.length !== graph.width) fail(`input must have length ${graph.width}, got ${input.length}`);
  const out: (Float64Array | undefined)[] = graph.columns.map(() => undefined);
  out[0] = Float64Array.from(input);
  const mini = graph.columns.findIndex((c) => c.kind === "mini");
  for (let c = 1; c < mini; c++) out[c] = new Float64Array(graph.width);
  for (const e of graph.edges) {
    if (e.column >= mini) continue;
    out[e.column]![e.to] += e.sign * out[e.column - 1]![e.from];
  }
  return out;
}
