/**
 * Browser tests of the Scratchpad page: the worked examples run and show their values; editing
 * a cell and running it updates it and the cells after it; a throwing cell shows its error (and
 * what it logged) while the others work; endless loops are stopped (time limit, Stop button, a
 * loop that never pauses while the page stays responsive); cells run in a sandboxed frame that
 * cannot reach the page, its storage or cookies, the network or the top page's address; a broken
 * link keeps its error; the cells round-trip through the URL and through a downloaded file; the
 * editor and the outputs follow dark mode. Outputs live in the frame, so tests read them there.
 * And the authors'
 * page template: it stays unpublished, and a copy of it (with the data loader template) builds
 * into a working page, as the steps in the README section "Write your own page" describe.
 */
import {spawnSync} from "node:child_process";
import {cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from "node:fs";
import {resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {describe, expect, it} from "vitest";
import type {Page} from "playwright-core";
import {settle, useSite, PHONE, DESKTOP} from "./harness.js";
import {serveStatic} from "./static-server.js";
import {cellsFromFile, cellsFromHash, cellsToFile, hashForCells} from "../../src/components/scratchpad/codec.js";
import {EXAMPLE_CELLS} from "../../src/components/scratchpad/examples.js";

const site = useSite();

/** Waits until no cell is queued or running; returns each cell's status. */
async function waitForCells(page: Page, timeout = 30_000): Promise<string[]> {
  await page.waitForFunction(
    () => {
      const cells = Array.from(document.querySelectorAll<HTMLElement>(".scratchpad-cell"));
      return cells.length > 0 && cells.every((c) => !["idle", "queued", "running"].includes(c.dataset.status ?? ""));
    },
    undefined,
    {timeout}
  );
  return page
    .locator(".scratchpad-cell")
    .evaluateAll((cells) => cells.map((c) => (c as HTMLElement).dataset.status ?? ""));
}

/** The sandboxed frame the cells run in (outputs are drawn there, under their editors). */
const sandbox = (page: Page) => page.frameLocator("iframe.scratchpad-frame");
const output = (page: Page, index: number) => sandbox(page).locator(".scratchpad-output").nth(index);
const outputText = async (page: Page, index: number) => (await output(page, index).innerText()).trim();

/**
 * The text in each cell's editor. CodeMirror renders only the lines near the screen (one
 * .cm-line each), so each editor is scrolled into view before it is read.
 */
async function editorTexts(page: Page): Promise<string[]> {
  const texts: string[] = [];
  const contents = page.locator(".scratchpad-cell .cm-content");
  for (let i = 0; i < (await contents.count()); i++) {
    await contents.nth(i).scrollIntoViewIfNeeded();
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    texts.push(
      await contents
        .nth(i)
        .evaluate((c) => Array.from(c.querySelectorAll(".cm-line"), (line) => line.textContent ?? "").join("\n"))
    );
  }
  return texts;
}

/** Replaces cell `index`'s text (as if typed, without auto-closing brackets) and presses Shift-Enter. */
async function editAndRun(page: Page, index: number, text: string): Promise<void> {
  const content = page.locator(".scratchpad-cell").nth(index).locator(".cm-content");
  await content.click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Backspace");
  await page.keyboard.insertText(text);
  await page.keyboard.press("Shift+Enter");
}

async function openCells(
  cells: string[],
  options: {colorScheme?: "light" | "dark"; viewport?: {width: number; height: number}} = {}
) {
  const view = await site.open(`/scratchpad${await hashForCells(cells)}`, {...options, waitFor: ".scratchpad-cell"});
  await waitForCells(view.page);
  return view;
}

describe("Scratchpad", () => {
  it("runs the worked examples and displays their values", async () => {
    const view = await site.open("/scratchpad", {waitFor: ".scratchpad-cell"});
    try {
      const statuses = await waitForCells(view.page);
      expect(statuses).toEqual(EXAMPLE_CELLS.map(() => "ok"));
      const {page} = view;
      // 1: a Plot figure of the vector and its transform.
      expect(await output(page, 0).locator("svg").count()).toBeGreaterThan(0);
      expect(await output(page, 0).locator("path").count()).toBeGreaterThanOrEqual(2);
      // 2: the largest difference from the Hadamard-matrix product: float32 rounding, not zero.
      const difference = Number(await outputText(page, 1));
      expect(difference).toBeGreaterThan(0);
      expect(difference).toBeLessThan(1e-3);
      // 3: the last epoch's record after training on xor; the model learned it.
      const record = await outputText(page, 2);
      expect(record).toMatch(/epoch: 60/);
      const accuracy = Number(/testAccuracy: ([\d.]+)/.exec(record)?.[1]);
      expect(accuracy).toBeGreaterThan(0.9);
      // 4 and 5: the loss curve and the decision surface.
      expect(await output(page, 3).locator("svg path").count()).toBeGreaterThanOrEqual(2);
      expect(await output(page, 4).locator("g[aria-label=raster] image").count()).toBe(1);
      expect(await output(page, 4).locator("g[aria-label=dot] circle").count()).toBe(100);
      // 6: a table of weight counts for two widths.
      const rows = await output(page, 5).locator("tbody tr").allInnerTexts();
      expect(rows).toHaveLength(2);
      expect(rows[0].split(/\s+/)).toEqual(["1024", "8192", "4096", "20480", "1048576", "143"]);
      expect(rows[1].split(/\s+/)).toEqual(["65536", "524288", "262144", "2097152", "4294967296", "1448"]);
      expect(await editorTexts(page)).toEqual(EXAMPLE_CELLS);
      view.expectClean();
    } finally {
      await view.close();
    }
  });

  it("editing a cell and running it updates its output and the cells after it, and the URL", async () => {
    const cells = ["const a = 2;\na", "const b = a * 10;\nb", "'independent'", "b + 1"];
    const view = await openCells(cells);
    try {
      const {page} = view;
      expect(await outputText(page, 0)).toBe("2");
      expect(await outputText(page, 1)).toBe("20");
      expect(await outputText(page, 3)).toBe("21");
      await editAndRun(page, 0, "const a = 5;\na");
      await expect.poll(() => outputText(page, 3)).toBe("51");
      expect(await waitForCells(page)).toEqual(["ok", "ok", "ok", "ok"]);
      expect(await outputText(page, 0)).toBe("5");
      expect(await outputText(page, 1)).toBe("50");
      expect(await outputText(page, 2)).toBe('"independent"');
      // The URL now holds the edited cells.
      await page.waitForFunction((old) => location.hash !== old, await hashForCells(cells), {timeout: 5000});
      const edited = ["const a = 5;\na", ...cells.slice(1)];
      expect(await cellsFromHash(await page.evaluate(() => location.hash))).toEqual(edited);
      // Running a later cell alone does not touch the earlier ones.
      const before = await output(page, 0).innerHTML();
      await editAndRun(page, 3, "b * 2");
      await expect.poll(() => outputText(page, 3)).toBe("100");
      expect(await output(page, 0).innerHTML()).toBe(before);
      view.expectClean();
    } finally {
      await view.close();
    }
  });

  it("a cell that throws shows its error under it and the other cells keep working", async () => {
    const view = await openCells([
      "const a = 1;\na",
      "console.log('about to fail', a);\nconst broken = null;\nbroken.field",
      "a + 1",
      "const = 3",
      "a + 2"
    ]);
    try {
      const {page} = view;
      expect(await waitForCells(page)).toEqual(["ok", "error", "ok", "error", "ok"]);
      expect(await output(page, 1).locator(".scratchpad-error").innerText()).toMatch(
        /^TypeError: Cannot read properties of null/
      );
      expect(await output(page, 1).locator(".scratchpad-log").allInnerTexts()).toEqual(["about to fail 1"]);
      expect(await outputText(page, 2)).toBe("2");
      expect(await output(page, 3).locator(".scratchpad-error").innerText()).toMatch(/^SyntaxError: .*line 1/);
      expect(await outputText(page, 4)).toBe("3");
      // Fixing the cell clears its error.
      await editAndRun(page, 1, "'fixed'");
      await page.waitForFunction(
        () => document.querySelectorAll(".scratchpad-cell")[1]?.getAttribute("data-status") === "ok"
      );
      expect(await outputText(page, 1)).toBe('"fixed"');
      view.expectClean();
    } finally {
      await view.close();
    }
  });

  it("stops an endless loop after the time limit, and Stop ends a loop that yields", async () => {
    const view = await openCells(["let spins = 0;\nwhile (true) { spins++ }", "'after the loop'"]);
    try {
      const {page} = view;
      expect(await waitForCells(page)).toEqual(["error", "ok"]);
      expect(await output(page, 0).innerText()).toMatch(/TimeoutError: stopped after 5 s/);
      expect(await outputText(page, 1)).toBe('"after the loop"');
      // A loop that awaits tick() keeps the page responsive, so Stop can end it.
      await editAndRun(page, 0, "let turns = 0;\nwhile (true) { turns++; await tick() }");
      await page.waitForFunction(
        () => document.querySelector(".scratchpad-cell")?.getAttribute("data-status") === "running"
      );
      await page.waitForTimeout(300);
      expect(await page.evaluate(() => 1 + 1)).toBe(2); // the page still answers
      await page.getByRole("button", {name: "Stop", exact: true}).click();
      expect(await waitForCells(page)).toEqual(["stopped", "stopped"]);
      expect(await output(page, 0).innerText()).toMatch(/StoppedError: stopped/);
      view.expectClean();
    } finally {
      await view.close();
    }
  });

  it("a cell that never pauses leaves the page responsive, and Stop ends it by restarting the sandbox", async () => {
    const view = await openCells([
      "const base = 6;\nbase",
      "let spins = 0;\nwhile (true) { spins++ }",
      "'after the loop'"
    ]);
    try {
      const {page} = view;
      // Wait for the time limit to pass once (the first run), then run the loop again and stop it by hand.
      expect(await waitForCells(page)).toEqual(["ok", "error", "ok"]);
      await page.locator(".scratchpad-cell").nth(1).locator(".scratchpad-run").click();
      await page.waitForFunction(
        () => document.querySelectorAll(".scratchpad-cell")[1]?.getAttribute("data-status") === "running"
      );
      // While the loop spins in the frame, the page answers, and its editor takes typing.
      const answered = await page.evaluate(
        () => new Promise<number>((resolve) => setTimeout(() => resolve(1 + 1), 50))
      );
      expect(answered).toBe(2);
      const content = page.locator(".scratchpad-cell").nth(2).locator(".cm-content");
      await content.click();
      await page.keyboard.press("End");
      await page.keyboard.insertText(" + '!'");
      expect(await content.innerText()).toContain("'after the loop' + '!'");
      expect(await page.locator(".scratchpad-cell").nth(1).getAttribute("data-status")).toBe("running");
      await page.getByRole("button", {name: "Stop", exact: true}).click();
      // Stopped by Stop, not by the 5-second time limit: the status is "stopped", not "error".
      await page.waitForFunction(
        () => document.querySelectorAll(".scratchpad-cell")[1]?.getAttribute("data-status") === "stopped"
      );
      expect(await waitForCells(page)).toEqual(["ok", "stopped", "stopped"]);
      expect(await output(page, 1).innerText()).toMatch(
        /StoppedError: stopped \(the cell did not pause, so Stop restarted its sandbox/
      );
      // The cell above ran again in the new sandbox; the cells work as before.
      expect(await outputText(page, 0)).toBe("6");
      await editAndRun(page, 1, "base * 7");
      await expect.poll(() => outputText(page, 2)).toBe('"after the loop!"');
      expect(await outputText(page, 1)).toBe("42");
      view.expectClean();
    } finally {
      await view.close();
    }
  });

  it("runs a cell from a link in a sandbox: no access to the page, its storage, cookies, network or address", async () => {
    // What a hostile link would try. Each attempt records what happened instead of throwing.
    const attack = `const tried = {};
tried.run = String(Math.random());
const attempt = async (name, f) => { try { tried[name] = String(await f()); } catch (e) { tried[name] = "refused: " + e.name; } };
await attempt("origin", () => location.origin);
await attempt("parent title", () => parent.document.title);
await attempt("change parent", () => { parent.document.body.innerHTML = "PWNED"; return "changed"; });
await attempt("top title", () => top.document.title);
await attempt("localStorage", () => localStorage.getItem("secret"));
await attempt("write localStorage", () => { localStorage.setItem("secret", "stolen"); return "written"; });
await attempt("cookie", () => document.cookie);
await attempt("write cookie", () => { document.cookie = "secret=stolen"; return document.cookie; });
await attempt("fetch", () => fetch("/").then((r) => r.status));
await attempt("navigate top", () => { top.location.href = "/?pwned"; return "navigated"; });
await attempt("open window", () => String(window.open("/?popup")));
document.title = "PWNED";
tried`;
    const view = await openCells([
      attack,
      "Plot.plot({width: 300, height: 100, marks: [Plot.dot([1, 2, 3], {x: (d) => d})]})",
      "console.log('logged', 1 + 1);\n'done'"
    ]);
    try {
      const {page, context} = view;
      await page.evaluate(() => {
        localStorage.setItem("secret", "kept");
        // biome-ignore lint/suspicious/noDocumentCookie: the test plants a cookie the sandboxed cell must not read
        document.cookie = "secret=kept; path=/";
      });
      const title = await page.title();
      // Run the attack again now that the page holds a secret (each run writes a new random number).
      const first = await outputText(page, 0);
      await page.getByRole("button", {name: "Run all"}).click();
      await expect.poll(() => outputText(page, 0)).not.toBe(first);
      expect(await waitForCells(page)).toEqual(["ok", "ok", "ok"]);
      const text = await outputText(page, 0);
      const result = Object.fromEntries(
        text
          .replace(/^\{\n|\n\}$/g, "")
          .split(",\n")
          .map((line) => {
            const [, key, value] = /^\s*"?([^":]+)"?: "(.*)"$/.exec(line)!;
            return [key, value];
          })
      );
      expect(result.origin).toBe("null");
      for (const key of [
        "parent title",
        "change parent",
        "top title",
        "localStorage",
        "write localStorage",
        "cookie",
        "write cookie",
        "navigate top"
      ]) {
        expect(result[key], key).toMatch(/^refused: SecurityError$/);
      }
      expect(result.fetch).toMatch(/^refused: TypeError$/); // the frame's CSP allows no connections
      expect(result["open window"]).toBe("null"); // pop-ups are not allowed
      // The page is untouched: address, title, document, storage and cookies.
      await page.waitForTimeout(300);
      const url = new URL(page.url());
      expect(`${url.pathname}${url.search}`).toBe("/scratchpad");
      expect((await cellsFromHash(url.hash))![0]).toBe(attack);
      expect(await page.title()).toBe(title);
      expect(await page.locator(".scratchpad-cell").count()).toBe(3);
      expect(await page.evaluate(() => localStorage.getItem("secret"))).toBe("kept");
      expect((await context.cookies()).map((c) => `${c.name}=${c.value}`)).toEqual(["secret=kept"]);
      expect(context.pages()).toHaveLength(1);
      // And in the sandbox, Plot, console capture and values still work.
      expect(await output(page, 1).locator("svg circle").count()).toBe(3);
      expect(await output(page, 2).locator(".scratchpad-log").allInnerTexts()).toEqual(["logged 2"]);
      expect(await output(page, 2).locator(".scratchpad-text").innerText()).toBe('"done"');
      // The frame's attributes and policy.
      const frame = page.locator("iframe.scratchpad-frame");
      expect(await frame.getAttribute("sandbox")).toBe("allow-scripts");
      expect(await frame.getAttribute("srcdoc")).toMatch(
        /Content-Security-Policy" content="default-src 'none';.*connect-src 'none'/
      );
      // Blocked attempts show up as console errors (CSP, a blocked navigation): nothing else.
      expect(
        view.errors.filter(
          (e) => !/Content Security Policy|connect-src|navigate|sandbox|Unsafe attempt|permission to navigate/i.test(e)
        )
      ).toEqual([]);
      expect(view.externalRequests).toEqual([]);
    } finally {
      await view.close();
    }
  });

  it("a broken link keeps its error message, above the examples", async () => {
    const view = await site.open("/scratchpad#cells=z.this-is-not-deflate", {waitFor: ".scratchpad-cell"});
    try {
      const {page} = view;
      expect(await waitForCells(page)).toEqual(EXAMPLE_CELLS.map(() => "ok"));
      await page.waitForTimeout(500);
      const banner = page.locator(".scratchpad-banner");
      expect(await banner.isVisible()).toBe(true);
      expect(await banner.innerText()).toMatch(
        /^The link's cells could not be read \(encoded cells are not valid deflate data \(the link may be cut short\)\); showing the examples instead\.$/
      );
      view.expectClean();
    } finally {
      await view.close();
    }
  });

  it("round-trips the cells through the URL and through a downloaded file", async () => {
    const cells = ["// ünïcödé and emoji 🧪\nconst w = 8;", "w * w"];
    const view = await openCells(cells);
    try {
      const {page} = view;
      expect(await editorTexts(page)).toEqual(cells);
      expect(await outputText(page, 1)).toBe("64");
      // Download.
      const downloading = page.waitForEvent("download");
      await page.getByRole("button", {name: "Download"}).click();
      const download = await downloading;
      expect(download.suggestedFilename()).toBe("scratchpad.json");
      expect(cellsFromFile(readFileSync(await download.path(), "utf8"))).toEqual(cells);
      // Load a file with other cells: they replace these and run.
      const other = ["const v = Float32Array.of(1, 1, 1, 1);", "Array.from(wht(v))"];
      const choosing = page.waitForEvent("filechooser");
      await page.getByRole("button", {name: "Load file"}).click();
      await (await choosing).setFiles({
        name: "mine.json",
        mimeType: "application/json",
        buffer: Buffer.from(cellsToFile(other))
      });
      await page.waitForFunction(
        () =>
          document.querySelectorAll(".scratchpad-cell").length === 2 &&
          document.querySelectorAll(".scratchpad-cell")[1].textContent?.includes("Array.from")
      );
      await waitForCells(page);
      expect(await editorTexts(page)).toEqual(other);
      expect(await outputText(page, 1)).toBe("Array(4) [4, 0, 0, 0]");
      await page.waitForFunction((h) => location.hash !== h, await hashForCells(cells));
      const url = page.url();
      expect(await cellsFromHash(new URL(url).hash)).toEqual(other);
      // A link to other cells opened in the same tab (only the hash changes) loads them.
      const third = ["const q = 3;", "q * q"];
      await page.evaluate((hash) => (location.hash = hash), await hashForCells(third));
      await page.waitForFunction(() =>
        document.querySelectorAll(".scratchpad-cell")[1]?.textContent?.includes("q * q")
      );
      await waitForCells(page);
      expect(await outputText(page, 1)).toBe("9");
      await page.evaluate((hash) => (location.hash = hash), await hashForCells(other));
      await page.waitForFunction(() =>
        document.querySelectorAll(".scratchpad-cell")[1]?.textContent?.includes("Array.from")
      );
      await waitForCells(page);
      // A fresh page at that URL shows the same cells and values.
      await page.reload();
      await page.waitForSelector(".scratchpad-cell");
      await waitForCells(page);
      expect(await editorTexts(page)).toEqual(other);
      expect(await outputText(page, 1)).toBe("Array(4) [4, 0, 0, 0]");
      view.expectClean();
    } finally {
      await view.close();
    }
  });

  it("the Examples button asks before replacing edited cells", async () => {
    const view = await openCells(["'mine'"]);
    try {
      const {page} = view;
      page.once("dialog", (dialog) => void dialog.dismiss());
      await page.getByRole("button", {name: "Examples"}).click();
      expect(await editorTexts(page)).toEqual(["'mine'"]);
      page.once("dialog", (dialog) => void dialog.accept());
      await page.getByRole("button", {name: "Examples"}).click();
      await page.waitForFunction(
        (n) => document.querySelectorAll(".scratchpad-cell").length === n,
        EXAMPLE_CELLS.length
      );
      expect(await waitForCells(page)).toEqual(EXAMPLE_CELLS.map(() => "ok"));
      expect(await cellsFromHash(await page.evaluate(() => location.hash))).toEqual(EXAMPLE_CELLS);
      view.expectClean();
    } finally {
      await view.close();
    }
  });

  it("an input shown by a cell re-runs the cells after it when it changes", async () => {
    const view = await openCells([
      "const k = Inputs.range([1, 10], {label: 'k', step: 1, value: 2});",
      "k.value * 100"
    ]);
    try {
      const {page} = view;
      expect(await outputText(page, 1)).toBe("200");
      const number = output(page, 0).locator("input[type=number]");
      await number.fill("7");
      await number.dispatchEvent("input");
      await expect.poll(() => outputText(page, 1)).toBe("700");
      expect(await outputText(page, 0)).not.toBe(""); // the input itself is still shown
      view.expectClean();
    } finally {
      await view.close();
    }
  });

  it("adds and deletes cells", async () => {
    const view = await openCells(["1 + 1", "console.log('only a log')"]);
    try {
      const {page} = view;
      expect(await outputText(page, 1)).toBe("only a log"); // not followed by "undefined"
      await page.locator(".scratchpad-cell").nth(1).locator(".scratchpad-delete").click();
      await page.getByRole("button", {name: "+ Add cell"}).click();
      await page.keyboard.insertText("6 * 7");
      await page.keyboard.press("Shift+Enter");
      await page.waitForFunction(
        () => document.querySelectorAll(".scratchpad-cell")[1]?.getAttribute("data-status") === "ok"
      );
      expect(await outputText(page, 1)).toBe("42");
      await page.locator(".scratchpad-cell").first().locator(".scratchpad-delete").click();
      expect(await page.locator(".scratchpad-cell").count()).toBe(1);
      expect(await page.locator(".scratchpad-cell-label").first().innerText()).toBe("[1]");
      await page.waitForFunction(() => location.hash.length > 8);
      view.expectClean();
    } finally {
      await view.close();
    }
  });

  it("follows dark mode and fits a phone", async () => {
    const colors: Record<string, string> = {};
    const frameColors: Record<string, string> = {};
    for (const colorScheme of ["light", "dark"] as const) {
      const view = await openCells(["'x'"], {colorScheme, viewport: PHONE});
      try {
        await settle(view.page);
        colors[colorScheme] = await view.page
          .locator(".cm-editor")
          .first()
          .evaluate((e) => getComputedStyle(e).backgroundColor + " " + getComputedStyle(e).color);
        frameColors[colorScheme] = await output(view.page, 0)
          .locator(".scratchpad-text")
          .evaluate((e) => getComputedStyle(e).color);
        const overflow = await view.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow).toBeLessThanOrEqual(1);
        view.expectClean();
      } finally {
        await view.close();
      }
    }
    expect(colors.dark).not.toBe(colors.light);
    expect(frameColors.dark).not.toBe(frameColors.light); // the outputs' text follows the page's theme
    const brightness = (rgb: string) =>
      rgb
        .match(/\d+/g)!
        .slice(0, 3)
        .reduce((s, v) => s + Number(v), 0);
    expect(brightness(colors.dark.split(") ")[0])).toBeLessThan(brightness(colors.light.split(") ")[0]));
  });
});

const root = fileURLToPath(new URL("../../", import.meta.url));

describe("Authors' page template", () => {
  it("is not published (draft: true keeps it out of the build)", () => {
    expect(existsSync(`${root}src/_template.md`)).toBe(true);
    const dist = resolve(root, process.env.SITE_OUTPUT || "dist");
    expect(existsSync(`${dist}/scratchpad.html`)).toBe(true);
    const published = readdirSync(dist, {recursive: true}).map(String);
    expect(published.filter((f) => f.includes("_template"))).toEqual([]);
  });

  it("copied to a page, builds with the data loader and shows its input, figures and numbers", async () => {
    // A throwaway project beside this one (under the git-ignored tmp/, so node_modules resolve),
    // holding what the steps produce: src/my-experiment.md copied from the template, the data
    // loader, and src/lib linked to the library.
    const project = `${root}tmp/template-check-${process.pid}`;
    rmSync(project, {recursive: true, force: true});
    mkdirSync(`${project}/src/data`, {recursive: true});
    try {
      // Step 1 of the guide: copy the template and delete its `draft: true` line.
      const template = readFileSync(`${root}src/_template.md`, "utf8");
      expect(template).toMatch(/^draft: true$/m);
      writeFileSync(`${project}/src/my-experiment.md`, template.replace(/^draft: true\n/m, ""));
      cpSync(`${root}src/data/example-experiment.json.ts`, `${project}/src/data/example-experiment.json.ts`);
      symlinkSync("../../../lib", `${project}/src/lib`);
      writeFileSync(`${project}/src/index.md`, "# Template check\n");
      writeFileSync(
        `${project}/observablehq.config.js`,
        'export default {root: "src", globalStylesheets: ["observablehq:stdlib/inputs.css"], head: `<link rel="icon" href="data:,">`};\n'
      );
      const build = spawnSync("npx", ["observable", "build"], {
        cwd: project,
        env: {...process.env, OBSERVABLE_TELEMETRY_DISABLE: "true"},
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024
      });
      expect(build.status, `${build.stdout}\n${build.stderr}`.slice(-3000)).toBe(0);
      const loaded = readdirSync(`${project}/dist/_file/data`).filter((f) => f.startsWith("example-experiment"));
      expect(loaded).toHaveLength(1);
      const experiment = JSON.parse(readFileSync(`${project}/dist/_file/data/${loaded[0]}`, "utf8"));
      expect(experiment.rows).toHaveLength(3 * 3 * 40);
      expect(experiment.rows.every((r: {testLoss: number}) => Number.isFinite(r.testLoss))).toBe(true);

      const server = await serveStatic(`${project}/dist`);
      const context = await site.browser().newContext({viewport: DESKTOP});
      const external: string[] = [];
      const errors: string[] = [];
      await context.route("**/*", (route) => {
        const url = route.request().url();
        if (url.startsWith(server.url) || url.startsWith("data:")) return route.continue();
        external.push(url);
        return route.abort();
      });
      try {
        const page = await context.newPage();
        page.on("pageerror", (e) => errors.push(e.message));
        page.on("console", (m) => void (m.type() === "error" && errors.push(m.text())));
        await page.goto(`${server.url}/my-experiment`);
        await page.waitForSelector("#observablehq-main");
        await settle(page);
        const main = page.locator("#observablehq-main");
        await page.waitForFunction(() => document.querySelectorAll("#observablehq-main svg[class^=plot]").length >= 2);
        expect(await main.getByText(/After 40 epochs at width 16 the test accuracy is/).count()).toBe(1);
        const accuracy = Number(/is ([\d.]+)%/.exec(await main.innerText())?.[1]);
        expect(accuracy).toBeGreaterThan(90);
        // The input drives the live figure.
        const before = await main.locator("svg[class^=plot]").first().innerHTML();
        await page.getByLabel("64").check();
        await page.waitForFunction(() =>
          document.querySelector("#observablehq-main")?.textContent?.includes("at width 64")
        );
        expect(await main.locator("svg[class^=plot]").first().innerHTML()).not.toBe(before);
        expect(errors).toEqual([]);
        expect(external).toEqual([]);
      } finally {
        await context.close();
        await server.close();
      }
    } finally {
      rmSync(project, {recursive: true, force: true});
    }
  });
});
