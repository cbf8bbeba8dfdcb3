/**
 * The Throughput page's layer figure: samples per second through one whole layer, Switch Net 4
 * at W = 65,536 against a dense layer of width 1448 (equal connections), at build time and in
 * the reader's browser, as horizontal bars with the speed ratio spelled out.
 */
import * as Plot from "@observablehq/plot";

export interface LayerPoint {
  /** e.g. "Switch Net 4, W = 65,536" or "dense, W = 1448". */
  model: string;
  kind: "switchnet4" | "dense";
  width: number;
  /** How it ran: "js", "wasm-simd", "wasm-simd+copy", "createModel (js)", … (forward + backward timed). */
  implementation: string;
  /** Edges per sample through the layer (learned + fixed ±1). */
  connections: number;
  batch: number;
  samplesPerSecond: number;
  source: "build" | "browser";
}

/** "2.10M" — connections, short. */
export function formatConnections(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(n);
}

/** The facet a point belongs to: where and how it ran, and the batch. */
export function layerGroup(p: LayerPoint): string {
  return `${p.source === "build" ? "build (node)" : "this browser"} · ${p.implementation} · batch ${p.batch}`;
}

/** Switch Net 4 speed divided by dense speed for each group that has both. */
export function layerRatios(
  points: LayerPoint[]
): {group: string; source: string; implementation: string; batch: number; ratio: number}[] {
  const out: {group: string; source: string; implementation: string; batch: number; ratio: number}[] = [];
  for (const group of new Set(points.map(layerGroup))) {
    const sn = points.find((p) => layerGroup(p) === group && p.kind === "switchnet4");
    const dense = points.find((p) => layerGroup(p) === group && p.kind === "dense");
    if (sn && dense)
      out.push({
        group,
        source: sn.source,
        implementation: sn.implementation,
        batch: sn.batch,
        ratio: sn.samplesPerSecond / dense.samplesPerSecond
      });
  }
  return out;
}

export function layerChart(points: LayerPoint[], {width = 640}: {width?: number} = {}): SVGSVGElement | HTMLElement {
  const rows = points.map((p) => ({...p, group: layerGroup(p)}));
  const groups = Array.from(new Set(rows.map((r) => r.group)));
  const max = Math.max(...rows.map((r) => r.samplesPerSecond));
  // Narrow screens get the rate only (the caption says which colour is which model).
  const rate = (d: LayerPoint) => `${Math.round(d.samplesPerSecond).toLocaleString("en-US")}/s`;
  const label =
    width < 560 ? rate : (d: LayerPoint) => `${d.model} (${formatConnections(d.connections)} connections): ${rate(d)}`;
  // About 6 px per character at 11 px: a label fits inside when its bar is longer than the text.
  const inside = (d: LayerPoint) => (d.samplesPerSecond / max) * (width - 30) > label(d).length * 6.2 + 8;
  return Plot.plot({
    width,
    height: 40 + groups.length * 78,
    marginLeft: 10,
    marginRight: 10,
    x: {label: "samples per second →", grid: true, tickFormat: "~s", insetRight: 10},
    // Each facet: a caption row, then one bar per model.
    y: {label: null, axis: null, domain: ["caption", "switchnet4", "dense"], paddingInner: 0.15},
    fy: {label: null, domain: groups, axis: null},
    color: {domain: ["switchnet4", "dense"], range: ["#4269d0", "#ff725c"]},
    marks: [
      Plot.text(groups, {
        fy: (d: string) => d,
        y: () => "caption",
        x: 0,
        text: (d: string) => d,
        textAnchor: "start",
        fontSize: 11,
        fontWeight: "bold",
        fill: "currentColor"
      }),
      Plot.barX(rows, {fy: "group", y: "kind", x: "samplesPerSecond", fill: "kind"}),
      // Labels inside long bars (white, right-aligned), beside short ones (text colour).
      Plot.text(rows.filter(inside), {
        fy: "group",
        y: "kind",
        x: "samplesPerSecond",
        dx: -4,
        textAnchor: "end",
        fontSize: 11,
        fill: "white",
        text: label
      }),
      Plot.text(
        rows.filter((d) => !inside(d)),
        {
          fy: "group",
          y: "kind",
          x: "samplesPerSecond",
          dx: 4,
          textAnchor: "start",
          fontSize: 11,
          fill: "currentColor",
          text: label
        }
      ),
      Plot.ruleX([0])
    ]
  }) as SVGSVGElement | HTMLElement;
}
