import {describe, expect, it} from "vitest";
import {decades} from "../../src/components/log-ticks.js";

describe("decades", () => {
  it("spans the values with powers of ten, ignoring zeros and non-finite values", () => {
    expect(decades([4, 65536])).toEqual([1, 10, 100, 1000, 10000, 100000]);
    expect(decades([0, 10, 100, Infinity])).toEqual([10, 100]);
    expect(decades([0.3, 2])).toEqual([0.1, 1, 10]);
    expect(decades([])).toEqual([1]);
  });
});
