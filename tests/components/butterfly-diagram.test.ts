import {describe, expect, it} from "vitest";
import {columnBands, diagramLayout} from "../../src/components/butterfly-diagram.js";
import {wiringGraph} from "../../src/components/wiring-graph.js";

const ones = (n: number) => new Array<number>(n).fill(1);

describe("diagramLayout", () => {
  it("fits the columns in the width and the rows in the height, in order", () => {
    for (const [n, px] of [
      [4, 390],
      [16, 640],
      [64, 980],
      [64, 300]
    ]) {
      const g = wiringGraph({width: n, groupSize: 4, mode: "full", flips: ones(n)});
      const l = diagramLayout(g, px);
      expect(l.x).toHaveLength(g.columns.length);
      expect(l.y).toHaveLength(n);
      for (let c = 1; c < l.x.length; c++) expect(l.x[c]).toBeGreaterThan(l.x[c - 1]);
      for (let r = 1; r < n; r++) expect(l.y[r] - l.y[r - 1]).toBeCloseTo(l.rowHeight, 9);
      expect(l.x.at(-1)! + l.margin.right).toBeLessThanOrEqual(
        Math.max(px, l.margin.left + 120 + l.margin.right) + 1e-9
      );
      expect(l.y.at(-1)! + l.rowHeight / 2 + l.margin.bottom).toBeCloseTo(l.height, 9);
      // Nodes never overlap their neighbours.
      expect(2 * l.nodeRadius).toBeLessThan(l.rowHeight);
    }
  });
});

describe("columnBands", () => {
  it("groups consecutive columns of one kind", () => {
    const g = wiringGraph({width: 16, groupSize: 4, mode: "truncated", flips: ones(16)});
    expect(columnBands(g)).toEqual([
      {kind: "input", first: 0, last: 0},
      {kind: "flip", first: 1, last: 1},
      {kind: "projection", first: 2, last: 5},
      {kind: "mini", first: 6, last: 6},
      {kind: "combiner", first: 7, last: 8}
    ]);
  });
});
