/**
 * The "run it in your browser" control of the Throughput page: a button that starts the
 * benchmark in a web worker (so the page stays responsive), a progress bar fed by the worker's
 * progress messages, a Stop button, and a callback with the results.
 *
 * Worker protocol: the page posts {type: "run", quick: true}; the worker answers with any number
 * of {type: "progress", done, total, label}, then {type: "result", wht, layer} or
 * {type: "error", message}.
 */
export interface ProgressMessage {
  type: "progress";
  done: number;
  total: number;
  label?: string;
}
export interface ResultMessage<W, L> {
  type: "result";
  wht: W[];
  layer: L[];
  seconds: number;
  backend?: string;
}
export interface ErrorMessage {
  type: "error";
  message: string;
}
export type WorkerMessage<W, L> = ProgressMessage | ResultMessage<W, L> | ErrorMessage;

/** "12 of 40: WHT scalar n = 2^12" — the status line for a progress message. */
export function progressText(message: ProgressMessage): string {
  const total = Math.max(1, message.total);
  const done = Math.min(Math.max(0, message.done), total);
  return `${done} of ${total}${message.label ? `: ${message.label}` : ""}`;
}

export interface RunnerOptions<W, L> {
  createWorker(): Worker;
  onResult(result: ResultMessage<W, L>): void;
  label?: string;
}

export function benchRunner<W, L>(options: RunnerOptions<W, L>): HTMLElement {
  const root = document.createElement("div");
  root.className = "sn-runner";
  root.innerHTML = `<div class="sn-runner-row">
    <button type="button" data-action="run">${options.label ?? "Run in this browser"}</button>
    <button type="button" data-action="stop" disabled>Stop</button>
    <progress max="1" value="0" aria-label="benchmark progress"></progress>
  </div>
  <div class="sn-caption" role="status" data-status>Not run yet: the build machine's curves are shown.</div>`;
  const run = root.querySelector<HTMLButtonElement>("[data-action=run]")!;
  const stop = root.querySelector<HTMLButtonElement>("[data-action=stop]")!;
  const bar = root.querySelector("progress")!;
  const status = root.querySelector<HTMLElement>("[data-status]")!;
  let worker: Worker | null = null;
  const finish = (text: string, state: string) => {
    worker?.terminate();
    worker = null;
    run.disabled = false;
    stop.disabled = true;
    status.textContent = text;
    root.dataset.state = state;
  };
  run.addEventListener("click", () => {
    if (worker) return;
    run.disabled = true;
    stop.disabled = false;
    bar.value = 0;
    root.dataset.state = "running";
    status.textContent = "Starting the worker…";
    try {
      worker = options.createWorker();
    } catch (error) {
      finish(`Could not start a web worker: ${(error as Error).message}`, "error");
      return;
    }
    worker.onmessage = (event: MessageEvent<WorkerMessage<W, L>>) => {
      const message = event.data;
      if (message.type === "progress") {
        bar.max = Math.max(1, message.total);
        bar.value = message.done;
        status.textContent = `Running: ${progressText(message)}`;
      } else if (message.type === "result") {
        bar.value = bar.max;
        finish(
          `Done in ${message.seconds.toFixed(1)} s${message.backend ? ` (WHT backend: ${message.backend})` : ""}: your browser's results are drawn dashed beside the build machine's.`,
          "done"
        );
        options.onResult(message);
      } else {
        finish(`The benchmark failed: ${message.message}`, "error");
      }
    };
    worker.onerror = (event) => finish(`The benchmark failed: ${event.message || "worker error"}`, "error");
    worker.postMessage({type: "run", quick: true});
  });
  stop.addEventListener("click", () => finish("Stopped. Press Run to start again.", "stopped"));
  return root;
}
