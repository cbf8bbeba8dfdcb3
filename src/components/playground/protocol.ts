/**
 * The messages between the playground page (app.ts, through client.ts) and its training worker
 * (src/train-worker.js, which runs worker.ts). Both sides import these types, so a message one
 * side sends is the message the other side reads.
 *
 * `id` names the session a reply belongs to: the page starts a new session with every `init`
 * and drops replies that carry an older id.
 */
import type {CustomData, SessionInfo, Snapshot} from "./engine.js";
import type {PlaygroundState} from "./state.js";
import {isTrainingThreads, type TrainingThreads} from "./threads.js";

export type {TrainingThreads} from "./threads.js";

/** Page → worker. */
export type ToWorker =
  /** Build a new session (models, data, trainers) from the state; answered by `info` and a `snapshot`. */
  | {type: "init"; id: number; state: PlaygroundState; custom?: CustomData}
  /** Train until `pause`, with a `snapshot` every so often. */
  | {type: "play"}
  | {type: "pause"}
  /** Run `count` optimiser steps, then send a `snapshot`. */
  | {type: "step"; count: number}
  /** Change the learning rate without a reset. */
  | {type: "learningRate"; value: number}
  /** Ask for model `index`'s weights file (answered by `weights`). */
  | {type: "export"; index: number}
  /** Load a weights file into model `index`. */
  | {type: "import"; index: number; text: string}
  /** The page is done: free the session, stop the team of threads, and end the worker. */
  | {type: "close"};

/** What the worker was doing when an error happened: the type of the message it was handling. */
export type WorkerTask = ToWorker["type"];

/** Worker → page. */
export type FromWorker =
  /**
   * The session is built; `kernel` names the kernels it trains with (trainingKernels: "+fma" when a
   * dense model's products use fused multiply-add), `kernelNote` why
   * WebAssembly did not load, `threads` how many threads share each step (and why not more).
   */
  | {
      type: "info";
      id: number;
      info: SessionInfo;
      kernel: string;
      kernelNote: string | null;
      threads: TrainingThreads;
    }
  /** Losses, accuracies and (sometimes) learned functions now; `playing` says whether training goes on. */
  | {type: "snapshot"; id: number; snapshot: Snapshot; playing: boolean; stepsPerSecond: number}
  /** Model `index`'s weights file, for the page to offer as a download. */
  | {type: "weights"; id: number; index: number; text: string}
  /** A message failed; `validation` when the input was refused (a SwitchNetError), not a crash. */
  | {type: "error"; id: number; during: WorkerTask; index?: number; message: string; validation: boolean};

const TO_WORKER: readonly WorkerTask[] = ["init", "play", "pause", "step", "learningRate", "export", "import", "close"];
const FROM_WORKER: readonly FromWorker["type"][] = ["info", "snapshot", "weights", "error"];

function hasType(data: unknown): data is {type: unknown} {
  return typeof data === "object" && data !== null && "type" in data;
}

/** Whether `data` is a message for the worker (its type is one the worker handles). */
export function isToWorker(data: unknown): data is ToWorker {
  return hasType(data) && TO_WORKER.includes(data.type as WorkerTask);
}

/** Whether `data` is a reply from the worker, with its session id (and an `info` with its threads). */
export function isFromWorker(data: unknown): data is FromWorker {
  return (
    hasType(data) &&
    FROM_WORKER.includes(data.type as FromWorker["type"]) &&
    typeof (data as {id?: unknown}).id === "number" &&
    (data.type !== "info" || isTrainingThreads((data as {threads?: unknown}).threads))
  );
}

/** The `error` reply for a failure while handling `during` (the message of any thrown value). */
export function errorReply(id: number, during: WorkerTask, error: unknown, index?: number): FromWorker {
  const thrown = error as {message?: unknown; name?: unknown} | null | undefined;
  const message = typeof thrown?.message === "string" ? thrown.message : String(error);
  const validation = thrown?.name === "SwitchNetError";
  return {type: "error", id, during, ...(index === undefined ? {} : {index}), message, validation};
}
