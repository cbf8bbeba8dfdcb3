/**
 * The threads the playground trains on: the training worker starts a team (lib/team.ts) of up to
 * MAX_TRAINING_THREADS threads, one per logical core, and every session's trainers share it. The
 * page shows the count (or, on one thread, why) in the toolbar.
 */

/** Most threads a training step is split across in the page (more cores than this help little here). */
export const MAX_TRAINING_THREADS = 8;

/** The threads a session trains on, as the worker reports them (protocol.ts `info`). */
export interface TrainingThreads {
  /** Threads that share each training step, the worker's own included (1 = no team). */
  threads: number;
  /** Threads asked for: the device's logical cores, at most MAX_TRAINING_THREADS. */
  wanted: number;
  /** Why fewer than `wanted` run (the team's fallbackReason), or null. */
  reason: string | null;
}

/** Threads to ask for on a device with `cores` logical cores (navigator.hardwareConcurrency; 1 when unknown). */
export function wantedThreads(cores: number | undefined): number {
  const n = Number.isInteger(cores) && (cores as number) > 0 ? (cores as number) : 1;
  return Math.min(MAX_TRAINING_THREADS, n);
}

/** The logical cores this environment reports (navigator.hardwareConcurrency), or undefined. */
export function reportedCores(): number | undefined {
  const nav = (globalThis as {navigator?: {hardwareConcurrency?: number}}).navigator;
  return nav?.hardwareConcurrency;
}

/**
 * The threads the page expects a session to train on before the worker says: the wanted count
 * where the page is cross-origin isolated (threads can share memory), else one. For the memory
 * estimate only; the worker's report replaces it.
 */
export function expectedThreads(): number {
  const isolated = (globalThis as {crossOriginIsolated?: boolean}).crossOriginIsolated === true;
  return isolated ? wantedThreads(reportedCores()) : 1;
}

/** Whether `value` is a TrainingThreads (counts are positive integers, the reason a string or null). */
export function isTrainingThreads(value: unknown): value is TrainingThreads {
  if (typeof value !== "object" || value === null) return false;
  const t = value as Record<string, unknown>;
  const count = (x: unknown) => Number.isInteger(x) && (x as number) >= 1;
  return count(t.threads) && count(t.wanted) && (t.reason === null || typeof t.reason === "string");
}

/** The sentence that says the count does not change the numbers (shown beside it). */
export const SAME_NUMBERS =
  "Any thread count trains to the same bits: a shared URL gives these numbers on any machine with the same kernels.";

/** "Training on 2 threads", or on one thread with the reason (or the device's single core). */
export function threadsText(t: TrainingThreads): string {
  if (t.threads > 1) return `Training on ${t.threads} threads`;
  if (t.reason) return `Training on 1 thread: ${t.reason}`;
  if (t.wanted === 1) return "Training on 1 thread (this device reports one core)";
  return "Training on 1 thread";
}
