/**
 * CSV text → Dataset, for readers' own data.
 *
 * Numeric columns; the last column is the target unless `targetColumns` says otherwise. A
 * single target column holding text (class labels such as "cat") makes a classification task
 * with one-hot targets; numeric targets make a regression task unless `task` says otherwise.
 * The header row is optional (detected when every input cell of the first row is text).
 * Fields may be double-quoted ("a, b", "" for a quote, and line breaks inside, as RFC 4180 allows).
 * Header names must differ from each other. Every bad cell throws a
 * SwitchNetError naming the line, the column (both counted from 1) and the value.
 *
 * Input columns are scaled to [−1, 1] by their min and max over all rows (constant columns
 * become 0) unless `scaleInputs: false`; targets are never rescaled. Rows are shuffled with
 * `seed` and the last `testFraction` of them form the test split.
 */
import {checkInteger, checkNumber, checkOneOf, describe, fail} from "./check.js";
import {createRng} from "./random.js";
import type {Dataset, Split} from "./types.js";

export interface CsvOptions {
  /** Default: classification when the one target column holds text, else regression. */
  task?: "classification" | "regression";
  /**
   * Target column(s): header names, or 0-based indices (negative ones count from the end).
   * Default: the last column.
   */
  targetColumns?: number | string | Array<number | string>;
  /** Whether the first row is a header (default: detected). */
  header?: boolean;
  /** Field separator (default: tab if the first line has one, else ";" if it has one, else ","). */
  delimiter?: string;
  /** Share of rows held out for testing, in [0, 1) (default 0.2). */
  testFraction?: number;
  /** Seed of the row shuffle before the split (default 1). */
  seed?: number;
  /** Scale each input column to [−1, 1] (default true). */
  scaleInputs?: boolean;
  /** Dataset name (default "csv"). */
  name?: string;
}

const OPTION_NAMES = ["task", "targetColumns", "header", "delimiter", "testFraction", "seed", "scaleInputs", "name"];
const FLOAT32_MAX = 3.4028234663852886e38;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NOT_FINITE = /^[+-]?(nan|inf|infinity)$/i;

interface Row {
  line: number;
  cells: string[];
}

const isLineBreak = (c: string | undefined) => c === "\n" || c === "\r";

/**
 * Splits the text into records of trimmed fields (RFC 4180): a double-quoted field may hold the
 * delimiter, `""` for a quote, and line breaks. Blank lines are skipped. Each record keeps the
 * line (from 1) it starts on.
 */
function splitRecords(text: string, delimiter: string): Row[] {
  const rows: Row[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  const endOfField = (from: number) => {
    let j = from;
    while (j < n && !isLineBreak(text[j]) && !text.startsWith(delimiter, j)) j++;
    return j;
  };
  while (i < n) {
    const first = line;
    const cells: string[] = [];
    let blank = true;
    for (;;) {
      let start = i; // skip leading blanks to see whether the field is quoted
      while (start < n && (text[start] === " " || text[start] === "\t") && !text.startsWith(delimiter, start)) start++;
      if (text[start] === '"') {
        blank = false;
        let cell = "";
        i = start + 1;
        for (;;) {
          if (i >= n)
            fail(
              `line ${first}, column ${cells.length + 1}: a quoted field is not closed (its closing quote is missing)`
            );
          const c = text[i];
          if (c === '"') {
            if (text[i + 1] === '"') {
              cell += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === "\n" || (c === "\r" && text[i + 1] !== "\n")) line++;
          cell += c;
          i++;
        }
        const end = endOfField(i);
        const rest = text.slice(i, end).trim();
        if (rest !== "")
          fail(`line ${line}, column ${cells.length + 1}: unexpected ${JSON.stringify(rest)} after a quoted field`);
        cells.push(cell);
        i = end;
      } else {
        const end = endOfField(i);
        const cell = text.slice(i, end).trim();
        if (cell !== "") blank = false;
        cells.push(cell);
        i = end;
      }
      if (i < n && text.startsWith(delimiter, i)) {
        i += delimiter.length;
        continue;
      }
      if (text[i] === "\r" && text[i + 1] === "\n") i += 2;
      else if (i < n) i++;
      line++;
      break;
    }
    if (!(blank && cells.length === 1)) rows.push({line: first, cells});
  }
  return rows;
}

function isNumber(cell: string): boolean {
  return NUMBER.test(cell);
}

/** Parses a numeric cell or throws naming line, column and value. */
function parseCell(cell: string, line: number, column: number): number {
  const where = `line ${line}, column ${column + 1}`;
  if (cell === "") fail(`${where}: empty cell (expected a number)`);
  if (NOT_FINITE.test(cell)) fail(`${where}: ${JSON.stringify(cell)} is not a finite number`);
  if (!isNumber(cell))
    fail(`${where}: ${JSON.stringify(cell.length > 40 ? cell.slice(0, 40) + "…" : cell)} is not a number`);
  const value = Number(cell);
  if (!(Math.abs(value) <= FLOAT32_MAX)) fail(`${where}: ${JSON.stringify(cell)} is too large for a 32-bit float`);
  return value;
}

function detectDelimiter(firstLine: string): string {
  if (firstLine.includes("\t")) return "\t";
  if (firstLine.includes(";")) return ";";
  return ",";
}

/** Resolves target column specs to sorted 0-based indices. */
function resolveTargets(spec: CsvOptions["targetColumns"], columns: number, names: string[] | null): number[] {
  const list = spec === undefined ? [-1] : Array.isArray(spec) ? spec : [spec];
  if (list.length === 0) fail(`targetColumns must name at least one column`);
  const out = new Set<number>();
  for (const item of list) {
    if (typeof item === "string") {
      if (!names) fail(`targetColumns names column ${JSON.stringify(item)}, but the CSV has no header row`);
      const k = names.indexOf(item);
      if (k < 0)
        fail(
          `targetColumns names column ${JSON.stringify(item)}, which is not in the header (${names.map((n) => JSON.stringify(n)).join(", ")})`
        );
      out.add(k);
    } else {
      const k = checkInteger("targetColumns index", item, -columns, columns - 1);
      out.add(k < 0 ? columns + k : k);
    }
  }
  return [...out].sort((a, b) => a - b);
}

function checkCsvOptions(options: unknown): CsvOptions {
  if (options === undefined) return {};
  if (options === null || typeof options !== "object" || Array.isArray(options))
    fail(`CSV options must be an object, got ${describe(options)}`);
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.includes(key))
      fail(`unknown CSV option ${JSON.stringify(key)} (known: ${OPTION_NAMES.join(", ")})`);
  }
  const o = options as CsvOptions;
  if (o.task !== undefined) checkOneOf("task", o.task, ["classification", "regression"]);
  if (o.header !== undefined && typeof o.header !== "boolean")
    fail(`header must be true or false, got ${describe(o.header)}`);
  if (o.scaleInputs !== undefined && typeof o.scaleInputs !== "boolean")
    fail(`scaleInputs must be true or false, got ${describe(o.scaleInputs)}`);
  if (
    o.delimiter !== undefined &&
    (typeof o.delimiter !== "string" || o.delimiter.length === 0 || /["\r\n]/.test(o.delimiter))
  ) {
    fail(`delimiter must be a non-empty string without quotes or line breaks, got ${describe(o.delimiter)}`);
  }
  if (o.name !== undefined && typeof o.name !== "string") fail(`name must be a string, got ${describe(o.name)}`);
  return o;
}

/** Parses CSV text into a Dataset (see the top of this file for the rules). */
export function parseCsv(text: string, options?: CsvOptions): Dataset {
  if (typeof text !== "string") fail(`CSV text must be a string, got ${describe(text)}`);
  const o = checkCsvOptions(options);
  const testFraction = checkNumber("testFraction", o.testFraction ?? 0.2, 0, 1);
  if (testFraction >= 1) fail(`testFraction must be less than 1, got ${testFraction}`);
  const seed = checkInteger("seed", o.seed ?? 1);

  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  const firstIndex = lines.findIndex((l) => l.trim() !== "");
  if (firstIndex < 0) fail(`CSV text is empty`);
  const delimiter = o.delimiter ?? detectDelimiter(lines[firstIndex]);
  const rows = splitRecords(text.replace(/^\uFEFF/, ""), delimiter);
  if (rows.length === 0) fail(`CSV text is empty`);
  const columns = rows[0].cells.length;
  for (const row of rows) {
    if (row.cells.length !== columns) {
      fail(
        `line ${row.line} has ${row.cells.length} column${row.cells.length === 1 ? "" : "s"}, expected ${columns} (like line ${rows[0].line})`
      );
    }
  }
  if (columns < 2) fail(`CSV needs at least 2 columns (inputs and a target), got ${columns} on line ${rows[0].line}`);

  // Header: explicit, implied by named targets, or detected from the first row's input cells.
  const namedTargets = [o.targetColumns].flat().some((t) => typeof t === "string");
  let header = o.header ?? namedTargets;
  if (o.header === undefined && !namedTargets) {
    const provisional = resolveTargets(o.targetColumns, columns, null);
    const inputCells = rows[0].cells.filter((_, k) => !provisional.includes(k));
    header = inputCells.every((c) => !isNumber(c));
  }
  const names = header ? rows[0].cells.map((c, k) => c || `column ${k + 1}`) : null;
  if (names) {
    names.forEach((name, k) => {
      const earlier = names.indexOf(name);
      if (earlier < k)
        fail(
          `the header names column ${JSON.stringify(name)} twice (columns ${earlier + 1} and ${k + 1}); give every column its own name`
        );
    });
  }
  const data = header ? rows.slice(1) : rows;
  if (data.length === 0) fail(`CSV has a header row but no data rows`);
  const targets = resolveTargets(o.targetColumns, columns, names);
  const inputs = Array.from({length: columns}, (_, k) => k).filter((k) => !targets.includes(k));
  if (inputs.length === 0) fail(`CSV needs at least one input column besides the target column(s)`);

  // A text label makes a classification task; "NaN", "inf" and empty cells are bad numbers, not labels.
  const isLabel = (cell: string) => cell !== "" && !isNumber(cell) && !NOT_FINITE.test(cell);
  const textTarget = targets.length === 1 && data.some((r) => isLabel(r.cells[targets[0]]));
  const task = o.task ?? (textTarget ? "classification" : "regression");
  if (task === "classification" && targets.length !== 1) {
    fail(`classification needs exactly one target column (of class labels), got ${targets.length}`);
  }

  // Inputs (and numeric targets) row by row, with line/column errors.
  const n = data.length;
  const inputSize = inputs.length;
  const xAll = new Float64Array(n * inputSize);
  data.forEach((row, i) => inputs.forEach((k, j) => (xAll[i * inputSize + j] = parseCell(row.cells[k], row.line, k))));

  let outputSize: number;
  let yAll: Float32Array;
  let labelsAll: Int32Array | undefined;
  let classNames: string[] | undefined;
  if (task === "classification") {
    const col = targets[0];
    data.forEach((row) => {
      const cell = row.cells[col];
      if (cell === "") fail(`line ${row.line}, column ${col + 1}: empty cell (expected a class label)`);
      if (NOT_FINITE.test(cell))
        fail(`line ${row.line}, column ${col + 1}: ${JSON.stringify(cell)} is not a finite number or a class label`);
    });
    const distinct = [...new Set(data.map((r) => r.cells[col]))];
    const numeric = distinct.every(isNumber);
    classNames = distinct.sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (classNames.length < 2)
      fail(
        `classification needs at least 2 classes, but column ${col + 1} only holds ${JSON.stringify(classNames[0])}`
      );
    const index = new Map(classNames.map((name, k) => [name, k]));
    outputSize = classNames.length;
    labelsAll = new Int32Array(data.map((r) => index.get(r.cells[col])!));
    yAll = new Float32Array(n * outputSize);
    labelsAll.forEach((label, i) => (yAll[i * outputSize + label] = 1));
  } else {
    outputSize = targets.length;
    yAll = new Float32Array(n * outputSize);
    data.forEach((row, i) =>
      targets.forEach((k, j) => (yAll[i * outputSize + j] = parseCell(row.cells[k], row.line, k)))
    );
  }

  // Scale inputs to [−1, 1] by column min and max.
  const scale = o.scaleInputs ?? true;
  const inputRanges: Array<[number, number]> = inputs.map((_, j) => {
    let lo = Infinity,
      hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = xAll[i * inputSize + j];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return [lo, hi];
  });
  if (scale) {
    inputRanges.forEach(([lo, hi], j) => {
      for (let i = 0; i < n; i++) {
        const k = i * inputSize + j;
        xAll[k] = hi > lo ? ((xAll[k] - lo) / (hi - lo)) * 2 - 1 : 0;
      }
    });
  }

  // Shuffle rows, then split.
  const order = createRng(seed).shuffle(Int32Array.from({length: n}, (_, i) => i));
  const nTest = Math.min(n - 1, Math.round(n * testFraction));
  const take = (from: number, count: number): Split => {
    const split: Split = {x: new Float32Array(count * inputSize), y: new Float32Array(count * outputSize), n: count};
    if (labelsAll) split.labels = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const r = order[from + i];
      for (let j = 0; j < inputSize; j++) split.x[i * inputSize + j] = xAll[r * inputSize + j];
      for (let j = 0; j < outputSize; j++) split.y[i * outputSize + j] = yAll[r * outputSize + j];
      if (labelsAll) split.labels![i] = labelsAll[r];
    }
    return split;
  };
  const columnNames = names ?? Array.from({length: columns}, (_, k) => `column ${k + 1}`);
  return {
    name: o.name ?? "csv",
    task,
    inputSize,
    outputSize,
    ...(classNames ? {classes: classNames.length} : {}),
    train: take(0, n - nTest),
    test: take(n - nTest, nTest),
    meta: {
      header: Boolean(header),
      delimiter,
      inputColumns: inputs.map((k) => columnNames[k]),
      targetColumns: targets.map((k) => columnNames[k]),
      ...(classNames ? {classNames} : {}),
      inputRanges,
      scaledInputs: scale
    }
  };
}
