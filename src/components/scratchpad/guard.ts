/**
 * Scratchpad: the loop guard that keeps an endless loop from freezing the page.
 *
 * Cells run on the main thread (they must build Plot figures and DOM elements, which a worker
 * cannot do), so a loop that never ends would block the page. transform.ts puts a
 * call to `check()` at the start of every loop body and function body. `check()` throws when
 *   - the current synchronous stretch has run longer than `limitMs` (the page has been frozen
 *     that long: the stretch ends as soon as the event loop gets control, which a zero-delay
 *     timer notices), or
 *   - the run it belongs to was stopped (the Stop button, or a newer run replacing it).
 * An async cell that yields (`await tick()`) keeps the page responsive, can run for as long as
 * it likes, and stops at its next loop iteration when Stop is pressed.
 */

/** Thrown by the guard when a loop ran too long without yielding. */
export class CellTimeoutError extends Error {
  constructor(limitMs: number) {
    super(
      `stopped after ${limitMs / 1000} s without a pause (an endless loop?). ` +
        `Long computations can add \`await tick()\` inside the loop to keep the page responsive.`
    );
    this.name = "TimeoutError";
  }
}

/** Thrown by the guard when the run was stopped. */
export class CellStoppedError extends Error {
  constructor() {
    super("stopped");
    this.name = "StoppedError";
  }
}

/**
 * One evaluation of one cell. `stopped` is set by Stop or when a newer evaluation starts while
 * this one is still going; `done` is set when the evaluation settles (a done token is never
 * stopped, so functions a finished cell defined keep working in later cells).
 */
export interface RunToken {
  stopped: boolean;
  done: boolean;
}

export interface LoopGuardOptions {
  /** Longest synchronous stretch a cell may run, in milliseconds. */
  limitMs: number;
  /** Clock in milliseconds (default performance.now). */
  now?: () => number;
  /** Calls `fn` once the event loop is free again (default setTimeout(fn, 0)). */
  defer?: (fn: () => void) => void;
}

export interface LoopGuard {
  readonly limitMs: number;
  /** A guard function for code started by `token`: throws when that run or the active run was stopped, or time ran out. */
  forRun(token: RunToken): () => void;
  /** Marks `token` as the active evaluation; an older one still going stops at its next loop iteration. */
  activate(token: RunToken): void;
  /** Stops the active evaluation (if it is still going). */
  stop(): void;
  /** True while the active evaluation is going. */
  busy(): boolean;
}

/** Most guard calls between two clock reads. */
export const MAX_STRIDE = 1024;

export function createLoopGuard(options: LoopGuardOptions): LoopGuard {
  const limitMs = options.limitMs;
  if (typeof limitMs !== "number" || !(limitMs > 0)) {
    throw new RangeError(`limitMs must be a positive number of milliseconds, got ${String(limitMs)}`);
  }
  const now = options.now ?? (() => performance.now());
  const defer = options.defer ?? ((fn: () => void) => void setTimeout(fn, 0));
  let deadline: number | null = null;
  let active: RunToken | null = null;
  // Reading the clock costs ~100 ns, far more than a tight loop body, so the clock is read
  // every `stride` calls: the stride doubles (up to MAX_STRIDE) while reads come less than
  // 1 ms apart and drops back to 1 as soon as they come more than 2 ms apart.
  let countdown = 0;
  let stride = 1;
  let lastRead = -Infinity;

  function check(token: RunToken): void {
    if (token.stopped || (active?.stopped && !active.done)) throw new CellStoppedError();
    if (--countdown > 0) return;
    const t = now();
    const gap = t - lastRead;
    lastRead = t;
    if (gap < 1) stride = Math.min(MAX_STRIDE, stride * 2);
    else if (gap > 2) stride = 1;
    countdown = stride;
    if (deadline === null) {
      deadline = t + limitMs;
      defer(() => {
        deadline = null;
      });
    } else if (t > deadline) {
      throw new CellTimeoutError(limitMs);
    }
  }

  return {
    limitMs,
    forRun: (token) => () => check(token),
    activate(token) {
      if (active && active !== token && !active.done) active.stopped = true;
      active = token;
    },
    stop() {
      if (active && !active.done) active.stopped = true;
    },
    busy: () => active !== null && !active.done && !active.stopped
  };
}
