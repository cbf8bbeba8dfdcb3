/**
 * "How many threads does this page get?" — a status line for pages that run the library. Threads
 * that share memory need the page to be cross-origin isolated: by the host's headers (public/_headers)
 * or by the site's service worker (public/coi-serviceworker.js, which publishes what it did as
 * `window.crossOriginIsolationStatus`). The line does not guess from `crossOriginIsolated`: it starts
 * the library's worker pool (`createPool`, every core), transforms a batch on it, checks the result
 * against one thread bit for bit, and reports the threads that took part — or, on one thread, why.
 */
import {createPool, type WhtPool} from "../lib/parallel.js";
import {whtBatch} from "../lib/wht.js";

/** What public/coi-serviceworker.js reports (window.crossOriginIsolationStatus). */
export interface IsolationStatus {
  state: "pending" | "isolated" | "reloading" | "unavailable";
  reason: string | null;
  serviceWorker: "controlling" | "none";
  ready?: Promise<IsolationStatus>;
}

export interface ThreadCheck {
  /** Threads that transformed the check batch (the page's own included). */
  threads: number;
  /** Threads asked for: the device's logical cores. */
  wanted: number;
  /** The pool's reason for running on one thread, or null. */
  fallbackReason: string | null;
  /** The batch split across the threads equals the same batch on one thread, bit for bit. */
  identical: boolean;
}

/** Vector length and vectors per thread of the check batch (small: a few milliseconds). */
export const CHECK_SIZE = 1024;
export const CHECK_VECTORS_PER_THREAD = 8;

/** Starts a pool on every core, transforms a batch on it and on one thread, compares, closes the pool. */
export async function checkThreads(
  start: (options: {threads?: number}) => Promise<WhtPool> = createPool,
  threads?: number
): Promise<ThreadCheck> {
  const pool = await start(threads === undefined ? {} : {threads});
  try {
    const count = CHECK_VECTORS_PER_THREAD * Math.max(2, pool.threads);
    const shared = new Float32Array(CHECK_SIZE * count);
    // Small integers: every sum is exact in float32, so any difference is a real fault.
    for (let i = 0; i < shared.length; i++) shared[i] = ((i * 7919) % 17) - 8;
    const single = shared.slice();
    await pool.whtBatch(shared, {size: CHECK_SIZE});
    whtBatch(single, {size: CHECK_SIZE});
    let identical = true;
    for (let i = 0; i < shared.length && identical; i++) identical = Object.is(shared[i], single[i]);
    const wanted = threads ?? (typeof navigator === "object" ? navigator.hardwareConcurrency || 1 : pool.threads);
    return {threads: pool.threads, wanted, fallbackReason: pool.fallbackReason, identical};
  } finally {
    await pool.close();
  }
}

export interface ThreadsReport {
  threads: number;
  /** "threads": more than one; "single": one, with the reason; "error": the threaded result was wrong. */
  kind: "threads" | "single" | "error";
  /** One or two sentences for the reader; `**…**` marks the figure. */
  text: string;
}

/** Why a page that is not isolated is not, from what the isolation script reported. */
export function isolationReason(isolation: IsolationStatus | undefined): string {
  if (!isolation) return "the page is not cross-origin isolated, and the site's isolation script did not run";
  if (isolation.reason) return `the page is not cross-origin isolated: ${isolation.reason}`;
  return "the page is not cross-origin isolated";
}

/** The reader-facing report of a check, given whether the page is isolated and what the script did. */
export function threadsReport(check: ThreadCheck, isolated: boolean, isolation?: IsolationStatus): ThreadsReport {
  if (check.threads > 1 && !check.identical) {
    return {
      threads: check.threads,
      kind: "error",
      text: `A batch split across **${check.threads} threads** gave different numbers from one thread: the threaded kernels are faulty in this browser. Please report it with the browser's name and version.`
    };
  }
  if (check.threads > 1) {
    const how =
      isolation?.serviceWorker === "controlling"
        ? "by the site's service worker, which adds the isolation headers this host does not send"
        : "by the headers the server sends";
    return {
      threads: check.threads,
      kind: "threads",
      text: `**${check.threads} threads** share memory in this page. It is cross-origin isolated (${how}); a batch of transforms split across ${check.threads} threads by the library's worker pool matched one thread bit for bit.`
    };
  }
  let why: string;
  if (check.wanted <= 1) why = "this device reports a single core";
  else if (!isolated) why = isolationReason(isolation);
  else why = check.fallbackReason ?? "the worker pool started no workers";
  const advice =
    !isolated && check.wanted > 1
      ? " To get threads, allow service workers for this site and reload, or publish the site on a host that sends the headers in `_headers`."
      : "";
  return {
    threads: 1,
    kind: "single",
    text: `**1 thread**: the library runs on one thread here (the same results, only slower), because ${why}.${advice}`
  };
}

function renderText(target: HTMLElement, text: string): void {
  target.replaceChildren();
  text.split(/(\*\*[^*]+\*\*|`[^`]+`)/).forEach((part) => {
    if (part.startsWith("**"))
      target.append(Object.assign(document.createElement("strong"), {textContent: part.slice(2, -2)}));
    else if (part.startsWith("`"))
      target.append(Object.assign(document.createElement("code"), {textContent: part.slice(1, -1)}));
    else if (part) target.append(part);
  });
}

/**
 * The status line as an element: "Checking…" at once, then the report. `data-threads` holds the
 * threads that took part and `data-state` is "checking", "reloading", "done" or "error".
 */
export function threadsStatus(options: {check?: () => Promise<ThreadCheck>} = {}): HTMLElement {
  const root = document.createElement("p");
  root.className = "sn-stat sn-threads";
  root.setAttribute("role", "status");
  root.dataset.state = "checking";
  renderText(root, "Threads: checking how many threads can share memory in this page…");
  const isolation = (globalThis as {crossOriginIsolationStatus?: IsolationStatus}).crossOriginIsolationStatus;
  (async () => {
    if (isolation && (isolation.state === "pending" || isolation.state === "reloading")) {
      if (isolation.state === "reloading") {
        root.dataset.state = "reloading";
        renderText(
          root,
          "Threads: reloading the page once under the site's service worker, which makes it cross-origin isolated…"
        );
      }
      await isolation.ready;
    }
    const check = await (options.check ?? checkThreads)();
    const report = threadsReport(check, globalThis.crossOriginIsolated === true, isolation);
    root.dataset.threads = String(report.threads);
    root.dataset.state = report.kind === "error" ? "error" : "done";
    if (report.kind === "error") root.classList.add("sn-error");
    renderText(root, report.text);
  })().catch((error: unknown) => {
    root.dataset.state = "error";
    root.classList.add("sn-error");
    renderText(
      root,
      `Threads: the check failed (${error instanceof Error ? error.message : String(error)}); the page works on one thread.`
    );
  });
  return root;
}
