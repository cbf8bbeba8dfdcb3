/**
 * The page's side of the training worker: starts it, numbers its sessions, passes on the replies
 * of the current session only, and replaces the worker when it dies (e.g. out of memory for a
 * huge model) so the page keeps working.
 */
import {isFromWorker, type FromWorker, type ToWorker} from "./protocol.js";
import type {CustomData} from "./engine.js";
import type {PlaygroundState} from "./state.js";

/** Milliseconds a closing worker gets to end itself before it is terminated. */
export const CLOSE_GRACE_MS = 1000;

export interface TrainingClient {
  /** Starts a new session from this state; replies to older sessions are dropped from now on. */
  start(state: PlaygroundState, custom?: CustomData): void;
  /** Sends a message to the current session. */
  send(message: Exclude<ToWorker, {type: "init"}>): void;
  /** Stops the worker for good (it is told to close, and terminated CLOSE_GRACE_MS later). */
  dispose(): void;
}

export interface ClientHandlers {
  /** A reply of the current session. */
  onReply(message: FromWorker): void;
  /** The worker stopped (the browser's reason, possibly empty); a fresh one is already waiting. */
  onCrash(reason: string): void;
}

export function createTrainingClient(workerUrl: string, handlers: ClientHandlers): TrainingClient {
  let session = 0;
  let worker = spawn();
  function spawn(): Worker {
    const w = new Worker(workerUrl, {type: "module"});
    w.onerror = (event) => {
      event.preventDefault();
      w.terminate();
      worker = spawn();
      handlers.onCrash(event.message);
    };
    w.onmessage = (event: MessageEvent) => {
      const message: unknown = event.data;
      if (isFromWorker(message) && message.id === session) handlers.onReply(message);
    };
    return w;
  }
  const post = (message: ToWorker) => worker.postMessage(message);
  return {
    start(state, custom) {
      session++;
      post({type: "init", id: session, state, custom});
    },
    send: post,
    dispose() {
      // The worker frees its session and stops its threads, then ends itself; a worker that
      // does not (busy, or stuck) is ended a second later.
      const last = worker;
      last.onerror = null;
      last.postMessage({type: "close"} satisfies ToWorker);
      setTimeout(() => last.terminate(), CLOSE_GRACE_MS);
    }
  };
}
