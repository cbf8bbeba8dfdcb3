// Tests for the Scratchpad cell transform: displayed value, declared names, loop guards.
import {describe, expect, it} from "vitest";
import {compileCell, CellSyntaxError, GUARD_NAME, patternNames} from "../../../src/components/scratchpad/transform.js";
import {parse} from "acorn";

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;

/** Runs a compiled cell with a counting guard; returns value, names and guard calls. */
async function runCompiled(source: string, scope: Record<string, unknown> = {}, limit = Infinity) {
  const compiled = compileCell(source);
  let calls = 0;
  const guard = () => {
    if (++calls > limit) throw new Error("guard limit");
  };
  const names = Object.keys(scope);
  const fn = new AsyncFunction(...names, GUARD_NAME, compiled.body);
  const result = await fn(...names.map((n) => scope[n]), guard);
  return {...result, calls, compiled};
}

describe("compileCell", () => {
  it("displays the last expression statement", async () => {
    const r = await runCompiled("const a = 2;\na * 21");
    expect(r.value).toBe(42);
    expect(r.compiled.hasValue).toBe(true);
    expect(r.names).toEqual({a: 2});
  });

  it("displays the last declared name when the cell ends with a declaration", async () => {
    const r = await runCompiled("const [p, {q, r: [s = 5, ...t]}] = [1, {q: 2, r: [undefined, 7, 8]}];");
    expect(r.names).toEqual({p: 1, q: 2, s: 5, t: [7, 8]});
    expect(r.value).toEqual([7, 8]);
    const f = await runCompiled("function square(x) { return x * x }");
    expect(typeof f.value).toBe("function");
    expect((f.value as (x: number) => number)(3)).toBe(9);
  });

  it("has no value when the cell ends with a loop or is empty", async () => {
    const r = await runCompiled("let s = 0; for (let i = 0; i < 4; i++) s += i;");
    expect(r.compiled.hasValue).toBe(false);
    expect(r.value).toBeUndefined();
    expect(r.names).toEqual({s: 6});
    const empty = await runCompiled("// nothing here\n");
    expect(empty.compiled.hasValue).toBe(false);
    expect(empty.names).toEqual({});
  });

  it("displays a cell that is only a string (not treated as a directive)", async () => {
    const r = await runCompiled("'hello'");
    expect(r.value).toBe("hello");
  });

  it("displays a parenthesised last expression, such as an object literal", async () => {
    expect((await runCompiled("({a: 1, b: [2]})")).value).toEqual({a: 1, b: [2]});
    expect((await runCompiled("(1, 2) ;")).value).toBe(2);
    expect((await runCompiled("const k = 3;\n(k) * (k)")).value).toBe(9);
    expect((await runCompiled("4 /* four */ ;")).value).toBe(4);
  });

  it("keeps an expression ending in a line comment working", async () => {
    const r = await runCompiled("1 + 2 // three");
    expect(r.value).toBe(3);
  });

  it("supports top-level await", async () => {
    const r = await runCompiled("const x = await Promise.resolve(5);\nx + 1");
    expect(r.value).toBe(6);
  });

  it("sees names from the scope", async () => {
    const r = await runCompiled("n * 2", {n: 21});
    expect(r.value).toBe(42);
  });

  it("puts a guard call in every kind of loop, including loops without braces and nested ones", async () => {
    const source = [
      "let c = 0;",
      "for (let i = 0; i < 3; i++) c++;",
      "for (const k in {a: 1, b: 2}) { c++ }",
      "for (const v of [1, 2]) c++;",
      "let w = 0; while (w < 2) w++;",
      "let d = 0; do d++; while (d < 2);",
      "outer: for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) { if (j) continue outer; c++ }",
      "const f = () => { let k = 0; while (k < 3) k++; return k };",
      "f() + c"
    ].join("\n");
    const r = await runCompiled(source);
    expect(r.compiled.guardedLoops).toBe(8);
    expect(r.compiled.guardedFunctions).toBe(1);
    // Loop iterations 3 + 2 + 2 + 2 + 2 + (2 outer + 4 inner) + 3, and one call of f.
    expect(r.calls).toBe(3 + 2 + 2 + 2 + 2 + 2 + 4 + 3 + 1);
    expect(r.value).toBe(3 + 3 + 2 + 2 + 2);
  });

  it("turns an endless loop into a thrown error through the guard", async () => {
    await expect(runCompiled("while (true) {}", {}, 1000)).rejects.toThrow("guard limit");
    await expect(runCompiled("for (;;);", {}, 1000)).rejects.toThrow("guard limit");
    await expect(runCompiled("do ; while (1)", {}, 1000)).rejects.toThrow("guard limit");
  });

  it("puts a guard call in every function with a block body, methods and constructors included", async () => {
    const source = [
      "function a() { return 1 }",
      "const b = function () { return 2 };",
      "const c = () => { return 3 };",
      "const d = () => 4;", // expression body: not guarded
      "class Base { constructor() { this.v = 5 } }",
      "class E extends Base { constructor() { super(); this.w = 6 } get x() { return 7 } m() { return 8 } }",
      "const e = new E();",
      "function* g() { yield 9 }",
      "async function h() { return 10 }",
      "[a(), b(), c(), d(), e.v, e.w, e.x, e.m(), ...g(), await h()]"
    ].join("\n");
    const r = await runCompiled(source);
    expect(r.value).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(r.compiled.guardedFunctions).toBe(9);
    // Calls: a, b, c, Base and E constructors, the getter, m, g, h.
    expect(r.calls).toBe(9);
  });

  it("stops recursion through promises, which has no loop statement", async () => {
    const source = "let n = 0; const again = async () => { n++; await null; return again() }; await again()";
    await expect(runCompiled(source, {}, 1000)).rejects.toThrow("guard limit");
  });

  it("produces code that still parses for every guarded form", () => {
    const forms = [
      "while (a) while (b) x++;",
      "if (a) for (;;) break; else x",
      "for (;;) { }",
      "do x(); while (0)",
      "const f = () => {}",
      "({m() {}, get g() { return 1 }})",
      "class K extends Object { constructor() { super() } }"
    ];
    for (const form of forms) {
      const {body} = compileCell(form);
      expect(() => parse(`(async function(){${body}})`, {ecmaVersion: "latest"})).not.toThrow();
    }
  });

  it("reports syntax errors with line and column", () => {
    try {
      compileCell("const a = 1;\nconst b = ;");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CellSyntaxError);
      expect((error as CellSyntaxError).line).toBe(2);
      expect((error as CellSyntaxError).column).toBe(11);
      expect((error as Error).message).toMatch(/line 2, column 11/);
    }
  });

  it("rejects import and export with an explanation", () => {
    expect(() => compileCell('import {wht} from "../lib/index.js"')).toThrow(/already in scope/);
    expect(() => compileCell("export const a = 1")).toThrow(/import and export/);
  });

  it("collects names from binding patterns", () => {
    const program = parse("const {a, b: {c}, ...d} = x", {ecmaVersion: "latest"});
    const declaration = program.body[0] as import("acorn").VariableDeclaration;
    expect(patternNames(declaration.declarations[0].id)).toEqual(["a", "c", "d"]);
  });
});
