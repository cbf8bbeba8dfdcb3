import {describe, expect, it} from "vitest";
import {decades} from "../../src/components/weights-chart.js";

describe("decades", () => {
  it("spans the values with powers of ten", () => {
    expect(decades([{value: 4}, {value: 65536}])).toEqual([1, 10, 100, 1000, 10000, 100000]);
    expect(decades([{value: 0}, {value: 10}, {value: 100}])).toEqual([10, 100]);
  });
});
