/**
 * The page's side of the training worker: starts it, numbers its sessions, passes on the replies
 * of the current session only, and replaces the worker when it dies (e.g. out of memory for a
 * huge model) so the page keeps working.
 */
import {isFromWorker, type FromWorker, type ToWorker} from "./protocol.js";
import type {CustomData} from "./engine.js";
import type {PlaygroundState} from "./state.js";

export interface TrainingClient {
  /** Starts a new session from this state; replies to older sessions are dropped from now on. */
  start(state: PlaygroundState, custom?: CustomData): void;
  /** Sends a message to the current session. */
  send(message: Exclude<ToWorker, {type: "init"}>): void;
  /** Stops the worker for good. */
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
    dispose: () => worker.terminate()
  };
}
