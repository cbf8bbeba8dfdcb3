// Finite-difference checks of every model kind's backward: parameter and input gradients, over
// widths, depths, group sizes, projections, adjust and placement. See tests/helpers/gradcheck.ts
// for the method (float64 central differences around the float32 model, kinks skipped).
import {describe, expect, it} from "vitest";
import {createModel} from "../lib/model.js";
import type {ModelKind, ModelSpec} from "../lib/types.js";
import {createRng} from "../lib/random.js";
import {checkModelGradients, type GradCheckReport} from "./helpers/gradcheck.js";

const WIDTHS = [4, 8, 32];
const DEPTHS = [1, 2, 3];
/** Input and output sizes per width: smaller than the width, equal to it, not dividing it. */
const SIZES: Record<number, {inputSize: number; outputSize: number}> = {
  4: {inputSize: 3, outputSize: 2},
  8: {inputSize: 5, outputSize: 8},
  32: {inputSize: 12, outputSize: 5}
};
// 5 samples: the dense backward runs four samples per pass and then the rest.
const BATCH = 5;
// A large initNoise makes the two branches of every switch clearly different, so a backward that
// used the wrong branch would fail the check.
const INIT_NOISE = 0.5;

function variants(kind: ModelKind, width: number, depth: number): ModelSpec[] {
  if (kind === "dense") {
    // Projection, adjust and placement do not apply; vary the seed instead.
    return [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => ({kind, width, depth, ...SIZES[width], seed}));
  }
  const groupSizes = kind === "switchnet4" ? [1, 2, 4, 8, 16].filter((m) => m <= width) : [4];
  const specs: ModelSpec[] = [];
  for (const groupSize of groupSizes) {
    for (const projection of ["random", "subrandom"] as const) {
      for (const adjust of [false, true]) {
        for (const placement of ["pad", "repeat"] as const) {
          specs.push({
            kind,
            width,
            depth,
            groupSize,
            projection,
            adjust,
            placement,
            initNoise: INIT_NOISE,
            ...SIZES[width],
            seed: specs.length + 10 * width + depth
          });
        }
      }
    }
  }
  return specs;
}

/** Runs the checks for every spec; returns failure messages and the counts of probes. */
function runChecks(specs: ModelSpec[]): {failures: string[]; checked: number; skipped: number} {
  const failures: string[] = [];
  let checked = 0;
  let skipped = 0;
  specs.forEach((spec, i) => {
    const result = checkModelGradients(createModel(spec), BATCH, 1000 + i);
    for (const [what, report] of [
      ["params", result.params],
      ["input", result.input]
    ] as [string, GradCheckReport][]) {
      checked += report.checked;
      skipped += report.skipped;
      const label = `${JSON.stringify(spec)} ${what}`;
      for (const f of report.failures) failures.push(`${label}: ${f}`);
      // A sample with an activation very close to a switch makes most probes cross it; allow that
      // for a few specs, but not for the whole run (checked below).
      if (report.checked < (report.checked + report.skipped) / 4)
        failures.push(`${label}: only ${report.checked} probes checked, ${report.skipped} skipped at kinks`);
    }
  });
  return {failures, checked, skipped};
}

describe.each(["switchnet4", "butterfly", "filterbank", "dense"] as ModelKind[])(
  "%s gradients match finite differences",
  (kind) => {
    for (const width of WIDTHS) {
      for (const depth of DEPTHS) {
        it(`width ${width}, depth ${depth}, every option combination`, () => {
          const {failures, checked, skipped} = runChecks(variants(kind, width, depth));
          expect(failures).toEqual([]);
          // Measured skip rates: 3 % (switchnet4) to 14 % (dense, whose ReLUs switch fully).
          expect(checked).toBeGreaterThan(2 * skipped);
        });
      }
    }
  }
);

describe("more projection rounds", () => {
  it("every WHT kind with 2 and 3 rounds, pad and repeat, passes the check", () => {
    const specs: ModelSpec[] = [];
    for (const kind of ["switchnet4", "butterfly", "filterbank"] as const) {
      for (const projectionRounds of [2, 3]) {
        for (const placement of ["pad", "repeat"] as const) {
          for (const adjust of [false, true]) {
            specs.push({
              kind,
              width: 16,
              inputSize: 3,
              outputSize: 4,
              depth: 2,
              projectionRounds,
              placement,
              adjust,
              projection: projectionRounds === 2 ? "random" : "subrandom",
              initNoise: INIT_NOISE,
              seed: specs.length + 300
            });
          }
        }
      }
    }
    const {failures, checked, skipped} = runChecks(specs);
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(2 * skipped);
  });
});

describe("the smallest widths", () => {
  it("width 2 (a single butterfly stage, group sizes 1 and 2) and width 1 pass the check", () => {
    const specs: ModelSpec[] = [
      {kind: "butterfly", width: 2, inputSize: 2, outputSize: 1, depth: 3},
      {kind: "filterbank", width: 2, inputSize: 1, outputSize: 2, depth: 2},
      {kind: "switchnet4", width: 2, inputSize: 2, outputSize: 2, depth: 2, groupSize: 2},
      {kind: "switchnet4", width: 2, inputSize: 2, outputSize: 2, depth: 2, groupSize: 1, adjust: true},
      {kind: "switchnet4", width: 1, inputSize: 1, outputSize: 1, depth: 2, groupSize: 1},
      {kind: "dense", width: 2, inputSize: 1, outputSize: 1, depth: 2}
    ].map((spec, i) => ({...spec, initNoise: INIT_NOISE, seed: 50 + i}) as ModelSpec);
    const {failures} = runChecks(specs);
    expect(failures).toEqual([]);
  });
});

describe("gradient descent with the analytic gradient lowers the loss", () => {
  for (const kind of ["switchnet4", "butterfly", "filterbank", "dense"] as ModelKind[]) {
    it(`${kind}: 30 steps cut a squared error by at least 40 %`, () => {
      const model = createModel({kind, width: 16, inputSize: 6, outputSize: 3, depth: 2, seed: 7});
      const rng = createRng(8);
      const x = new Float32Array(8 * 6).map(() => rng.normal());
      const target = new Float32Array(8 * 3).map(() => rng.normal());
      const loss = () => {
        const out = model.forward(x, 8);
        let s = 0;
        for (let i = 0; i < out.length; i++) s += (out[i] - target[i]) ** 2;
        return s / 2;
      };
      const first = loss();
      for (let step = 0; step < 30; step++) {
        const out = model.forward(x, 8);
        model.zeroGrad();
        model.backward(out.map((v, i) => v - target[i]));
        model.params.forEach((p, i) => (model.params[i] = p - 0.05 * model.grads[i]));
      }
      // Measured: switchnet4 and butterfly fall about 30×, dense 2.6×, the filter bank 1.9× (its
      // 64 slopes can only rescale fixed WHT coefficients).
      expect(loss()).toBeLessThan(0.6 * first);
    });
  }
});

describe("the gradient checker has power", () => {
  const spec: ModelSpec = {
    kind: "switchnet4",
    width: 8,
    depth: 2,
    inputSize: 5,
    outputSize: 8,
    initNoise: INIT_NOISE,
    seed: 3
  };

  it("passes the true gradients", () => {
    const result = checkModelGradients(createModel(spec), BATCH, 5);
    expect(result.params.failures).toEqual([]);
    expect(result.input.failures).toEqual([]);
    expect(result.params.checked).toBeGreaterThan(6);
  });

  it("flags parameter gradients that are 1 % too large", () => {
    const result = checkModelGradients(createModel(spec), BATCH, 5, {
      tamper: (gw) => gw.forEach((v, i) => (gw[i] = v * 1.01))
    });
    expect(result.params.failures.length).toBeGreaterThan(0);
    expect(result.input.failures).toEqual([]);
  });

  it("flags input gradients that are 1 % too small", () => {
    const result = checkModelGradients(createModel(spec), BATCH, 5, {
      tamper: (_gw, gx) => gx.forEach((v, i) => (gx[i] = v * 0.99))
    });
    expect(result.input.failures.length).toBeGreaterThan(0);
  });

  it("flags a single parameter gradient entry that was dropped", () => {
    const drop = (g: Float64Array) => {
      let best = 0;
      g.forEach((v, i) => {
        if (Math.abs(v) > Math.abs(g[best])) best = i;
      });
      g[best] = 0;
    };
    const result = checkModelGradients(createModel(spec), BATCH, 5, {tamper: (gw) => drop(gw)});
    expect(result.params.failures.length).toBeGreaterThan(0);
  });
});
