/**
 * The playground's toolbar: Play / Pause, Step (with its step count), Reset, the step counter,
 * the training rate, the threads training runs on (or why one), and a button that dismisses the
 * banners (shown only while there are some).
 */
import {button, el} from "../dom.js";
import {formatCount} from "../format.js";
import type {Snapshot} from "./engine.js";
import {SAME_NUMBERS, threadsText, type TrainingThreads} from "./threads.js";

/** Steps the "Step" button can run; the first is the default. */
export const STEP_COUNTS = [10, 1, 100, 1000] as const;

export interface ToolbarActions {
  onPlayPause(): void;
  onStep(count: number): void;
  onReset(): void;
  onDismiss(): void;
}

export interface Toolbar {
  readonly root: HTMLElement;
  /** The line saying how many threads training runs on (placed below the sticky toolbar; hidden until set). */
  readonly threadsLine: HTMLElement;
  /**
   * Shows whether training plays and whether there is a session to train (`ready`); with a
   * snapshot, its step; with a rate (null: leave it), the steps per second while playing.
   */
  update(status: {playing: boolean; ready: boolean}, snapshot: Snapshot | null, stepsPerSecond: number | null): void;
  /** Whether the worker says it is still training (`data-running`, for tests and styles). */
  setRunning(running: boolean): void;
  /** The threads the worker trains on (`data-threads` on `.pg-threads`), or null before it says. */
  setThreads(threads: TrainingThreads | null): void;
}

export function createToolbar(actions: ToolbarActions): Toolbar {
  const root = el("div", {class: "pg-toolbar"});
  const playButton = button("▶ Play", actions.onPlayPause, {class: "pg-button", "data-action": "play"});
  const title = "optimiser steps per click of Step";
  const stepCount = el("select", {"data-control": "step-count", title, "aria-label": title});
  for (const n of STEP_COUNTS) stepCount.append(new Option(`× ${n}`, String(n)));
  const stepButton = button("Step", () => actions.onStep(Number(stepCount.value)), {
    class: "pg-button",
    "data-action": "step"
  });
  const resetButton = button("↺ Reset", actions.onReset, {class: "pg-button", "data-action": "reset"});
  const stepText = el("span", {class: "pg-step", text: "step 0"});
  const rateText = el("span", {class: "pg-rate", text: ""});
  const dismiss = button("Dismiss messages", actions.onDismiss, {
    class: "pg-button pg-small",
    "data-action": "dismiss"
  });
  const threadsCount = el("span", {class: "pg-threads-count"});
  const threadsNote = el("span", {class: "pg-threads-note", text: SAME_NUMBERS});
  const threadsLine = el("p", {class: "pg-threads"}, threadsCount, " ", threadsNote);
  threadsLine.hidden = true;
  root.append(playButton, stepButton, stepCount, resetButton, stepText, rateText, dismiss);
  return {
    root,
    threadsLine,
    update({playing, ready}, snapshot, stepsPerSecond) {
      playButton.textContent = playing ? "❚❚ Pause" : "▶ Play";
      playButton.setAttribute("aria-pressed", String(playing));
      playButton.disabled = !ready;
      stepButton.disabled = !ready;
      if (snapshot) {
        stepText.textContent = `step ${formatCount(snapshot.step)}`;
        root.dataset.step = String(snapshot.step);
      }
      if (stepsPerSecond !== null) {
        const rate = `${formatCount(Math.round(stepsPerSecond))} steps/s (all models)`;
        rateText.textContent = playing && stepsPerSecond > 0 ? rate : "";
      }
    },
    setRunning(running) {
      root.dataset.running = String(running);
    },
    setThreads(threads) {
      threadsLine.hidden = threads === null;
      if (threads === null) {
        delete threadsLine.dataset.threads;
        return;
      }
      threadsLine.dataset.threads = String(threads.threads);
      threadsCount.textContent = `${threadsText(threads)}.`;
    }
  };
}
