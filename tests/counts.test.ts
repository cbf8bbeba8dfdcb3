// Layer counts: the seed's 2·log2(W) edges per input point, stored versus active weights, fixed
// edges kept apart from parameters, the equal-dense widths, and agreement with the parameters
// createModel actually allocates.
import {describe, expect, it} from "vitest";
import {counts, equalDenseWidth, modelCounts} from "../lib/counts.js";
import {createModel} from "../lib/model.js";
import type {ModelKind} from "../lib/types.js";

describe("counts for one Switch Net 4 layer (m = 4)", () => {
  it("counts 48 edges at W = 8, as in the author's diagram: 32 learned, 16 fixed", () => {
    const c = counts("switchnet4", 8);
    expect(c.edges).toBe(48);
    expect(c.learnedEdges).toBe(32);
    expect(c.fixedEdges).toBe(16);
    expect(c.edgesPerPoint).toBe(6);
    expect(c.stored).toBe(64);
    expect(c.active).toBe(32);
    expect(c.addSub).toBe(8);
  });

  it("counts 2,097,152 edges at W = 65,536, with 524,288 stored and 262,144 active weights", () => {
    const c = counts("switchnet4", 65536, {groupSize: 4});
    expect(c.edges).toBe(2_097_152);
    expect(c.edgesPerPoint).toBe(32);
    expect(c.stored).toBe(524_288);
    expect(c.active).toBe(262_144);
    expect(c.learnedEdges).toBe(262_144);
    expect(c.fixedEdges).toBe(2_097_152 - 262_144);
    expect(c.biases).toBe(0);
    // n·(log2 n − log2 m) additions in the combiner.
    expect(c.addSub).toBe(65536 * 14);
  });

  it("has 2·log2 W edges per point for m = 4 at every width, and m + 2·(log2 W − log2 m) in general", () => {
    for (let k = 2; k <= 20; k++) {
      const w = 2 ** k;
      expect(counts("switchnet4", w).edgesPerPoint).toBe(2 * k);
      for (const m of [1, 2, 4, 8, 16].filter((m) => m <= w)) {
        const c = counts("switchnet4", w, {groupSize: m});
        expect(c.edgesPerPoint).toBe(m + 2 * (k - Math.log2(m)));
        expect(c.stored).toBe(2 * m * w);
        expect(c.edges).toBe(c.learnedEdges + c.fixedEdges);
      }
    }
  });
});

describe("counts for the other kinds", () => {
  it("butterfly: 2·W·log2 W active weights and edges, all learned; 2·W more stored for the switched stage", () => {
    const c = counts("butterfly", 65536);
    expect(c.active).toBe(2 * 65536 * 16);
    expect(c.learnedEdges).toBe(2 * 65536 * 16);
    expect(c.fixedEdges).toBe(0);
    expect(c.stored).toBe(2 * 65536 * 16 + 2 * 65536);
    expect(c.edgesPerPoint).toBe(32);
    // At W = 65,536 it matches a 1448-wide dense layer in both weights and multiply-adds.
    expect(Math.abs(c.active - 1448 ** 2) / 1448 ** 2).toBeLessThan(1e-3);
  });

  it("filterbank: 2 stored weights per element, one active; a full fixed WHT", () => {
    const c = counts("filterbank", 1024);
    expect(c.stored).toBe(2048);
    expect(c.active).toBe(1024);
    expect(c.fixedEdges).toBe(2 * 1024 * 10);
    expect(c.addSub).toBe(1024 * 10);
    expect(c.edgesPerPoint).toBe(21);
  });

  it("dense: W² weights and W biases (separately), W edges per point, nothing fixed", () => {
    const c = counts("dense", 1448);
    expect(c.stored).toBe(1448 * 1448);
    expect(c.biases).toBe(1448);
    expect(c.active).toBe(1448 * 1448);
    expect(c.edges).toBe(1448 * 1448);
    expect(c.edgesPerPoint).toBe(1448);
    expect(c.fixedEdges).toBe(0);
    const rect = counts("dense", 100, {inputSize: 784, outputSize: 100});
    expect(rect.stored).toBe(78_400);
    expect(rect.biases).toBe(100);
  });
});

describe("equalDenseWidth", () => {
  it("is 1448 by edges, 724 by stored weights and 512 by active weights at W = 65,536", () => {
    expect(equalDenseWidth(65536)).toBe(1448);
    expect(equalDenseWidth(65536, {by: "edges"})).toBe(1448);
    expect(equalDenseWidth(65536, {by: "stored"})).toBe(724);
    expect(equalDenseWidth(65536, {by: "active"})).toBe(512);
    expect(equalDenseWidth(8)).toBe(7);
  });

  it("for the butterfly, equal weights and equal edges give the same ≈1448", () => {
    expect(equalDenseWidth(65536, {kind: "butterfly", by: "active"})).toBe(1448);
    expect(equalDenseWidth(65536, {kind: "butterfly", by: "edges"})).toBe(1448);
  });

  it("rejects an unknown measure", () => {
    expect(() => equalDenseWidth(64, {by: "flops" as never})).toThrow(
      /by must be one of "edges", "stored", "active", got "flops"/
    );
  });
});

describe("counts agree with the parameters createModel allocates", () => {
  const kinds: ModelKind[] = ["switchnet4", "butterfly", "filterbank"];
  for (const kind of kinds) {
    it(`${kind}: counts(...).stored · depth = parameterCount`, () => {
      for (const width of [2, 8, 64, 1024]) {
        for (const depth of [1, 2, 3]) {
          for (const groupSize of [1, 2, 4, 16].filter((m) => m <= width)) {
            const spec = {kind, width, depth, groupSize, inputSize: 2, outputSize: 2};
            const model = createModel(spec);
            expect(counts(kind, width, {groupSize}).stored * depth).toBe(model.parameterCount);
            expect(modelCounts(spec).parameterCount).toBe(model.parameterCount);
          }
        }
      }
    });
  }

  it("dense: hidden layers W² + biases, plus the input and output layers, = parameterCount", () => {
    for (const [width, depth, inputSize, outputSize] of [
      [8, 1, 3, 2],
      [10, 2, 784, 10],
      [100, 3, 2, 1]
    ]) {
      const spec = {kind: "dense" as const, width, depth, inputSize, outputSize};
      const model = createModel(spec);
      const input = counts("dense", width, {inputSize});
      const hidden = counts("dense", width);
      const output = counts("dense", width, {outputSize});
      const expected =
        input.stored + input.biases + (depth - 1) * (hidden.stored + hidden.biases) + output.stored + output.biases;
      expect(model.parameterCount).toBe(expected);
      expect(modelCounts(spec).parameterCount).toBe(expected);
      expect(modelCounts(spec).biases).toBe(depth * width + outputSize);
    }
  });

  it("modelCounts adds the input projection's fixed WHT to the layers' edges", () => {
    const c = modelCounts({kind: "switchnet4", width: 8, depth: 2, inputSize: 8, outputSize: 8});
    expect(c.edges).toBe(2 * 48 + 2 * 8 * 3);
    expect(c.fixedEdges).toBe(2 * 16 + 48);
    expect(c.addSub).toBe(2 * 8 + 24);
    expect(c.active).toBe(64);
    expect(c.stored).toBe(128);
    expect(c.layers).toHaveLength(2);
  });

  it("modelCounts counts one fixed WHT per projection round, and no stored weights for them", () => {
    const one = modelCounts({kind: "switchnet4", width: 1024, depth: 2, inputSize: 3, outputSize: 4});
    for (const projectionRounds of [2, 3]) {
      const c = modelCounts({kind: "switchnet4", width: 1024, depth: 2, inputSize: 3, outputSize: 4, projectionRounds});
      expect(c.fixedEdges - one.fixedEdges).toBe((projectionRounds - 1) * 2 * 1024 * 10);
      expect(c.addSub - one.addSub).toBe((projectionRounds - 1) * 1024 * 10);
      expect(c.parameterCount).toBe(one.parameterCount);
      expect(c.parameterCount).toBe(createModel(c.spec).parameterCount);
    }
  });
});

describe("counts rejects bad input, naming the value", () => {
  const cases: [string, () => unknown, RegExp][] = [
    ["unknown kind", () => counts("rnn" as never, 8), /kind must be one of .*got "rnn"/],
    ["width not a power of two", () => counts("switchnet4", 100), /width must be a power of two.*got 100/],
    ["butterfly width 1", () => counts("butterfly", 1), /width must be at least 2 for a butterfly.*got 1/],
    ["dense width 0", () => counts("dense", 0), /width must be between 1 and 1073741824, got 0/],
    [
      "groupSize not allowed",
      () => counts("switchnet4", 64, {groupSize: 5}),
      /groupSize must be one of 1, 2, 4, 8, 16, got 5/
    ],
    [
      "groupSize above width",
      () => counts("switchnet4", 8, {groupSize: 16}),
      /groupSize must be at most the width 8, got 16/
    ],
    [
      "inputSize above width",
      () => counts("filterbank", 8, {inputSize: 9}),
      /inputSize must be between 1 and 8, got 9/
    ],
    [
      "dense outputSize fractional",
      () => counts("dense", 8, {outputSize: 2.5}),
      /outputSize must be an integer, got 2.5/
    ]
  ];
  for (const [what, call, message] of cases) {
    it(what, () => {
      expect(call).toThrow(message);
      expect(call).toThrow(expect.objectContaining({name: "SwitchNetError"}));
    });
  }
});
