/**
 * Helpers for browser tests of the built site: launch Debian chromium through playwright-core,
 * open a page while recording console errors, page errors and every request to a host other
 * than the local server (those fail a test), compare figures, and take screenshots at desktop
 * and phone widths into test-results/.
 *
 * Usage in a test file under tests/browser/:
 *   const site = useSite();                     // launches chromium once for the file
 *   const view = await site.open("/wiring?width=16");
 *   ...
 *   await view.close();                         // asserts nothing; call view.expectClean() for that
 */
import {existsSync, mkdirSync} from "node:fs";
import {fileURLToPath} from "node:url";
import {afterAll, beforeAll, expect, inject} from "vitest";
import {
  chromium,
  type Browser,
  type BrowserContext,
  type ConsoleMessage,
  type Locator,
  type Page
} from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync"
];
export const DESKTOP = {width: 1280, height: 900} as const;
export const PHONE = {width: 390, height: 844} as const;

const resultsDir = fileURLToPath(new URL("../../test-results/", import.meta.url));

/** Launches chromium, or fails with the command that installs it. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `chromium not found at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\` (as root)`
    );
  }
  return chromium.launch({executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS});
}

export interface OpenOptions {
  viewport?: {width: number; height: number};
  colorScheme?: "light" | "dark";
  /** CSS selector to wait for after load (default: the page's main element). */
  waitFor?: string;
}

export interface PageView {
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught page errors, in order. */
  errors: string[];
  /** Every request to a host other than the local server (each is aborted). */
  externalRequests: string[];
  /** Asserts no console error, no page error, and no request to another host. */
  expectClean(): void;
  /** Saves a full-page screenshot as test-results/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** The built site's base URL, provided by tests/browser/global-setup.ts. */
export function siteUrl(): string {
  const url = inject("siteUrl");
  if (!url) throw new Error("siteUrl was not provided: run browser tests through vitest (npm test)");
  return url;
}

/** Opens `path` (e.g. "/wiring?width=16") of the built site in a fresh context. */
export async function openPage(browser: Browser, path: string, options: OpenOptions = {}): Promise<PageView> {
  const base = siteUrl();
  const local = new URL(base);
  const context = await browser.newContext({
    viewport: options.viewport ?? DESKTOP,
    colorScheme: options.colorScheme ?? "light",
    // The test server sends no isolation headers, so the site's isolation service worker would
    // reload every fresh page once; pages here run as with the worker blocked (one thread).
    // tests/browser/publish.test.ts tests the worker, the headers and threads.
    serviceWorkers: "block"
  });
  const errors: string[] = [];
  const externalRequests: string[] = [];
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    const isLocal = url.host === local.host || url.protocol === "data:" || url.protocol === "blob:";
    if (isLocal) return route.continue();
    externalRequests.push(url.href);
    return route.abort();
  });
  const page = await context.newPage();
  page.on("console", (message: ConsoleMessage) => {
    if (message.type() === "error") errors.push(`console.error: ${message.text()} (${message.location().url})`);
  });
  page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
  page.on("response", (response) => {
    if (response.status() >= 400) errors.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  try {
    await page.goto(base + path, {waitUntil: "load"});
    await page.waitForSelector(options.waitFor ?? "#observablehq-main", {timeout: 30_000});
    await settle(page);
  } catch (error) {
    await context.close();
    const detail = [...errors, ...externalRequests.map((u) => `request to another host: ${u}`)];
    throw new Error(`${(error as Error).message}${detail.length ? `\n${detail.join("\n")}` : ""}`);
  }
  return {
    page,
    context,
    errors,
    externalRequests,
    expectClean() {
      expect(errors, "console or page errors").toEqual([]);
      expect(externalRequests, "requests to hosts other than the local server").toEqual([]);
    },
    async screenshot(name: string) {
      mkdirSync(resultsDir, {recursive: true});
      const path = `${resultsDir}${name}.png`;
      await page.screenshot({path, fullPage: true});
      return path;
    },
    close: () => context.close()
  };
}

/** Waits until the network is idle and no Framework cell still shows its loading indicator. */
export async function settle(page: Page, timeout = 20_000): Promise<void> {
  await page.waitForLoadState("networkidle", {timeout}).catch(() => undefined);
  await page
    .waitForFunction(() => document.querySelectorAll("observablehq-loading").length === 0, undefined, {timeout})
    .catch(() => {
      throw new Error(`a cell of ${page.url()} was still loading after ${timeout} ms`);
    });
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

/**
 * A fingerprint of a figure's drawn content: the SVG markup, or each canvas's pixels as a data
 * URL. Compare fingerprints before and after moving a control to show the figure changed.
 */
export async function figureSignature(target: Locator): Promise<string> {
  return target.evaluate((element: Element) => {
    const parts: string[] = [];
    const svgs = element.matches("svg") ? [element] : Array.from(element.querySelectorAll("svg"));
    for (const svg of svgs) parts.push(svg.outerHTML);
    const canvases = element.matches("canvas") ? [element] : Array.from(element.querySelectorAll("canvas"));
    for (const canvas of canvases) parts.push((canvas as HTMLCanvasElement).toDataURL());
    if (parts.length === 0) parts.push(element.textContent ?? "");
    return parts.join("\n");
  });
}

/** Sets an <input> (range, number, text) to `value` and fires input and change events. */
export async function setInputValue(input: Locator, value: string | number): Promise<void> {
  await input.evaluate((element: Element, v: string) => {
    const el = element as HTMLInputElement;
    el.value = v;
    el.dispatchEvent(new Event("input", {bubbles: true}));
    el.dispatchEvent(new Event("change", {bubbles: true}));
  }, String(value));
}

/**
 * One chromium for a whole test file: call at the top level of a describe block or file.
 * `open` opens a page; `shoot` screenshots a path at desktop and phone widths and checks both
 * views are clean.
 */
export function useSite() {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  const get = (): Browser => {
    if (!browser) throw new Error("the browser is not running yet (use open() inside a test)");
    return browser;
  };
  return {
    browser: get,
    open: (path: string, options?: OpenOptions) => openPage(get(), path, options),
    /** Opens `path` at desktop and phone widths (phone in dark mode), screenshots both, checks both clean. */
    async shoot(path: string, name: string, options: Omit<OpenOptions, "viewport" | "colorScheme"> = {}) {
      const shots: string[] = [];
      for (const [label, viewport, colorScheme] of [
        ["desktop", DESKTOP, "light"],
        ["phone-dark", PHONE, "dark"]
      ] as const) {
        const view = await openPage(get(), path, {...options, viewport, colorScheme});
        try {
          shots.push(await view.screenshot(`${name}-${label}`));
          const overflow = await view.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          expect(overflow, `${name} at ${label} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(1);
          view.expectClean();
        } finally {
          await view.close();
        }
      }
      return shots;
    }
  };
}
