import {describe, expect, it} from "vitest";
import {progressText} from "../../src/components/bench-runner.js";

describe("progressText", () => {
  it("names the step and clamps the count", () => {
    expect(progressText({type: "progress", done: 12, total: 40, label: "WHT scalar n = 2^12"})).toBe(
      "12 of 40: WHT scalar n = 2^12"
    );
    expect(progressText({type: "progress", done: 50, total: 40})).toBe("40 of 40");
    expect(progressText({type: "progress", done: -1, total: 0})).toBe("0 of 1");
  });
});
