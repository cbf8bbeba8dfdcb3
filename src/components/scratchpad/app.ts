/**
 * Scratchpad: the page's user interface. Builds the toolbar and one section per cell (editor,
 * Run / add / delete buttons, a place for the output), keeps the cells' text in the URL hash,
 * and runs the cells in a sandboxed frame (sandbox.ts, frame.ts).
 *
 * Code from a link never runs with the site's origin: the cells run in an iframe with an opaque
 * origin, which lies under the list of cells and draws each output in the space its section
 * keeps free (the page tells it where; it says how tall each output is). The page keeps the
 * editors, the toolbar (Stop included) and the URL. Every loop and function in a cell still
 * carries a guard (transform.ts, guard.ts): a loop that blocks its frame
 * longer than the time limit throws, and a loop that yields (`await tick()`) stops at Stop.
 * Chromium runs the frame in its own process, so the page stays responsive while a cell loops,
 * and Stop on a cell that does not pause replaces the frame (the cells above it run again).
 */
import {createCellEditor, type CellEditor} from "./editor.js";
import {cellsFromFile, cellsFromHash, cellsToFile, hashForCells} from "./codec.js";
import {createSandbox, type Sandbox} from "./sandbox.js";
import {THEME_VARIABLES} from "./frame.js";
import type {CellStatus} from "./notebook.js";

export interface ScratchpadOptions {
  /** Cells shown when the URL holds none. */
  examples: readonly string[];
  /** The sandbox runtime's text (the page fetches data/scratchpad-runtime.js from the site). */
  loadRuntime: () => Promise<string>;
  /** Longest time a cell may block its frame, in milliseconds (default 5000). */
  timeLimitMs?: number;
  /** Run every cell once mounted (default true). */
  runOnLoad?: boolean;
}

export interface Scratchpad {
  /** Resolves when the first run (if any) has finished. */
  readonly ready: Promise<void>;
  /** The cells' text, in order. */
  sources(): string[];
  destroy(): void;
}

interface CellView {
  section: HTMLElement;
  label: HTMLElement;
  time: HTMLElement;
  output: HTMLElement;
  editor: CellEditor;
}

interface Cell {
  readonly id: number;
  source: string;
  status: CellStatus;
  view: CellView;
}

/** Most pixels one output may claim (a frame that reports more is clamped). */
const MAX_OUTPUT_HEIGHT = 100_000;
const STATUSES: readonly CellStatus[] = ["idle", "queued", "running", "ok", "error", "stopped"];
/** How long Stop waits for the frame to answer before it replaces the frame. */
const STOP_ANSWER_MS = 500;

const STYLE_ID = "scratchpad-style";
const STYLE = `
.scratchpad { max-width: 100%; }
.scratchpad-toolbar { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; margin: 0.5rem 0 1rem;
  position: sticky; top: 0; z-index: 2; padding: 0.4rem 0; background: var(--theme-background); }
.scratchpad button { font: 14px var(--sans-serif); padding: 0.3rem 0.7rem; border-radius: 6px;
  border: 1px solid var(--theme-foreground-faint); background: var(--theme-background-alt); color: var(--theme-foreground);
  cursor: pointer; min-height: 2rem; }
.scratchpad button:hover { border-color: var(--theme-foreground-focus); }
.scratchpad button:disabled { opacity: 0.45; cursor: default; }
.scratchpad button.scratchpad-primary { background: var(--theme-foreground-focus); color: var(--theme-background); border-color: transparent; }
.scratchpad-message { font: 13px var(--sans-serif); color: var(--theme-foreground-muted); min-width: 8rem; }
.scratchpad-cell { margin: 0 0 1.25rem; }
.scratchpad-cell-head { display: flex; align-items: center; gap: 0.4rem; margin-bottom: 0.25rem; font: 13px var(--sans-serif);
  color: var(--theme-foreground-muted); }
.scratchpad-cell-head button { padding: 0.1rem 0.55rem; min-height: 1.7rem; font-size: 13px; }
.scratchpad-cell-label { font-family: var(--monospace); }
.scratchpad-cell-time { margin-left: auto; }
/* The frame lies under the cells; the list lets clicks through where outputs are drawn. */
.scratchpad-stage { position: relative; }
.scratchpad-frame { position: absolute; left: 0; top: 0; width: 100%; height: 100%; border: 0; z-index: 0;
  background: transparent; color-scheme: light dark; }
.scratchpad-cells { position: relative; z-index: 1; pointer-events: none; }
.scratchpad-cell-head, .scratchpad-editor { pointer-events: auto; }
.scratchpad-output { margin-top: 0.4rem; height: 0; }
.scratchpad-cell[data-status="running"] .scratchpad-cell-label::after { content: " running…"; }
.scratchpad-banner { font: 14px var(--sans-serif); padding: 0.4rem 0.6rem; border-left: 3px solid var(--theme-red);
  background: color-mix(in srgb, var(--theme-red) 10%, transparent); margin-bottom: 0.75rem; }
.scratchpad-add { margin-top: 0.25rem; }
@media (max-width: 480px) {
  .scratchpad-toolbar { gap: 0.3rem; }
  .scratchpad button { font-size: 13px; padding: 0.2rem 0.5rem; min-height: 1.8rem; }
  .scratchpad-cell-head button { padding: 0.1rem 0.4rem; }
}
`;

function ensureStyle(doc: Document): void {
  if (doc.getElementById(STYLE_ID)) return;
  const style = doc.createElement("style");
  style.id = STYLE_ID;
  style.textContent = STYLE;
  doc.head.appendChild(style);
}

function el<K extends keyof HTMLElementTagNameMap>(
  doc: Document,
  tag: K,
  props: Partial<Record<string, string>> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined) continue;
    if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Mounts the Scratchpad into `root` (emptied first). */
export function mountScratchpad(root: HTMLElement, options: ScratchpadOptions): Scratchpad {
  const doc = root.ownerDocument;
  const win = doc.defaultView ?? window;
  ensureStyle(doc);
  root.replaceChildren();
  root.classList.add("scratchpad");

  const cells: Cell[] = [];
  let nextId = 1;
  let running = false;
  const list = el(doc, "div", {class: "scratchpad-cells"});
  const stage = el(doc, "div", {class: "scratchpad-stage"}, list);
  const banner = el(doc, "div", {class: "scratchpad-banner", role: "alert", hidden: ""});
  const message = el(doc, "span", {class: "scratchpad-message", "aria-live": "polite"});

  // Toolbar.
  const runAll = el(doc, "button", {type: "button", class: "scratchpad-primary", title: "Run every cell from the top", text: "Run all"});
  const stop = el(doc, "button", {type: "button", title: "Stop the running cell", text: "Stop"});
  const share = el(doc, "button", {type: "button", title: "Copy a link that holds every cell", text: "Copy link"});
  const download = el(doc, "button", {type: "button", title: "Save the cells as a file", text: "Download"});
  const fileInput = el(doc, "input", {type: "file", class: "scratchpad-file-input", hidden: "", "aria-hidden": "true", tabindex: "-1",
    accept: ".json,.js,.txt,application/json,text/javascript,text/plain"});
  const load = el(doc, "button", {type: "button", title: "Load cells from a file saved with Download", text: "Load file"});
  const reset = el(doc, "button", {type: "button", title: "Replace the cells with the worked examples", text: "Examples"});
  const toolbar = el(doc, "div", {class: "scratchpad-toolbar", role: "toolbar", "aria-label": "Scratchpad"},
    runAll, stop, share, download, load, fileInput, reset, message);
  const add = el(doc, "button", {type: "button", class: "scratchpad-add", text: "+ Add cell"});
  root.append(toolbar, banner, stage, add);

  const say = (text: string) => {
    message.textContent = text;
  };
  const showBanner = (text: string | null) => {
    banner.hidden = text === null;
    banner.textContent = text ?? "";
  };
  function updateButtons(): void {
    stop.disabled = !running;
  }

  // The sandbox, and what it says (validated: it runs code from links).
  let seq = 0;
  const waiting = new Map<number, () => void>();
  const sandbox: Sandbox = createSandbox(stage, {
    loadRuntime: options.loadRuntime,
    onMessage: handleFrameMessage,
    onStart: () => scheduleLayout(),
    onError: (error) => showBanner(`The sandbox that runs the cells could not be loaded (${error.message}); reload the page to try again.`)
  });
  const configure = () => {
    sandbox.send({type: "init", timeLimitMs: options.timeLimitMs ?? 5000});
    sandbox.send({type: "theme", vars: themeVariables()});
  };
  configure();

  function themeVariables(): Record<string, string> {
    const computed = win.getComputedStyle(root);
    const vars: Record<string, string> = {};
    for (const name of THEME_VARIABLES) {
      const value = computed.getPropertyValue(name).trim();
      if (value) vars[name] = value;
    }
    return vars;
  }
  const dark = win.matchMedia?.("(prefers-color-scheme: dark)");
  const onScheme = () => sandbox.send({type: "theme", vars: themeVariables()});
  dark?.addEventListener?.("change", onScheme);

  function handleFrameMessage(data: unknown): void {
    const m = data as Record<string, unknown>;
    const cell = typeof m.id === "number" ? cells.find((c) => c.id === m.id) : undefined;
    switch (m.type) {
      case "status": {
        if (!cell || !STATUSES.includes(m.status as CellStatus)) return;
        cell.status = m.status as CellStatus;
        cell.view.section.dataset.status = cell.status;
        const ms = m.ms;
        cell.view.time.textContent = typeof ms === "number" && Number.isFinite(ms) && ms >= 0 ? formatMs(ms) : "";
        return;
      }
      case "size": {
        const height = m.height;
        if (!cell || typeof height !== "number" || !Number.isFinite(height)) return;
        cell.view.output.style.height = `${Math.max(0, Math.min(MAX_OUTPUT_HEIGHT, Math.round(height)))}px`;
        scheduleLayout();
        return;
      }
      case "running":
        if (typeof m.running !== "boolean") return;
        running = m.running;
        updateButtons();
        return;
      case "ran": {
        const done = typeof m.seq === "number" ? waiting.get(m.seq) : undefined;
        if (done) {
          waiting.delete(m.seq as number);
          done();
        }
        return;
      }
    }
  }

  // Where each output goes: the top of its section's free space, relative to the stage.
  let layoutPending = false;
  function scheduleLayout(): void {
    if (layoutPending) return;
    layoutPending = true;
    win.requestAnimationFrame(() => {
      layoutPending = false;
      const origin = stage.getBoundingClientRect().top;
      const tops: Record<number, number> = {};
      for (const cell of cells) tops[cell.id] = Math.round(cell.view.output.getBoundingClientRect().top - origin);
      sandbox.send({type: "layout", tops});
    });
  }
  const resizeObserver = new win.ResizeObserver(() => scheduleLayout());
  resizeObserver.observe(list);

  const payload = () => cells.map((c) => ({id: c.id, source: c.source}));
  const syncCells = () => sandbox.send({type: "cells", cells: payload()});

  /** Runs cells [from, to) in the frame; resolves when that run has ended (or was replaced). */
  function runCells(from: number, to = cells.length, stoppedFrom?: number): Promise<void> {
    const id = ++seq;
    for (const done of waiting.values()) done(); // a newer run replaces the older ones
    waiting.clear();
    running = from < to;
    updateButtons();
    const finished = new Promise<void>((resolve) => waiting.set(id, resolve));
    sandbox.send({type: "run", cells: payload(), from, to, seq: id, ...(stoppedFrom === undefined ? {} : {stoppedFrom})});
    return finished;
  }

  // URL: the cells' text, rewritten (debounced) after every change.
  let hashTimer: ReturnType<typeof setTimeout> | undefined;
  let hashWrite = Promise.resolve();
  const sources = () => cells.map((c) => c.source);
  const writeHash = () => {
    const current = sources();
    hashWrite = hashWrite.then(async () => {
      const hash = await hashForCells(current);
      if (win.location.hash !== hash) win.history.replaceState(win.history.state, "", `${win.location.pathname}${win.location.search}${hash}`);
    }).catch((error) => say(`Could not write the link: ${(error as Error).message}`));
    return hashWrite;
  };
  const scheduleHash = () => {
    clearTimeout(hashTimer);
    hashTimer = setTimeout(writeHash, 300);
  };

  function renumber(): void {
    cells.forEach((cell, i) => {
      const view = cell.view;
      view.label.textContent = `[${i + 1}]`;
      view.section.dataset.cellIndex = String(i);
      view.section.setAttribute("aria-label", `Cell ${i + 1}`);
    });
  }

  function runFrom(cell: Cell): void {
    const index = cells.indexOf(cell);
    if (index < 0) return;
    showBanner(null);
    say("");
    void runCells(index);
    scheduleHash();
  }

  function makeCell(source: string): Cell {
    const label = el(doc, "span", {class: "scratchpad-cell-label"});
    const run = el(doc, "button", {type: "button", class: "scratchpad-run", title: "Run this cell and the ones after it (Shift-Enter)", text: "▶ Run"});
    const below = el(doc, "button", {type: "button", class: "scratchpad-insert", title: "Add a cell below", text: "+"});
    const remove = el(doc, "button", {type: "button", class: "scratchpad-delete", title: "Delete this cell", text: "✕"});
    const time = el(doc, "span", {class: "scratchpad-cell-time"});
    const head = el(doc, "div", {class: "scratchpad-cell-head"}, label, run, below, remove, time);
    const editorHost = el(doc, "div", {class: "scratchpad-editor"});
    const output = el(doc, "div", {class: "scratchpad-output"});
    const section = el(doc, "section", {class: "scratchpad-cell", "data-status": "idle"}, head, editorHost, output);
    const cell: Cell = {id: nextId++, source, status: "idle", view: undefined as unknown as CellView};
    const editor = createCellEditor(editorHost, {
      doc: source,
      label: "Cell code",
      onRun: () => runFrom(cell),
      onChange: (text) => {
        cell.source = text;
        scheduleHash();
      }
    });
    run.addEventListener("click", () => runFrom(cell));
    below.addEventListener("click", () => insertAt(cells.indexOf(cell) + 1, "", true));
    remove.addEventListener("click", () => removeCell(cell));
    cell.view = {section, label, time, output, editor};
    return cell;
  }

  function insertAt(index: number, source: string, focus: boolean): void {
    const cell = makeCell(source);
    const next = cells[index];
    cells.splice(index, 0, cell);
    list.insertBefore(cell.view.section, next ? next.view.section : null);
    renumber();
    syncCells();
    scheduleHash();
    if (focus) cell.view.editor.focus();
  }

  function removeCell(cell: Cell): void {
    const index = cells.indexOf(cell);
    if (index < 0) return;
    cells.splice(index, 1);
    cell.view.editor.destroy();
    cell.view.section.remove();
    renumber();
    syncCells();
    scheduleHash();
  }

  function setCells(texts: readonly string[]): void {
    for (const cell of cells) cell.view.editor.destroy();
    cells.splice(0, cells.length, ...texts.map((t) => makeCell(String(t))));
    list.replaceChildren(...cells.map((c) => c.view.section));
    renumber();
    syncCells();
  }

  /** Runs every cell. The banner stays when it reports a problem the run does not fix (a broken link). */
  async function runAllCells(keepBanner = false): Promise<void> {
    if (!keepBanner) showBanner(null);
    say("");
    await runCells(0);
    updateButtons();
  }

  // Stop: the frame stops a cell at its next loop iteration. A cell that never pauses keeps its
  // frame busy, so when the frame has not answered soon, it is replaced: the cells above the
  // stopped one run again in the new frame, and it and the cells after it show as stopped.
  let stopTimer: ReturnType<typeof setTimeout> | undefined;
  stop.addEventListener("click", () => {
    sandbox.send({type: "stop"});
    say("Stopped.");
    clearTimeout(stopTimer);
    stopTimer = setTimeout(() => {
      if (!running) return;
      let index = cells.findIndex((c) => c.status === "running");
      if (index < 0) index = cells.findIndex((c) => c.status === "queued");
      if (index < 0) index = 0;
      sandbox.restart();
      configure();
      say("Stopped (the cell did not pause, so its sandbox was restarted).");
      void runCells(0, index, index);
    }, STOP_ANSWER_MS);
  });

  runAll.addEventListener("click", () => {
    void runAllCells();
    scheduleHash();
  });
  add.addEventListener("click", () => insertAt(cells.length, "", true));
  reset.addEventListener("click", () => {
    const edited = sources().join("\u0000") !== options.examples.join("\u0000");
    if (edited && !win.confirm("Replace your cells with the worked examples? (Download them first to keep them.)")) return;
    setCells(options.examples);
    void writeHash();
    void runAllCells();
  });
  share.addEventListener("click", async () => {
    await writeHash();
    const url = win.location.href;
    try {
      await win.navigator.clipboard.writeText(url);
      say(`Link copied (${url.length} characters).`);
    } catch {
      say("The address bar now holds a link to these cells: copy it from there.");
    }
  });
  download.addEventListener("click", () => {
    const blob = new Blob([cellsToFile(sources())], {type: "application/json"});
    const a = el(doc, "a", {href: URL.createObjectURL(blob), download: "scratchpad.json"});
    doc.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  });
  load.addEventListener("click", () => fileInput.click());
  fileInput.addEventListener("change", async () => {
    const file = fileInput.files?.[0];
    fileInput.value = "";
    if (!file) return;
    try {
      setCells(cellsFromFile(await file.text()));
      await writeHash();
      say(`Loaded ${file.name}.`);
      await runAllCells();
    } catch (error) {
      showBanner(`Could not load ${file.name}: ${(error as Error).message}`);
    }
  });

  async function start(): Promise<void> {
    let texts: readonly string[] = options.examples;
    let broken = false;
    try {
      const fromUrl = await cellsFromHash(win.location.hash);
      if (fromUrl) texts = fromUrl;
    } catch (error) {
      broken = true;
      showBanner(`The link's cells could not be read (${(error as Error).message}); showing the examples instead.`);
    }
    setCells(texts);
    updateButtons();
    if (options.runOnLoad ?? true) await runAllCells(broken);
  }

  // A link to other cells opened in this tab changes only the hash: load those cells.
  const onHashChange = async () => {
    try {
      const fromUrl = await cellsFromHash(win.location.hash);
      if (!fromUrl || fromUrl.join("\u0000") === sources().join("\u0000")) return;
      setCells(fromUrl);
      await runAllCells();
    } catch (error) {
      showBanner(`The link's cells could not be read (${(error as Error).message}).`);
    }
  };
  win.addEventListener("hashchange", onHashChange);

  const ready = start();
  return {
    ready,
    sources,
    destroy() {
      win.removeEventListener("hashchange", onHashChange);
      dark?.removeEventListener?.("change", onScheme);
      clearTimeout(hashTimer);
      clearTimeout(stopTimer);
      resizeObserver.disconnect();
      sandbox.destroy();
      for (const done of waiting.values()) done();
      waiting.clear();
      for (const cell of cells) cell.view.editor.destroy();
      cells.length = 0;
      root.replaceChildren();
    }
  };
}
