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
    .map((r) => ({kernel: r.kernel, n: r.n, transformsPerSecond: r.transformsPerSecond, nsPerElement: r.nsPerElement, source}));
}

export interface LayerRowLike {
  kind: string;
  width: number;
  pass: string;
  batch: number;
  samplesPerSecond: number;
}

export function layerLabel(kind: string, width: number): string {
  return `${kind === "dense" ? "dense" : "Switch Net 4"}, W = ${width.toLocaleString("en-US")}`;
}

export function toLayerPoints(result: {rows: LayerRowLike[]}, source: LayerPoint["source"]): LayerPoint[] {
  return result.rows
    .filter((r) => (r.kind === "switchnet4" || r.kind === "dense") && Number.isFinite(r.samplesPerSecond) && r.samplesPerSecond > 0)
    .map((r) => ({
      model: layerLabel(r.kind, r.width),
      kind: r.kind as LayerPoint["kind"],
      width: r.width,
      pass: r.pass,
      batch: r.batch,
      samplesPerSecond: r.samplesPerSecond,
      source
    }));
}
