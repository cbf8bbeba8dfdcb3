/**
 * Scratchpad: the sandboxed frame the cells run in, seen from the page.
 *
 * Code from a link must never run with the site's origin. The frame is an iframe with
 * `sandbox="allow-scripts"` and without `allow-same-origin`, so its document has an opaque origin:
 * it cannot read or change the page, the site's localStorage or cookies, navigate the top page or
 * open windows. Its Content-Security-Policy (a meta tag in its srcdoc) allows no network at all
 * (`connect-src 'none'`, images only from data: and blob: URLs), and inline and eval'd scripts,
 * which the runtime and the cells need.
 *
 * An opaque origin cannot load the site's module scripts without CORS headers, which a static
 * host may not send. So the frame's srcdoc holds only a tiny bootstrap; the page fetches the
 * runtime bundle (src/data/scratchpad-runtime.js.ts: the library, Plot, d3, Inputs and
 * frame.ts in one script) from its own site and posts the text into the frame, which
 * runs it. Messages from the frame are accepted only from that frame's window; the page
 * validates every field before using it (see app.ts) and never inserts its content as
 * HTML.
 *
 * Chromium runs a sandboxed frame with an opaque origin in its own process, so a cell that loops
 * without pausing leaves the page responsive: Stop then replaces the frame (`restart`).
 */

/** The frame's Content-Security-Policy. */
export const FRAME_CSP = [
  "default-src 'none'",
  "script-src 'unsafe-inline' 'unsafe-eval' 'wasm-unsafe-eval'",
  "style-src 'unsafe-inline'",
  "img-src data: blob:",
  "font-src data:",
  "media-src data: blob:",
  "worker-src blob:",
  "connect-src 'none'",
  "form-action 'none'",
  "base-uri 'none'"
].join("; ");

/** The frame's document: the CSP, and a bootstrap that runs the runtime the page posts once. */
export const FRAME_HTML = `<!doctype html>
<html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${FRAME_CSP}">
<meta name="color-scheme" content="light dark">
<style>html, body { margin: 0; background: transparent; overflow: hidden; }</style>
<script>
addEventListener("message", function boot(event) {
  if (event.source !== parent || !event.data || event.data.type !== "runtime" || typeof event.data.code !== "string") return;
  removeEventListener("message", boot);
  var script = document.createElement("script");
  script.textContent = event.data.code;
  document.head.appendChild(script);
});
parent.postMessage({type: "boot"}, "*");
</script></head><body></body></html>`;

/** The sandbox attribute: scripts, nothing else (no same-origin, top navigation, pop-ups, forms). */
export const FRAME_SANDBOX = "allow-scripts";

export interface SandboxOptions {
  /** The runtime bundle's text (fetched once, from the site). */
  loadRuntime: () => Promise<string>;
  /** Every message from the frame's runtime except the handshake, unvalidated. */
  onMessage: (data: unknown) => void;
  /** Called each time a (new) frame's runtime has started and taken the queued messages. */
  onStart?: () => void;
  /** Called when the runtime could not be loaded. */
  onError?: (error: Error) => void;
}

export interface Sandbox {
  readonly frame: HTMLIFrameElement;
  /** Posts a message to the runtime (queued until it has started). */
  send(message: Record<string, unknown>): void;
  /** Replaces the frame with a fresh one (its cells' state is gone); queued messages go to it. */
  restart(): void;
  destroy(): void;
}

/** Creates the frame inside `parent` (as its first child). */
export function createSandbox(parent: HTMLElement, options: SandboxOptions): Sandbox {
  const doc = parent.ownerDocument;
  const win = doc.defaultView ?? window;
  let runtime: Promise<string> | null = null;
  let frame = makeFrame();
  let started = false;
  let queue: Record<string, unknown>[] = [];

  function makeFrame(): HTMLIFrameElement {
    const f = doc.createElement("iframe");
    f.className = "scratchpad-frame";
    f.setAttribute("sandbox", FRAME_SANDBOX);
    f.setAttribute("title", "Cell outputs (a sandbox: cells cannot reach this page)");
    f.setAttribute("referrerpolicy", "no-referrer");
    f.srcdoc = FRAME_HTML;
    parent.prepend(f);
    return f;
  }

  const onMessage = (event: MessageEvent) => {
    if (event.source === null || event.source !== frame.contentWindow) return;
    const data = event.data as {type?: unknown} | null;
    if (data === null || typeof data !== "object") return;
    if (data.type === "boot") {
      const target = frame;
      runtime ??= options.loadRuntime();
      runtime.then(
        (code) => {
          if (target === frame) target.contentWindow?.postMessage({type: "runtime", code}, "*");
        },
        (error: Error) => options.onError?.(error)
      );
      return;
    }
    if (data.type === "started") {
      started = true;
      const pending = queue;
      queue = [];
      for (const message of pending) frame.contentWindow?.postMessage(message, "*");
      options.onStart?.();
      return;
    }
    options.onMessage(data);
  };
  win.addEventListener("message", onMessage);

  return {
    get frame() {
      return frame;
    },
    send(message) {
      if (started) frame.contentWindow?.postMessage(message, "*");
      else queue.push(message);
    },
    restart() {
      frame.remove();
      started = false;
      queue = [];
      frame = makeFrame();
    },
    destroy() {
      win.removeEventListener("message", onMessage);
      frame.remove();
      queue = [];
    }
  };
}
