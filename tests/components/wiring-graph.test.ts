import {describe, expect, it} from "vitest";
import {
  columnValues,
  combinerHalves,
  composeColumns,
  layerEdgesPerPoint,
  reach,
  reachCounts,
  switchStates,
  wiringGraph
} from "../../src/components/wiring-graph.js";
import {project, signFlips} from "../../lib/projection.js";
import {counts} from "../../lib/counts.js";
import {whtReference} from "../../lib/wht.js";
import {SwitchNetError} from "../../lib/check.js";

const ones = (n: number) => new Array<number>(n).fill(1);
const alternating = (n: number) => Array.from({length: n}, (_, i) => (i % 3 === 0 ? -1 : 1));

describe("wiringGraph", () => {
  it("has input, flips, log2 n projection stages, mini layers and the combiner stages", () => {
    const g = wiringGraph({width: 16, groupSize: 4, mode: "truncated", flips: ones(16)});
    expect(g.columns.map((c) => c.kind)).toEqual([
      "input",
      "flip",
      "projection",
      "projection",
      "projection",
      "projection",
      "mini",
      "combiner",
      "combiner"
    ]);
    expect(g.columns.filter((c) => c.kind === "combiner").map((c) => c.half)).toEqual([4, 8]);
    const full = wiringGraph({width: 16, groupSize: 4, mode: "full", flips: ones(16)});
    expect(full.columns.filter((c) => c.kind === "combiner").map((c) => c.half)).toEqual([1, 2, 4, 8]);
  });

  it("counts 2·log2 W edges per input point when truncated with m = 4 (the seed's count)", () => {
    for (const width of [4, 8, 16, 32, 64]) {
      const g = wiringGraph({width, groupSize: 4, mode: "truncated", flips: ones(width)});
      const per = layerEdgesPerPoint(g);
      expect(per.total).toBe(2 * Math.log2(width));
      expect(per.learned).toBe(4);
      expect(per.fixed).toBe(2 * (Math.log2(width) - 2));
    }
    // Width 8: 48 edges, not 64 (the reader's count of the author's diagram).
    const g8 = wiringGraph({width: 8, groupSize: 4, mode: "truncated", flips: ones(8)});
    expect(layerEdgesPerPoint(g8).total * 8).toBe(48);
  });

  it("edge counts of the drawn layer equal the library's counts for every width and group size", () => {
    for (const width of [4, 8, 16, 32, 64]) {
      for (const m of [1, 2, 4, 8, 16].filter((g) => g <= width)) {
        const g = wiringGraph({width, groupSize: m, mode: "truncated", flips: ones(width)});
        const per = layerEdgesPerPoint(g);
        const c = counts("switchnet4", width, {groupSize: m});
        expect(per.total).toBe(c.edgesPerPoint);
        expect(per.learned * width).toBe(c.learnedEdges);
        expect(per.fixed * width).toBe(c.fixedEdges);
        expect(g.columns.filter((col) => col.kind === "combiner").length * width).toBe(c.addSub);
      }
    }
  });

  it("full mode adds 2 fixed edges per point for each of the log2 m skipped stages", () => {
    for (const m of [1, 2, 4, 8]) {
      const t = layerEdgesPerPoint(wiringGraph({width: 32, groupSize: m, mode: "truncated", flips: ones(32)}));
      const f = layerEdgesPerPoint(wiringGraph({width: 32, groupSize: m, mode: "full", flips: ones(32)}));
      expect(f.fixed - t.fixed).toBe(2 * Math.log2(m));
      expect(t.learned).toBe(m);
    }
  });

  it("projection stages compose to the Hadamard matrix, flips to D", () => {
    const n = 16;
    const flips = alternating(n);
    const g = wiringGraph({width: n, groupSize: 4, mode: "truncated", flips});
    const firstStage = 2;
    const lastStage = firstStage + Math.log2(n) - 1;
    const h = composeColumns(g, firstStage, lastStage);
    for (let j = 0; j < n; j++) {
      const e = new Array<number>(n).fill(0);
      e[j] = 1;
      const col = whtReference(e);
      for (let i = 0; i < n; i++) expect(h[i][j]).toBe(col[i]);
    }
    const d = composeColumns(g, 1, 1);
    for (let i = 0; i < n; i++) expect(d[i][i]).toBe(flips[i]);
  });

  it("the full combiner composes to H_n and the truncated one to H_n with its first log2 m stages removed", () => {
    const n = 16;
    const full = wiringGraph({width: n, groupSize: 4, mode: "full", flips: ones(n)});
    const mini = full.columns.findIndex((c) => c.kind === "mini");
    const hFull = composeColumns(full, mini + 1, full.columns.length - 1);
    const trunc = wiringGraph({width: n, groupSize: 4, mode: "truncated", flips: ones(n)});
    const tm = composeColumns(trunc, mini + 1, trunc.columns.length - 1);
    // H_n = T_m · blockdiag(H_m): compose T_m with block-diagonal H_4 and compare.
    const h4 = [
      [1, 1, 1, 1],
      [1, -1, 1, -1],
      [1, 1, -1, -1],
      [1, -1, -1, 1]
    ];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) {
          if (Math.floor(k / 4) === Math.floor(j / 4)) s += tm[i][k] * h4[k % 4][j % 4];
        }
        expect(s).toBe(hFull[i][j]);
        const e = new Array<number>(n).fill(0);
        e[j] = 1;
        expect(hFull[i][j]).toBe(whtReference(e)[i]);
      }
    }
  });

  it("refuses composing across learned mini-layer edges", () => {
    const g = wiringGraph({width: 8, groupSize: 4, mode: "full", flips: ones(8)});
    const mini = g.columns.findIndex((c) => c.kind === "mini");
    expect(() => composeColumns(g, mini, mini)).toThrow(/learned mini-layer edges/);
  });

  it("rejects bad widths, group sizes, modes and flips with a SwitchNetError", () => {
    expect(() => wiringGraph({width: 12, groupSize: 4, mode: "full", flips: ones(12)})).toThrow(SwitchNetError);
    expect(() => wiringGraph({width: 12, groupSize: 4, mode: "full", flips: ones(12)})).toThrow(
      /width must be a power of two/
    );
    expect(() => wiringGraph({width: 4, groupSize: 8, mode: "full", flips: ones(4)})).toThrow(
      /groupSize must be at most the width 4, got 8/
    );
    expect(() => wiringGraph({width: 8, groupSize: 4, mode: "half" as never, flips: ones(8)})).toThrow(
      /mode must be one of/
    );
    expect(() => wiringGraph({width: 8, groupSize: 4, mode: "full", flips: ones(4)})).toThrow(
      /flips must have length 8, got 4/
    );
    expect(() => wiringGraph({width: 4, groupSize: 4, mode: "full", flips: [1, 0, 1, 1]})).toThrow(/flips\[1\] is 0/);
  });
});

describe("reach", () => {
  it("lights up the input's group after the mini layers, doubles per combiner stage, and reaches every output", () => {
    for (const width of [4, 8, 16, 32, 64]) {
      const g = wiringGraph({width, groupSize: 4, mode: "truncated", flips: alternating(width)});
      for (let row = 0; row < width; row++) {
        const counts = reachCounts(reach(g, row));
        expect(counts[0]).toBe(1);
        expect(counts[1]).toBe(1);
        expect(counts.at(-1)).toBe(width);
        const mini = g.columns.findIndex((c) => c.kind === "mini");
        // The projection WHT already spreads one input over every row.
        expect(counts[mini - 1]).toBe(width);
      }
    }
  });

  it("without the projection, reach is the group after the mini layers and doubles per stage", () => {
    const width = 32;
    const g = wiringGraph({width, groupSize: 4, mode: "truncated", flips: ones(width), projection: false});
    const counts = reachCounts(reach(g, 5));
    expect(counts).toEqual([1, 1, 4, 8, 16, 32]);
    const r = reach(g, 5);
    const mini = g.columns.findIndex((c) => c.kind === "mini");
    expect(r.nodes[mini].map((v, i) => (v ? i : -1)).filter((i) => i >= 0)).toEqual([4, 5, 6, 7]);
    // Edges on the path: 1 flip, 4 mini edges, then 4·2 and 8·2 and 16·2 butterfly edges.
    expect(r.edges.filter(Boolean).length).toBe(1 + 4 + 8 + 16 + 32);
  });

  it("without flips or projection, the graph is just the layer: mini layers then the combiner", () => {
    const g = wiringGraph({
      width: 16,
      groupSize: 4,
      mode: "truncated",
      flips: ones(16),
      projection: false,
      showFlips: false
    });
    expect(g.columns.map((c) => c.kind)).toEqual(["input", "mini", "combiner", "combiner"]);
    expect(reachCounts(reach(g, 9))).toEqual([1, 4, 8, 16]);
    expect(layerEdgesPerPoint(g).total).toBe(8);
  });

  it("in full mode the first log2 m combiner stages stay inside the group (they add nothing)", () => {
    const g = wiringGraph({width: 16, groupSize: 4, mode: "full", flips: ones(16), projection: false});
    expect(reachCounts(reach(g, 0))).toEqual([1, 1, 4, 4, 4, 8, 16]);
  });

  it("rejects a row outside the width", () => {
    const g = wiringGraph({width: 8, groupSize: 4, mode: "full", flips: ones(8)});
    expect(() => reach(g, 8)).toThrow(/row must be between 0 and 7, got 8/);
  });
});

describe("switchStates and combinerHalves", () => {
  it("selects pattern A for v ≥ 0 and B for v < 0", () => {
    expect(Array.from(switchStates([0.5, -0.1, 0, -3, 2]))).toEqual([0, 1, 0, 1, 0]);
  });
  it("lists the combiner stages", () => {
    expect(combinerHalves(64, 4, "truncated")).toEqual([4, 8, 16, 32]);
    expect(combinerHalves(64, 1, "truncated")).toEqual([1, 2, 4, 8, 16, 32]);
    expect(combinerHalves(4, 4, "truncated")).toEqual([]);
  });
});

describe("columnValues", () => {
  it("carries the input through the flips and the projection: the last column is WHT(D ⊙ x)", () => {
    const n = 16;
    const flips = signFlips(n, {kind: "random", seed: 3});
    const x = Array.from({length: n}, (_, i) => Math.sin(i + 1) * 2);
    const g = wiringGraph({width: n, groupSize: 4, mode: "truncated", flips: Array.from(flips)});
    const values = columnValues(g, x);
    const mini = g.columns.findIndex((c) => c.kind === "mini");
    const expected = whtReference(x.map((v, i) => v * flips[i]));
    for (let i = 0; i < n; i++) expect(values[mini - 1]![i]).toBeCloseTo(expected[i], 10);
    expect(values[mini]).toBeUndefined();
    // The library's normalised projection has the same signs, hence the same switch states.
    const projected = project(Float32Array.from(x), flips, true);
    expect(Array.from(switchStates(projected))).toEqual(Array.from(switchStates(values[mini - 1]!)));
    for (let i = 0; i < n; i++) expect(projected[i]).toBeCloseTo(expected[i] / Math.sqrt(n), 5);
  });
  it("rejects an input of the wrong length", () => {
    const g = wiringGraph({width: 8, groupSize: 4, mode: "full", flips: ones(8)});
    expect(() => columnValues(g, [1, 2])).toThrow(/input must have length 8, got 2/);
  });
});
