/**
 * The Scratchpad's toolbar (Run all, Stop, Copy link, Download, Load file, Examples, and a line
 * that says what happened) and its banner, which reports what went wrong (a broken link, a file
 * that could not be read, a sandbox that did not load).
 */
import {button, elIn} from "../dom.js";

export interface ToolbarActions {
  onRunAll(): void;
  onStop(): void;
  onShare(): void;
  onDownload(): void;
  /** A file was chosen with Load file. */
  onFile(file: File): void;
  onExamples(): void;
}

export interface ScratchpadToolbar {
  readonly root: HTMLElement;
  readonly banner: HTMLElement;
  /** Says `text` in the toolbar's message line ("" clears it). */
  say(text: string): void;
  /** Shows the banner with `text`, or hides it (null). */
  showBanner(text: string | null): void;
  /** Stop is enabled only while cells run. */
  setRunning(running: boolean): void;
}

export function createToolbar(doc: Document, actions: ToolbarActions): ScratchpadToolbar {
  const make = (label: string, onClick: () => void, props: Record<string, string>) =>
    button(label, onClick, props, doc);
  const runAll = make("Run all", actions.onRunAll, {class: "scratchpad-primary", title: "Run every cell from the top"});
  const stop = make("Stop", actions.onStop, {title: "Stop the running cell"});
  const share = make("Copy link", actions.onShare, {title: "Copy a link that holds every cell"});
  const download = make("Download", actions.onDownload, {title: "Save the cells as a file"});
  const fileInput = elIn(doc, "input", {
    type: "file",
    class: "scratchpad-file-input",
    hidden: "",
    "aria-hidden": "true",
    tabindex: "-1",
    accept: ".json,.js,.txt,application/json,text/javascript,text/plain"
  });
  fileInput.addEventListener("change", () => {
    const file = fileInput.files?.[0];
    fileInput.value = "";
    if (file) actions.onFile(file);
  });
  const load = make("Load file", () => fileInput.click(), {title: "Load cells from a file saved with Download"});
  const reset = make("Examples", actions.onExamples, {title: "Replace the cells with the worked examples"});
  const message = elIn(doc, "span", {class: "scratchpad-message", "aria-live": "polite"});
  const root = elIn(
    doc,
    "div",
    {class: "scratchpad-toolbar", role: "toolbar", "aria-label": "Scratchpad"},
    runAll,
    stop,
    share,
    download,
    load,
    fileInput,
    reset,
    message
  );
  const banner = elIn(doc, "div", {class: "scratchpad-banner", role: "alert", hidden: ""});
  return {
    root,
    banner,
    say(text) {
      message.textContent = text;
    },
    showBanner(text) {
      banner.hidden = text === null;
      banner.textContent = text ?? "";
    },
    setRunning(running) {
      stop.disabled = !running;
    }
  };
}
