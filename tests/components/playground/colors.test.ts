import {describe, expect, it} from "vitest";
import {
  CLASS_COLORS,
  DARK_BACKGROUND,
  LIGHT_BACKGROUND,
  classMix,
  divergingColor,
  extent,
  fillHeatmap,
  softmaxInto,
  toByte
} from "../../../src/components/playground/colors.js";

describe("softmaxInto", () => {
  it("matches the definition and stays finite for huge logits", () => {
    const out = new Float64Array(3);
    softmaxInto([1, 2, 3], 0, 3, out);
    const z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    expect(out[0]).toBeCloseTo(Math.exp(1) / z, 12);
    expect(out[2]).toBeCloseTo(Math.exp(3) / z, 12);
    softmaxInto([0, 1000, -1000, 1000], 1, 3, out);
    expect(Array.from(out)).toEqual([0.5, 0, 0.5]);
  });
});

describe("class colour mapping", () => {
  it("a certain prediction gives the class colour mixed at full strength; uniform gives the background", () => {
    expect(classMix([1, 0], 2, LIGHT_BACKGROUND, 1)).toEqual([...CLASS_COLORS[0]]);
    expect(classMix([0, 1], 2, DARK_BACKGROUND, 1)).toEqual([...CLASS_COLORS[1]]);
    expect(classMix([0.5, 0.5], 2, LIGHT_BACKGROUND)).toEqual([255, 255, 255]);
    expect(classMix([1 / 3, 1 / 3, 1 / 3], 3, DARK_BACKGROUND)).toEqual([...DARK_BACKGROUND]);
  });

  it("confidence scales linearly between background and colour", () => {
    // p = 0.75 of 2 classes: confidence 0.5, strength 1 → halfway; colour is 0.75·c0 + 0.25·c1.
    const [c0, c1] = CLASS_COLORS;
    const blend = [0, 1, 2].map((j) => 0.75 * c0[j] + 0.25 * c1[j]);
    const expected = blend.map((v) => Math.round(255 + (v - 255) * 0.5));
    expect(classMix([0.75, 0.25], 2, LIGHT_BACKGROUND, 1)).toEqual(expected);
  });
});

describe("diverging colour mapping", () => {
  it("maps the ends to blue and orange, the middle to the background, and clamps", () => {
    expect(divergingColor(-1, -1, 1, LIGHT_BACKGROUND)).toEqual([...CLASS_COLORS[1]]);
    expect(divergingColor(1, -1, 1, LIGHT_BACKGROUND)).toEqual([...CLASS_COLORS[0]]);
    expect(divergingColor(0, -1, 1, DARK_BACKGROUND)).toEqual([...DARK_BACKGROUND]);
    expect(divergingColor(50, -1, 1, LIGHT_BACKGROUND)).toEqual([...CLASS_COLORS[0]]);
    expect(divergingColor(NaN, -1, 1, LIGHT_BACKGROUND)).toEqual([128, 128, 128]);
    const half = divergingColor(0.5, 0, 1, LIGHT_BACKGROUND); // a quarter of the way
    expect(half).toEqual([0, 1, 2].map((j) => Math.round(255 + (CLASS_COLORS[0][j] - 255) * 0)));
    expect(divergingColor(0.75, 0, 1, LIGHT_BACKGROUND)).toEqual(
      [0, 1, 2].map((j) => Math.round(255 + (CLASS_COLORS[0][j] - 255) * 0.5))
    );
  });

  it("toByte clamps and rounds", () => {
    expect([-1, 0, 0.5, 1, 2, NaN].map(toByte)).toEqual([0, 0, 128, 255, 255, 0]);
  });
});

describe("fillHeatmap", () => {
  it("classes: two logits per cell, strongest class wins the colour", () => {
    const rgba = fillHeatmap([40, -40, -40, 40, 0, 0], 3, {mode: "classes", channels: 2}, new Uint8ClampedArray(12));
    const full = (c: readonly number[]) => c.map((v) => Math.round(255 + (v - 255) * 0.85));
    expect(Array.from(rgba.slice(0, 3))).toEqual(full(CLASS_COLORS[0]));
    expect(Array.from(rgba.slice(4, 7))).toEqual(full(CLASS_COLORS[1]));
    expect(Array.from(rgba.slice(8, 12))).toEqual([255, 255, 255, 255]);
  });

  it("classes with one logit use its sigmoid as the probability of class 1", () => {
    const a = fillHeatmap([20], 1, {mode: "classes", channels: 1}, new Uint8ClampedArray(4));
    const b = fillHeatmap([-20, 20], 1, {mode: "classes", channels: 2}, new Uint8ClampedArray(4));
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it("value: uses the data's extent unless given a domain", () => {
    const rgba = fillHeatmap([2, 4, 3], 3, {mode: "value", channels: 1}, new Uint8ClampedArray(12));
    expect(Array.from(rgba.slice(0, 3))).toEqual([...CLASS_COLORS[1]]);
    expect(Array.from(rgba.slice(4, 7))).toEqual([...CLASS_COLORS[0]]);
    expect(Array.from(rgba.slice(8, 11))).toEqual([255, 255, 255]);
    const fixed = fillHeatmap([2], 1, {mode: "value", channels: 1, domain: [0, 4]}, new Uint8ClampedArray(4));
    expect(Array.from(fixed.slice(0, 3))).toEqual([255, 255, 255]);
    expect(extent([NaN, 5, -2, Infinity], 4, 1)).toEqual([-2, 5]);
    expect(extent([NaN], 1, 1)).toEqual([0, 1]);
  });

  it("rgb: three channels or grey", () => {
    const rgb = fillHeatmap([1, 0.5, 0, 0.2, 0.2, 0.2], 2, {mode: "rgb", channels: 3}, new Uint8ClampedArray(8));
    expect(Array.from(rgb)).toEqual([255, 128, 0, 255, 51, 51, 51, 255]);
    const grey = fillHeatmap([0.2, 1.5], 2, {mode: "rgb", channels: 1}, new Uint8ClampedArray(8));
    expect(Array.from(grey)).toEqual([51, 51, 51, 255, 255, 255, 255, 255]);
  });

  it("refuses buffers that are too short", () => {
    expect(() => fillHeatmap([1, 2], 2, {mode: "rgb", channels: 3}, new Uint8ClampedArray(8))).toThrow(
      "outputs must hold 2 × 3 values, got 2"
    );
    expect(() => fillHeatmap([1, 2], 2, {mode: "rgb", channels: 1}, new Uint8ClampedArray(4))).toThrow(
      "rgba must hold 8 bytes, got 4"
    );
  });
});
