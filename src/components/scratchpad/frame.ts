/**
 * Scratchpad: the runtime inside the sandboxed frame, where the cells' code runs.
 *
 * The page (app.ts) keeps the editors, the toolbar and the URL; the cells run here, in
 * an iframe with `sandbox="allow-scripts"` (an opaque origin: no access to the page, its storage
 * or cookies, no top navigation, no pop-ups) and a restrictive Content-Security-Policy (no
 * network at all). The frame lies under the page's list of cells, and this runtime draws each
 * cell's output at the place the page keeps free for it (`layout` messages give the tops), and
 * reports each output's height, so that outputs appear under their editors.
 *
 * This file is bundled with the library, Plot, d3 and Inputs into one script at build time
 * (src/data/scratchpad-runtime.js.ts); the page fetches it from the site and posts its text into
 * the frame (sandbox.ts), so nothing loads from another host.
 *
 * Messages from the page (only the parent window is listened to):
 *   {type: "init", timeLimitMs}                 — before anything else
 *   {type: "theme", vars: {name: value}}        — CSS variables of the page (light or dark)
 *   {type: "cells", cells: [{id, source}]}      — the cells in order (ids are the page's)
 *   {type: "run", cells, from, to?, stoppedFrom?, seq} — sync, then run cells [from, to); with
 *                                                  stoppedFrom, mark cells from there on stopped
 *   {type: "stop"}                              — Stop
 *   {type: "layout", tops: {id: px}}            — where each output box goes
 * Messages to the page:
 *   {type: "status", id, status, ms}, {type: "size", id, height}, {type: "running", running},
 *   {type: "ran", seq} when the run a "run" message started has ended
 */
import {createNotebook, type CellState} from "./notebook.js";
import {CellStoppedError, createLoopGuard} from "./guard.js";
import {renderError, renderLogs, renderValue} from "./display.js";
import {scratchpadScope} from "./scope.js";

/** The styles of the outputs (the frame has none of the page's stylesheets). */
export const FRAME_STYLE = `
html, body { margin: 0; padding: 0; background: transparent; overflow: hidden; }
body { font: 14px/1.5 var(--sans-serif, system-ui, sans-serif); color: var(--theme-foreground, #1b1e23); }
.scratchpad-output { position: absolute; left: 0; right: 0; top: 0; overflow-x: auto; overflow-y: hidden; max-width: 100%; }
.scratchpad-output > svg, .scratchpad-output > figure { max-width: 100%; }
.scratchpad-output[data-status="queued"], .scratchpad-output[data-status="running"] { opacity: 0.5; }
.scratchpad-text { margin: 0; padding: 0.4rem 0.6rem; font: 13px/1.45 var(--monospace, monospace); white-space: pre-wrap;
  word-break: break-word; background: none; border-left: 3px solid var(--theme-foreground-faintest, #ddd); }
.scratchpad-logs { font: 12px/1.45 var(--monospace, monospace); color: var(--theme-foreground-muted, #666); margin-bottom: 0.3rem;
  max-height: 12rem; overflow: auto; white-space: pre-wrap; word-break: break-word; }
.scratchpad-log-warn { color: var(--theme-foreground); background: color-mix(in srgb, orange 15%, transparent); }
.scratchpad-log-error { color: var(--theme-foreground); background: color-mix(in srgb, var(--theme-red, red) 15%, transparent); }
.scratchpad-error { font: 13px/1.45 var(--monospace, monospace); white-space: pre-wrap; border-left: 3px solid var(--theme-red, red);
  background: color-mix(in srgb, var(--theme-red, red) 10%, transparent); padding: 0.4rem 0.6rem; }
.scratchpad-table table { font: 13px var(--monospace, monospace); border-collapse: collapse; }
.scratchpad-table th, .scratchpad-table td { padding: 0.15rem 0.7rem 0.15rem 0; text-align: right;
  border-bottom: 1px solid var(--theme-foreground-faintest, #ddd); }
.scratchpad-more { font: 12px var(--sans-serif, sans-serif); color: var(--theme-foreground-muted, #666); margin-top: 0.2rem; }
`;

/** CSS variables the page sends so that outputs look like the rest of the site. */
export const THEME_VARIABLES = [
  "--theme-foreground",
  "--theme-foreground-alt",
  "--theme-foreground-muted",
  "--theme-foreground-faint",
  "--theme-foreground-fainter",
  "--theme-foreground-faintest",
  "--theme-foreground-focus",
  "--theme-background",
  "--theme-background-alt",
  "--theme-red",
  "--theme-green",
  "--theme-blue",
  "--sans-serif",
  "--monospace",
  "--serif"
] as const;

declare const __INPUTS_CSS__: string | undefined;

type Message = Record<string, unknown>;

function isInput(value: unknown, win: Window & typeof globalThis): value is Element {
  return value instanceof win.Element && value.matches("form, input, select, textarea");
}

/**
 * Starts the runtime in the frame's window; `scope` adds names to the cells' scope (the bundle
 * passes Inputs, which has no type declarations). Returns a function that stops listening.
 */
export function startFrameRuntime(win: Window & typeof globalThis, scope: Record<string, unknown> = {}): () => void {
  const doc = win.document;
  const style = doc.createElement("style");
  style.textContent = FRAME_STYLE + (typeof __INPUTS_CSS__ === "string" ? __INPUTS_CSS__ : "");
  doc.head.appendChild(style);
  const root = doc.createElement("div");
  root.className = "scratchpad-frame-root";
  doc.body.appendChild(root);

  const post = (message: Message) => win.parent.postMessage(message, "*");
  let guard = createLoopGuard({limitMs: 5000});
  const idOf = new Map<CellState, number>();
  const boxes = new Map<number, HTMLElement>();
  const sizes = new Map<number, number>();
  // Heights are measured after every change, on every layout message and by a slow poll, not
  // only by a ResizeObserver: a cross-origin frame outside the viewport gets no rendering steps
  // (no ResizeObserver, no requestAnimationFrame) until it is scrolled into view.
  const measure = (box: HTMLElement) => {
    const id = Number(box.dataset.id);
    const height = Math.ceil(box.getBoundingClientRect().height);
    if (sizes.get(id) === height) return;
    sizes.set(id, height);
    post({type: "size", id, height});
  };
  const measureAll = () => {
    for (const box of boxes.values()) measure(box);
  };
  const resize = new win.ResizeObserver((entries) => {
    for (const entry of entries) measure(entry.target as HTMLElement);
  });
  const poll = win.setInterval(measureAll, 300);

  const notebook = createNotebook([], {
    baseScope: () => scratchpadScope(Math.max(240, root.clientWidth || 640), scope),
    guard: {
      get limitMs() {
        return guard.limitMs;
      },
      forRun: (token) => guard.forRun(token),
      activate: (token) => guard.activate(token),
      stop: () => guard.stop(),
      busy: () => guard.busy()
    },
    onChange: (_index, cell) => show(cell),
    pause: () =>
      new Promise<void>((resolve) => {
        const channel = new win.MessageChannel();
        channel.port1.onmessage = () => {
          channel.port1.close();
          resolve();
        };
        channel.port2.postMessage(0);
      })
  });

  function boxFor(id: number): HTMLElement {
    let box = boxes.get(id);
    if (!box) {
      box = doc.createElement("div");
      box.className = "scratchpad-output";
      box.dataset.id = String(id);
      root.appendChild(box);
      boxes.set(id, box);
      resize.observe(box);
    }
    return box;
  }

  function show(cell: CellState): void {
    const id = idOf.get(cell);
    if (id === undefined) return;
    const box = boxFor(id);
    box.dataset.status = cell.status;
    if (cell.status === "ok") {
      // `console.log(x)` as the last line: show the log, not its value `undefined`.
      const shown = cell.hasValue && !(cell.value === undefined && cell.logs.length > 0);
      box.replaceChildren(renderLogs(cell.logs, doc), renderValue(cell.value, shown, doc));
      if (isInput(cell.value, win)) watchInput(cell, cell.value);
    } else if (cell.status === "error" || cell.status === "stopped") {
      box.replaceChildren(renderLogs(cell.logs, doc), renderError(cell.error, doc));
    }
    measure(box);
    post({
      type: "status",
      id,
      status: cell.status,
      ms: cell.status === "ok" || cell.status === "error" ? cell.ms : null
    });
  }

  // An input a cell shows (Inputs.range, a <select>, …) re-runs the cells after it when it
  // changes; they read it as `name.value`.
  function watchInput(cell: CellState, input: Element): void {
    let pending = false;
    input.addEventListener("input", () => {
      if (pending || cell.value !== input) return;
      pending = true;
      win.setTimeout(() => {
        pending = false;
        const index = notebook.cells.indexOf(cell);
        if (index >= 0 && index + 1 < notebook.cells.length && cell.value === input) void run(index + 1);
      });
    });
  }

  let reportedRunning = false;
  const reportRunning = () => {
    const running = notebook.running();
    if (running === reportedRunning) return;
    reportedRunning = running;
    post({type: "running", running});
  };
  async function run(from: number, to?: number, seq?: number): Promise<void> {
    const done = notebook.run(from, to);
    reportRunning();
    await done;
    reportRunning();
    if (seq !== undefined) post({type: "ran", seq});
  }

  /** Makes the notebook's cells match the page's list (ids are the page's). */
  function sync(list: unknown): void {
    if (!Array.isArray(list)) return;
    const cells = list.filter(
      (c): c is {id: number; source: string} =>
        c !== null &&
        typeof c === "object" &&
        Number.isInteger((c as Message).id) &&
        typeof (c as Message).source === "string"
    );
    const wanted = new Set(cells.map((c) => c.id));
    const current = notebook.cells.map((cell) => idOf.get(cell));
    if (!current.some((id) => id !== undefined && wanted.has(id))) {
      // All new (examples, a file, a link): start over.
      for (const [id, box] of boxes) {
        resize.unobserve(box);
        box.remove();
        boxes.delete(id);
        sizes.delete(id);
      }
      idOf.clear();
      notebook.replaceAll(cells.map((c) => c.source));
      notebook.cells.forEach((cell, i) => {
        idOf.set(cell, cells[i].id);
        boxFor(cells[i].id);
      });
      return;
    }
    for (let i = notebook.cells.length - 1; i >= 0; i--) {
      const id = idOf.get(notebook.cells[i]);
      if (id !== undefined && wanted.has(id)) continue;
      notebook.remove(i);
      if (id !== undefined) {
        const box = boxes.get(id);
        if (box) {
          resize.unobserve(box);
          box.remove();
        }
        boxes.delete(id);
        sizes.delete(id);
      }
    }
    cells.forEach((c, i) => {
      const existing = notebook.cells[i];
      if (existing && idOf.get(existing) === c.id) {
        if (existing.source !== c.source) notebook.setSource(i, c.source);
        return;
      }
      const cell = notebook.insert(i, c.source);
      idOf.set(cell, c.id);
      boxFor(c.id);
    });
    // Boxes in the cells' order (for readers of the frame's DOM; their places come from layout).
    const order = notebook.cells.map((cell) => boxes.get(idOf.get(cell)!)!);
    if (order.some((box, i) => root.children[i] !== box)) root.append(...order);
  }

  const index = (value: unknown, fallback: number) =>
    typeof value === "number" && Number.isInteger(value)
      ? Math.max(0, Math.min(value, notebook.cells.length))
      : fallback;

  const onMessage = (event: MessageEvent) => {
    if (event.source !== win.parent) return;
    const data = event.data as Message;
    if (data === null || typeof data !== "object") return;
    switch (data.type) {
      case "init": {
        const limit = data.timeLimitMs;
        if (typeof limit === "number" && limit > 0) guard = createLoopGuard({limitMs: limit});
        break;
      }
      case "theme": {
        const vars = data.vars as Record<string, unknown>;
        if (vars === null || typeof vars !== "object") break;
        for (const name of THEME_VARIABLES) {
          const value = vars[name];
          if (typeof value === "string") doc.documentElement.style.setProperty(name, value);
        }
        break;
      }
      case "cells":
        sync(data.cells);
        break;
      case "run": {
        sync(data.cells);
        const stoppedFrom = index(data.stoppedFrom, notebook.cells.length);
        for (const cell of notebook.cells.slice(stoppedFrom)) {
          cell.status = "stopped";
          cell.error = new CellStoppedError();
          (cell.error as Error).message =
            "stopped (the cell did not pause, so Stop restarted its sandbox: the cells above it ran again)";
          cell.logs = [];
          show(cell);
        }
        const seq = typeof data.seq === "number" ? data.seq : undefined;
        void run(index(data.from, 0), index(data.to, notebook.cells.length), seq);
        break;
      }
      case "stop":
        notebook.stop();
        // A stop with nothing running still answers, so the page knows the frame is alive.
        if (!notebook.running()) post({type: "running", running: false});
        break;
      case "layout": {
        const tops = data.tops as Record<string, unknown>;
        if (tops === null || typeof tops !== "object") break;
        for (const [id, box] of boxes) {
          const top = tops[id];
          if (typeof top === "number" && Number.isFinite(top)) box.style.top = `${top}px`;
        }
        measureAll();
        break;
      }
    }
  };
  win.addEventListener("message", onMessage);
  post({type: "started"});
  return () => {
    win.removeEventListener("message", onMessage);
    win.clearInterval(poll);
    resize.disconnect();
  };
}
