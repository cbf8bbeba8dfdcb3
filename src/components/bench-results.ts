/**
 * Turns the library's benchmark results (lib/bench.ts) into the rows the Throughput page draws,
 * tagged with where they were measured: "build" (Node, by the data loader) or "browser" (the
 * reader's web worker).
 */
import type {ThroughputPoint} from "./throughput-chart.js";
import type {LayerPoint} from "./layer-chart.js";

export interface WhtRowLike {
  kernel: string;
  n: number;
  transformsPerSecond: number;
  nsPerElement: number;
  minMs?: number;
  maxMs?: number;
}

export function toThroughputPoints(result: {rows: WhtRowLike[]}, source: ThroughputPoint["source"]): ThroughputPoint[] {
  return result.rows
    .filter((r) => Number.isFinite(r.transformsPerSecond) && r.transformsPerSecond > 0)
    .map((r) => ({
      kernel: r.kernel,
      n: r.n,
      transformsPerSecond: r.transformsPerSecond,
      nsPerElement: r.nsPerElement,
      source
    }));
}

export interface LayerRowLike {
  /** "switchnet4" / "dense" (one layer's kernels) or "switchnet4 model" / "dense model" (createModel). */
  layer: string;
  implementation: string;
  width: number;
  connections: number;
  batch: number;
  samplesPerSecond: number;
}

export function layerLabel(kind: string, width: number): string {
  return `${kind === "dense" ? "dense" : "Switch Net 4"}, W = ${width.toLocaleString("en-US")}`;
}

/** One point per Switch Net 4 / dense row; createModel rows get "createModel (…)" as implementation. */
export function toLayerPoints(result: {rows: LayerRowLike[]}, source: LayerPoint["source"]): LayerPoint[] {
  const points: LayerPoint[] = [];
  for (const r of result.rows) {
    const [kind, model] = r.layer.split(" ");
    if ((kind !== "switchnet4" && kind !== "dense") || !(Number.isFinite(r.samplesPerSecond) && r.samplesPerSecond > 0))
      continue;
    points.push({
      model: layerLabel(kind, r.width),
      kind,
      width: r.width,
      implementation:
        model === "model" ? `createModel (${r.implementation.replace(" (model arrays)", "")})` : r.implementation,
      connections: r.connections,
      batch: r.batch,
      samplesPerSecond: r.samplesPerSecond,
      source
    });
  }
  return points;
}
