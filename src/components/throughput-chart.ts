/**
 * The Throughput page's figures: WHT transforms per second (or nanoseconds per element) against
 * size for each kernel — measured at build time and, on request, live in the reader's browser —
 * with the machine's cache sizes marked and reference figures (the blog post's figure, FFHT, the
 * project's measured anchors) drawn beside them. Helpers are pure and tested; the charts use Plot.
 */
import * as Plot from "@observablehq/plot";
import {decadesWithin} from "./log-ticks.js";

export type Metric = "transformsPerSecond" | "nsPerElement";

export interface ThroughputPoint {
  kernel: string;
  n: number;
  transformsPerSecond: number;
  nsPerElement: number;
  /** Where it was measured: "build" (node, at build time) or "browser" (this reader's browser). */
  source: "build" | "browser";
}

export interface CacheLevel {
  level: number;
  type: string;
  /** Bytes. */
  size: number;
}

export interface AnchorSeries {
  name: string;
  points: {n: number; transformsPerSecond: number; nsPerElement: number}[];
}

export interface Anchors {
  anchors: AnchorSeries[];
  ffhtPublished: {source: string; points: {n: number; seconds: number}[]};
  seedClaim: {source: string; n: number; transformsPerSecond: number};
}

export interface ReferencePoint {
  label: string;
  n: number;
  transformsPerSecond: number;
  nsPerElement: number;
}

/** Nanoseconds per element of one transform of n elements at `tps` transforms per second. */
export function nsPerElement(n: number, tps: number): number {
  return 1e9 / (tps * n);
}

/** Transforms per second from the time of one transform. */
export function ratePerSecond(seconds: number): number {
  return 1 / seconds;
}

/** The size n (float32 elements) at which one vector fills each data cache. */
export function cacheMarkers(caches: CacheLevel[]): {label: string; n: number; bytes: number}[] {
  return caches
    .filter((c) => c.type !== "Instruction" && c.size > 0)
    .map((c) => ({
      label: `L${c.level}${c.type === "Data" ? "d" : ""} ${formatBytes(c.size)}`,
      n: c.size / 4,
      bytes: c.size
    }))
    .sort((a, b) => a.n - b.n);
}

export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 20 && bytes % 2 ** 20 === 0) return `${bytes / 2 ** 20} MiB`;
  if (bytes >= 2 ** 10 && bytes % 2 ** 10 === 0) return `${bytes / 2 ** 10} KiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return `${bytes} B`;
}

/**
 * Reference points: the blog post's figure (5,000 transforms of 65,536 points per second on a
 * low-cost CPU) and the published FFHT figures (sizes within [minN, maxN]).
 */
export function referencePoints(anchors: Anchors, minN = 16, maxN = 2 ** 22): ReferencePoint[] {
  const seed = anchors.seedClaim;
  const points: ReferencePoint[] = [
    {
      label: "the blog post's figure: 5,000/s at 65,536",
      n: seed.n,
      transformsPerSecond: seed.transformsPerSecond,
      nsPerElement: nsPerElement(seed.n, seed.transformsPerSecond)
    }
  ];
  for (const p of anchors.ffhtPublished.points) {
    const tps = ratePerSecond(p.seconds);
    points.push({
      label: `FFHT published (i5-2500)`,
      n: p.n,
      transformsPerSecond: tps,
      nsPerElement: nsPerElement(p.n, tps)
    });
  }
  return points.filter((p) => p.n >= minN && p.n <= maxN);
}

/** The project's anchor measurements as long-format rows within [minN, maxN]. */
export function anchorRows(anchors: Anchors, minN = 16, maxN = 2 ** 22) {
  return anchors.anchors.flatMap((a) =>
    a.points.filter((p) => p.n >= minN && p.n <= maxN).map((p) => ({...p, anchor: a.name}))
  );
}

export interface ThroughputChartOptions {
  width?: number;
  metric?: Metric;
  caches?: CacheLevel[];
  anchors?: Anchors;
  /** Show the project's anchor lines (FFHT, naive JS, …) measured on the development machine. */
  showAnchors?: boolean;
}

const KERNEL_COLORS = ["#4269d0", "#3ca951", "#ff725c", "#efb118", "#a463f2", "#6cc5b0"];

/** The key to the reference stars, under the chart: "★ the blog post's figure … ☆ FFHT …". */
export function referenceKey(refs: ReferencePoint[]): HTMLElement {
  const key = document.createElement("div");
  key.className = "sn-caption sn-ref-key";
  const labels = Array.from(new Set(refs.slice(1).map((r) => r.label)));
  const parts = [
    `★ ${refs[0].label}`,
    ...labels.map(
      (l) =>
        `☆ ${l}, at ${refs
          .filter((r) => r.label === l)
          .map((r) => `2^${Math.log2(r.n)}`)
          .join(" and ")}`
    )
  ];
  key.textContent = parts.join(" · ");
  return key;
}

export function throughputChart(
  points: ThroughputPoint[],
  options: ThroughputChartOptions = {}
): SVGSVGElement | HTMLElement {
  const refs = options.anchors ? referencePoints(options.anchors) : [];
  const chart = throughputPlot(points, options);
  if (refs.length && chart instanceof HTMLElement) chart.append(referenceKey(refs));
  return chart;
}

function throughputPlot(points: ThroughputPoint[], options: ThroughputChartOptions): SVGSVGElement | HTMLElement {
  const width = options.width ?? 640;
  const metric = options.metric ?? "transformsPerSecond";
  const build = points.filter((p) => p.source === "build");
  const browser = points.filter((p) => p.source === "browser");
  const kernels = Array.from(new Set(points.map((p) => p.kernel)));
  const markers = cacheMarkers(options.caches ?? []).filter((m) => m.n >= 16 && m.n <= 2 ** 22);
  const refs = options.anchors ? referencePoints(options.anchors) : [];
  const anchorData = options.anchors && options.showAnchors !== false ? anchorRows(options.anchors) : [];
  const yLabel =
    metric === "transformsPerSecond" ? "↑ transforms per second" : "↑ nanoseconds per element (lower is faster)";
  const lastOf = (rows: typeof anchorData) => Array.from(new Map(rows.map((r) => [r.anchor, r])).values());
  return Plot.plot({
    width,
    height: Math.round(Math.min(480, Math.max(320, width * 0.62))),
    marginLeft: 56,
    marginRight: width < 560 ? 16 : 150,
    x: {
      type: "log",
      base: 2,
      domain: [16, 2 ** 22],
      label: "transform size n (float32 elements) →",
      tickFormat: (d: number) => `2^${Math.log2(d)}`,
      ticks: width < 560 ? 5 : 10
    },
    y: {
      type: "log",
      label: yLabel,
      grid: true,
      tickFormat: "~s",
      ticks: decadesWithin([
        ...points.map((p) => p[metric]),
        ...anchorData.map((p) => p[metric]),
        ...refs.map((p) => p[metric])
      ])
    },
    color: {domain: kernels, range: KERNEL_COLORS, legend: true, label: "kernel"},
    marks: [
      markers.length
        ? Plot.ruleX(markers, {x: "n", stroke: "currentColor", strokeOpacity: 0.3, strokeDasharray: "2 3"})
        : null,
      markers.length
        ? Plot.text(markers, {
            x: "n",
            text: "label",
            frameAnchor: "top",
            dy: 4,
            dx: 3,
            textAnchor: "start",
            rotate: 0,
            fontSize: 10,
            fill: "currentColor",
            fillOpacity: 0.7
          })
        : null,
      anchorData.length
        ? Plot.line(anchorData, {
            x: "n",
            y: metric,
            z: "anchor",
            stroke: "currentColor",
            strokeOpacity: 0.28,
            strokeWidth: 1
          })
        : null,
      anchorData.length && width >= 560
        ? Plot.text(lastOf(anchorData), {
            x: "n",
            y: metric,
            text: "anchor",
            dx: 6,
            textAnchor: "start",
            fontSize: 9,
            fill: "currentColor",
            fillOpacity: 0.6,
            lineWidth: 14
          })
        : null,
      Plot.line(build, {x: "n", y: metric, stroke: "kernel", strokeWidth: 2}),
      Plot.dot(build, {x: "n", y: metric, fill: "kernel", r: 2.5}),
      browser.length
        ? Plot.line(browser, {x: "n", y: metric, stroke: "kernel", strokeWidth: 2.5, strokeDasharray: "6 3"})
        : null,
      browser.length
        ? Plot.dot(browser, {x: "n", y: metric, stroke: "kernel", fill: "none", r: 3.5, symbol: "square"})
        : null,
      // Reference stars: filled for the blog post's figure, hollow for FFHT's. Their labels are in
      // a key under the chart, where no curve (the browser's included) can run through them.
      refs.length
        ? Plot.dot(
            refs.filter((r) => r === refs[0]),
            {x: "n", y: metric, symbol: "star", r: 6, fill: "currentColor", title: "label"}
          )
        : null,
      refs.length > 1
        ? Plot.dot(refs.slice(1), {
            x: "n",
            y: metric,
            symbol: "star",
            r: 6,
            fill: "var(--theme-background, white)",
            stroke: "currentColor",
            strokeWidth: 1.5,
            title: "label"
          })
        : null,
      Plot.tip(
        points,
        Plot.pointer({
          x: "n",
          y: metric,
          stroke: "kernel",
          title: (d: ThroughputPoint) =>
            `${d.kernel} (${d.source === "build" ? "build time, node" : "this browser"})\nn = 2^${Math.log2(d.n)} = ${d.n.toLocaleString("en-US")}\n${formatRate(d.transformsPerSecond)} transforms/s\n${d.nsPerElement.toFixed(2)} ns per element`
        })
      )
    ]
  }) as SVGSVGElement | HTMLElement;
}

export function formatRate(tps: number): string {
  if (tps >= 1e6) return `${(tps / 1e6).toFixed(tps >= 1e7 ? 0 : 1)}M`;
  if (tps >= 1e3) return `${(tps / 1e3).toFixed(tps >= 1e4 ? 0 : 1)}k`;
  return tps >= 10 ? tps.toFixed(0) : tps.toFixed(1);
}
