/**
 * The Overview's live figure: a vector and its normalised Walsh–Hadamard transform, computed by
 * the library's `wht` in the page. Changing one input moves every output, and the length (norm)
 * of the vector is unchanged — the two facts the Switch Net 4 combiner relies on.
 */
import * as Plot from "@observablehq/plot";
import {wht} from "../lib/wht.js";

export interface WhtDemoRow {
  panel: string;
  i: number;
  value: number;
}

export interface WhtDemo {
  rows: WhtDemoRow[];
  input: Float32Array;
  output: Float32Array;
  inputNorm: number;
  outputNorm: number;
}

export const INPUT_PANEL = "input x";
export const OUTPUT_PANEL = "WHT(x) / √n";

const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

/** Transforms a copy of `x` (length a power of two) with the library's normalised WHT. */
export function whtDemo(x: ArrayLike<number>): WhtDemo {
  const input = Float32Array.from(x);
  const output = wht(Float32Array.from(input), {normalize: true});
  const rows: WhtDemoRow[] = [];
  input.forEach((value, i) => rows.push({panel: INPUT_PANEL, i, value}));
  output.forEach((value, i) => rows.push({panel: OUTPUT_PANEL, i, value}));
  return {rows, input, output, inputNorm: norm(input), outputNorm: norm(output)};
}

export function whtDemoChart(
  demo: WhtDemo,
  {width = 640, changed = -1}: {width?: number; changed?: number} = {}
): SVGSVGElement | HTMLElement {
  const n = demo.input.length;
  const limit = Math.max(2, ...demo.rows.map((r) => Math.abs(r.value)));
  return Plot.plot({
    width,
    height: 300,
    marginLeft: 40,
    fy: {axis: null, domain: [INPUT_PANEL, OUTPUT_PANEL]},
    x: {label: "element i →", tickFormat: (d: number) => (n > 16 && d % 4 !== 0 ? "" : String(d))},
    y: {label: "value", domain: [-limit, limit], grid: true},
    marks: [
      Plot.ruleY([0]),
      Plot.barY(demo.rows, {
        x: "i",
        y: "value",
        fy: "panel",
        fill: (d: WhtDemoRow) =>
          d.panel === INPUT_PANEL && d.i === changed ? "#efb118" : d.value >= 0 ? "#4269d0" : "#ff725c"
      }),
      Plot.text([INPUT_PANEL, OUTPUT_PANEL], {
        fy: (d: string) => d,
        frameAnchor: "top-left",
        dx: 4,
        dy: 2,
        text: (d: string) => `${d}   ‖·‖ = ${(d === INPUT_PANEL ? demo.inputNorm : demo.outputNorm).toFixed(3)}`
      })
    ]
  }) as SVGSVGElement | HTMLElement;
}
