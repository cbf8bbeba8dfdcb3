/**
 * Scratchpad: how a cell's value is shown. `summarizeValue` is pure (tested in Node) and
 * decides the form: a DOM node as itself (Plot figures, Inputs, html), an array of objects as a
 * table, numbers and arrays as compact text, anything else as indented text. `renderValue`
 * builds the element from that summary, and `renderError` the message under a failing cell.
 */

export type ValueSummary =
  | {kind: "empty"}
  | {kind: "node"; node: Node}
  | {kind: "text"; text: string; type: string}
  | {kind: "table"; columns: string[]; rows: string[][]; total: number};

/** Rows and elements shown before "… N more". */
export const MAX_ROWS = 50;
export const MAX_ITEMS = 100;

function isNode(value: unknown): value is Node {
  return typeof Node !== "undefined" && value instanceof Node;
}

/** A number as a reader wants it: integers as is, others to 6 significant digits. */
export function formatNumber(x: number): string {
  if (Number.isInteger(x) || !Number.isFinite(x)) return String(x);
  const text = x.toPrecision(6);
  return text.includes("e") ? text.replace(/\.?0+e/, "e") : text.replace(/\.?0+$/, "");
}

type Numeric = ArrayLike<number> & {constructor: {name: string}};
function isNumericArray(value: unknown): value is Numeric {
  return (
    ArrayBuffer.isView(value) &&
    !(value instanceof DataView) &&
    typeof (value as unknown as Numeric).length === "number"
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** One-line text of any value, nested to `depth` levels. */
export function inlineText(value: unknown, depth = 2): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "undefined":
      return "undefined";
    case "number":
      return formatNumber(value);
    case "bigint":
      return `${value}n`;
    case "string":
      return JSON.stringify(value);
    case "boolean":
    case "symbol":
      return String(value);
    case "function":
      return `ƒ ${value.name || "anonymous"}(${value.length ? "…" : ""})`;
  }
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (value instanceof Date) return value.toISOString();
  if (isNode(value)) return `<${value.nodeName.toLowerCase()}>`;
  if (isNumericArray(value))
    return listText(
      `${value.constructor.name}(${value.length}) `,
      Array.from(
        value.length > MAX_ITEMS ? Array.prototype.slice.call(value, 0, MAX_ITEMS) : (value as ArrayLike<number>)
      ),
      value.length,
      depth
    );
  if (Array.isArray(value))
    return listText(value.length > 3 ? `Array(${value.length}) ` : "", value.slice(0, MAX_ITEMS), value.length, depth);
  if (value instanceof Map)
    return `Map(${value.size}) {${[...value]
      .slice(0, MAX_ITEMS)
      .map(([k, v]) => `${inlineText(k, depth - 1)} => ${inlineText(v, depth - 1)}`)
      .join(", ")}}`;
  if (value instanceof Set)
    return listText(`Set(${value.size}) `, [...value].slice(0, MAX_ITEMS), value.size, depth, "{}");
  const name = isPlainObject(value) ? "" : `${(value as object).constructor?.name ?? "Object"} `;
  if (depth <= 0) return `${name}{…}`;
  const entries = Object.entries(value as object);
  const shown = entries
    .slice(0, MAX_ITEMS)
    .map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${inlineText(v, depth - 1)}`);
  if (entries.length > MAX_ITEMS) shown.push(`… ${entries.length - MAX_ITEMS} more`);
  return `${name}{${shown.join(", ")}}`;
}

function listText(prefix: string, items: unknown[], total: number, depth: number, brackets = "[]"): string {
  if (depth <= 0) return `${prefix}${brackets[0]}…${brackets[1]}`;
  const shown = items.map((v) => inlineText(v, depth - 1));
  if (total > items.length) shown.push(`… ${total - items.length} more`);
  return `${prefix}${brackets[0]}${shown.join(", ")}${brackets[1]}`;
}

/** Multi-line text for objects: one property per line, nested values inline. */
function blockText(value: object): string {
  const entries = Object.entries(value);
  if (entries.length === 0 || entries.length > MAX_ITEMS) return inlineText(value);
  const name = isPlainObject(value) ? "" : `${value.constructor?.name ?? "Object"} `;
  const lines = entries.map(
    ([k, v]) => `  ${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${inlineText(v, 2)}`
  );
  return `${name}{\n${lines.join(",\n")}\n}`;
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  if (Array.isArray(value)) return "array";
  return (value as object).constructor?.name ?? "object";
}

/** Decides how a value is shown. */
export function summarizeValue(value: unknown, hasValue = true): ValueSummary {
  if (!hasValue) return {kind: "empty"};
  if (isNode(value)) return {kind: "node", node: value};
  if (Array.isArray(value) && value.length > 0 && value.every(isPlainObject)) {
    const columns: string[] = [];
    for (const row of value.slice(0, MAX_ROWS))
      for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
    const rows = value.slice(0, MAX_ROWS).map((row) => columns.map((c) => (c in row ? cellText(row[c]) : "")));
    return {kind: "table", columns, rows, total: value.length};
  }
  if (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    !isNumericArray(value) &&
    !(value instanceof Error) &&
    !(value instanceof Map) &&
    !(value instanceof Set) &&
    !(value instanceof Date)
  ) {
    return {kind: "text", text: blockText(value), type: typeName(value)};
  }
  return {kind: "text", text: inlineText(value), type: typeName(value)};
}

function cellText(v: unknown): string {
  return typeof v === "string" ? v : inlineText(v, 1);
}

/** Builds the element that shows a value. */
export function renderValue(value: unknown, hasValue: boolean, doc: Document = document): Node {
  const summary = summarizeValue(value, hasValue);
  switch (summary.kind) {
    case "empty": {
      return doc.createDocumentFragment();
    }
    case "node":
      return summary.node;
    case "table": {
      const wrap = doc.createElement("div");
      wrap.className = "scratchpad-table";
      const table = doc.createElement("table");
      const head = table.createTHead().insertRow();
      for (const c of summary.columns) {
        const th = doc.createElement("th");
        th.textContent = c;
        head.appendChild(th);
      }
      const body = table.createTBody();
      for (const row of summary.rows) {
        const tr = body.insertRow();
        for (const cell of row) tr.insertCell().textContent = cell;
      }
      wrap.appendChild(table);
      if (summary.total > summary.rows.length) {
        const more = doc.createElement("div");
        more.className = "scratchpad-more";
        more.textContent = `${summary.rows.length} of ${summary.total} rows`;
        wrap.appendChild(more);
      }
      return wrap;
    }
    case "text": {
      const pre = doc.createElement("pre");
      pre.className = `scratchpad-text scratchpad-type-${summary.type.replace(/[^\w-]/g, "")}`;
      pre.textContent = summary.text;
      return pre;
    }
  }
}

/** One console call as a line: strings as they are, other values as compact text. */
export function logText(args: readonly unknown[]): string {
  return args.map((a) => (typeof a === "string" ? a : inlineText(a))).join(" ");
}

/** The console lines of a cell, or an empty fragment when there are none. */
export function renderLogs(logs: readonly {level: string; args: readonly unknown[]}[], doc: Document = document): Node {
  if (logs.length === 0) return doc.createDocumentFragment();
  const div = doc.createElement("div");
  div.className = "scratchpad-logs";
  for (const entry of logs) {
    const line = doc.createElement("div");
    line.className = `scratchpad-log scratchpad-log-${entry.level}`;
    line.textContent = logText(entry.args);
    div.appendChild(line);
  }
  return div;
}

/** The message shown under a cell that threw or was stopped. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return `Thrown: ${inlineText(error)}`;
}

export function renderError(error: unknown, doc: Document = document): HTMLElement {
  const div = doc.createElement("div");
  div.className = "scratchpad-error";
  div.setAttribute("role", "alert");
  div.textContent = errorText(error);
  return div;
}
