/**
 * The memorisation-capacity search: the largest number of pairs N a model fits, found by
 * doubling N until a fit fails, then bisecting between the last success and the first failure.
 *
 * The search only knows a `probe(n)` function (train on n pairs, say whether it fitted); the
 * training itself lives in `memorise.ts`. Assumes fitting is monotone in n; when a probe breaks
 * that (noise near the edge), the bisection still ends with lo fitted and hi failed.
 */
import {checkInteger, checkNumber, fail} from "../check.js";
import {checkOptions} from "../check.js";

export interface Probe {
  /** Number of pairs tried. */
  n: number;
  /** Whether the fit reached the stated error. */
  fitted: boolean;
  /** Final training error (the measure the threshold applies to). */
  error: number;
  /** Optimiser steps the probe took. */
  steps: number;
  /** Whether it stopped on the fit or the stop rule rather than the step cap (optional). */
  plateauReached?: boolean;
  /** Wall-clock seconds of the probe (optional). */
  seconds?: number;
}

export interface SearchOptions {
  /** First n tried (default 16). */
  start?: number;
  /** Largest n ever tried (default 65,536). */
  max?: number;
  /** Stop bisecting once hi ≤ lo · (1 + resolution) (default 0.125). */
  resolution?: number;
  /**
   * A first n to try instead of doubling from `start` (say, another seed's capacity): when it fits,
   * the search tries ⌊guess · (1 + resolution)⌋ next and doubles from there while that fits too;
   * when it fails, it tries ⌈guess / (1 + resolution)⌉ and halves from there while that fails too;
   * then it bisects as usual. A guess within the resolution of the capacity costs two probes.
   */
  guess?: number;
}

export interface CapacityResult {
  /** Largest n that fitted (0 when even `start`... down to 1 failed). */
  largestFitted: number;
  /** Smallest n that failed, or null when `max` itself fitted (the capacity is at least max). */
  smallestFailed: number | null;
  /** Every probe in the order run. */
  probes: Probe[];
}

/** Runs the doubling-then-bisection search with the given probe. */
export function searchCapacity(probe: (n: number) => Probe, options: SearchOptions = {}): CapacityResult {
  options = checkOptions("options", options);
  const start = checkInteger("start", options.start ?? 16, 1);
  const max = checkInteger("max", options.max ?? 65536, start);
  const resolution = checkNumber("resolution", options.resolution ?? 0.125, 0, 10);
  if (typeof probe !== "function") fail(`probe must be a function n => Probe, got ${typeof probe}`);
  const probes: Probe[] = [];
  const run = (n: number): boolean => {
    const p = probe(n);
    if (!p || p.n !== n || typeof p.fitted !== "boolean")
      fail(`probe(${n}) must return {n: ${n}, fitted, error, steps}`);
    probes.push(p);
    return p.fitted;
  };

  const guess = options.guess === undefined ? undefined : checkInteger("guess", options.guess, 1, max);

  // Doubling: lo is the largest fitted n so far, hi the first failure.
  let lo = 0;
  let hi: number | null = null;
  let first = start;
  if (guess !== undefined) {
    const up = (n: number) => Math.min(max, Math.max(n + 1, Math.floor(n * (1 + resolution))));
    if (run(guess)) {
      lo = guess;
      first = up(guess); // the doubling below starts one resolution step above the guess
      if (lo === max) return {largestFitted: lo, smallestFailed: null, probes};
    } else {
      // Down from the guess: one resolution step, then halving, until a fit (or n = 1 fails).
      hi = guess;
      for (let n = Math.max(1, Math.min(guess - 1, Math.ceil(guess / (1 + resolution)))); guess > 1; ) {
        if (run(n)) {
          lo = n;
          break;
        }
        hi = n;
        if (n === 1) break;
        n = Math.max(1, Math.floor(n / 2));
      }
    }
  }
  if (hi === null) {
    for (let n = first; ; n = Math.min(2 * n, max)) {
      if (run(n)) lo = n;
      else {
        hi = n;
        break;
      }
      if (n === max) break;
    }
    if (hi === null) return {largestFitted: lo, smallestFailed: null, probes};
  }

  // Bisection between lo (fitted, or 0) and hi (failed).
  while (hi - lo > 1 && hi > lo * (1 + resolution)) {
    const mid = Math.floor((lo + hi) / 2);
    if (mid <= 0) break;
    if (run(mid)) lo = mid;
    else hi = mid;
  }
  return {largestFitted: lo, smallestFailed: hi, probes};
}
