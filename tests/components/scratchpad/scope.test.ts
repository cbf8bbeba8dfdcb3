// Tests for the Scratchpad scope and the worked examples, run in Node (Plot figures need a
// document, so Plot is replaced by a stub that records its calls; the browser test draws them).
import {describe, expect, it} from "vitest";
import * as lib from "../../../lib/index.js";
import {scratchpadScope, tick} from "../../../src/components/scratchpad/scope.js";
import {EXAMPLE_CELLS} from "../../../src/components/scratchpad/examples.js";
import {createNotebook} from "../../../src/components/scratchpad/notebook.js";
import {createLoopGuard} from "../../../src/components/scratchpad/guard.js";
import {compileCell} from "../../../src/components/scratchpad/transform.js";

describe("scratchpadScope", () => {
  it("holds every library export, the namespace, Plot, d3, tick and width; extras override", () => {
    const scope = scratchpadScope(512, {Inputs: "inputs stub", width: 300});
    for (const name of Object.keys(lib)) expect(scope[name], name).toBe((lib as Record<string, unknown>)[name]);
    expect(scope.lib).toBe(lib);
    expect(typeof (scope.Plot as {plot: unknown}).plot).toBe("function");
    expect(typeof (scope.d3 as {max: unknown}).max).toBe("function");
    expect(scope.Inputs).toBe("inputs stub");
    expect(scope.width).toBe(300);
    expect(scratchpadScope(512).width).toBe(512);
  });

  it("tick resolves only after the event loop had a turn", async () => {
    const order: string[] = [];
    setTimeout(() => order.push("timer"), 0);
    await tick();
    order.push("after tick");
    expect(order).toEqual(["timer", "after tick"]);
  });
});

describe("the worked examples", () => {
  it("all parse and declare the names later cells use", () => {
    const declared = EXAMPLE_CELLS.map((source) => compileCell(source).declared);
    expect(declared[0]).toEqual(["n", "x", "y", "rows"]);
    expect(declared[2]).toEqual(["data", "model", "trainer", "records"]);
    expect(declared[4]).toEqual(["side", "grid", "logits", "p1", "points"]);
    expect(EXAMPLE_CELLS.map((source) => compileCell(source).hasValue)).toEqual(EXAMPLE_CELLS.map(() => true));
  });

  it("compute the values the page shows (Plot stubbed)", async () => {
    const plotCalls: string[] = [];
    const Plot = new Proxy(
      {},
      {
        get:
          (_target, name) =>
          (...args: unknown[]) => (plotCalls.push(String(name)), {mark: name, args})
      }
    );
    const nb = createNotebook(EXAMPLE_CELLS, {
      baseScope: () => scratchpadScope(640, {Plot}),
      guard: createLoopGuard({limitMs: 20_000})
    });
    await nb.run();
    expect(nb.cells.map((c) => (c.status === "ok" ? "ok" : String(c.error)))).toEqual(EXAMPLE_CELLS.map(() => "ok"));
    // The fast WHT against the Hadamard matrix: float32 rounding, not zero and not large.
    expect(nb.cells[1].value as number).toBeGreaterThan(0);
    expect(nb.cells[1].value as number).toBeLessThan(1e-3);
    // Training on xor: 60 epochs, learned.
    const last = nb.cells[2].value as lib.EpochRecord;
    expect(last.epoch).toBe(60);
    expect(last.testAccuracy).toBeGreaterThan(0.9);
    expect(last.testLoss).toBeLessThan((nb.cells[2].names.records as lib.EpochRecord[])[0].testLoss!);
    // The counts table.
    expect(nb.cells[5].value).toEqual([
      {width: 1024, stored: 8192, active: 4096, edges: 20480, "dense weights": 1048576, "dense of equal edges": 143},
      {
        width: 65536,
        stored: 524288,
        active: 262144,
        edges: 2097152,
        "dense weights": 4294967296,
        "dense of equal edges": 1448
      }
    ]);
    expect(plotCalls.filter((c) => c === "plot")).toHaveLength(3);
  });

  it("are reproducible: the same seeds give the same training record", async () => {
    const run = async () => {
      const nb = createNotebook([EXAMPLE_CELLS[2]], {
        baseScope: () => scratchpadScope(640),
        guard: createLoopGuard({limitMs: 20_000})
      });
      await nb.run();
      expect(nb.cells[0].status).toBe("ok");
      const records = nb.cells[0].names.records as lib.EpochRecord[];
      return records.map(({time: _time, ...rest}) => rest);
    };
    const first = await run();
    expect(first).toHaveLength(60);
    expect(await run()).toEqual(first);
  });
});
