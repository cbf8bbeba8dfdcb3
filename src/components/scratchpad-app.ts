/**
 * Scratchpad: the page's user interface. Builds the toolbar and one section per cell (editor,
 * Run / add / delete buttons, output), keeps the cells' text in the URL hash, and wires the
 * notebook (scratchpad-notebook.ts) to the DOM.
 *
 * Why cells run on the main thread and not in a worker: cells return Plot figures, Inputs and
 * other DOM elements, which only exist on the main thread, and the functions inside Plot
 * options cannot be sent between threads. Instead every loop and function in a cell carries a
 * guard (scratchpad-transform.ts, scratchpad-guard.ts): a loop that blocks the page longer than
 * the time limit throws, and a loop that yields (`await tick()`) can be stopped with Stop. What
 * the guard cannot reach is a single library call that is itself very long (e.g. training a huge
 * model for many epochs): it finishes, but the page waits for it.
 */
import {createNotebook, type CellState, type Notebook} from "./scratchpad-notebook.js";
import {createLoopGuard} from "./scratchpad-guard.js";
import {createCellEditor, type CellEditor} from "./scratchpad-editor.js";
import {renderError, renderLogs, renderValue} from "./scratchpad-display.js";
import {cellsFromFile, cellsFromHash, cellsToFile, hashForCells} from "./scratchpad-codec.js";
import {scratchpadScope} from "./scratchpad-scope.js";

export interface ScratchpadOptions {
  /** Cells shown when the URL holds none. */
  examples: readonly string[];
  /** Extra names for the cells' scope (the page passes Inputs). */
  scope?: Record<string, unknown>;
  /** Longest time a cell may block the page, in milliseconds (default 5000). */
  timeLimitMs?: number;
  /** Run every cell once mounted (default true). */
  runOnLoad?: boolean;
}

export interface Scratchpad {
  readonly notebook: Notebook;
  /** Resolves when the first run (if any) has finished. */
  readonly ready: Promise<void>;
  destroy(): void;
}

interface CellView {
  section: HTMLElement;
  label: HTMLElement;
  time: HTMLElement;
  output: HTMLElement;
  editor: CellEditor;
}

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
.scratchpad-output { margin-top: 0.4rem; overflow-x: auto; max-width: 100%; }
.scratchpad-output > svg, .scratchpad-output > figure { max-width: 100%; }
.scratchpad-cell[data-status="queued"] .scratchpad-output, .scratchpad-cell[data-status="running"] .scratchpad-output { opacity: 0.5; }
.scratchpad-cell[data-status="running"] .scratchpad-cell-label::after { content: " running…"; }
.scratchpad-text { margin: 0; padding: 0.4rem 0.6rem; font: 13px/1.45 var(--monospace); white-space: pre-wrap;
  word-break: break-word; background: none; border-left: 3px solid var(--theme-foreground-faintest); }
.scratchpad-logs { font: 12px/1.45 var(--monospace); color: var(--theme-foreground-muted); margin-bottom: 0.3rem;
  max-height: 12rem; overflow: auto; white-space: pre-wrap; word-break: break-word; }
.scratchpad-log-warn { color: var(--theme-foreground); background: color-mix(in srgb, orange 15%, transparent); }
.scratchpad-log-error { color: var(--theme-foreground); background: color-mix(in srgb, var(--theme-red) 15%, transparent); }
.scratchpad-error { font: 13px/1.45 var(--monospace); white-space: pre-wrap; border-left: 3px solid var(--theme-red);
  background: color-mix(in srgb, var(--theme-red) 10%, transparent); padding: 0.4rem 0.6rem; }
.scratchpad-table table { font: 13px var(--monospace); border-collapse: collapse; }
.scratchpad-table th, .scratchpad-table td { padding: 0.15rem 0.7rem 0.15rem 0; text-align: right;
  border-bottom: 1px solid var(--theme-foreground-faintest); }
.scratchpad-more { font: 12px var(--sans-serif); color: var(--theme-foreground-muted); margin-top: 0.2rem; }
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

/** Form controls (what Inputs returns): changing one re-runs the cells after its cell. */
function isInput(value: unknown): value is Element {
  return typeof Element !== "undefined" && value instanceof Element && value.matches("form, input, select, textarea");
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

  const guard = createLoopGuard({limitMs: options.timeLimitMs ?? 5000});
  const views = new Map<number, CellView>();
  const list = el(doc, "div", {class: "scratchpad-cells"});
  const banner = el(doc, "div", {class: "scratchpad-banner", role: "alert", hidden: ""});
  const message = el(doc, "span", {class: "scratchpad-message", "aria-live": "polite"});

  const notebook = createNotebook([], {
    baseScope: () => scratchpadScope(Math.max(240, list.clientWidth || 640), options.scope),
    guard,
    onChange: (_index, cell) => {
      showCell(cell);
      updateButtons();
    }
  });

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
  root.append(toolbar, banner, list, add);

  const say = (text: string) => {
    message.textContent = text;
  };
  const showBanner = (text: string | null) => {
    banner.hidden = text === null;
    banner.textContent = text ?? "";
  };
  function updateButtons(): void {
    stop.disabled = !notebook.running();
  }

  // URL: the cells' text, rewritten (debounced) after every change.
  let hashTimer: ReturnType<typeof setTimeout> | undefined;
  let hashWrite = Promise.resolve();
  const writeHash = () => {
    const sources = notebook.sources();
    hashWrite = hashWrite.then(async () => {
      const hash = await hashForCells(sources);
      if (win.location.hash !== hash) win.history.replaceState(win.history.state, "", `${win.location.pathname}${win.location.search}${hash}`);
    }).catch((error) => say(`Could not write the link: ${(error as Error).message}`));
    return hashWrite;
  };
  const scheduleHash = () => {
    clearTimeout(hashTimer);
    hashTimer = setTimeout(writeHash, 300);
  };

  function indexOf(cell: CellState): number {
    return notebook.cells.indexOf(cell);
  }

  function showCell(cell: CellState): void {
    const view = views.get(cell.id);
    if (!view) return;
    view.section.dataset.status = cell.status;
    if (cell.status === "ok") {
      // `console.log(x)` as the last line: show the log, not its value `undefined`.
      const shown = cell.hasValue && !(cell.value === undefined && cell.logs.length > 0);
      view.output.replaceChildren(renderLogs(cell.logs, doc), renderValue(cell.value, shown, doc));
      if (isInput(cell.value)) watchInput(cell, cell.value);
    } else if (cell.status === "error" || cell.status === "stopped") {
      view.output.replaceChildren(renderLogs(cell.logs, doc), renderError(cell.error, doc));
    }
    view.time.textContent = cell.status === "ok" || cell.status === "error" ? formatMs(cell.ms) : "";
  }

  // An input a cell shows (Inputs.range, a <select>, …) re-runs the cells after it when it
  // changes; they read it as `name.value`. Plot figures are not inputs here, so hovering a
  // figure never re-runs anything.
  function watchInput(cell: CellState, input: Element): void {
    let pending = false;
    input.addEventListener("input", () => {
      if (pending || cell.value !== input) return;
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        const index = indexOf(cell);
        if (index >= 0 && index + 1 < notebook.cells.length && cell.value === input) {
          void notebook.run(index + 1).then(updateButtons);
          updateButtons();
        }
      });
    });
  }

  function renumber(): void {
    notebook.cells.forEach((cell, i) => {
      const view = views.get(cell.id);
      if (!view) return;
      view.label.textContent = `[${i + 1}]`;
      view.section.dataset.cellIndex = String(i);
      view.section.setAttribute("aria-label", `Cell ${i + 1}`);
    });
  }

  function runFrom(cell: CellState): void {
    const index = indexOf(cell);
    if (index < 0) return;
    showBanner(null);
    say("");
    void notebook.run(index).then(updateButtons);
    updateButtons();
    scheduleHash();
  }

  function buildCell(cell: CellState): CellView {
    const label = el(doc, "span", {class: "scratchpad-cell-label"});
    const run = el(doc, "button", {type: "button", class: "scratchpad-run", title: "Run this cell and the ones after it (Shift-Enter)", text: "▶ Run"});
    const below = el(doc, "button", {type: "button", class: "scratchpad-insert", title: "Add a cell below", text: "+"});
    const remove = el(doc, "button", {type: "button", class: "scratchpad-delete", title: "Delete this cell", text: "✕"});
    const time = el(doc, "span", {class: "scratchpad-cell-time"});
    const head = el(doc, "div", {class: "scratchpad-cell-head"}, label, run, below, remove, time);
    const editorHost = el(doc, "div", {class: "scratchpad-editor"});
    const output = el(doc, "div", {class: "scratchpad-output", "aria-live": "polite"});
    const section = el(doc, "section", {class: "scratchpad-cell", "data-status": cell.status}, head, editorHost, output);
    const editor = createCellEditor(editorHost, {
      doc: cell.source,
      label: "Cell code",
      onRun: () => runFrom(cell),
      onChange: (text) => {
        const index = indexOf(cell);
        if (index >= 0) notebook.setSource(index, text);
        scheduleHash();
      }
    });
    run.addEventListener("click", () => runFrom(cell));
    below.addEventListener("click", () => insertAt(indexOf(cell) + 1, "", true));
    remove.addEventListener("click", () => removeCell(cell));
    const view = {section, label, time, output, editor};
    views.set(cell.id, view);
    return view;
  }

  function insertAt(index: number, source: string, focus: boolean): void {
    const cell = notebook.insert(index, source);
    const view = buildCell(cell);
    const next = notebook.cells[index + 1];
    list.insertBefore(view.section, next ? views.get(next.id)!.section : null);
    renumber();
    scheduleHash();
    if (focus) view.editor.focus();
  }

  function removeCell(cell: CellState): void {
    const index = indexOf(cell);
    if (index < 0) return;
    notebook.remove(index);
    const view = views.get(cell.id);
    view?.editor.destroy();
    view?.section.remove();
    views.delete(cell.id);
    renumber();
    scheduleHash();
  }

  function setCells(sources: readonly string[]): void {
    for (const view of views.values()) view.editor.destroy();
    views.clear();
    notebook.replaceAll([...sources]);
    list.replaceChildren(...notebook.cells.map((cell) => buildCell(cell).section));
    renumber();
  }

  async function runAllCells(): Promise<void> {
    showBanner(null);
    say("");
    const done = notebook.run(0);
    updateButtons();
    await done;
    updateButtons();
  }

  runAll.addEventListener("click", () => {
    void runAllCells();
    scheduleHash();
  });
  stop.addEventListener("click", () => {
    notebook.stop();
    say("Stopped.");
  });
  add.addEventListener("click", () => insertAt(notebook.cells.length, "", true));
  reset.addEventListener("click", () => {
    const edited = notebook.sources().join("\u0000") !== options.examples.join("\u0000");
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
    const blob = new Blob([cellsToFile(notebook.sources())], {type: "application/json"});
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
    let sources: readonly string[] = options.examples;
    try {
      const fromUrl = await cellsFromHash(win.location.hash);
      if (fromUrl) sources = fromUrl;
    } catch (error) {
      showBanner(`The link's cells could not be read (${(error as Error).message}); showing the examples instead.`);
    }
    setCells(sources);
    updateButtons();
    if (options.runOnLoad ?? true) await runAllCells();
  }

  // A link to other cells opened in this tab changes only the hash: load those cells.
  const onHashChange = async () => {
    try {
      const fromUrl = await cellsFromHash(win.location.hash);
      if (!fromUrl || fromUrl.join("\u0000") === notebook.sources().join("\u0000")) return;
      setCells(fromUrl);
      await runAllCells();
    } catch (error) {
      showBanner(`The link's cells could not be read (${(error as Error).message}).`);
    }
  };
  win.addEventListener("hashchange", onHashChange);

  const ready = start();
  return {
    notebook,
    ready,
    destroy() {
      win.removeEventListener("hashchange", onHashChange);
      notebook.stop();
      clearTimeout(hashTimer);
      for (const view of views.values()) view.editor.destroy();
      views.clear();
      root.replaceChildren();
    }
  };
}
