/**
 * Browser tests of the published site as hosts serve it:
 * - a host that sends no headers (GitHub Pages), under a sub-path (/switchnet4/): the first load
 *   installs the isolation service worker and reloads once, after which pages are cross-origin
 *   isolated and the playground and throughput pages get more than one thread; every page, worker,
 *   WASM kernel, data file and link loads under the sub-path, and nothing is asked of the server
 *   outside it; with the service worker blocked the pages work on one thread and say why;
 * - a host that reads _headers (Netlify, Cloudflare Pages): isolated at once, no service worker;
 * - `npm run dev`: the same headers, so the playground gets threads there too.
 */
import {spawn, type ChildProcess} from "node:child_process";
import {existsSync, readdirSync, statSync} from "node:fs";
import {createServer} from "node:net";
import {join, relative} from "node:path";
import {fileURLToPath} from "node:url";
import {afterAll, beforeAll, describe, expect, inject, it} from "vitest";
import type {Browser, BrowserContextOptions, Page, Response} from "playwright-core";
import {SITE_PAGES} from "../../observablehq.config.js";
import {readHeadersFile} from "../../scripts/headers-file.js";
import {launchBrowser, settle} from "./harness.js";
import {serveStatic, type StaticServer} from "./static-server.js";

const PREFIX = "/switchnet4/";
const projectRoot = fileURLToPath(new URL("../../", import.meta.url));
const siteDir = (): string => inject("siteDir");

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** A browser context that records errors, failed responses and requests to other hosts (aborted). */
async function watchedContext(base: string, options: BrowserContextOptions = {}) {
  const context = await browser.newContext({viewport: {width: 1280, height: 900}, ...options});
  const host = new URL(base).host;
  const errors: string[] = [];
  const external: string[] = [];
  const responses = new Map<string, number>();
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.host === host || url.protocol === "data:" || url.protocol === "blob:") return route.continue();
    external.push(url.href);
    return route.abort();
  });
  const watch = (response: Response) => {
    responses.set(response.url(), response.status());
    if (response.status() >= 400) errors.push(`HTTP ${response.status()} for ${response.url()}`);
  };
  context.on("response", watch);
  context.on("requestfailed", (request) => {
    // Navigations superseded by the service worker's reload are cancelled, not failed.
    if (request.failure()?.errorText !== "net::ERR_ABORTED")
      errors.push(`request failed: ${request.url()} (${request.failure()?.errorText})`);
  });
  const page = await context.newPage();
  const track = (p: Page) => {
    p.on("console", (message) => {
      if (message.type() === "error") errors.push(`console.error: ${message.text()} (${message.location().url})`);
    });
    p.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
  };
  track(page);
  return {
    context,
    page,
    errors,
    external,
    responses,
    expectClean() {
      expect(errors, "console errors, page errors or failed requests").toEqual([]);
      expect(external, "requests to other hosts").toEqual([]);
    }
  };
}

/** Waits until the isolation script has settled (isolated or not) and the page's cells have run. */
async function waitForIsolationState(
  page: Page,
  timeout = 30_000
): Promise<{state: string; reason: string | null; serviceWorker: string}> {
  await page.waitForFunction(
    () => {
      const status = (window as unknown as {crossOriginIsolationStatus?: {state: string}}).crossOriginIsolationStatus;
      return (
        status && (status.state === "isolated" || status.state === "unavailable") && document.readyState === "complete"
      );
    },
    undefined,
    {timeout}
  );
  await page.waitForSelector("#observablehq-main", {timeout});
  await settle(page);
  return page.evaluate(() => {
    const {state, reason, serviceWorker} = (
      window as unknown as {crossOriginIsolationStatus: {state: string; reason: string | null; serviceWorker: string}}
    ).crossOriginIsolationStatus;
    return {state, reason, serviceWorker};
  });
}

/** The threads status line's figure and text, once its check is done. */
async function threadsLine(page: Page): Promise<{threads: number; text: string}> {
  const line = page.locator(".sn-threads");
  await expect.poll(() => line.getAttribute("data-state"), {timeout: 30_000}).toBe("done");
  return {threads: Number(await line.getAttribute("data-threads")), text: (await line.textContent()) ?? ""};
}

/** Every file under a folder of the built site, as site paths ("_file/data/x.json"). */
function filesUnder(folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(siteDir(), path).split("\\").join("/"));
    }
  };
  walk(join(siteDir(), folder));
  return out;
}

async function waitForStep(page: Page, step: number, timeout = 60_000): Promise<number> {
  await page.waitForFunction(
    (s) => Number(document.querySelector(".pg-toolbar")?.getAttribute("data-step") ?? -1) >= s,
    step,
    {timeout}
  );
  return Number(await page.locator(".pg-toolbar").getAttribute("data-step"));
}

/** The site's pages whose source exists (pages are being written in parallel). */
const pages = SITE_PAGES.filter((p) => existsSync(join(projectRoot, "src", p.file)));

describe("a host that sends no headers (GitHub Pages), serving the site under /switchnet4/", () => {
  let server: StaticServer;
  beforeAll(async () => {
    server = await serveStatic(siteDir(), {prefix: PREFIX});
  });
  afterAll(async () => {
    await server?.close();
  });

  it("the build puts the service worker and _headers at the site's root", () => {
    const root = readdirSync(siteDir());
    expect(root).toContain("coi-serviceworker.js");
    expect(root).toContain("_headers");
    expect(readHeadersFile(join(siteDir(), "_headers")).length).toBeGreaterThan(0);
  });

  it("the first load installs the service worker and reloads once; then the playground and throughput pages get more than one thread", async () => {
    const view = await watchedContext(server.url);
    const seen = server.requests.length;
    try {
      const {page} = view;
      const first = await page.goto(`${server.url}/`, {waitUntil: "load"});
      // The host sends no isolation headers: the first document is not isolated.
      expect(first?.headers()["cross-origin-embedder-policy"]).toBeUndefined();
      const status = await waitForIsolationState(page);
      expect(status).toEqual({state: "isolated", reason: null, serviceWorker: "controlling"});
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      // Exactly one reload: the server was asked for the page twice.
      const documentRequests = (path: string) => server.requests.slice(seen).filter((p) => p === path).length;
      expect(documentRequests(PREFIX)).toBe(2);
      const scopes = await page.evaluate(async () =>
        (await navigator.serviceWorker.getRegistrations()).map((r) => r.scope)
      );
      expect(scopes).toEqual([`${server.url}/`]);

      const cores = await page.evaluate(() => navigator.hardwareConcurrency);
      expect(cores, "this test needs a machine with two or more cores").toBeGreaterThan(1);
      for (const path of ["/playground", "/throughput"]) {
        const response = await page.goto(server.url + path, {waitUntil: "load"});
        expect(response?.fromServiceWorker(), `${path} comes through the service worker`).toBe(true);
        expect(response?.headers()["cross-origin-embedder-policy"]).toBe("require-corp");
        expect(response?.headers()["cross-origin-opener-policy"]).toBe("same-origin");
        expect((await waitForIsolationState(page)).state).toBe("isolated");
        expect(documentRequests(PREFIX + path.slice(1)), `${path} loads once, without a reload`).toBe(1);
        const line = await threadsLine(page);
        expect(line.threads, `${path}: ${line.text}`).toBe(cores);
        expect(line.text).toContain(`${cores} threads share memory in this page`);
        expect(line.text).toContain("by the site's service worker");
      }
      // The sub-path without its slash (outside the worker's scope) redirects to the isolated site.
      await page.goto(server.url, {waitUntil: "load"});
      expect(new URL(page.url()).pathname).toBe(PREFIX);
      expect((await waitForIsolationState(page)).state).toBe("isolated");
      view.expectClean();
    } finally {
      await view.context.close();
    }
  });

  it("every page, worker, WASM kernel, data file and link loads under the sub-path, and nothing is asked outside it", async () => {
    const view = await watchedContext(server.url);
    const seen = server.requests.length;
    try {
      const {page} = view;
      await page.goto(`${server.url}/`, {waitUntil: "load"});
      await waitForIsolationState(page);
      const links = new Set<string>();
      const workers = new Set<string>();
      page.on("worker", (worker) => workers.add(worker.url()));
      for (const entry of pages) {
        const response = await page.goto(server.url + entry.path, {waitUntil: "load"});
        expect(response?.status(), entry.path).toBe(200);
        await waitForIsolationState(page);
        expect(await page.locator("#observablehq-main h1").first().textContent(), entry.path).toBeTruthy();
        // No cell failed (Framework shows a failed cell's error in its place).
        expect(await page.locator(".observablehq--error").allTextContents(), entry.path).toEqual([]);
        for (const href of await page
          .locator("a[href]")
          .evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href))) {
          const url = new URL(href);
          if (url.origin === new URL(server.url).origin) links.add(url.origin + url.pathname);
        }
        if (entry.path === "/playground") {
          // The training worker runs: ten steps.
          await page.waitForSelector(".pg-card canvas", {timeout: 30_000});
          await waitForStep(page, 0);
          await page.locator('[data-action="step"]').click();
          expect(await waitForStep(page, 10)).toBe(10);
        }
        if (entry.path === "/throughput") {
          // The benchmark worker starts (then is stopped), and the library's WASM kernels load in the page.
          const runner = page.locator(".sn-runner");
          await runner.getByRole("button", {name: "Run in this browser"}).click();
          await expect.poll(() => runner.locator("[data-status]").textContent(), {timeout: 30_000}).toMatch(/ of /);
          await runner.getByRole("button", {name: "Stop"}).click();
          // (A string, so that the test runner does not rewrite the page's dynamic import.)
          const backend = await page.evaluate(`(async () => {
            const wht = performance.getEntriesByType("resource").map((e) => e.name).find((name) => /\\/_import\\/lib\\/wht\\.[0-9a-f]{8}\\.js$/.test(name));
            if (!wht) return "wht module not loaded";
            const lib = await import(wht);
            await lib.ready();
            return lib.backend();
          })()`);
          expect(backend).toBe("wasm-simd");
        }
      }
      // Workers: the playground's and the benchmark's, from the sub-path.
      for (const name of ["train-worker", "bench-worker"]) {
        expect(
          [...workers].some((url) => url.startsWith(`${server.url}/_import/${name}.`)),
          `${name} in ${[...workers].join(", ")}`
        ).toBe(true);
      }
      // Data files: every file the build made under _file/ loaded with 200 from the sub-path.
      for (const file of filesUnder("_file")) {
        expect(view.responses.get(`${server.url}/${file}`), file).toBe(200);
      }
      // Links: every local link stays under the sub-path and answers 200.
      expect(links.size).toBeGreaterThanOrEqual(pages.length);
      for (const link of links) {
        expect(link.startsWith(`${server.url}/`), link).toBe(true);
        const answer = await fetch(link);
        expect(answer.status, link).toBe(200);
      }
      for (const entry of pages)
        expect(links.has(server.url + entry.path) || entry.path === "/", entry.path).toBe(true);
      // The server saw nothing outside /switchnet4/.
      const outside = server.requests.slice(seen).filter((path) => !path.startsWith(PREFIX));
      expect(outside).toEqual([]);
      view.expectClean();
    } finally {
      await view.context.close();
    }
  });

  it("with the service worker blocked, the playground and throughput pages work on one thread and say why", async () => {
    const view = await watchedContext(server.url, {serviceWorkers: "block"});
    const seen = server.requests.length;
    try {
      const {page} = view;
      await page.goto(`${server.url}/playground`, {waitUntil: "load"});
      const status = await waitForIsolationState(page);
      expect(status.state).toBe("unavailable");
      expect(status.reason).toBe("the browser blocked the service worker that adds the isolation headers");
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
      let line = await threadsLine(page);
      expect(line.threads).toBe(1);
      expect(line.text).toContain(
        "1 thread: the library runs on one thread here (the same results, only slower), because the page is not cross-origin isolated: the browser blocked the service worker"
      );
      expect(line.text).toContain("allow service workers for this site and reload");
      // Training still works.
      await page.waitForSelector(".pg-card canvas", {timeout: 30_000});
      await waitForStep(page, 0);
      await page.locator('[data-action="step"]').click();
      expect(await waitForStep(page, 10)).toBe(10);

      await page.goto(`${server.url}/throughput`, {waitUntil: "load"});
      await waitForIsolationState(page);
      line = await threadsLine(page);
      expect(line.threads).toBe(1);
      expect(line.text).toContain("the browser blocked the service worker");
      expect(await page.locator("#throughput-figure svg").count()).toBeGreaterThan(0);
      // No reload: the server was asked for each page once.
      const documents = server.requests
        .slice(seen)
        .filter((path) => path === `${PREFIX}playground` || path === `${PREFIX}throughput`);
      expect(documents).toEqual([`${PREFIX}playground`, `${PREFIX}throughput`]);
      view.expectClean();
    } finally {
      await view.context.close();
    }
  });

  it("when the service worker's script cannot be fetched, the page says so and runs on one thread", async () => {
    const view = await watchedContext(server.url);
    try {
      const {page} = view;
      // Only the service worker's own fetch of the script fails; the page's <script> still loads it.
      await view.context.route("**/coi-serviceworker.js", (route) =>
        route.request().headers()["service-worker"] === "script" ? route.abort("connectionrefused") : route.fallback()
      );
      await page.goto(`${server.url}/throughput`, {waitUntil: "load"});
      const status = await waitForIsolationState(page);
      expect(status.state).toBe("unavailable");
      expect(status.reason).toMatch(
        /^the service worker that adds the isolation headers could not be registered \(.+\)$/
      );
      const line = await threadsLine(page);
      expect(line.threads).toBe(1);
      expect(line.text).toContain("could not be registered");
      expect(view.external).toEqual([]);
    } finally {
      await view.context.close();
    }
  });
});

describe("a host that reads _headers (Netlify, Cloudflare Pages)", () => {
  it("pages are cross-origin isolated on the first load, with no service worker and no reload", async () => {
    const server = await serveStatic(siteDir(), {headers: readHeadersFile(join(siteDir(), "_headers"))});
    const view = await watchedContext(server.url);
    try {
      const {page} = view;
      const response = await page.goto(`${server.url}/playground`, {waitUntil: "load"});
      expect(response?.headers()["cross-origin-embedder-policy"]).toBe("require-corp");
      expect(response?.fromServiceWorker()).toBe(false);
      expect(await waitForIsolationState(page)).toEqual({state: "isolated", reason: null, serviceWorker: "none"});
      expect(
        server.requests.filter((path) => path === "/playground"),
        "no reload"
      ).toHaveLength(1);
      expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)).toBe(0);
      const line = await threadsLine(page);
      expect(line.threads).toBeGreaterThan(1);
      expect(line.text).toContain("by the headers the server sends");
      view.expectClean();
    } finally {
      await view.context.close();
      await server.close();
    }
  });
});

/** A playground whose models are wide enough that each step is split across the team. */
const THREADED_PLAYGROUND =
  "/playground?data=circle&n=300&seed=3&batch=64&models=switchnet4:4096:2:4:subrandom,dense:512:2:4:random";

/** The playground's threads line (once the worker has said) and, after ten steps, each card's training loss. */
async function trainTenSteps(page: Page): Promise<{threads: number; text: string; losses: (string | null)[]}> {
  const line = page.locator(".pg-threads[data-threads]");
  await line.waitFor({timeout: 60_000});
  const threads = Number(await line.getAttribute("data-threads"));
  const text = (await line.textContent()) ?? "";
  await page.locator('[data-action="step"]').click();
  expect(await waitForStep(page, 10)).toBe(10);
  const losses = await page
    .locator(".pg-card")
    .evaluateAll((cards) => cards.map((card) => card.getAttribute("data-train-loss")));
  return {threads, text, losses};
}

describe("the playground on threads", () => {
  it("trains on one thread per core where the page is isolated, to the same numbers as one thread where it is not", async () => {
    const isolatedServer = await serveStatic(siteDir(), {headers: readHeadersFile(join(siteDir(), "_headers"))});
    const plainServer = await serveStatic(siteDir());
    const isolated = await watchedContext(isolatedServer.url);
    // The plain host with the isolation service worker blocked: not isolated, one thread.
    const plain = await watchedContext(plainServer.url, {serviceWorkers: "block"});
    try {
      await isolated.page.goto(`${isolatedServer.url}${THREADED_PLAYGROUND}`, {waitUntil: "load"});
      expect(await waitForIsolationState(isolated.page)).toMatchObject({state: "isolated"});
      const cores = await isolated.page.evaluate(() => navigator.hardwareConcurrency);
      const threaded = await trainTenSteps(isolated.page);
      if (cores >= 2) {
        expect(threaded.threads, threaded.text).toBe(Math.min(8, cores));
        expect(threaded.text).toMatch(new RegExp(`^Training on ${Math.min(8, cores)} threads\\. Any thread count`));
      } else {
        expect(threaded.threads).toBe(1);
        expect(threaded.text).toContain("Training on 1 thread (this device reports one core).");
      }

      await plain.page.goto(`${plainServer.url}${THREADED_PLAYGROUND}`, {waitUntil: "load"});
      await plain.page.waitForSelector("#observablehq-main");
      expect(await plain.page.evaluate(() => crossOriginIsolated)).toBe(false);
      const single = await trainTenSteps(plain.page);
      expect(single.threads).toBe(1);
      expect(single.text).toContain(
        "Training on 1 thread: the page is not cross-origin isolated, so memory cannot be shared between threads."
      );
      // Ten steps on the team and on one thread: the same losses, to the last digit.
      expect(single.losses).toHaveLength(2);
      expect(single.losses.every((l) => l !== null && Number.isFinite(Number(l)))).toBe(true);
      expect(threaded.losses).toEqual(single.losses);
      isolated.expectClean();
      plain.expectClean();
    } finally {
      await isolated.context.close();
      await plain.context.close();
      await isolatedServer.close();
      await plainServer.close();
    }
  });
});

describe("npm run dev", () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    // The dev server runs in its own process group (npm → tsx → node): end that group.
    if (child?.pid && child.exitCode === null) process.kill(-child.pid, "SIGTERM");
  });

  it("sends the isolation headers and serves the service worker file, so the playground gets threads", async () => {
    const port = await new Promise<number>((resolve, reject) => {
      const probe = createServer();
      probe.once("error", reject);
      probe.listen(0, "127.0.0.1", () => {
        const address = probe.address();
        probe.close(() =>
          typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))
        );
      });
    });
    child = spawn("npm", ["run", "dev", "--", "--port", String(port), "--no-open"], {
      cwd: projectRoot,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"]
    });
    let output = "";
    child.stdout!.on("data", (chunk) => (output += chunk));
    child.stderr!.on("data", (chunk) => (output += chunk));
    const base = `http://127.0.0.1:${port}`;
    await expect
      .poll(() => output, {timeout: 60_000, interval: 250})
      .toContain(`Serving ${base}/ with the headers of public/_headers`);

    const script = await fetch(`${base}/coi-serviceworker.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toContain("javascript");
    expect(await script.text()).toContain("crossOriginIsolationStatus");

    const view = await watchedContext(base);
    try {
      const {page} = view;
      const response = await page.goto(`${base}/playground`, {waitUntil: "load", timeout: 90_000});
      expect(response?.headers()["cross-origin-embedder-policy"]).toBe("require-corp");
      expect(response?.headers()["cross-origin-opener-policy"]).toBe("same-origin");
      expect(await waitForIsolationState(page, 90_000)).toEqual({
        state: "isolated",
        reason: null,
        serviceWorker: "none"
      });
      const line = await threadsLine(page);
      expect(line.threads).toBeGreaterThan(1);
      expect(line.text).toContain("by the headers the server sends");
      view.expectClean();
    } finally {
      await view.context.close();
    }
  });
});
