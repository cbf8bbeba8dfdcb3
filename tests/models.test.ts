// createModel and the model kinds: zero-curvature initialisation (norm-preserving, linear),
// the truncated-WHT identity the combiner relies on, seeded reproducibility, the flat parameter
// layout, and every bad-input case (a SwitchNetError naming the value, nothing changed).
import {describe, expect, it} from "vitest";
import {butterflyForward, butterflyLayerSize, initButterflyLayer} from "../lib/butterfly.js";
import {denseSizes, linearBackward, linearForward} from "../lib/dense.js";
import {filterBankForward, filterBankLayerSize, initFilterBankLayer} from "../lib/filterbank.js";
import {createModel} from "../lib/model.js";
import {MAX_PARAMETERS, MAX_WORKSPACE, resolveSpec, workspacePerSample} from "../lib/spec.js";
import {signFlips} from "../lib/projection.js";
import {createRng, deriveSeed} from "../lib/random.js";
import type {ModelKind, ModelSpec} from "../lib/types.js";
import {wht, whtBatch, whtReference} from "../lib/wht.js";

const WHT_KINDS: ModelKind[] = ["switchnet4", "butterfly", "filterbank"];
const ALL_KINDS: ModelKind[] = [...WHT_KINDS, "dense"];

function randomVector(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return new Float32Array(n).map(() => rng.normal());
}

function norm(v: ArrayLike<number>, from = 0, to = v.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

describe("the truncated WHT: T_m · blockdiag(H_m) = H_n", () => {
  for (const [n, m] of [
    [8, 2],
    [16, 4],
    [64, 4],
    [64, 8],
    [256, 16]
  ]) {
    it(`n = ${n}, m = ${m}: H_m on each block, then wht from m, is the full transform`, () => {
      const x = randomVector(n, n + m);
      const expected = whtReference(x);
      const y = whtBatch(Float32Array.from(x), {size: m});
      wht(y, {from: m});
      for (let i = 0; i < n; i++) expect(y[i]).toBeCloseTo(expected[i], 3);
      // Normalised pieces compose to the normalised whole: (H_m/√m) then T_m/√(n/m) = H_n/√n.
      const z = whtBatch(Float32Array.from(x), {size: m, normalize: true});
      wht(z, {from: m, normalize: true});
      for (let i = 0; i < n; i++) expect(z[i]).toBeCloseTo(expected[i] / Math.sqrt(n), 4);
    });
  }
});

describe.each(WHT_KINDS)("%s with initNoise 0", (kind) => {
  const specFor = (width: number, extra: Partial<ModelSpec> = {}): ModelSpec => ({
    kind,
    width,
    inputSize: width,
    outputSize: width,
    depth: 3,
    groupSize: Math.min(4, width),
    initNoise: 0,
    seed: 4,
    ...extra
  });

  it("preserves the norm of the padded input (outputSize = width)", () => {
    for (const width of [2, 8, 64, 1024]) {
      for (const inputSize of [1, Math.max(1, width / 2 - 1), width]) {
        for (const projection of ["random", "subrandom"] as const) {
          const model = createModel(specFor(width, {inputSize, projection}));
          const x = randomVector(2 * inputSize, width + inputSize);
          const out = model.forward(x, 2);
          for (let b = 0; b < 2; b++) {
            const expected = norm(x, b * inputSize, (b + 1) * inputSize);
            expect(Math.abs(norm(out, b * width, (b + 1) * width) - expected)).toBeLessThan(1e-5 * expected);
          }
        }
      }
    }
  });

  it("preserves the norm of a repeated input when inputSize divides the width", () => {
    const model = createModel(specFor(64, {inputSize: 16, placement: "repeat"}));
    const x = randomVector(16, 1);
    const out = model.forward(x, 1);
    expect(Math.abs(norm(out) - norm(x))).toBeLessThan(1e-5 * norm(x));
  });

  it("maps adjusted inputs to norm √width (RMS 1), whatever their scale", () => {
    const model = createModel(specFor(32, {inputSize: 20, adjust: true}));
    const x = randomVector(20, 2).map((v) => 100 * v);
    expect(Math.abs(norm(model.forward(x, 1)) - Math.sqrt(32))).toBeLessThan(1e-5 * Math.sqrt(32));
  });

  it("is linear: f(a·x + b·y) = a·f(x) + b·f(y)", () => {
    const model = createModel(specFor(32, {inputSize: 32, outputSize: 7}));
    const x = randomVector(32, 3);
    const y = randomVector(32, 4);
    const fx = Float32Array.from(model.forward(x, 1));
    const fy = Float32Array.from(model.forward(y, 1));
    const fxy = model.forward(
      x.map((v, i) => 2 * v - 3 * y[i]),
      1
    );
    for (let o = 0; o < 7; o++) expect(fxy[o]).toBeCloseTo(2 * fx[o] - 3 * fy[o], 4);
  });
});

describe.each(WHT_KINDS)("%s nonlinearity", (kind) => {
  it("with initNoise > 0 is not linear (f(−x) ≠ −f(x))", () => {
    const model = createModel({kind, width: 16, inputSize: 16, outputSize: 16, depth: 1, initNoise: 0.3, seed: 2});
    const x = randomVector(16, 5);
    const fx = Float32Array.from(model.forward(x, 1));
    const fnx = model.forward(
      x.map((v) => -v),
      1
    );
    const gap = norm(fx.map((v, i) => v + fnx[i]));
    expect(gap).toBeGreaterThan(0.05 * norm(fx));
  });
});

describe.each(ALL_KINDS)("%s seeding and layout", (kind) => {
  const spec: ModelSpec = {kind, width: 16, inputSize: 10, outputSize: 3, depth: 2};

  it("gives bit-identical parameters and outputs for the same seed, different ones for another", () => {
    const a = createModel({...spec, seed: 11});
    const b = createModel({...spec, seed: 11});
    const c = createModel({...spec, seed: 12});
    expect(a.params).toEqual(b.params);
    expect(c.params).not.toEqual(a.params);
    const x = randomVector(20, 9);
    expect(a.forward(x, 2)).toEqual(b.forward(x, 2));
    expect(c.forward(x, 2)).not.toEqual(a.forward(x, 2));
  });

  it("resolves the defaults", () => {
    expect(createModel(spec).spec).toEqual({
      ...spec,
      depth: 2,
      groupSize: 4,
      projection: "subrandom",
      projectionRounds: 1,
      adjust: false,
      placement: "pad",
      initNoise: 0.05,
      seed: 1
    });
    expect(createModel(spec).params).toEqual(createModel({...spec, seed: 1}).params);
  });

  it("has flat params and grads of parameterCount floats, and returns batch × outputSize outputs", () => {
    const model = createModel(spec);
    expect(model.params).toBeInstanceOf(Float32Array);
    expect(model.params.length).toBe(model.parameterCount);
    expect(model.grads.length).toBe(model.parameterCount);
    expect(model.forward(randomVector(30, 1), 3)).toHaveLength(9);
    expect(model.forward(randomVector(10, 1), 1)).toHaveLength(3);
  });

  it("processes each sample of a batch independently", () => {
    const model = createModel(spec);
    const x = randomVector(30, 2);
    const together = Float32Array.from(model.forward(x, 3));
    for (let b = 0; b < 3; b++) {
      const alone = model.forward(x.slice(b * 10, (b + 1) * 10), 1);
      for (let o = 0; o < 3; o++) expect(alone[o]).toBeCloseTo(together[b * 3 + o], 6);
    }
  });

  it("returns new arrays from forward and backward, and accumulates into grads until zeroGrad", () => {
    const model = createModel({...spec, initNoise: 0.3});
    const x = randomVector(20, 3);
    const out1 = model.forward(x, 2);
    const out2 = model.forward(randomVector(20, 4), 2);
    expect(out1).not.toBe(out2);
    expect(out1).not.toEqual(out2);
    const g = randomVector(6, 5);
    model.forward(x, 2);
    model.zeroGrad();
    const gx1 = model.backward(g);
    const once = Float32Array.from(model.grads);
    expect(norm(once)).toBeGreaterThan(0);
    const gx2 = model.backward(g);
    expect(gx2).toEqual(gx1);
    for (let i = 0; i < once.length; i += 7) expect(model.grads[i]).toBeCloseTo(2 * once[i], 5);
    model.zeroGrad();
    expect(model.grads.every((v) => v === 0)).toBe(true);
  });
});

describe("createModel rejects bad specs with a SwitchNetError naming the value", () => {
  const base: ModelSpec = {kind: "switchnet4", width: 16, inputSize: 10, outputSize: 3};
  const cases: [string, unknown, RegExp][] = [
    ["not an object", 5, /spec must be an object.*got 5/],
    ["null", null, /spec must be an object.*got null/],
    [
      "unknown kind",
      {...base, kind: "lstm"},
      /kind must be one of "switchnet4", "butterfly", "filterbank", "dense", got "lstm"/
    ],
    ["missing kind", {width: 16, inputSize: 10, outputSize: 3}, /kind must be one of .*got undefined/],
    ["unknown field", {...base, depht: 3}, /unknown field "depht"/],
    ["width not a power of two", {...base, width: 100}, /width must be a power of two.*got 100 \(nearest: 128\)/],
    ["width below inputSize", {...base, width: 8}, /width must be at least inputSize 10 for switchnet4.*got 8/],
    [
      "width below outputSize",
      {...base, width: 16, inputSize: 4, outputSize: 20},
      /width must be at least outputSize 20.*got 16/
    ],
    ["groupSize not allowed", {...base, groupSize: 3}, /groupSize must be one of 1, 2, 4, 8, 16, got 3/],
    [
      "groupSize above width",
      {...base, width: 8, inputSize: 4, groupSize: 16},
      /groupSize must be at most the width 8, got 16/
    ],
    [
      "default groupSize above width",
      {...base, width: 2, inputSize: 2, outputSize: 2},
      /groupSize \(default 4\) must be at most the width 2, got 4/
    ],
    ["depth 0", {...base, depth: 0}, /depth must be between 1 and 1024, got 0/],
    ["depth fractional", {...base, depth: 1.5}, /depth must be an integer, got 1.5/],
    ["inputSize 0", {...base, inputSize: 0}, /inputSize must be at least 1, got 0/],
    ["outputSize NaN", {...base, outputSize: NaN}, /outputSize must be an integer, got NaN/],
    [
      "unknown projection",
      {...base, projection: "sobol"},
      /projection must be one of "random", "subrandom", got "sobol"/
    ],
    ["adjust not boolean", {...base, adjust: "yes"}, /adjust must be true or false, got "yes"/],
    ["projectionRounds 0", {...base, projectionRounds: 0}, /projectionRounds must be between 1 and 3, got 0/],
    ["projectionRounds 4", {...base, projectionRounds: 4}, /projectionRounds must be between 1 and 3, got 4/],
    ["projectionRounds fractional", {...base, projectionRounds: 1.5}, /projectionRounds must be an integer, got 1.5/],
    ["unknown placement", {...base, placement: "tile"}, /placement must be one of "pad", "repeat", got "tile"/],
    ["negative initNoise", {...base, initNoise: -0.1}, /initNoise must be a finite number at least 0, got -0.1/],
    [
      "infinite initNoise",
      {...base, initNoise: Infinity},
      /initNoise must be a finite number at least 0, got Infinity/
    ],
    ["fractional seed", {...base, seed: 1.5}, /seed must be an integer, got 1.5/],
    [
      "too many parameters",
      {...base, width: 2 ** 24, depth: 4},
      /would have 536,870,912 parameters; the limit is 268,435,456/
    ],
    [
      "butterfly width 1",
      {kind: "butterfly", width: 1, inputSize: 1, outputSize: 1},
      /width must be at least 2 for a butterfly.*got 1/
    ],
    [
      "filterbank width not a power of two",
      {...base, kind: "filterbank", width: 48},
      /width must be a power of two.*got 48 \(nearest: 64\)/
    ],
    ["dense width fractional", {...base, kind: "dense", width: 10.5}, /width must be an integer, got 10.5/],
    ["dense width 0", {...base, kind: "dense", width: 0}, /width must be at least 1, got 0/]
  ];
  for (const [what, spec, message] of cases) {
    it(what, () => {
      expect(() => createModel(spec as ModelSpec)).toThrow(message);
      expect(() => createModel(spec as ModelSpec)).toThrow(expect.objectContaining({name: "SwitchNetError"}));
    });
  }

  it("lets a dense width be any positive integer, even below the input size", () => {
    expect(createModel({kind: "dense", width: 7, inputSize: 10, outputSize: 3}).parameterCount).toBe(
      10 * 7 + 7 + 7 * 7 + 7 + 7 * 3 + 3
    );
  });

  it("has a parameter limit above every width the site offers", () => {
    expect(resolveSpec({...base, width: 2 ** 20, depth: 8}).width).toBe(2 ** 20);
    expect(MAX_PARAMETERS).toBe(2 ** 28);
  });
});

describe.each(ALL_KINDS)("%s forward and backward reject bad input and change nothing", (kind) => {
  const spec: ModelSpec = {kind, width: 8, inputSize: 5, outputSize: 3, initNoise: 0.3};

  it("throws on a wrong batch size, length, type or a non-finite value", () => {
    const model = createModel(spec);
    expect(() => model.forward(new Float32Array(10), 0)).toThrow(/batchSize must be at least 1, got 0/);
    expect(() => model.forward(new Float32Array(10), 2.5)).toThrow(/batchSize must be an integer, got 2.5/);
    expect(() => model.forward(new Float32Array(9), 2)).toThrow(
      /input must have length batchSize × inputSize = 2 × 5 = 10, got length 9/
    );
    expect(() => model.forward([1, 2, 3, 4, 5] as never, 1)).toThrow(
      /input must be a Float32Array, got an array of length 5/
    );
    const bad = randomVector(10, 1);
    bad[7] = NaN;
    expect(() => model.forward(bad, 2)).toThrow(/input\[7\] is NaN/);
  });

  it("refuses a batch whose activations would pass the workspace limit, naming the largest that fits", () => {
    const model = createModel(spec);
    const perSample = workspacePerSample(model.spec);
    const tooMany = Math.floor(MAX_WORKSPACE / perSample) + 1;
    // The batch size is checked before the input, so no huge input is needed to see the refusal.
    expect(() => model.forward(new Float32Array(0), tooMany)).toThrow(
      new RegExp(
        `batchSize ${tooMany} is too large for this model.*split the batch into at most ${tooMany - 1} samples`
      )
    );
  });

  it("backward before any forward throws", () => {
    expect(() => createModel(spec).backward(new Float32Array(3))).toThrow(/backward needs a forward call first/);
  });

  it("a failed forward leaves params, grads and the saved activations as they were", () => {
    const model = createModel(spec);
    const x = randomVector(10, 2);
    const g = randomVector(6, 3);
    model.forward(x, 2);
    model.zeroGrad();
    const gxBefore = model.backward(g);
    const params = Float32Array.from(model.params);
    const grads = Float32Array.from(model.grads);
    const bad = randomVector(15, 4);
    bad[3] = Infinity;
    expect(() => model.forward(bad, 3)).toThrow(/input\[3\] is Infinity/);
    expect(() => model.forward(new Float32Array(7), 1)).toThrow(/got length 7/);
    expect(model.params).toEqual(params);
    expect(model.grads).toEqual(grads);
    // backward still refers to the last good forward (batch 2): same input gradient.
    model.zeroGrad();
    expect(model.backward(g)).toEqual(gxBefore);
    expect(model.grads).toEqual(grads);
  });

  it("backward rejects a gradient of the wrong length or with a NaN, before touching grads", () => {
    const model = createModel(spec);
    model.forward(randomVector(10, 5), 2);
    model.zeroGrad();
    expect(() => model.backward(new Float32Array(5))).toThrow(
      /gradOutput must have length batchSize × outputSize = 2 × 3 = 6.*got length 5/
    );
    const bad = randomVector(6, 6);
    bad[2] = NaN;
    expect(() => model.backward(bad)).toThrow(/gradOutput\[2\] is NaN/);
    expect(model.grads.every((v) => v === 0)).toBe(true);
  });
});

/** Switch Net 4 straight from SPEC.md, in float64 with the O(n²) Hadamard matrix. */
function switchNetReference(
  model: ReturnType<typeof createModel>,
  x: Float32Array,
  flipsIn: Float32Array[],
  flipsOut: Float32Array
): Float64Array {
  const {width: n, groupSize: m, depth, inputSize: k, outputSize, placement, adjust} = model.spec;
  let v = new Float64Array(n);
  for (let j = 0; j < n; j++) v[j] = placement === "pad" ? (j < k ? x[j] : 0) : x[j % k] * Math.sqrt(k / n);
  if (adjust) {
    const r = Math.sqrt(v.reduce((s, a) => s + a * a, 0) / n + 1e-8);
    v = v.map((a) => a / r);
  }
  for (const flips of flipsIn) v = whtReference(v.map((a, j) => a * flips[j])).map((a) => a / Math.sqrt(n));
  for (let l = 0; l < depth; l++) {
    const w = model.params.subarray(l * 2 * m * n, (l + 1) * 2 * m * n);
    const y = new Float64Array(n);
    for (let g = 0; g < n / m; g++) {
      for (let i = 0; i < m; i++) {
        const j = g * m + i;
        const s = v[j] >= 0 ? 0 : 1;
        for (let o = 0; o < m; o++) y[g * m + o] += v[j] * w[(j * 2 + s) * m + o];
      }
    }
    // T_m = H_n · blockdiag(H_m)⁻¹ = H_n · blockdiag(H_m / m).
    const undone = new Float64Array(n);
    for (let g = 0; g < n / m; g++) {
      const block = whtReference(y.subarray(g * m, (g + 1) * m));
      for (let o = 0; o < m; o++) undone[g * m + o] = block[o] / m;
    }
    v = whtReference(undone).map((a) => a / Math.sqrt(n / m));
  }
  return Float64Array.from({length: outputSize}, (_, o) => v[o] * flipsOut[o]);
}

describe("switchnet4 follows SPEC.md's forward pass", () => {
  it("matches a float64 reference built from the Hadamard matrix, for every option", () => {
    for (const groupSize of [1, 2, 4, 8, 16]) {
      for (const [placement, adjust, projection] of [
        ["pad", false, "subrandom"],
        ["repeat", true, "random"],
        ["pad", true, "random"]
      ] as const) {
        const spec: ModelSpec = {
          kind: "switchnet4",
          width: 32,
          inputSize: 11,
          outputSize: 6,
          depth: 3,
          groupSize,
          placement,
          adjust,
          projection,
          initNoise: 0.5,
          seed: groupSize
        };
        const model = createModel(spec);
        const flipsIn = signFlips(32, {kind: projection, seed: deriveSeed(spec.seed!, 0)});
        const flipsOut = signFlips(32, {kind: projection, seed: deriveSeed(spec.seed!, 1)});
        const x = randomVector(11, groupSize);
        const out = model.forward(x, 1);
        const expected = switchNetReference(model, x, [flipsIn], flipsOut);
        for (let o = 0; o < 6; o++) expect(out[o]).toBeCloseTo(expected[o], 4);
      }
    }
  });

  it("applies projectionRounds rounds of WHT(D_r ⊙ v)/√n, round r ≥ 2 with flips seeded deriveSeed(seed, 10 + r)", () => {
    for (const projectionRounds of [2, 3]) {
      for (const projection of ["random", "subrandom"] as const) {
        const spec: ModelSpec = {
          kind: "switchnet4",
          width: 32,
          inputSize: 3,
          outputSize: 5,
          depth: 2,
          projection,
          projectionRounds,
          initNoise: 0.5,
          seed: 4
        };
        const model = createModel(spec);
        const rounds = Array.from({length: projectionRounds}, (_, r) =>
          signFlips(32, {kind: projection, seed: deriveSeed(4, r === 0 ? 0 : 11 + r)})
        );
        const flipsOut = signFlips(32, {kind: projection, seed: deriveSeed(4, 1)});
        const x = randomVector(3, projectionRounds);
        const out = model.forward(x, 1);
        const expected = switchNetReference(model, x, rounds, flipsOut);
        for (let o = 0; o < 5; o++) expect(out[o]).toBeCloseTo(expected[o], 4);
        // A different number of rounds is a different function of the same weights.
        const one = createModel({...spec, projectionRounds: 1});
        one.params.set(model.params);
        expect(Math.max(...one.forward(x, 1).map((v, o) => Math.abs(v - out[o])))).toBeGreaterThan(1e-3);
      }
    }
  });

  it("keeps a one-round model unchanged by the option (the same outputs as a spec without it)", () => {
    const spec: ModelSpec = {kind: "filterbank", width: 64, inputSize: 5, outputSize: 3, depth: 2, seed: 9};
    const x = randomVector(5 * 4, 2);
    expect(createModel({...spec, projectionRounds: 1}).forward(x, 4)).toEqual(createModel(spec).forward(x, 4));
  });

  it("starts with both branches equal to one orthogonal block per group", () => {
    for (const m of [1, 2, 4, 8, 16]) {
      const n = 32;
      const model = createModel({
        kind: "switchnet4",
        width: n,
        inputSize: n,
        outputSize: n,
        depth: 2,
        groupSize: m,
        initNoise: 0,
        seed: m
      });
      for (let l = 0; l < 2; l++) {
        const w = model.params.subarray(l * 2 * m * n, (l + 1) * 2 * m * n);
        for (let g = 0; g < n / m; g++) {
          const block = (i: number, s: number, o: number) => w[((g * m + i) * 2 + s) * m + o];
          for (let a = 0; a < m; a++) {
            for (let b = 0; b < m; b++) {
              let d = 0;
              for (let o = 0; o < m; o++) d += block(a, 0, o) * block(b, 0, o);
              expect(d).toBeCloseTo(a === b ? 1 : 0, 5);
              expect(block(a, 1, b)).toBe(block(a, 0, b));
            }
          }
        }
      }
      // Different groups and layers get different blocks.
      if (m > 1) expect(model.params.subarray(0, 2 * m * m)).not.toEqual(model.params.subarray(2 * m * m, 4 * m * m));
    }
  });

  it("preserves the norm at initNoise 0 for every group size", () => {
    for (const groupSize of [1, 2, 4, 8, 16]) {
      const model = createModel({
        kind: "switchnet4",
        width: 256,
        inputSize: 200,
        outputSize: 256,
        depth: 2,
        groupSize,
        initNoise: 0
      });
      const x = randomVector(200, groupSize);
      expect(Math.abs(norm(model.forward(x, 1)) - norm(x))).toBeLessThan(1e-5 * norm(x));
    }
  });

  it("perturbs each branch weight by about initNoise/√m", () => {
    const [n, m, noise] = [256, 4, 0.2];
    const clean = createModel({
      kind: "switchnet4",
      width: n,
      inputSize: n,
      outputSize: n,
      depth: 1,
      groupSize: m,
      initNoise: 0,
      seed: 5
    });
    const noisy = createModel({
      kind: "switchnet4",
      width: n,
      inputSize: n,
      outputSize: n,
      depth: 1,
      groupSize: m,
      initNoise: noise,
      seed: 5
    });
    // Same seed: the same orthogonal blocks, then the noise on top.
    const diff = noisy.params.map((v, i) => v - clean.params[i]);
    const sd = norm(diff) / Math.sqrt(diff.length);
    expect(sd).toBeGreaterThan((0.9 * noise) / Math.sqrt(m));
    expect(sd).toBeLessThan((1.1 * noise) / Math.sqrt(m));
  });
});

describe("butterfly layer", () => {
  /** One butterfly layer straight from its definition, in float64. */
  function butterflyReference(x: ArrayLike<number>, w: Float32Array, n: number): Float64Array {
    let v = Float64Array.from(x);
    const first = new Float64Array(n);
    for (let t = 0; t < n / 2; t++) {
      for (const j of [2 * t, 2 * t + 1]) {
        const s = v[j] >= 0 ? 0 : 1;
        for (let o = 0; o < 2; o++) first[2 * t + o] += v[j] * w[(j * 2 + s) * 2 + o];
      }
    }
    v = first;
    let offset = 4 * n;
    for (let h = 2; h < n; h *= 2) {
      const next = new Float64Array(n);
      let p = 0;
      for (let i = 0; i < n; i += 2 * h) {
        for (let j = i; j < i + h; j++, p++) {
          const [w1, w2, w3, w4] = w.subarray(offset + 4 * p, offset + 4 * p + 4);
          next[j] = w1 * v[j] + w2 * v[j + h];
          next[j + h] = w3 * v[j] + w4 * v[j + h];
        }
      }
      v = next;
      offset += 2 * n;
    }
    return v;
  }

  it("matches its definition for random weights (switched first stage, learned pairs after)", () => {
    for (const n of [2, 4, 16, 64]) {
      const w = randomVector(butterflyLayerSize(n), n);
      const x = randomVector(3 * n, n + 1);
      const y = new Float32Array(3 * n);
      butterflyForward(x, y, w, n, 3);
      for (let b = 0; b < 3; b++) {
        const expected = butterflyReference(x.subarray(b * n, (b + 1) * n), w, n);
        for (let j = 0; j < n; j++) expect(y[b * n + j]).toBeCloseTo(expected[j], 4);
      }
    }
  });

  it("starts as an orthogonal butterfly, not the WHT, when initNoise is 0", () => {
    const n = 64;
    const w = new Float32Array(butterflyLayerSize(n));
    initButterflyLayer(w, n, createRng(1), 0);
    const x1 = randomVector(n, 2);
    const x2 = randomVector(n, 3);
    const y1 = new Float32Array(n);
    const y2 = new Float32Array(n);
    butterflyForward(x1, y1, w, n, 1);
    butterflyForward(x2, y2, w, n, 1);
    const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i], 0);
    // Orthogonal: inner products (so norms and angles) are kept.
    expect(dot(y1, y1)).toBeCloseTo(dot(x1, x1), 3);
    expect(dot(y1, y2)).toBeCloseTo(dot(x1, x2), 3);
    // ...but not the normalised WHT, which would cancel the input projection.
    const h = whtReference(x1).map((v) => v / Math.sqrt(n));
    const diff = Math.sqrt(Array.from(y1).reduce((s, v, j) => s + (v - h[j]) ** 2, 0));
    expect(diff).toBeGreaterThan(0.5 * Math.sqrt(dot(x1, x1)));
  });
});

describe("filterbank layer", () => {
  it("is a slope a (v ≥ 0) or b (v < 0) per element followed by WHT/√n", () => {
    const n = 32;
    const w = randomVector(filterBankLayerSize(n), 3);
    const x = randomVector(2 * n, 4);
    const y = new Float32Array(2 * n);
    filterBankForward(x, y, w, n, 2);
    for (let b = 0; b < 2; b++) {
      const u = Array.from(x.subarray(b * n, (b + 1) * n), (v, j) => v * w[2 * j + (v >= 0 ? 0 : 1)]);
      const expected = whtReference(u).map((v) => v / Math.sqrt(n));
      for (let j = 0; j < n; j++) expect(y[b * n + j]).toBeCloseTo(expected[j], 4);
    }
  });

  it("starts with slopes 1 + initNoise·N(0, 1)", () => {
    const w = new Float32Array(filterBankLayerSize(4096));
    initFilterBankLayer(w, 4096, createRng(2), 0.1);
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    const sd = Math.sqrt(w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length);
    expect(mean).toBeCloseTo(1, 2);
    expect(sd).toBeGreaterThan(0.095);
    expect(sd).toBeLessThan(0.105);
  });
});

describe("dense baseline", () => {
  /** The MLP straight from its definition, in float64. */
  function denseReference(model: ReturnType<typeof createModel>, x: ArrayLike<number>): Float64Array {
    const sizes = denseSizes(model.spec);
    let v = Float64Array.from(x);
    let offset = 0;
    for (let l = 0; l + 1 < sizes.length; l++) {
      const [ni, no] = [sizes[l], sizes[l + 1]];
      const next = new Float64Array(no);
      for (let j = 0; j < no; j++) {
        let s = model.params[offset + ni * no + j];
        for (let k = 0; k < ni; k++) s += v[k] * model.params[offset + k * no + j];
        next[j] = l + 2 < sizes.length ? Math.max(0, s) : s;
      }
      offset += ni * no + no;
      v = next;
    }
    return v;
  }

  it("is inputSize → width (ReLU) → … → outputSize (linear), with biases", () => {
    for (const depth of [1, 2, 3]) {
      const model = createModel({kind: "dense", width: 12, depth, inputSize: 5, outputSize: 3, seed: depth});
      // Non-zero biases, so they are exercised.
      model.params.forEach((v, i) => (model.params[i] = v + 0.01 * ((i % 7) - 3)));
      const x = randomVector(4 * 5, depth);
      const out = model.forward(x, 4);
      for (let b = 0; b < 4; b++) {
        const expected = denseReference(model, x.subarray(b * 5, (b + 1) * 5));
        for (let o = 0; o < 3; o++) expect(out[b * 3 + o]).toBeCloseTo(expected[o], 5);
      }
    }
  });

  it("initialises He-normal (ReLU layers), Glorot-normal (output layer) and zero biases", () => {
    const model = createModel({kind: "dense", width: 512, depth: 2, inputSize: 256, outputSize: 64, seed: 3});
    const sd = (a: Float32Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0) / a.length);
    const first = model.params.subarray(0, 256 * 512);
    const firstBias = model.params.subarray(256 * 512, 256 * 512 + 512);
    const outStart = 256 * 512 + 512 + 512 * 512 + 512;
    const last = model.params.subarray(outStart, outStart + 512 * 64);
    expect(sd(first) / Math.sqrt(2 / 256)).toBeCloseTo(1, 1);
    expect(sd(last) / Math.sqrt(2 / (512 + 64))).toBeCloseTo(1, 1);
    expect(firstBias.every((v) => v === 0)).toBe(true);
    expect(model.params.subarray(outStart + 512 * 64).every((v) => v === 0)).toBe(true);
  });

  it("gives the same products with several cache blocks, four-row passes and four-sample passes", () => {
    // 20,000 outputs: blocks of 4 weight rows, so 7 inputs take a four-row pass and then 3 single
    // rows; a batch of 5 takes one four-sample pass and one single sample in the backward.
    const [ni, no, batch] = [7, 20000, 5];
    const w = randomVector(ni * no, 1);
    const bias = randomVector(no, 2);
    const x = randomVector(batch * ni, 3);
    x[4] = 0;
    const y = new Float32Array(batch * no);
    linearForward(x, y, w, bias, ni, no, batch, false);
    for (const j of [0, 1, 9999, 19999]) {
      for (let b = 0; b < batch; b++) {
        let s = bias[j];
        for (let k = 0; k < ni; k++) s += x[b * ni + k] * w[k * no + j];
        expect(y[b * no + j]).toBeCloseTo(s, 4);
      }
    }
    const gy = randomVector(batch * no, 4);
    const gx = new Float32Array(batch * ni);
    const gw = new Float32Array(ni * no);
    const gb = new Float32Array(no);
    linearBackward(x, gy, gx, w, gw, gb, ni, no, batch, false);
    for (const b of [0, 3, 4]) {
      for (const k of [0, 4, 6]) {
        let s = 0;
        for (let j = 0; j < no; j++) s += w[k * no + j] * gy[b * no + j];
        expect(gx[b * ni + k]).toBeCloseTo(s, 2);
      }
    }
    for (const k of [0, 4, 6]) {
      for (const j of [5, 19999]) {
        let s = 0;
        for (let b = 0; b < batch; b++) s += x[b * ni + k] * gy[b * no + j];
        expect(gw[k * no + j]).toBeCloseTo(s, 5);
      }
    }
    let sum = 0;
    for (let b = 0; b < batch; b++) sum += gy[b * no + 3];
    expect(gb[3]).toBeCloseTo(sum, 5);
  });
});
