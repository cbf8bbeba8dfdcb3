// Tests for the Scratchpad loop guard: time limit per synchronous stretch, Stop, replaced runs.
import {describe, expect, it} from "vitest";
import {
  createLoopGuard,
  CellStoppedError,
  CellTimeoutError,
  MAX_STRIDE,
  type RunToken
} from "../../../src/components/scratchpad/guard.js";

const token = (): RunToken => ({stopped: false, done: false});

describe("createLoopGuard", () => {
  it("throws a timeout once a synchronous stretch passes the limit (fast loop: within MAX_STRIDE calls)", () => {
    let t = 0;
    const deferred: (() => void)[] = [];
    const guard = createLoopGuard({limitMs: 100, now: () => t, defer: (fn) => deferred.push(fn)});
    const run = token();
    guard.activate(run);
    const check = guard.forRun(run);
    for (let i = 0; i < 5000; i++) check(); // the clock stands still: the deadline is t = 100
    t = 100;
    for (let i = 0; i < 5000; i++) check();
    t = 100.5;
    const callsUntilThrow = () => {
      for (let calls = 1; calls <= 100_000; calls++) {
        try {
          check();
        } catch (error) {
          expect(error).toBeInstanceOf(CellTimeoutError);
          expect((error as Error).message).toMatch(/after 0.1 s/);
          return calls;
        }
      }
      return Infinity;
    };
    expect(callsUntilThrow()).toBeLessThanOrEqual(MAX_STRIDE);
    // Once the event loop gets control the stretch is over and a new one may start.
    deferred.splice(0).forEach((fn) => fn());
    for (let i = 0; i < 5000; i++) check();
    t = 201;
    expect(callsUntilThrow()).toBeLessThanOrEqual(MAX_STRIDE);
  });

  it("reads the clock on every call of a slow loop", () => {
    let t = 0;
    const guard = createLoopGuard({limitMs: 100, now: () => (t += 5), defer: () => {}});
    const run = token();
    guard.activate(run);
    const check = guard.forRun(run);
    let calls = 0;
    expect(() => {
      for (;;) {
        calls++;
        check();
      }
    }).toThrow(CellTimeoutError);
    // Armed at t = 5 (deadline 105); the call reading t = 110 throws: the 22nd.
    expect(calls).toBe(22);
  });

  it("stops a real endless loop within the limit", () => {
    const guard = createLoopGuard({limitMs: 30});
    const run = token();
    guard.activate(run);
    const check = guard.forRun(run);
    const start = performance.now();
    let iterations = 0;
    expect(() => {
      for (;;) {
        check();
        iterations++;
      }
    }).toThrow(CellTimeoutError);
    expect(iterations).toBeGreaterThan(0);
    expect(performance.now() - start).toBeGreaterThanOrEqual(30);
  });

  it("Stop stops the active evaluation and code that calls back into a finished cell's functions", () => {
    const guard = createLoopGuard({limitMs: 1e9, defer: () => {}});
    const first = token();
    guard.activate(first);
    const fromFirst = guard.forRun(first);
    first.done = true;
    const second = token();
    guard.activate(second);
    expect(first.stopped).toBe(false); // it had finished
    expect(guard.busy()).toBe(true);
    expect(() => fromFirst()).not.toThrow();
    guard.stop();
    expect(second.stopped).toBe(true);
    expect(() => guard.forRun(second)()).toThrow(CellStoppedError);
    expect(() => fromFirst()).toThrow(CellStoppedError); // called while the stopped evaluation is going
    second.done = true;
    expect(() => fromFirst()).not.toThrow(); // once it settled, functions keep working
    expect(guard.busy()).toBe(false);
  });

  it("a newer evaluation stops an older one that is still going", () => {
    const guard = createLoopGuard({limitMs: 1e9, defer: () => {}});
    const old = token();
    guard.activate(old);
    const fresh = token();
    guard.activate(fresh);
    expect(old.stopped).toBe(true);
    expect(() => guard.forRun(old)()).toThrow(CellStoppedError);
    expect(() => guard.forRun(fresh)()).not.toThrow();
  });

  it("rejects a limit that is not a positive number", () => {
    expect(() => createLoopGuard({limitMs: 0})).toThrow(/limitMs must be a positive number/);
    expect(() => createLoopGuard({limitMs: NaN})).toThrow(/got NaN/);
  });
});
