import {describe, expect, it} from "vitest";
import {matchParameters, nearestWidth} from "../../../src/components/playground/match.js";
import {defaultModel, defaultState} from "../../../src/components/playground/state.js";
import type {ModelSpec} from "../../../lib/types.js";

/** A stand-in count with the shapes the real ones have: dense is quadratic in width, Switch Net 4 linear. */
function count(spec: ModelSpec): number {
  const depth = spec.depth ?? 2;
  if (spec.kind === "dense")
    return (
      spec.inputSize * spec.width +
      spec.width +
      (depth - 1) * (spec.width * spec.width + spec.width) +
      spec.width * spec.outputSize +
      spec.outputSize
    );
  return 2 * (spec.groupSize ?? 4) * spec.width * depth;
}

describe("nearestWidth", () => {
  it("finds the width with the nearest count, by brute force comparison", () => {
    const f = (w: number) => w * w + 3 * w;
    for (const target of [0, 1, 4, 5, 100, 1234, 99999, 1e9]) {
      let best = 1;
      for (let w = 1; w <= 500; w++) if (Math.abs(f(w) - target) < Math.abs(f(best) - target)) best = w;
      expect(nearestWidth(target, f, 1, 500), `target ${target}`).toBe(best);
    }
  });
});

describe("matchParameters", () => {
  it("sets each dense width so its count is nearest the Switch Net 4's", () => {
    const state = defaultState();
    state.models = [
      defaultModel("dense"),
      {...defaultModel("switchnet4"), width: 64, depth: 3},
      {...defaultModel("dense"), depth: 3}
    ];
    const result = matchParameters(state, 3, 2, count);
    const target = 2 * 4 * 64 * 3;
    expect(result.state).not.toBeNull();
    const models = result.state!.models;
    expect(models[1]).toEqual(state.models[1]);
    for (const i of [0, 2]) {
      const m = models[i];
      const at = (w: number) => count({kind: "dense", inputSize: 3, outputSize: 2, width: w, depth: m.depth});
      expect(Math.abs(at(m.width) - target)).toBeLessThanOrEqual(Math.abs(at(m.width + 1) - target));
      expect(Math.abs(at(m.width) - target)).toBeLessThanOrEqual(Math.abs(at(m.width - 1) - target));
    }
    expect(models[0].width).not.toBe(models[2].width);
    expect(result.message).toMatch(/^Matched to Switch Net 4's 1,536 stored parameters: model 1 width \d+/);
    expect(state.models[0].width).toBe(16); // the input state is untouched
  });

  it("explains when there is nothing to match", () => {
    const onlyDense = {...defaultState(), models: [defaultModel("dense")]};
    expect(matchParameters(onlyDense, 2, 2, count)).toEqual({
      state: null,
      message: "Match parameters needs a Switch Net 4, butterfly or filter-bank model to match against"
    });
    const noDense = {...defaultState(), models: [defaultModel("butterfly")]};
    expect(matchParameters(noDense, 2, 2, count).message).toBe(
      "Match parameters sets dense widths; add a dense model first"
    );
  });
});
