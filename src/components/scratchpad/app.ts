/**
 * Scratchpad: the page's user interface, assembled. A toolbar (toolbar.ts), one section per cell
 * (cells.ts: editor, Run / add / delete buttons, a place for the output), the cells' text in the
 * URL hash (link.ts), and the cells run in a sandboxed frame (runner.ts, sandbox.ts, frame.ts).
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
import {button, downloadText, elIn} from "../dom.js";
import {formatMs} from "../format.js";
import {createCellList, type Cell} from "./cells.js";
import {cellsFromFile, cellsFromHash, cellsToFile} from "./codec.js";
import {createCellLink} from "./link.js";
import {ensureStyle} from "./page-style.js";
import {createRunner, type FrameEvent} from "./runner.js";
import {createToolbar} from "./toolbar.js";

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

/** How long Stop waits for the frame to answer before it replaces the frame. */
const STOP_ANSWER_MS = 500;

/** Mounts the Scratchpad into `root` (emptied first). */
export function mountScratchpad(root: HTMLElement, options: ScratchpadOptions): Scratchpad {
  const doc = root.ownerDocument;
  const win = doc.defaultView ?? window;
  ensureStyle(doc);
  root.replaceChildren();
  root.classList.add("scratchpad");
  let running = false;

  const toolbar = createToolbar(doc, {
    onRunAll() {
      void runAllCells();
      link.schedule();
    },
    onStop: stop,
    onShare: () => void share(),
    onDownload: () => downloadText("scratchpad.json", cellsToFile(list.sources()), "application/json", doc),
    onFile: (file) => void loadFile(file),
    onExamples() {
      const edited = list.sources().join("\u0000") !== options.examples.join("\u0000");
      const question = "Replace your cells with the worked examples? (Download them first to keep them.)";
      if (edited && !win.confirm(question)) return;
      setCells(options.examples);
      void link.write();
      void runAllCells();
    }
  });
  const {say, showBanner} = toolbar;
  const list = createCellList(doc, {
    onRun: runFrom,
    onInsertBelow: (cell) => insertAt(list.cells.indexOf(cell) + 1, "", true),
    onRemove: removeCell,
    onEdit: () => link.schedule()
  });
  const stage = elIn(doc, "div", {class: "scratchpad-stage"}, list.root);
  const add = button("+ Add cell", () => insertAt(list.cells.length, "", true), {class: "scratchpad-add"}, doc);
  root.append(toolbar.root, toolbar.banner, stage, add);

  const runner = createRunner(stage, {
    loadRuntime: options.loadRuntime,
    timeLimitMs: options.timeLimitMs ?? 5000,
    themeSource: root,
    // Where each output goes: the top of its section's free space, relative to the stage.
    outputTops() {
      const origin = stage.getBoundingClientRect().top;
      const tops: Record<number, number> = {};
      for (const cell of list.cells) {
        tops[cell.id] = Math.round(cell.view.output.getBoundingClientRect().top - origin);
      }
      return tops;
    },
    onEvent: onFrameEvent,
    onError: (error) =>
      showBanner(
        `The sandbox that runs the cells could not be loaded (${error.message}); ` + "reload the page to try again."
      )
  });
  const resizeObserver = new win.ResizeObserver(() => runner.scheduleLayout());
  resizeObserver.observe(list.root);

  const link = createCellLink(win, {
    sources: () => list.sources(),
    onWriteError: (message) => say(`Could not write the link: ${message}`),
    async onOtherCells(texts) {
      setCells(texts);
      await runAllCells();
    },
    onReadError: (message) => showBanner(`The link's cells could not be read (${message}).`)
  });

  function onFrameEvent(event: FrameEvent): void {
    switch (event.type) {
      case "status": {
        const cell = list.cells.find((c) => c.id === event.id);
        if (cell) list.setStatus(cell, event.status, event.ms === null ? "" : formatMs(event.ms));
        return;
      }
      case "size": {
        const cell = list.cells.find((c) => c.id === event.id);
        if (!cell) return;
        cell.view.output.style.height = `${event.height}px`;
        runner.scheduleLayout();
        return;
      }
      case "running":
        running = event.running;
        toolbar.setRunning(running);
        return;
    }
  }

  const payload = () => list.cells.map((c) => ({id: c.id, source: c.source}));
  const syncCells = () => runner.sync(payload());

  /** Runs cells [from, to) in the frame; resolves when that run has ended (or was replaced). */
  function runCells(from: number, to = list.cells.length, stoppedFrom?: number): Promise<void> {
    running = from < to;
    toolbar.setRunning(running);
    return runner.run(payload(), from, to, stoppedFrom);
  }

  function runFrom(cell: Cell): void {
    const index = list.cells.indexOf(cell);
    if (index < 0) return;
    showBanner(null);
    say("");
    void runCells(index);
    link.schedule();
  }

  function insertAt(index: number, source: string, focus: boolean): void {
    list.insertAt(index, source, focus);
    syncCells();
    link.schedule();
  }

  function removeCell(cell: Cell): void {
    if (!list.remove(cell)) return;
    syncCells();
    link.schedule();
  }

  function setCells(texts: readonly string[]): void {
    list.set(texts);
    syncCells();
  }

  /** Runs every cell. The banner stays when it reports a problem the run does not fix (a broken link). */
  async function runAllCells(keepBanner = false): Promise<void> {
    if (!keepBanner) showBanner(null);
    say("");
    await runCells(0);
    toolbar.setRunning(running);
  }

  // Stop: the frame stops a cell at its next loop iteration. A cell that never pauses keeps its
  // frame busy, so when the frame has not answered soon, it is replaced: the cells above the
  // stopped one run again in the new frame, and it and the cells after it show as stopped.
  let stopTimer: ReturnType<typeof setTimeout> | undefined;
  function stop(): void {
    runner.stop();
    say("Stopped.");
    clearTimeout(stopTimer);
    stopTimer = setTimeout(() => {
      if (!running) return;
      let index = list.cells.findIndex((c) => c.status === "running");
      if (index < 0) index = list.cells.findIndex((c) => c.status === "queued");
      if (index < 0) index = 0;
      runner.restart();
      say("Stopped (the cell did not pause, so its sandbox was restarted).");
      void runCells(0, index, index);
    }, STOP_ANSWER_MS);
  }

  async function share(): Promise<void> {
    await link.write();
    const url = win.location.href;
    try {
      await win.navigator.clipboard.writeText(url);
      say(`Link copied (${url.length} characters).`);
    } catch {
      say("The address bar now holds a link to these cells: copy it from there.");
    }
  }

  async function loadFile(file: File): Promise<void> {
    try {
      setCells(cellsFromFile(await file.text()));
      await link.write();
      say(`Loaded ${file.name}.`);
      await runAllCells();
    } catch (error) {
      showBanner(`Could not load ${file.name}: ${(error as Error).message}`);
    }
  }

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
    toolbar.setRunning(running);
    if (options.runOnLoad ?? true) await runAllCells(broken);
  }

  const ready = start();
  return {
    ready,
    sources: () => list.sources(),
    destroy() {
      link.destroy();
      clearTimeout(stopTimer);
      resizeObserver.disconnect();
      runner.destroy();
      list.destroy();
      root.replaceChildren();
    }
  };
}
