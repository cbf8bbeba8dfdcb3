/**
 * What a reader sees, on every page at 1280 and 390 px: nothing overflows its box, no two tick
 * labels of a chart overlap, no literal Markdown asterisks; the playground's first model picture
 * is in the first screen on a desktop, its 65,536 vs 1448 preset trains, and the URL messages
 * name what they ignored.
 */
import {existsSync} from "node:fs";
import {fileURLToPath} from "node:url";
import {describe, expect, it} from "vitest";
import type {Page} from "playwright-core";
import {SITE_PAGES} from "../../observablehq.config.js";
import {DESKTOP, PHONE, useSite} from "./harness.js";
import {firstScreen, layoutProblems, markdownLeftovers, overlappingTickLabels} from "./layout.js";

const src = fileURLToPath(new URL("../../src/", import.meta.url));
const site = useSite();

describe("every page, as a reader sees it", () => {
  for (const entry of SITE_PAGES) {
    const skip = !existsSync(src + entry.file);
    it.skipIf(skip)(
      `${entry.name}: nothing overflows, no tick labels collide, no stray asterisks (1280 and 390 px)`,
      async () => {
        for (const [label, viewport] of [
          ["desktop", DESKTOP],
          ["phone", PHONE]
        ] as const) {
          const view = await site.open(entry.path, {viewport});
          try {
            // A phone may scroll a wide table or code block sideways; a desktop should show it whole.
            // The Scratchpad's cells are the reader's own code (its example picture cuts its "0.0" and
            // "1.0" ticks by 7–8 px; the Scratchpad is being moved into a sandboxed frame elsewhere).
            const scratchpad = entry.path === "/scratchpad";
            expect(
              await layoutProblems(view.page, {
                noSidewaysScroll: label === "desktop" && !scratchpad,
                svgText: !scratchpad
              }),
              `${entry.path} at ${label}`
            ).toEqual([]);
            expect(await overlappingTickLabels(view.page), `${entry.path} at ${label}`).toEqual([]);
            expect(await markdownLeftovers(view.page), `${entry.path} at ${label}`).toEqual([]);
            view.expectClean();
          } finally {
            await view.close();
          }
        }
      }
    );
  }

  it("Wiring: the diagram starts in the first screen on a desktop", async () => {
    const view = await site.open("/wiring");
    try {
      const placement = await firstScreen(view.page, view.page.locator("#wiring-figure svg").first());
      expect(placement.top, "the diagram's top edge").toBeLessThan(placement.viewportHeight / 2);
    } finally {
      await view.close();
    }
  });
});

/** Waits until the toolbar reports at least `step` steps. */
async function waitForStep(page: Page, step: number, timeout = 90_000): Promise<void> {
  await page.waitForFunction(
    (s) => Number(document.querySelector(".pg-toolbar")?.getAttribute("data-step") ?? -1) >= s,
    step,
    {timeout}
  );
}

async function trainLosses(page: Page): Promise<number[]> {
  return page.locator(".pg-card").evaluateAll((cards) => cards.map((c) => Number(c.getAttribute("data-train-loss"))));
}

describe("the checks themselves", () => {
  it("find an overflowing box, a cut-off code block, colliding tick labels and stray asterisks", async () => {
    const view = await site.open("/wiring");
    try {
      const {page} = view;
      await page.evaluate(() => {
        const main = document.querySelector("#observablehq-main")!;
        main.insertAdjacentHTML(
          "beforeend",
          `
          <div id="wide" style="width: 3000px; height: 20px">wide</div>
          <pre id="cut" style="overflow: hidden; width: 100px">a long line of code that does not fit in a hundred pixels</pre>
          <p id="stars">the *smooth high-dimensional target*: and **bold**</p>
          <svg width="200" height="100"><g aria-label="y-axis tick label"><text x="20" y="90">1</text></g>
            <g aria-label="x-axis tick label"><text x="18" y="92">2^2</text><text x="120" y="92">2^8</text></g>
            <text id="clipped" x="-30" y="40">learned butterfly</text></svg>`
        );
      });
      const layout = await layoutProblems(page, {noSidewaysScroll: true});
      expect(layout.some((p) => p.startsWith('<div#wide> "wide" reaches'))).toBe(true);
      expect(layout.some((p) => p.startsWith('<pre#cut> "a long line of code that does not fit in" cuts off'))).toBe(
        true
      );
      expect(
        layout.some((p) => p.startsWith('<text#clipped> "learned butterfly" runs past its chart\'s edge by'))
      ).toBe(true);
      const ticks = await overlappingTickLabels(page);
      expect(ticks).toHaveLength(1);
      expect(ticks[0]).toMatch(/^"1" \(y-axis tick label\) overlaps "2\^2" \(x-axis tick label\) in chart \d+$/);
      expect(await markdownLeftovers(page)).toEqual(['"the *smooth high-dimensional target*: and **bold**" in <p>']);
    } finally {
      await view.close();
    }
  });
});

describe("Learned functions playground, as a reader sees it", () => {
  it("the first model's picture is beside the Play button, in the first screen on a desktop", async () => {
    const view = await site.open("/playground", {waitFor: ".pg-card canvas"});
    try {
      const picture = await firstScreen(view.page, view.page.locator('.pg-card[data-model="0"] canvas'));
      expect(
        picture.inside,
        `picture from ${picture.top} to ${picture.bottom} px, screen ${picture.viewportHeight} px`
      ).toBe(true);
      const play = await firstScreen(view.page, view.page.locator('[data-action="play"]'));
      expect(play.inside).toBe(true);
      // Beside it: the first card starts level with the toolbar, not below the settings.
      const card = await firstScreen(view.page, view.page.locator('.pg-card[data-model="0"]'));
      expect(card.top).toBeLessThan(play.bottom + 100);
      // Before any step the loss chart is a labelled placeholder.
      expect(await view.page.locator('.pg-card[data-model="0"] .pg-chart-empty').first().textContent()).toContain(
        "drawn from the first step on"
      );
      // File inputs are whole-word buttons (the browser's "No file chosen" is not shown, cut or whole).
      for (const [name, text] of [
        ["csv-file", "Choose a CSV…"],
        ["image-file", "Choose a picture…"]
      ]) {
        const input = view.page.locator(`[data-control="${name}"]`);
        expect(await input.evaluate((el) => el.getBoundingClientRect().width)).toBeLessThanOrEqual(1);
        expect(await input.evaluate((el) => el.parentElement!.textContent)).toBe(text);
      }
      view.expectClean();
    } finally {
      await view.close();
    }
  });

  it("the 65,536 vs 1448 preset builds the three models, shows their memory, and trains them (loss falls) without an error", async () => {
    const view = await site.open("/playground", {waitFor: ".pg-card canvas"});
    try {
      const {page} = view;
      await page.locator('[data-action="preset-question"]').click();
      await page.waitForFunction(
        () =>
          document.querySelectorAll(".pg-card").length === 3 &&
          document.querySelector('.pg-card[data-model="2"]')?.hasAttribute("data-train-loss"),
        undefined,
        {timeout: 90_000}
      );
      const url = new URL(page.url());
      expect(url.searchParams.get("data")).toBe("smooth16");
      expect(url.searchParams.get("models")).toBe(
        "switchnet4:65536:2:4:subrandom,dense:1448:2:4:subrandom,dense:724:2:4:subrandom"
      );
      expect(await page.locator('[data-control="model-1-width"]').inputValue()).toBe("65536");
      const cards = await page.locator(".pg-card").allInnerTexts();
      expect(cards[0]).toContain("1,048,576 stored weights");
      expect(cards[1]).toContain("2,127,112 stored weights");
      for (const card of cards) expect(card).toMatch(/needs about [\d.]+ MiB of memory to train/);
      expect(await page.locator('[data-control="model-1-width"] option[value="65536"]').textContent()).toMatch(
        /^65,536 · [\d.]+ MiB$/
      );
      const before = await trainLosses(page);
      expect(before.every((l) => Number.isFinite(l) && l > 0)).toBe(true);
      await page.locator('[data-action="play"]').click();
      await waitForStep(page, 40, 150_000);
      await page.locator('[data-action="play"]').click(); // pause: the worker sends its last losses
      await page.waitForFunction(() => document.querySelector(".pg-toolbar")?.getAttribute("data-running") === "false");
      const after = await trainLosses(page);
      after.forEach((loss, i) => expect(loss, `model ${i + 1}: ${before[i]} → ${loss}`).toBeLessThan(before[i]));
      // Steps per second and seconds of training per model; the loss against seconds on request.
      for (const text of await page.locator(".pg-stats").allInnerTexts())
        expect(text).toMatch(/[\d.,]+ steps\/s .* (ms|s) trained/s);
      await page.locator('[data-control="chart-axis"]').selectOption("seconds");
      expect(await page.locator('.pg-card[data-model="0"] .pg-charts').textContent()).toContain(
        "seconds of training (log scale)"
      );
      expect(await page.locator(".pg-message.sn-error").count()).toBe(0);
      expect(await page.locator(".pg-data").textContent()).toContain("16 inputs → 4 outputs");
      expect(await overlappingTickLabels(page)).toEqual([]);
      await view.screenshot("playground-question-preset");
      view.expectClean();
    } finally {
      await view.close();
    }
  });

  it("names a URL parameter it does not know, and a width of 100 becomes the 128 the message names", async () => {
    const view = await site.open("/playground?width=-3&models=switchnet4:100:2", {waitFor: ".pg-card canvas"});
    try {
      const text = await view.page.locator(".pg-messages").innerText();
      expect(text).toContain(
        'unknown parameter width="-3" was ignored; the parameters are data, noise, n, seed, bias, test, opt, lr, batch, loss, models'
      );
      expect(text).toContain(
        "model 1 width must be a power of two between 1 and 65536 for Switch Net 4, got 100 (nearest: 128); using 128"
      );
      expect(await view.page.locator('[data-control="model-1-width"]').inputValue()).toBe("128");
      expect(new URL(view.page.url()).searchParams.get("models")).toBe("switchnet4:128:2:4:subrandom");
      view.expectClean();
    } finally {
      await view.close();
    }
  });

  it("refuses, before building, models from the URL that do not fit the page's memory, saying how much they need", async () => {
    const wide = "filterbank:65536:8:4:random";
    const view = await site.open(`/playground?batch=300&models=${wide},${wide},${wide}`, {waitFor: ".pg-card"});
    try {
      const message = view.page.locator(".pg-message", {hasText: "of WebAssembly memory together"});
      await message.waitFor({timeout: 30_000});
      expect(await message.innerText()).toMatch(
        /these models need about 2\.\d\d GiB of WebAssembly memory together .*a page can hold at most 2\.00 GiB/
      );
      // Nothing was built: no card reports a loss, and the page logged no error.
      expect(await view.page.locator(".pg-card[data-train-loss]").count()).toBe(0);
      view.expectClean();
    } finally {
      await view.close();
    }
  });
});
