import {describe, expect, it} from "vitest";
import {decades, decadesWithin} from "../../src/components/log-ticks.js";

describe("decades", () => {
  it("spans the values with powers of ten, ignoring zeros and non-finite values", () => {
    expect(decades([4, 65536])).toEqual([1, 10, 100, 1000, 10000, 100000]);
    expect(decades([0, 10, 100, Infinity])).toEqual([10, 100]);
    expect(decades([0.3, 2])).toEqual([0.1, 1, 10]);
    expect(decades([])).toEqual([1]);
  });
});

describe("decadesWithin", () => {
  it("keeps only the powers of ten inside the values' range, so no tick falls outside the frame", () => {
    expect(decadesWithin([3, 250, 6e7])).toEqual([10, 100, 1000, 1e4, 1e5, 1e6, 1e7]);
    expect(decadesWithin([1, 100])).toEqual([1, 10, 100]);
    // Within one decade: round numbers inside the range.
    expect(decadesWithin([2, 8])).toEqual([2, 4, 6, 8]);
    expect(decadesWithin([0.19, 0.35])).toEqual([0.2, 0.25, 0.3, 0.35]);
    expect(decadesWithin([0.3])).toEqual([0.3]);
    expect(decadesWithin([0, -1])).toEqual([]);
  });
});
