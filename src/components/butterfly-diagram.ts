/**
 * Draws a wiring graph (see wiring-graph.ts) as an SVG butterfly diagram with d3: columns left
 * to right, one row per element. Hover or tap an input (left column) to light up every node and
 * edge it influences; tap again to release. Optional per-row values colour the nodes up to the
 * mini layers, and switch states mark which weight pattern (A or B) each mini-layer input selects.
 */
import * as d3 from "d3";
import {columnValues, reach, type WiringGraph} from "./wiring-graph.js";

export interface DiagramOptions {
  /** Available width in CSS pixels. */
  width: number;
  /** Values at the mini layers' inputs (after the projection), one per row: colours and switch states. */
  projected?: ArrayLike<number>;
  /** Values of the input column, one per row. */
  input?: ArrayLike<number>;
  /** Row to highlight at first (e.g. from the URL), or -1. */
  highlight?: number;
  /** Called with the pinned row (or -1) when the reader taps, clicks or presses Enter on an input. */
  onPin?: (row: number) => void;
}

export interface DiagramLayout {
  x: number[];
  y: number[];
  rowHeight: number;
  nodeRadius: number;
  height: number;
  margin: {top: number; right: number; bottom: number; left: number};
}

/** Column x positions and row y positions that fit `width` pixels. */
export function diagramLayout(graph: WiringGraph, width: number): DiagramLayout {
  const n = graph.width;
  const rowHeight = Math.max(8, Math.min(26, 520 / n));
  const margin = {top: 46, right: 14, bottom: 10, left: 30};
  const inner = Math.max(120, width - margin.left - margin.right);
  const step = inner / Math.max(1, graph.columns.length - 1);
  const x = graph.columns.map((_, c) => margin.left + c * step);
  const y = Array.from({length: n}, (_, r) => margin.top + (r + 0.5) * rowHeight);
  const nodeRadius = Math.max(2, Math.min(6, rowHeight * 0.3, step * 0.2));
  return {x, y, rowHeight, nodeRadius, height: margin.top + n * rowHeight + margin.bottom, margin};
}

/** Spans of consecutive columns sharing a kind, for the labels above the diagram. */
export function columnBands(graph: WiringGraph): {kind: string; first: number; last: number}[] {
  const bands: {kind: string; first: number; last: number}[] = [];
  graph.columns.forEach((column, c) => {
    const last = bands.at(-1);
    if (last && last.kind === column.kind) last.last = c;
    else bands.push({kind: column.kind, first: c, last: c});
  });
  return bands;
}

const BAND_LABELS: Record<string, [string, string]> = {
  input: ["input", "x"],
  flip: ["sign flips", "±"],
  projection: ["projection: WHT", "WHT"],
  mini: ["mini layers", "m×m"],
  combiner: ["combiner: butterflies", "WHT"]
};

const STYLE = `
.sn-bfly line { stroke-width: 1; }
.sn-bfly .e-fixed { stroke: currentColor; stroke-opacity: 0.28; }
.sn-bfly .e-neg { stroke: var(--theme-red); stroke-opacity: 0.45; stroke-dasharray: 3 2; }
.sn-bfly .e-mini { stroke: var(--theme-blue); stroke-opacity: 0.6; stroke-width: 1.4; }
.sn-bfly .e-mini.pat-b { stroke: var(--theme-yellow); }
.sn-bfly.lit line { stroke-opacity: 0.06; }
.sn-bfly.lit line.on { stroke-opacity: 0.85; stroke-width: var(--lit-width, 2); }
.sn-bfly circle { fill: var(--theme-background); stroke: currentColor; stroke-width: 1; }
.sn-bfly circle.pos { fill: var(--theme-blue); }
.sn-bfly circle.neg { fill: var(--theme-red); }
.sn-bfly circle.zero { fill: var(--theme-background); }
.sn-bfly.lit circle { opacity: 0.25; }
.sn-bfly.lit circle.on { opacity: 1; stroke-width: 2; }
.sn-bfly .hit { fill: transparent; cursor: pointer; }
.sn-bfly .hit:focus-visible { outline: none; fill: var(--theme-foreground-faintest); }
.sn-bfly .hit:hover + text, .sn-bfly text.on { font-weight: 700; }
.sn-bfly text { fill: currentColor; font: 11px var(--sans-serif); }
.sn-bfly .band { stroke: currentColor; stroke-opacity: 0.4; }
.sn-bfly .sw-a { fill: var(--theme-blue); }
.sn-bfly .sw-b { fill: var(--theme-yellow); }
`;

function signClass(v: number | undefined): string {
  if (v === undefined) return "";
  return v > 1e-9 ? "pos" : v < -1e-9 ? "neg" : "zero";
}

export function butterflyDiagram(graph: WiringGraph, options: DiagramOptions): SVGSVGElement {
  const layout = diagramLayout(graph, options.width);
  const {x, y, nodeRadius, height, margin} = layout;
  const width = Math.max(options.width, 160);
  const n = graph.width;
  const mini = graph.columns.findIndex((c) => c.kind === "mini");
  const projected = options.projected;

  const svg = d3
    .create("svg")
    .attr("class", "sn-bfly")
    .attr("width", width)
    .attr("height", height)
    .attr("viewBox", `0 0 ${width} ${height}`)
    .attr("role", "img")
    .attr(
      "aria-label",
      `Butterfly wiring of a width-${n} Switch Net 4 layer with ${graph.groupSize}×${graph.groupSize} mini layers, ${graph.mode} combiner`
    );
  svg.append("style").text(STYLE);
  // Wide diagrams light up thinner wires, so the lit paths stay readable.
  svg.style("--lit-width", n >= 32 ? "0.9" : n >= 16 ? "1.5" : "2");

  // Bands naming each part of the layer.
  const bands = svg.append("g");
  for (const band of columnBands(graph)) {
    const x0 = x[band.first] - (band.first === band.last ? 14 : 4);
    const x1 = x[band.last] + (band.first === band.last ? 14 : 4);
    const [long, short] = BAND_LABELS[band.kind];
    const label = x1 - x0 >= long.length * 6 ? long : short;
    bands
      .append("text")
      .attr("x", (x0 + x1) / 2)
      .attr("y", 14)
      .attr("text-anchor", "middle")
      .text(label);
    bands.append("path").attr("class", "band").attr("fill", "none").attr("d", `M${x0},24V20H${x1}V24`);
  }
  svg
    .append("text")
    .attr("x", x[0])
    .attr("y", margin.top - 8)
    .attr("text-anchor", "middle")
    .text("i");

  // Edges, drawn column by column.
  const states = projected ? Array.from(projected, (v) => (v >= 0 ? "a" : "b")) : null;
  const edges = svg
    .append("g")
    .selectAll("line")
    .data(graph.edges)
    .join("line")
    .attr("x1", (e) => x[e.column - 1])
    .attr("y1", (e) => y[e.from])
    .attr("x2", (e) => x[e.column])
    .attr("y2", (e) => y[e.to])
    .attr("class", (e) => {
      if (e.kind === "mini") return `e-mini${states && states[e.from] === "b" ? " pat-b" : ""}`;
      return e.sign < 0 ? "e-neg" : "e-fixed";
    });

  // Nodes: values coloured by sign through the fixed columns, up to the mini layers' inputs.
  const values: (ArrayLike<number> | undefined)[] = options.input
    ? columnValues(graph, options.input)
    : graph.columns.map(() => undefined);
  if (mini > 0 && projected) values[mini - 1] = projected;
  const nodeData = graph.columns.flatMap((_, c) => Array.from({length: n}, (_, r) => ({c, r})));
  const nodes = svg
    .append("g")
    .selectAll("circle")
    .data(nodeData)
    .join("circle")
    .attr("cx", (d) => x[d.c])
    .attr("cy", (d) => y[d.r])
    .attr("r", nodeRadius)
    .attr("class", (d) => signClass(values[d.c]?.[d.r]));

  // Switch states beside the mini layers' inputs: A (v ≥ 0) or B (v < 0).
  if (states && mini > 0 && layout.rowHeight >= 8) {
    svg
      .append("g")
      .selectAll("text")
      .data(states)
      .join("text")
      .attr("class", (s) => `switch sw-${s}`)
      .attr("x", (x[mini - 1] + x[mini]) / 2)
      .attr("y", (_, r) => y[r] + 3.5)
      .attr("text-anchor", "middle")
      .style("font-size", `${Math.min(11, layout.rowHeight)}px`)
      .style("font-weight", "700")
      .text((s) => s.toUpperCase());
  }

  // Input labels and hit areas: hover or tap to light up an input's paths.
  const labelEvery = n > 32 ? 4 : n > 16 ? 2 : 1;
  const inputs = svg.append("g");
  const labels: d3.Selection<SVGTextElement, undefined, null, undefined>[] = [];
  let pinned = -1;
  const pin = (row: number) => {
    pinned = pinned === row ? -1 : row;
    light(pinned);
    options.onPin?.(pinned);
  };
  const light = (row: number) => {
    if (row < 0) {
      svg.classed("lit", false);
      edges.classed("on", false);
      nodes.classed("on", false);
      labels.forEach((l) => l.classed("on", false));
      svg.attr("data-highlight", null);
      return;
    }
    const r = reach(graph, row);
    svg.classed("lit", true).attr("data-highlight", row);
    edges.classed("on", (_, k) => r.edges[k]);
    nodes.classed("on", (d) => r.nodes[d.c][d.r]);
    labels.forEach((l, k) => l.classed("on", k === row));
  };
  for (let row = 0; row < n; row++) {
    inputs
      .append("rect")
      .attr("class", "hit")
      .attr("data-row", row)
      .attr("x", 0)
      .attr("y", y[row] - layout.rowHeight / 2)
      .attr("width", x[0] + nodeRadius + 4)
      .attr("height", layout.rowHeight)
      .attr("tabindex", 0)
      .attr("role", "button")
      .attr("aria-label", `input ${row}: light up its paths`)
      .on("pointerenter", () => {
        if (pinned < 0) light(row);
      })
      .on("pointerleave", () => {
        if (pinned < 0) light(-1);
      })
      .on("click", (event: Event) => {
        event.preventDefault();
        pin(row);
      })
      .on("keydown", (event: KeyboardEvent) => {
        if (event.key !== "Enter" && event.key !== " ") return;
        event.preventDefault();
        pin(row);
      });
    labels.push(
      inputs
        .append("text")
        .attr("x", x[0] - nodeRadius - 4)
        .attr("y", y[row] + 3.5)
        .attr("text-anchor", "end")
        .style("pointer-events", "none")
        .text(row % labelEvery === 0 ? String(row) : "")
    );
  }
  if (options.highlight !== undefined && options.highlight >= 0 && options.highlight < n) {
    pinned = options.highlight;
    light(pinned);
  }
  return svg.node()!;
}

/** A small HTML legend for the diagram's marks: switch patterns and node values only when drawn. */
export function butterflyLegend(withSwitches: boolean, withValues = withSwitches): HTMLElement {
  const items: [string, string][] = [
    [
      `<svg width="22" height="8"><line x1="0" y1="4" x2="22" y2="4" style="stroke:var(--theme-blue);stroke-width:2"/></svg>`,
      "learned mini-layer edge (pattern A)"
    ],
    ...(withSwitches
      ? [
          [
            `<svg width="22" height="8"><line x1="0" y1="4" x2="22" y2="4" style="stroke:var(--theme-yellow);stroke-width:2"/></svg>`,
            "learned edge, pattern B (input < 0)"
          ] as [string, string]
        ]
      : []),
    [
      `<svg width="22" height="8"><line x1="0" y1="4" x2="22" y2="4" style="stroke:currentColor;stroke-opacity:.5"/></svg>`,
      "fixed +1 wire"
    ],
    [
      `<svg width="22" height="8"><line x1="0" y1="4" x2="22" y2="4" style="stroke:var(--theme-red);stroke-dasharray:3 2"/></svg>`,
      "fixed −1 wire"
    ],
    ...(withValues
      ? ([
          [
            `<svg width="12" height="12"><circle cx="6" cy="6" r="5" style="fill:var(--theme-blue)"/></svg>`,
            "value > 0"
          ],
          [`<svg width="12" height="12"><circle cx="6" cy="6" r="5" style="fill:var(--theme-red)"/></svg>`, "value < 0"]
        ] as [string, string][])
      : [])
  ];
  const div = document.createElement("div");
  div.className = "sn-legend";
  div.innerHTML = items.map(([swatch, label]) => `<span>${swatch} ${label}</span>`).join("");
  return div;
}
