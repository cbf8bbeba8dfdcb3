// Budget matching for the capacity experiment: the SPEC's numbers, exhaustive argmin checks,
// agreement with the models' own parameter counts, and argument errors.
import {describe, expect, it} from "vitest";
import {SwitchNetError} from "../lib/check.js";
import {createModel} from "../lib/model.js";
import {
  BUDGET_KINDS,
  REFERENCE,
  contender,
  layerBudget,
  matchContenders,
  matchWidth,
  parseContender,
  type Contender
} from "../lib/experiment/budget.js";

const dense = contender("dense");
const butterfly = contender("butterfly");
const filterbank = contender("filterbank");
const m8 = contender("switchnet4", 8);

describe("layerBudget", () => {
  it("gives the SPEC's counts for a 65,536-wide Switch Net 4 layer (m = 4)", () => {
    expect(layerBudget(REFERENCE, 65536)).toEqual({params: 524288, edges: 2097152, macs: 262144});
  });

  it("gives W² + W stored, W² edges and multiply-adds for a dense layer", () => {
    expect(layerBudget(dense, 1448)).toEqual({params: 1448 * 1448 + 1448, edges: 2096704, macs: 2096704});
  });

  it("counts the learned butterfly and the filter bank as the SPEC does", () => {
    expect(layerBudget(butterfly, 65536)).toEqual({
      params: 2 * 65536 * 16 + 2 * 65536,
      edges: 2 * 65536 * 16,
      macs: 2 * 65536 * 16
    });
    expect(layerBudget(filterbank, 1024)).toEqual({params: 2048, edges: 2 * 1024 * 10 + 1024, macs: 1024});
    expect(layerBudget(m8, 1024)).toEqual({params: 16 * 1024, edges: 1024 * (8 + 2 * 7), macs: 8 * 1024});
  });

  it("agrees with the stored parameters the models report", () => {
    for (const c of [REFERENCE, m8, butterfly, filterbank]) {
      for (const width of [16, 64]) {
        const model = createModel({kind: c.kind, inputSize: 3, outputSize: 2, width, depth: 1, groupSize: c.groupSize});
        expect(model.parameterCount, `${c.id} W=${width}`).toBe(layerBudget(c, width).params);
      }
    }
    // Dense: one more hidden W×W layer adds exactly one layer's budget (W² weights + W biases).
    for (const width of [5, 24]) {
      const one = createModel({kind: "dense", inputSize: 3, outputSize: 2, width, depth: 1}).parameterCount;
      const two = createModel({kind: "dense", inputSize: 3, outputSize: 2, width, depth: 2}).parameterCount;
      expect(two - one).toBe(layerBudget(dense, width).params);
    }
  });
});

describe("matchWidth", () => {
  it("matches the seed's pairs: 65,536-wide Switch Net 4 against dense 724 / 1448 / 512", () => {
    const ref = layerBudget(REFERENCE, 65536);
    expect(matchWidth(dense, "params", ref.params)).toBe(724);
    expect(matchWidth(dense, "edges", ref.edges)).toBe(1448);
    expect(matchWidth(dense, "macs", ref.macs)).toBe(512);
  });

  it("returns the width whose count is closest in ratio, checked exhaustively", () => {
    const cases: [Contender, number][] = [
      [dense, 5000],
      [REFERENCE, 1 << 22],
      [m8, 1 << 22],
      [butterfly, 1 << 22],
      [filterbank, 1 << 22]
    ];
    for (const [c, limit] of cases) {
      const widths: number[] = [];
      if (c.kind === "dense") for (let w = 1; w <= limit; w++) widths.push(w);
      else for (let w = c.kind === "butterfly" ? 2 : c.groupSize; w <= limit; w *= 2) widths.push(w);
      for (const budget of BUDGET_KINDS) {
        for (const target of [37, 1000, 123457, 2097152, 9.9e6]) {
          const got = matchWidth(c, budget, target, {maxWidth: limit});
          const gap = (w: number) => Math.abs(Math.log(layerBudget(c, w)[budget] / target));
          const best = Math.min(...widths.map(gap));
          expect(gap(got), `${c.id} ${budget} ${target}`).toBeCloseTo(best, 12);
        }
      }
    }
  });

  it("respects minWidth (WHT kinds must hold the input)", () => {
    expect(matchWidth(filterbank, "params", 8, {minWidth: 16})).toBe(16);
    expect(matchWidth(dense, "params", 4, {minWidth: 10})).toBe(10);
  });

  it("throws a SwitchNetError naming the bad value", () => {
    expect(() => matchWidth(dense, "params", 0)).toThrow(SwitchNetError);
    expect(() => matchWidth(dense, "params", -3)).toThrow(/target must be a positive finite number, got -3/);
    expect(() => matchWidth(dense, "flops" as never, 10)).toThrow(/budget must be one of/);
    expect(() => matchContenders(100, "params", [dense])).toThrow(/refWidth must be a power of two/);
    for (const id of ["switchnet4-m4-r2", "switchnet4-m8-r3", "butterfly-r2", "filterbank-r2", "filterbank", "dense"])
      expect(parseContender(id).id).toBe(id);
    expect(parseContender("switchnet4-m4-r2")).toEqual({
      id: "switchnet4-m4-r2",
      kind: "switchnet4",
      groupSize: 4,
      rounds: 2
    });
    // Projection rounds change no per-layer count, so budgets match at the same width.
    expect(layerBudget(parseContender("filterbank-r2"), 1024)).toEqual(layerBudget(filterbank, 1024));
    expect(() => contender("switchnet4", 3)).toThrow(/groupSize must be one of 1, 2, 4, 8, 16, got 3/);
    expect(() => parseContender("mlp")).toThrow(
      /contender must be switchnet4-m1\/m2\/m4\/m8\/m16, butterfly, filterbank or dense.*got "mlp"/
    );
    expect(() => parseContender("filterbank-m8")).toThrow(/got "filterbank-m8"/);
    expect(() => parseContender("switchnet4-m4-r4")).toThrow(/rounds must be between 1 and 3, got 4/);
  });
});

describe("matchContenders", () => {
  it("matches every contender to the reference layer and reports the ratio", () => {
    const all = ["switchnet4-m4", "switchnet4-m8", "butterfly", "filterbank", "dense"].map(parseContender);
    const byId = (budget: "params" | "edges" | "macs") =>
      Object.fromEntries(matchContenders(65536, budget, all).map((m) => [m.contender.id, m]));
    const params = byId("params");
    expect(params["switchnet4-m4"].width).toBe(65536);
    expect(params["switchnet4-m4"].ratio).toBe(1);
    expect(params["switchnet4-m8"].width).toBe(32768);
    expect(params["butterfly"].width).toBe(16384);
    expect(params["filterbank"].width).toBe(262144);
    expect(params["dense"].width).toBe(724);
    const edges = byId("edges");
    expect(edges["butterfly"].width).toBe(65536);
    expect(edges["butterfly"].ratio).toBe(1);
    expect(edges["dense"].width).toBe(1448);
    expect(edges["dense"].ratio).toBeCloseTo(2096704 / 2097152, 12);
    for (const m of Object.values(edges))
      expect(m.ratio).toBeCloseTo(layerBudget(m.contender, m.width).edges / 2097152, 12);
    expect(byId("macs")["dense"].width).toBe(512);
  });
});
