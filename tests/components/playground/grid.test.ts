import {describe, expect, it} from "vitest";
import {boundingBox, curveBox, lineGrid, planeGrid, unionBox} from "../../../src/components/playground/grid.js";
import {fitSize} from "../../../src/components/playground/image.js";

describe("evaluation grids", () => {
  it("planeGrid puts cell centres row-major with row 0 at the top", () => {
    const g = planeGrid({x0: 0, x1: 4, y0: 0, y1: 2}, 2);
    expect(Array.from(g)).toEqual([1, 1.5, 3, 1.5, 1, 0.5, 3, 0.5]);
  });

  it("lineGrid spans both ends evenly", () => {
    expect(Array.from(lineGrid(-1, 1, 5))).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(Array.from(lineGrid(2, 4, 1))).toEqual([3]);
  });

  it("boundingBox adds the margin; degenerate spans widen to ±1", () => {
    const box = boundingBox(Float32Array.from([0, 0, 10, 5]), 2, 2, 0.1);
    expect(box).toEqual({x0: -1, x1: 11, y0: -0.5, y1: 5.5});
    expect(boundingBox(Float32Array.from([3, 3]), 1, 2, 0)).toEqual({x0: 2, x1: 4, y0: 2, y1: 4});
  });

  it("curveBox reads x from inputs and y from the first target channel; unionBox holds both", () => {
    const box = curveBox(Float32Array.from([-1, 1]), Float32Array.from([5, 99, -5, 99]), 2, 2, 0);
    expect(box).toEqual({x0: -1, x1: 1, y0: -5, y1: 5});
    expect(unionBox(box, {x0: -2, x1: 0, y0: 0, y1: 9})).toEqual({x0: -2, x1: 1, y0: -5, y1: 9});
  });
});

describe("fitSize", () => {
  it("scales the longer side down to the limit, never up, keeping at least one pixel", () => {
    expect(fitSize(400, 200, 40)).toEqual({width: 40, height: 20});
    expect(fitSize(30, 90, 40)).toEqual({width: 13, height: 40});
    expect(fitSize(10, 8, 40)).toEqual({width: 10, height: 8});
    expect(fitSize(1000, 1, 40)).toEqual({width: 40, height: 1});
    expect(() => fitSize(0, 10, 40)).toThrow("the picture must have a positive size, got 0×10");
  });
});
