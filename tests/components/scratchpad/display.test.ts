// Tests for the Scratchpad value summaries (how each kind of value is shown).
import {describe, expect, it} from "vitest";
import {
  errorText,
  formatNumber,
  inlineText,
  logText,
  summarizeValue,
  MAX_ITEMS,
  MAX_ROWS
} from "../../../src/components/scratchpad/display.js";
import {SwitchNetError} from "../../../lib/check.js";

describe("formatNumber", () => {
  it("keeps integers and trims floats to 6 significant digits", () => {
    expect(formatNumber(42)).toBe("42");
    expect(formatNumber(-0.1 + 0.3)).toBe("0.2");
    expect(formatNumber(Math.fround(0.3))).toBe("0.3");
    expect(formatNumber(1 / 3)).toBe("0.333333");
    expect(formatNumber(1.5e-9)).toBe("1.5e-9");
    expect(formatNumber(NaN)).toBe("NaN");
    expect(formatNumber(-Infinity)).toBe("-Infinity");
  });
});

describe("summarizeValue", () => {
  it("shows nothing for a cell without a value", () => {
    expect(summarizeValue(undefined, false)).toEqual({kind: "empty"});
    expect(summarizeValue(undefined, true)).toEqual({kind: "text", text: "undefined", type: "undefined"});
  });

  it("shows numbers, strings and typed arrays as compact text", () => {
    expect(summarizeValue(3.5)).toEqual({kind: "text", text: "3.5", type: "number"});
    expect(summarizeValue("hi")).toEqual({kind: "text", text: '"hi"', type: "string"});
    expect(summarizeValue(Float32Array.of(1, 0.5, -2))).toEqual({
      kind: "text",
      text: "Float32Array(3) [1, 0.5, -2]",
      type: "Float32Array"
    });
    const long = summarizeValue(new Float32Array(MAX_ITEMS + 7)) as {text: string};
    expect(long.text.startsWith(`Float32Array(${MAX_ITEMS + 7}) [0, 0`)).toBe(true);
    expect(long.text.endsWith("… 7 more]")).toBe(true);
  });

  it("shows an array of objects as a table with the union of keys, capped", () => {
    const rows = Array.from({length: MAX_ROWS + 5}, (_, i) =>
      i === 1 ? {width: i, extra: "x"} : {width: i, count: i * i}
    );
    const s = summarizeValue(rows);
    expect(s.kind).toBe("table");
    if (s.kind !== "table") return;
    expect(s.columns).toEqual(["width", "count", "extra"]);
    expect(s.rows.length).toBe(MAX_ROWS);
    expect(s.total).toBe(MAX_ROWS + 5);
    expect(s.rows[0]).toEqual(["0", "0", ""]);
    expect(s.rows[1]).toEqual(["1", "", "x"]);
    expect(s.rows[3]).toEqual(["3", "9", ""]);
  });

  it("shows objects one property per line and nested values inline", () => {
    const s = summarizeValue({a: 1, b: [1, 2], c: {d: {e: {f: 1}}}, "odd key": null});
    expect(s).toEqual({
      kind: "text",
      type: "Object",
      text: '{\n  a: 1,\n  b: [1, 2],\n  c: {d: {e: {…}}},\n  "odd key": null\n}'
    });
  });

  it("names functions, maps, sets and class instances", () => {
    expect(
      inlineText(function square(x: number) {
        return x * x;
      })
    ).toBe("ƒ square(…)");
    expect(inlineText(new Map([["a", 1]]))).toBe('Map(1) {"a" => 1}');
    expect(inlineText(new Set([1, 2]))).toBe("Set(2) {1, 2}");
    class Point {
      constructor(public x: number) {}
    }
    expect(inlineText(new Point(2))).toBe("Point {x: 2}");
    expect(inlineText([1, [2, [3, [4]]]])).toBe("[1, [2, […]]]");
    expect(inlineText([1, [2, [3, [4]]]], 4)).toBe("[1, [2, [3, [4]]]]");
  });
});

describe("errorText", () => {
  it("names the error type and message, or the thrown value", () => {
    expect(errorText(new SwitchNetError("width must be a power of two, got 100"))).toBe(
      "SwitchNetError: width must be a power of two, got 100"
    );
    expect(errorText("oops")).toBe('Thrown: "oops"');
  });
});

describe("logText", () => {
  it("joins a console call's arguments: strings raw, values as compact text", () => {
    expect(logText(["loss", 0.25, Float32Array.of(1, 2), {a: 1}])).toBe("loss 0.25 Float32Array(2) [1, 2] {a: 1}");
    expect(logText([])).toBe("");
  });
});
