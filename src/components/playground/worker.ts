/**
 * The playground's training worker: runs a session (engine.ts) off the page's main thread so the
 * page stays responsive, and answers the page's messages (protocol.ts). src/train-worker.js, the
 * file the page starts as a worker, only calls `startTrainingWorker(self)`.
 *
 * While playing it trains in slices of about 25 ms, checking for messages between slices, and
 * sends a snapshot every 150 ms or more (learned functions every 300 ms or more); when reports
 * grow costly the gaps grow, so reports take at most about a quarter of the time.
 *
 * Once the kernels have loaded it starts a team of threads (lib/team.ts: one per logical core, at
 * most MAX_TRAINING_THREADS), which every session's trainers split their steps across; where a
 * team cannot be had (the page is not cross-origin isolated, no shared memory, no SIMD kernels)
 * it trains on one thread and each `info` reply says why. The trained numbers are the same either way.
 */
import {backend, ready} from "../../lib/wht.js";
import {wasmFailure} from "../../lib/wasm/runtime.js";
import {createTeam, type Team} from "../../lib/team.js";
import {createSession, type Session} from "./engine.js";
import {errorReply, isToWorker, type FromWorker, type ToWorker} from "./protocol.js";
import {reportedCores, wantedThreads, type TrainingThreads} from "./threads.js";
import {trainingKernels} from "../../lib/kernels/label.js";

/** Milliseconds of training between checks for messages; shortest gaps between reports. */
export const SLICE_MS = 25;
export const REPORT_MS = 150;
export const OUTPUTS_MS = 300;
/** Reports may take at most about a quarter of the time: gaps grow with their cost. */
export const REPORT_SHARE = 3;

/** What the worker needs of its global scope (a DedicatedWorkerGlobalScope, or a test's stand-in). */
export interface WorkerScope {
  postMessage(message: FromWorker, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent) => void) | null;
  /** Ends the worker (a DedicatedWorkerGlobalScope's `close`), after a `close` message. */
  close?(): void;
}

export interface TrainingWorkerOptions {
  /** Threads to ask for (default: the device's logical cores, at most MAX_TRAINING_THREADS). */
  threads?: number;
  /** Starts the team (default lib/team.ts createTeam; tests pass their own). */
  startTeam?: (options: {threads: number}) => Promise<Team>;
}

/**
 * Answers the page's messages on `scope`. Messages are handled in order, each after the
 * WebAssembly SIMD kernels (about four times faster for wide layers) have loaded, or failed to:
 * then the scalar kernels are used and nothing else changes.
 */
export function startTrainingWorker(scope: WorkerScope, options: TrainingWorkerOptions = {}): void {
  const post = (message: FromWorker, transfer: Transferable[] = []) => scope.postMessage(message, transfer);
  const wanted = options.threads ?? wantedThreads(reportedCores());
  const startTeam = options.startTeam ?? createTeam;
  let team: Team | null = null;
  let threads: TrainingThreads = {threads: 1, wanted, reason: null};
  let closed = false;
  let session: Session | null = null;
  let id = 0;
  let playing = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stepsPerSecond = 0;
  let lastReport = 0;
  let lastOutputs = 0;
  /** Milliseconds the last full report (evaluation plus learned function) took. */
  let reportCost = 0;
  /** Steps and time at the last report, for the wall-clock rate. */
  let rateSteps = 0;
  let rateTime = 0;

  function report(current: Session, withOutputs: boolean): void {
    const start = performance.now();
    const snapshot = current.snapshot(withOutputs);
    const transfer: Transferable[] = [];
    for (const m of snapshot.models) if (m.outputs) transfer.push(m.outputs.buffer);
    if (playing && snapshot.step > rateSteps && start > rateTime) {
      // Steps per wall-clock second, evaluation and drawing included.
      const rate = ((snapshot.step - rateSteps) * 1000) / (start - rateTime);
      stepsPerSecond = stepsPerSecond === 0 ? rate : 0.7 * stepsPerSecond + 0.3 * rate;
    }
    post({type: "snapshot", id, snapshot, playing, stepsPerSecond}, transfer);
    lastReport = performance.now();
    if (withOutputs) {
      lastOutputs = lastReport;
      reportCost = lastReport - start;
    }
    rateSteps = snapshot.step;
    rateTime = start;
  }

  function loop(): void {
    timer = null;
    if (!playing || !session) return;
    try {
      const start = performance.now();
      do session.run(1);
      while (performance.now() - start < SLICE_MS);
      const now = performance.now();
      const gap = Math.max(REPORT_MS, REPORT_SHARE * reportCost);
      if (now - lastReport >= gap) report(session, now - lastOutputs >= Math.max(OUTPUTS_MS, gap));
    } catch (error) {
      // E.g. the browser refusing memory for a batch's activations: stop and say so.
      stop();
      post(errorReply(id, "play", error));
      return;
    }
    timer = setTimeout(loop, 0);
  }

  function stop(): void {
    playing = false;
    if (timer !== null) clearTimeout(timer);
    timer = null;
  }

  function handle(message: ToWorker): void {
    switch (message.type) {
      case "init": {
        stop();
        session?.dispose(); // give the old models' kernel memory back before building new ones
        session = null;
        id = message.id;
        stepsPerSecond = 0;
        session = createSession(message.state, message.custom, {team});
        // "wasm-simd+fma" when a dense model's products use fused multiply-add (other bits than without)
        const kernel = session.info.models.some((m) => m.spec.kind === "dense") ? trainingKernels("dense") : backend();
        post({type: "info", id, info: session.info, kernel, kernelNote: wasmFailure(), threads});
        report(session, true);
        break;
      }
      case "play":
        if (!session) return;
        playing = true;
        rateSteps = session.step;
        rateTime = performance.now();
        if (timer === null) timer = setTimeout(loop, 0);
        break;
      case "pause":
        stop();
        if (session) report(session, true);
        break;
      case "step":
        if (!session) return;
        stop();
        session.run(message.count);
        report(session, true);
        break;
      case "learningRate":
        if (session) session.setLearningRate(message.value);
        break;
      case "export":
        if (session) post({type: "weights", id, index: message.index, text: session.exportWeights(message.index)});
        break;
      case "import":
        if (!session) return;
        session.importWeights(message.index, message.text);
        report(session, true);
        break;
      case "close":
        stop();
        session?.dispose();
        session = null;
        team?.close();
        team = null;
        closed = true;
        scope.close?.();
        break;
    }
  }

  /** The team, once the kernels have loaded (or failed to: then one thread, and the team says why). */
  async function begin(): Promise<void> {
    await ready().catch(() => null);
    try {
      const started = await startTeam({threads: wanted});
      team = started;
      threads = {threads: started.threads, wanted, reason: started.threads < wanted ? started.fallbackReason : null};
    } catch (error) {
      const message = (error as {message?: unknown} | null)?.message;
      threads = {threads: 1, wanted, reason: `the threads could not be started (${String(message ?? error)})`};
    }
  }

  let queue: Promise<unknown> = begin();
  scope.onmessage = (event: MessageEvent) => {
    const message: unknown = event.data;
    if (!isToWorker(message) || closed) return;
    queue = queue.then(() => {
      if (closed) return;
      try {
        handle(message);
      } catch (error) {
        const index = message.type === "export" || message.type === "import" ? message.index : undefined;
        post(errorReply(message.type === "init" ? message.id : id, message.type, error, index));
      }
    });
  };
}
