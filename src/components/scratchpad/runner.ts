/**
 * The page's side of the sandboxed frame the cells run in (sandbox.ts makes the frame, frame.ts
 * runs in it): configures it (time limit, theme colours, again after every restart), sends it
 * the cells and runs, tells it where each output goes, and reads what it says back. The frame
 * runs code from links, so every message from it is checked field by field (`readFrameMessage`)
 * before the page uses it.
 */
import {createSandbox} from "./sandbox.js";
import {THEME_VARIABLES} from "./frame.js";
import type {CellStatus} from "./notebook.js";

/** Most pixels one output may claim (a frame that reports more is clamped). */
export const MAX_OUTPUT_HEIGHT = 100_000;
const STATUSES: readonly CellStatus[] = ["idle", "queued", "running", "ok", "error", "stopped"];

/** A message from the frame, checked: what the page acts on. */
export type FrameEvent =
  /** Cell `id` has this status; `ms` is how long its run took (null when not given or not a time). */
  | {type: "status"; id: number; status: CellStatus; ms: number | null}
  /** Cell `id`'s output is `height` pixels tall (rounded, within 0 … MAX_OUTPUT_HEIGHT). */
  | {type: "size"; id: number; height: number}
  /** Whether cells are running. */
  | {type: "running"; running: boolean}
  /** Run `seq` has ended. */
  | {type: "ran"; seq: number};

/** The frame's message as a FrameEvent, or null when it is not one (a wrong type or field). */
export function readFrameMessage(data: unknown): FrameEvent | null {
  if (typeof data !== "object" || data === null) return null;
  const m = data as Record<string, unknown>;
  const id = m.id;
  switch (m.type) {
    case "status": {
      if (typeof id !== "number" || !STATUSES.includes(m.status as CellStatus)) return null;
      const ms = m.ms;
      const time = typeof ms === "number" && Number.isFinite(ms) && ms >= 0 ? ms : null;
      return {type: "status", id, status: m.status as CellStatus, ms: time};
    }
    case "size": {
      const height = m.height;
      if (typeof id !== "number" || typeof height !== "number" || !Number.isFinite(height)) return null;
      return {type: "size", id, height: Math.max(0, Math.min(MAX_OUTPUT_HEIGHT, Math.round(height)))};
    }
    case "running":
      return typeof m.running === "boolean" ? {type: "running", running: m.running} : null;
    case "ran":
      return typeof m.seq === "number" ? {type: "ran", seq: m.seq} : null;
    default:
      return null;
  }
}

/** A cell as the frame gets it. */
export type CellPayload = {id: number; source: string};

export interface RunnerOptions {
  /** The sandbox runtime's text. */
  loadRuntime: () => Promise<string>;
  /** Longest time a cell may block its frame, in milliseconds. */
  timeLimitMs: number;
  /** The element whose theme colours the frame copies. */
  themeSource: HTMLElement;
  /** Where each cell's output starts, in pixels from the stage's top, by cell id. */
  outputTops(): Record<number, number>;
  /** A checked message from the frame (a "ran" is handled here first). */
  onEvent(event: FrameEvent): void;
  /** The runtime could not be loaded. */
  onError(error: Error): void;
}

export interface Runner {
  /** Runs cells [from, to) of `cells`; resolves when that run has ended, or a newer run replaced it. */
  run(cells: CellPayload[], from: number, to: number, stoppedFrom?: number): Promise<void>;
  /** Tells the frame the cells now on the page (without running them). */
  sync(cells: CellPayload[]): void;
  /** Asks the frame to stop the running cell at its next loop iteration. */
  stop(): void;
  /** Replaces the frame with a fresh, configured one (the cells' state is gone). */
  restart(): void;
  /** Sends the outputs' places to the frame at the next animation frame. */
  scheduleLayout(): void;
  destroy(): void;
}

/** Creates the frame inside `stage` (under the cells) and configures it. */
export function createRunner(stage: HTMLElement, options: RunnerOptions): Runner {
  const win = stage.ownerDocument.defaultView ?? window;
  let seq = 0;
  const waiting = new Map<number, () => void>();
  const sandbox = createSandbox(stage, {
    loadRuntime: options.loadRuntime,
    onMessage: (data) => {
      const event = readFrameMessage(data);
      if (!event) return;
      if (event.type === "ran") {
        const done = waiting.get(event.seq);
        if (done) {
          waiting.delete(event.seq);
          done();
        }
      }
      options.onEvent(event);
    },
    onStart: () => scheduleLayout(),
    onError: options.onError
  });

  function themeVariables(): Record<string, string> {
    const computed = win.getComputedStyle(options.themeSource);
    const vars: Record<string, string> = {};
    for (const name of THEME_VARIABLES) {
      const value = computed.getPropertyValue(name).trim();
      if (value) vars[name] = value;
    }
    return vars;
  }
  const configure = () => {
    sandbox.send({type: "init", timeLimitMs: options.timeLimitMs});
    sandbox.send({type: "theme", vars: themeVariables()});
  };
  configure();
  const dark = win.matchMedia?.("(prefers-color-scheme: dark)");
  const onScheme = () => sandbox.send({type: "theme", vars: themeVariables()});
  dark?.addEventListener?.("change", onScheme);

  let layoutPending = false;
  function scheduleLayout(): void {
    if (layoutPending) return;
    layoutPending = true;
    win.requestAnimationFrame(() => {
      layoutPending = false;
      sandbox.send({type: "layout", tops: options.outputTops()});
    });
  }

  const endAll = () => {
    for (const done of waiting.values()) done();
    waiting.clear();
  };

  return {
    run(cells, from, to, stoppedFrom) {
      const id = ++seq;
      endAll(); // a newer run replaces the older ones
      const finished = new Promise<void>((resolve) => waiting.set(id, resolve));
      sandbox.send({type: "run", cells, from, to, seq: id, ...(stoppedFrom === undefined ? {} : {stoppedFrom})});
      return finished;
    },
    sync: (cells) => sandbox.send({type: "cells", cells}),
    stop: () => sandbox.send({type: "stop"}),
    restart() {
      sandbox.restart();
      configure();
    },
    scheduleLayout,
    destroy() {
      dark?.removeEventListener?.("change", onScheme);
      sandbox.destroy();
      endAll();
    }
  };
}
