// Tests for the Scratchpad notebook: scope passing between cells, errors, re-runs, Stop, time limit.
import {describe, expect, it} from "vitest";
import {
  createNotebook,
  evaluateCell,
  recordingConsole,
  MAX_LOGS,
  type LogEntry
} from "../../../src/components/scratchpad/notebook.js";
import {createLoopGuard} from "../../../src/components/scratchpad/guard.js";
import {wht, whtReference} from "../../../lib/wht.js";

function notebook(sources: string[], limitMs = 2000, base: Record<string, unknown> = {}) {
  const changes: [number, string][] = [];
  const nb = createNotebook(sources, {
    baseScope: () => ({...base}),
    guard: createLoopGuard({limitMs}),
    onChange: (i, c) => changes.push([i, c.status])
  });
  return {nb, changes};
}

describe("evaluateCell", () => {
  it("lets a cell shadow a scope name it declares itself", async () => {
    const r = await evaluateCell("const x = 10; x + y", {x: 1, y: 2}, () => {});
    expect(r.value).toBe(12);
    expect(r.names).toEqual({x: 10});
  });

  it("awaits a promise value", async () => {
    const r = await evaluateCell("Promise.resolve(7)", {}, () => {});
    expect(r.value).toBe(7);
  });

  it("runs strict code: assigning an undeclared name throws", async () => {
    await expect(evaluateCell("undeclared = 1", {}, () => {})).rejects.toThrow(ReferenceError);
  });
});

describe("createNotebook", () => {
  it("passes names from earlier cells to later ones and uses the library", async () => {
    const {nb} = notebook(
      ["const x = Float32Array.of(1, 2, 3, 4);", "const y = wht(x.slice());", "Array.from(y)"],
      2000,
      {wht}
    );
    await nb.run();
    expect(nb.cells.map((c) => c.status)).toEqual(["ok", "ok", "ok"]);
    expect(nb.cells[2].value).toEqual(Array.from(whtReference([1, 2, 3, 4])));
    expect(nb.cells[0].names.x).toBeInstanceOf(Float32Array);
  });

  it("re-running a changed cell updates it and the cells after it, not the ones before", async () => {
    const {nb} = notebook(["const a = 1;", "const b = a * 10;", "b + 1"]);
    await nb.run();
    expect(nb.cells[2].value).toBe(11);
    const firstEval = nb.cells[0].evaluation;
    nb.setSource(1, "const b = a * 100;");
    await nb.run(1);
    expect(nb.cells[0].evaluation).toBe(firstEval);
    expect(nb.cells[1].value).toBe(100);
    expect(nb.cells[2].value).toBe(101);
  });

  it("a cell that throws shows its error and the other cells keep working", async () => {
    const {nb} = notebook(["const a = 2;", "const bad = a.nope.deeper;", "a * 3", "bad"]);
    await nb.run();
    expect(nb.cells.map((c) => c.status)).toEqual(["ok", "error", "ok", "error"]);
    expect(String(nb.cells[1].error)).toMatch(/TypeError/);
    expect(nb.cells[2].value).toBe(6);
    expect(String(nb.cells[3].error)).toMatch(/ReferenceError: bad is not defined/);
  });

  it("a syntax error is reported as the cell's error", async () => {
    const {nb} = notebook(["const = 3", "4"]);
    await nb.run();
    expect(nb.cells[0].status).toBe("error");
    expect((nb.cells[0].error as Error).message).toMatch(/line 1/);
    expect(nb.cells[1].value).toBe(4);
  });

  it("an endless loop is stopped by the time limit and the later cells still run", async () => {
    const {nb} = notebook(["let n = 0; while (true) { n++ }", "'after'"], 50);
    await nb.run();
    expect(nb.cells[0].status).toBe("error");
    expect((nb.cells[0].error as Error).name).toBe("TimeoutError");
    expect(nb.cells[1].value).toBe("after");
  });

  it("Stop ends an async endless loop and skips the cells after it", async () => {
    const {nb} = notebook(
      ["let i = 0; while (true) { i++; await new Promise((r) => setTimeout(r, 1)) }", "'not run'"],
      50
    );
    const done = nb.run();
    await new Promise((r) => setTimeout(r, 120)); // longer than the limit: yielding loops are not timed out
    expect(nb.cells[0].status).toBe("running");
    expect(nb.running()).toBe(true);
    nb.stop();
    await done;
    expect(nb.cells.map((c) => c.status)).toEqual(["stopped", "stopped"]);
    expect(nb.running()).toBe(false);
  });

  it("a newer run replaces an older one that is still going", async () => {
    const {nb} = notebook(["await new Promise((r) => setTimeout(r, 30)); 'slow'", "'second'"]);
    const first = nb.run();
    nb.setSource(0, "'fast'");
    const second = nb.run();
    await Promise.all([first, second]);
    expect(nb.cells[0].value).toBe("fast");
    expect(nb.cells[1].value).toBe("second");
    expect(nb.cells[0].evaluation).toBe(2);
    expect(nb.cells[1].evaluation).toBe(1);
  });

  it("records each cell's console calls, also when it throws, and passes them on", async () => {
    const passed: unknown[][] = [];
    const sink = {
      log: (...a: unknown[]) => passed.push(a),
      info() {},
      warn: (...a: unknown[]) => passed.push(a),
      error() {}
    } as unknown as Console;
    const nb = createNotebook(
      ["console.log('a', 1); console.warn('careful'); 2", "console.log('before'); null.x", "3"],
      {
        baseScope: () => ({}),
        guard: createLoopGuard({limitMs: 1000}),
        console: sink
      }
    );
    await nb.run();
    expect(nb.cells[0].logs).toEqual([
      {level: "log", args: ["a", 1]},
      {level: "warn", args: ["careful"]}
    ]);
    expect(nb.cells[1].status).toBe("error");
    expect(nb.cells[1].logs).toEqual([{level: "log", args: ["before"]}]);
    expect(nb.cells[2].logs).toEqual([]);
    expect(passed).toEqual([["a", 1], ["careful"], ["before"]]);
    // A re-run replaces the logs.
    nb.setSource(0, "console.log('again'); 2");
    await nb.run(0);
    expect(nb.cells[0].logs).toEqual([{level: "log", args: ["again"]}]);
  });

  it("keeps at most MAX_LOGS entries per evaluation and says how many were dropped", () => {
    const logs: LogEntry[] = [];
    const c = recordingConsole(logs, {log() {}, info() {}} as unknown as Console);
    for (let i = 0; i < MAX_LOGS + 50; i++) c.log(i);
    expect(logs).toHaveLength(MAX_LOGS);
    expect(logs[MAX_LOGS - 2]).toEqual({level: "log", args: [MAX_LOGS - 2]});
    expect(logs[MAX_LOGS - 1]).toEqual({level: "info", args: ["… 51 more entries not shown"]});
  });

  it("inserts and removes cells and checks indexes", async () => {
    const {nb} = notebook(["1"]);
    nb.insert(1, "2");
    nb.insert(0, "0");
    expect(nb.sources()).toEqual(["0", "1", "2"]);
    nb.remove(1);
    expect(nb.sources()).toEqual(["0", "2"]);
    expect(() => nb.remove(5)).toThrow(/index must be an integer between 0 and 1, got 5/);
    expect(() => nb.insert(-1, "x")).toThrow(RangeError);
    await expect(nb.run(3)).rejects.toThrow(/from must be/);
    nb.replaceAll(["'a'", "'b'"]);
    await nb.run();
    expect(nb.cells.map((c) => c.value)).toEqual(["a", "b"]);
  });
});
