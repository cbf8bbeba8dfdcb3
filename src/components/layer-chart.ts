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
  /** Which pass was timed, e.g. "forward" or "forward + backward". */
  pass: string;
  batch: number;
  samplesPerSecond: number;
  source: "build" | "browser";
}

/** Switch Net 4 speed divided by dense speed for each (source, pass) pair that has both. */
export function layerRatios(points: LayerPoint[]): {source: string; pass: string; ratio: number}[] {
  const out: {source: string; pass: string; ratio: number}[] = [];
  const keys = new Set(points.map((p) => `${p.source}\u0000${p.pass}`));
  for (const key of keys) {
    const [source, pass] = key.split("\u0000");
    const sn = points.find((p) => p.source === source && p.pass === pass && p.kind === "switchnet4");
    const dense = points.find((p) => p.source === source && p.pass === pass && p.kind === "dense");
    if (sn && dense) out.push({source, pass, ratio: sn.samplesPerSecond / dense.samplesPerSecond});
  }
  return out;
}

export function layerChart(points: LayerPoint[], {width = 640}: {width?: number} = {}): SVGSVGElement | HTMLElement {
  const group = (p: LayerPoint) => `${p.source === "build" ? "build time (node)" : "this browser"}, ${p.pass}, batch ${p.batch}`;
  const rows = points.map((p) => ({...p, group: group(p)}));
  const groups = Array.from(new Set(rows.map((r) => r.group)));
  return Plot.plot({
    width,
    height: 40 + groups.length * 86,
    marginLeft: 10,
    marginRight: 10,
    x: {label: "samples per second →", grid: true, tickFormat: "~s", insetRight: 10},
    // Each facet: a caption row, then one bar per model.
    y: {label: null, axis: null, domain: ["caption", "switchnet4", "dense"], paddingInner: 0.15},
    fy: {label: null, domain: groups, axis: null},
    color: {domain: ["switchnet4", "dense"], range: ["#4269d0", "#ff725c"]},
    marks: [
      Plot.text(groups, {fy: (d: string) => d, y: () => "caption", x: 0, text: (d: string) => d, textAnchor: "start", fontSize: 11, fontWeight: "bold", fill: "currentColor"}),
      Plot.barX(rows, {fy: "group", y: "kind", x: "samplesPerSecond", fill: "kind"}),
      Plot.text(rows, {
        fy: "group", y: "kind", x: 0, dx: 4, textAnchor: "start", fontSize: 11, fill: "white",
        text: (d: LayerPoint) => `${d.model}: ${Math.round(d.samplesPerSecond).toLocaleString("en-US")}/s`
      }),
      Plot.ruleX([0])
    ]
  }) as SVGSVGElement | HTMLElement;
}
