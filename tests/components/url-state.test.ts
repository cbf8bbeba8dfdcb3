import {describe, expect, it} from "vitest";
import {
  choiceParam,
  intParam,
  numberListParam,
  numberParam,
  parseNumberList,
  readUrlState,
  writeUrlState
} from "../../src/components/url-state.js";

const rules = {
  width: intParam("width", 16, 4, 64, true),
  mode: choiceParam("mode", "truncated", ["truncated", "full"] as const),
  x: numberListParam("x", [1, 0, -1], 8)
};

describe("readUrlState", () => {
  it("uses defaults for missing parameters", () => {
    expect(readUrlState("", rules)).toEqual({values: {width: 16, mode: "truncated", x: [1, 0, -1]}, errors: []});
  });
  it("reads valid values", () => {
    const s = readUrlState("?width=32&mode=full&x=1,2.5,-3", rules);
    expect(s.values).toEqual({width: 32, mode: "full", x: [1, 2.5, -3]});
    expect(s.errors).toEqual([]);
  });
  it("turns each bad value into a message naming it and falls back to the default", () => {
    const s = readUrlState("?width=100&mode=half&x=1,foo", rules);
    expect(s.values).toEqual({width: 16, mode: "truncated", x: [1, 0, -1]});
    expect(s.errors).toEqual([
      'URL parameter width="100" was ignored: width must be a power of two from 4 to 64; using 16',
      'URL parameter mode="half" was ignored: mode must be one of truncated, full; using truncated',
      'URL parameter x="1,foo" was ignored: entry 2 ("foo") is not a finite number; using the default'
    ]);
  });
  it("names a parameter the page does not have, with the ones it has, and reads the rest", () => {
    const s = readUrlState("?widht=32&mode=full", rules);
    expect(s.values).toEqual({width: 16, mode: "full", x: [1, 0, -1]});
    expect(s.errors).toEqual([
      'URL parameter widht="32" was ignored: this page has no parameter "widht"; its parameters are width, mode, x'
    ]);
  });
  it("rejects out-of-range, non-integer and over-long values", () => {
    expect(readUrlState("?width=128", rules).errors).toHaveLength(1);
    expect(readUrlState("?width=2", rules).errors).toHaveLength(1);
    expect(readUrlState("?width=8.5", rules).errors).toHaveLength(1);
    expect(readUrlState("?width=", rules).errors).toHaveLength(1);
    expect(readUrlState("?x=1,2,3,4,5,6,7,8,9", rules).errors[0]).toMatch(/at most 8 numbers, got 9/);
    expect(readUrlState("?w=3", {w: intParam("w", 5, 1, 10)}).values.w).toBe(3);
  });
});

describe("numberParam", () => {
  it("accepts finite numbers in range and explains the rest", () => {
    const rules = {v: numberParam("v", 2, -3, 3)};
    expect(readUrlState("?v=-1.25", rules)).toEqual({values: {v: -1.25}, errors: []});
    expect(readUrlState("?v=4", rules).errors).toEqual([
      'URL parameter v="4" was ignored: v must be a number from -3 to 3; using 2'
    ]);
    expect(readUrlState("?v=NaN", rules).values.v).toBe(2);
    expect(readUrlState("?v=", rules).errors).toHaveLength(1);
  });
});

describe("writeUrlState", () => {
  it("round-trips through readUrlState and leaves defaults out", () => {
    const values = {width: 64, mode: "full" as const, x: [0.5, -2]};
    const query = writeUrlState(values, rules);
    expect(query).toBe("?width=64&mode=full&x=0.5%2C-2");
    expect(readUrlState(query, rules).values).toEqual(values);
    expect(writeUrlState({width: 16, mode: "truncated", x: [1, 0, -1]}, rules)).toBe("");
  });
});

describe("parseNumberList", () => {
  it("accepts commas and spaces and explains bad entries", () => {
    expect(parseNumberList("1, 2  3;-4e1")).toEqual([1, 2, 3, -40]);
    expect(parseNumberList("  ")).toBe("enter at least one number");
    expect(parseNumberList("1, Infinity")).toBe('entry 2 ("Infinity") is not a finite number');
  });
});
