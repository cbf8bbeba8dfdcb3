/**
 * Scratchpad: turns one cell's JavaScript into the body of an async function.
 *
 * - The last expression statement becomes the cell's displayed value (a trailing declaration
 *   displays the last name it declares).
 * - Top-level `const`/`let`/`var`/`function`/`class` names are returned so later cells see them.
 * - Every loop body and every function body starts with a call to the loop guard, so an endless
 *   loop throws instead of freezing the page (see guard.ts).
 * Pure string work on an acorn syntax tree; no DOM, runs in Node for the tests.
 */
import {parse, type Node as AcornNode, type Pattern, type Statement, type ModuleDeclaration} from "acorn";
import {simple} from "acorn-walk";

/** Name of the loop-guard function the compiled body calls. */
export const GUARD_NAME = "__sp_guard";
/** Name of the variable holding the displayed value. */
export const VALUE_NAME = "__sp_value";

export interface CompiledCell {
  /** Body of an async function taking the scope names plus GUARD_NAME as parameters. */
  body: string;
  /** Top-level names this cell declares, in source order. */
  declared: string[];
  /** True when the cell has a value to display (trailing expression or declaration). */
  hasValue: boolean;
  /** Number of loops that received a guard call. */
  guardedLoops: number;
  /** Number of functions (with a block body) that received a guard call. */
  guardedFunctions: number;
}

/** A cell that does not parse: message plus 1-based line and column. */
export class CellSyntaxError extends SyntaxError {
  readonly line: number;
  readonly column: number;
  constructor(message: string, line: number, column: number) {
    super(message);
    this.name = "SyntaxError";
    this.line = line;
    this.column = column;
  }
}

interface Insertion {
  at: number;
  text: string;
  order: number;
}

/** Collects the identifiers a binding pattern declares (`{a, b: [c, ...d]} = …` → a, c, d). */
export function patternNames(pattern: Pattern, into: string[] = []): string[] {
  switch (pattern.type) {
    case "Identifier":
      into.push(pattern.name);
      break;
    case "ObjectPattern":
      for (const p of pattern.properties) {
        if (p.type === "RestElement") patternNames(p.argument, into);
        else patternNames(p.value, into);
      }
      break;
    case "ArrayPattern":
      for (const e of pattern.elements) if (e) patternNames(e, into);
      break;
    case "RestElement":
      patternNames(pattern.argument, into);
      break;
    case "AssignmentPattern":
      patternNames(pattern.left, into);
      break;
    default:
      break;
  }
  return into;
}

/** The names one top-level statement declares. */
function declaredBy(statement: Statement | ModuleDeclaration): string[] {
  switch (statement.type) {
    case "VariableDeclaration":
      return statement.declarations.flatMap((d) => patternNames(d.id));
    case "FunctionDeclaration":
    case "ClassDeclaration":
      return statement.id ? [statement.id.name] : [];
    default:
      return [];
  }
}

function parseCell(source: string) {
  try {
    return parse(source, {
      ecmaVersion: "latest",
      sourceType: "module",
      allowAwaitOutsideFunction: true,
      locations: true
    });
  } catch (error) {
    const e = error as {message?: string; loc?: {line: number; column: number}};
    if (e.loc) {
      const message = String(e.message).replace(/\s*\(\d+:\d+\)$/, "");
      throw new CellSyntaxError(
        `${message} (line ${e.loc.line}, column ${e.loc.column + 1})`,
        e.loc.line,
        e.loc.column + 1
      );
    }
    throw error;
  }
}

type LoopNode = AcornNode & {body: AcornNode};

/** Parses and rewrites one cell. Throws CellSyntaxError for code that does not parse. */
export function compileCell(source: string): CompiledCell {
  if (typeof source !== "string") throw new TypeError(`cell source must be a string, got ${typeof source}`);
  const program = parseCell(source);
  const insertions: Insertion[] = [];
  const insert = (at: number, text: string) => insertions.push({at, text, order: insertions.length});

  for (const statement of program.body) {
    if (statement.type === "ImportDeclaration" || statement.type.startsWith("Export")) {
      const {line, column} = statement.loc!.start;
      throw new CellSyntaxError(
        `import and export are not available in a cell (line ${line}): the library, Plot, d3 and Inputs are already in scope`,
        line,
        column + 1
      );
    }
  }

  let guardedLoops = 0;
  const guardLoop = (node: AcornNode) => {
    const body = (node as LoopNode).body;
    guardedLoops++;
    if (body.type === "BlockStatement") {
      insert(body.start + 1, `${GUARD_NAME}();`);
    } else {
      insert(body.start, `{${GUARD_NAME}();`);
      insert(body.end, `}`);
    }
  };
  // Function bodies get a guard call too: a function that calls itself again and again through
  // promises (`const f = async () => { await null; f() }`) is a loop without a loop statement.
  let guardedFunctions = 0;
  const guardFunction = (node: AcornNode) => {
    const body = (node as AcornNode & {body: AcornNode}).body;
    if (body.type !== "BlockStatement") return; // expression-bodied arrows recurse only synchronously (stack overflow)
    guardedFunctions++;
    insert(body.start + 1, `${GUARD_NAME}();`);
  };
  simple(program, {
    ForStatement: guardLoop,
    ForInStatement: guardLoop,
    ForOfStatement: guardLoop,
    WhileStatement: guardLoop,
    DoWhileStatement: guardLoop,
    FunctionDeclaration: guardFunction,
    FunctionExpression: guardFunction,
    ArrowFunctionExpression: guardFunction
  });

  const declared = [...new Set(program.body.flatMap(declaredBy))];
  const last = program.body[program.body.length - 1];
  let hasValue = false;
  let trailer = "";
  if (last && last.type === "ExpressionStatement") {
    // The statement's range, not the expression's: acorn leaves the parentheses of `({a: 1})`
    // out of the expression, and they must end up inside the assignment.
    const end = source[last.end - 1] === ";" ? last.end - 1 : last.end;
    insert(last.start, `${VALUE_NAME} = (`);
    insert(end, `);`);
    hasValue = true;
  } else if (last) {
    const names = declaredBy(last);
    if (names.length > 0) {
      trailer = `${VALUE_NAME} = ${names[names.length - 1]};`;
      hasValue = true;
    }
  }

  const ordered = insertions.slice().sort((a, b) => b.at - a.at || b.order - a.order);
  let code = source;
  for (const {at, text} of ordered) code = code.slice(0, at) + text + code.slice(at);

  const body =
    `"use strict";\nlet ${VALUE_NAME};\n${code}\n;${trailer}\n` +
    `return {value: ${VALUE_NAME}, names: {${declared.join(", ")}}};`;
  return {body, declared, hasValue, guardedLoops, guardedFunctions};
}
