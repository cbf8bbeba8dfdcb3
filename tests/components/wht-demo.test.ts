import {describe, expect, it} from "vitest";
import {INPUT_PANEL, OUTPUT_PANEL, whtDemo} from "../../src/components/wht-demo.js";
import {whtReference} from "../../lib/wht.js";

describe("whtDemo", () => {
  it("pairs the input with its normalised WHT (checked against the Hadamard matrix)", () => {
    const x = [1, -0.5, 2, 0.25, -1, 0, 1.5, -2, 0.3, 0.7, -1.2, 2.2, 0, 0, 1, -1];
    const demo = whtDemo(x);
    const ref = whtReference(x);
    for (let i = 0; i < x.length; i++) expect(demo.output[i]).toBeCloseTo(ref[i] / 4, 5);
    expect(demo.rows.filter((r) => r.panel === INPUT_PANEL).map((r) => r.value)).toEqual(
      Array.from(Float32Array.from(x))
    );
    expect(demo.rows.filter((r) => r.panel === OUTPUT_PANEL)).toHaveLength(16);
  });
  it("keeps the norm, and one changed input moves every output", () => {
    const x = Array.from({length: 16}, (_, i) => Math.cos(i));
    const a = whtDemo(x);
    expect(a.outputNorm).toBeCloseTo(a.inputNorm, 5);
    const y = x.slice();
    y[5] += 1;
    const b = whtDemo(y);
    for (let i = 0; i < 16; i++) expect(Math.abs(b.output[i] - a.output[i])).toBeCloseTo(0.25, 5);
  });
  it("does not change the caller's vector", () => {
    const x = new Float32Array([1, 2, 3, 4]);
    whtDemo(x);
    expect(Array.from(x)).toEqual([1, 2, 3, 4]);
  });
});
