/**
 * Scratchpad: the cell model and its evaluation, without any DOM.
 *
 * A notebook is a list of cell sources. `run(from)` evaluates cell `from` and every cell after
 * it, in order; each cell sees the base scope (library, Plot, d3, …) plus the names the cells
 * before it declared. A cell that throws keeps its error and the run goes on (later cells that
 * use its names get a ReferenceError); Stop ends the run. A newer run replaces an older one
 * that is still going.
 */
import {compileCell} from "./transform.js";
import {GUARD_NAME} from "./transform.js";
import {CellStoppedError, type LoopGuard, type RunToken} from "./guard.js";

export type CellStatus = "idle" | "queued" | "running" | "ok" | "error" | "stopped";

export interface CellState {
  readonly id: number;
  source: string;
  status: CellStatus;
  /** The displayed value (status "ok" and hasValue). */
  value: unknown;
  hasValue: boolean;
  /** The thrown value (status "error"). */
  error: unknown;
  /** Names this cell declared in its last successful evaluation. */
  names: Record<string, unknown>;
  /** What the cell's code passed to console.log / info / warn / error in its last evaluation. */
  logs: LogEntry[];
  /** Duration of the last evaluation in milliseconds. */
  ms: number;
  /** Increases with every evaluation; a result is written only by the latest. */
  evaluation: number;
}

export interface LogEntry {
  level: "log" | "info" | "warn" | "error";
  args: unknown[];
}

/** Most log entries kept per evaluation (a loop that logs every step must not fill memory). */
export const MAX_LOGS = 200;

/**
 * A console for one evaluation: records calls into `logs` (at most MAX_LOGS; the last entry
 * then says how many were dropped) and passes them on to `target` too.
 */
export function recordingConsole(logs: LogEntry[], target: Console | undefined = globalThis.console): Console {
  let dropped = 0;
  const record =
    (level: LogEntry["level"]) =>
    (...args: unknown[]) => {
      if (logs.length < MAX_LOGS) logs.push({level, args});
      else {
        dropped++;
        logs[MAX_LOGS - 1] = {level: "info", args: [`… ${dropped + 1} more entries not shown`]};
      }
      target?.[level](...args);
    };
  return Object.assign(Object.create(target ?? null), {
    log: record("log"),
    info: record("info"),
    warn: record("warn"),
    error: record("error")
  });
}

export interface NotebookOptions {
  /** Names every cell sees, computed at the start of each run. */
  baseScope: () => Record<string, unknown>;
  guard: LoopGuard;
  /** Called whenever a cell's state changes. */
  onChange?: (index: number, cell: CellState) => void;
  /** Clock in milliseconds (default performance.now). */
  now?: () => number;
  /** Where cells' console calls go besides the cell's logs (default the global console). */
  console?: Console;
  /**
   * Awaited after a cell is marked running and before it is evaluated (default: nothing). The
   * sandbox passes a zero-delay task: its messages to the page leave only when a task ends, so
   * the page then learns which cell is running even if that cell never pauses.
   */
  pause?: () => Promise<void>;
}

export interface Notebook {
  readonly cells: readonly CellState[];
  sources(): string[];
  setSource(index: number, source: string): void;
  /** Inserts a cell before `index` (at the end when index = cells.length). */
  insert(index: number, source: string): CellState;
  remove(index: number): void;
  /** Replaces every cell (cells become idle). */
  replaceAll(sources: string[]): void;
  /** Evaluates cells from `from` up to `to` (default: the end). Resolves when this run ends or is replaced. */
  run(from?: number, to?: number): Promise<void>;
  /** Stops the current run. */
  stop(): void;
  /** True while a run is going. */
  running(): boolean;
}

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => (...values: unknown[]) => Promise<{value: unknown; names: Record<string, unknown>}>;

/**
 * Evaluates one cell's source with `scope` in view. Names the cell declares itself shadow the
 * scope's. Returns the displayed value (awaited if it is a promise) and the declared names.
 */
export async function evaluateCell(
  source: string,
  scope: Record<string, unknown>,
  guard: () => void
): Promise<{value: unknown; hasValue: boolean; names: Record<string, unknown>}> {
  const compiled = compileCell(source);
  const own = new Set(compiled.declared);
  const params = Object.keys(scope).filter((name) => !own.has(name) && name !== GUARD_NAME);
  const fn = new AsyncFunction(...params, GUARD_NAME, compiled.body);
  const result = await fn(...params.map((name) => scope[name]), guard);
  let value = result.value;
  if (value !== null && typeof value === "object" && typeof (value as PromiseLike<unknown>).then === "function") {
    value = await value;
  }
  return {value, hasValue: compiled.hasValue, names: result.names};
}

function checkIndex(name: string, index: number, max: number): void {
  if (!Number.isInteger(index) || index < 0 || index > max) {
    throw new RangeError(`${name} must be an integer between 0 and ${max}, got ${String(index)}`);
  }
}

export function createNotebook(initial: readonly string[], options: NotebookOptions): Notebook {
  const now = options.now ?? (() => performance.now());
  const guard = options.guard;
  const cells: CellState[] = [];
  let nextId = 1;
  let latestRun = 0;
  let activeRuns = 0;

  const make = (source: string): CellState => ({
    id: nextId++,
    source,
    status: "idle",
    value: undefined,
    hasValue: false,
    error: undefined,
    names: {},
    logs: [],
    ms: 0,
    evaluation: 0
  });
  const changed = (cell: CellState) => {
    const index = cells.indexOf(cell);
    if (index >= 0) options.onChange?.(index, cell);
  };
  for (const source of initial) cells.push(make(source));

  async function run(from = 0, to = cells.length): Promise<void> {
    checkIndex("from", from, cells.length);
    checkIndex("to", to, cells.length);
    const runId = ++latestRun;
    activeRuns++;
    try {
      const scope: Record<string, unknown> = {...options.baseScope()};
      for (let i = 0; i < from; i++) if (cells[i].status === "ok") Object.assign(scope, cells[i].names);
      const queue = cells.slice(from, to);
      for (const cell of queue) {
        cell.status = "queued";
        changed(cell);
      }
      for (let q = 0; q < queue.length; q++) {
        const cell = queue[q];
        if (runId !== latestRun) return;
        if (!cells.includes(cell)) continue;
        const evaluation = ++cell.evaluation;
        const token: RunToken = {stopped: false, done: false};
        guard.activate(token);
        cell.status = "running";
        const logs: LogEntry[] = [];
        changed(cell);
        // Replaced or stopped during the pause: the cell is not evaluated.
        const skip = options.pause ? (await options.pause(), runId !== latestRun || token.stopped) : false;
        const start = now();
        let outcome:
          | {ok: true; value: unknown; hasValue: boolean; names: Record<string, unknown>}
          | {ok: false; error: unknown};
        if (skip) outcome = {ok: false, error: new CellStoppedError()};
        else
          try {
            const cellScope = {...scope, console: recordingConsole(logs, options.console)};
            outcome = {ok: true, ...(await evaluateCell(cell.source, cellScope, guard.forRun(token)))};
          } catch (error) {
            outcome = {ok: false, error};
          }
        token.done = true;
        if (cell.evaluation !== evaluation) return; // a newer run owns this cell now
        cell.ms = now() - start;
        cell.logs = logs;
        if (outcome.ok) {
          cell.status = "ok";
          cell.value = outcome.value;
          cell.hasValue = outcome.hasValue;
          cell.error = undefined;
          cell.names = outcome.names;
          Object.assign(scope, outcome.names);
        } else {
          const stopped = outcome.error instanceof CellStoppedError;
          cell.status = stopped ? "stopped" : "error";
          cell.value = undefined;
          cell.hasValue = false;
          cell.error = outcome.error;
          cell.names = {};
        }
        changed(cell);
        if (token.stopped) {
          // Stop ends the run: the cells after it are not evaluated.
          if (runId === latestRun) {
            for (const rest of queue.slice(q + 1)) {
              if (rest.status !== "queued") continue;
              rest.status = "stopped";
              rest.error = new CellStoppedError();
              changed(rest);
            }
          }
          return;
        }
      }
    } finally {
      activeRuns--;
    }
  }

  return {
    cells,
    sources: () => cells.map((c) => c.source),
    setSource(index, source) {
      checkIndex("index", index, cells.length - 1);
      cells[index].source = String(source);
    },
    insert(index, source) {
      checkIndex("index", index, cells.length);
      const cell = make(String(source));
      cells.splice(index, 0, cell);
      return cell;
    },
    remove(index) {
      checkIndex("index", index, cells.length - 1);
      cells.splice(index, 1);
    },
    replaceAll(sources) {
      latestRun++;
      guard.stop();
      cells.splice(0, cells.length, ...sources.map((s) => make(String(s))));
    },
    run,
    stop() {
      guard.stop();
    },
    running: () => activeRuns > 0
  };
}
