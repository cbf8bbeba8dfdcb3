/**
 * Browser tests of the built site: every page loads cleanly (no console error, no request to
 * another host) and looks right at desktop and phone widths; on the Overview, Wiring, Weights
 * and Throughput pages moving a control changes the figure, and URL state round-trips.
 */
import {existsSync} from "node:fs";
import {fileURLToPath} from "node:url";
import {describe, expect, it} from "vitest";
import {SITE_PAGES} from "../../observablehq.config.js";
import {figureSignature, settle, setInputValue, useSite} from "./harness.js";

const src = fileURLToPath(new URL("../../src/", import.meta.url));
const site = useSite();

describe("every page", () => {
  for (const page of SITE_PAGES) {
    const exists = existsSync(src + page.file);
    it.skipIf(!exists)(`${page.name} (${page.path}) loads cleanly at desktop and phone widths`, async () => {
      const shots = await site.shoot(page.path, `page${page.path === "/" ? "-index" : page.path.replace(/\//g, "-")}`);
      expect(shots).toHaveLength(2);
    });
  }
});

describe("Overview", () => {
  it("redraws the cost figure when m changes and the WHT figure when an input moves", async () => {
    const view = await site.open("/");
    try {
      const cost = view.page.locator("#cost-figure");
      const before = await figureSignature(cost);
      await view.page.getByLabel("mini layer size m").selectOption({label: "16"});
      await settle(view.page);
      expect(await figureSignature(cost)).not.toBe(before);
      expect(await cost.textContent()).toContain("m = 16");
      const demo = view.page.locator("#wht-figure");
      const demoBefore = await figureSignature(demo);
      await setInputValue(view.page.getByRole("spinbutton", {name: "set x[i] to"}), "-2.5");
      await settle(view.page);
      const demoAfter = await figureSignature(demo);
      expect(demoAfter).not.toBe(demoBefore);
      // The norm printed for x and for its normalised WHT stays equal.
      const norms = (await demo.textContent())!.match(/‖·‖ = ([0-9.]+)/g)!;
      expect(norms).toHaveLength(2);
      expect(norms[0]).toBe(norms[1]);
      view.expectClean();
    } finally {
      await view.close();
    }
  });

  it("keeps its settings in the URL, restores them, and explains bad values", async () => {
    const good = await site.open("/?m=8&i=3&v=-1.5");
    try {
      expect(
        await good.page
          .getByLabel("mini layer size m")
          .evaluate((s) => (s as HTMLSelectElement).selectedOptions[0].textContent)
      ).toBe("8");
      expect(await good.page.getByRole("spinbutton", {name: "change input i"}).inputValue()).toBe("3");
      expect(await good.page.getByRole("spinbutton", {name: "set x[i] to"}).inputValue()).toBe("-1.5");
      expect(await good.page.locator("#wht-figure").textContent()).toContain("x[3] highlighted");
      expect(await good.page.locator(".sn-error").count()).toBe(0);
      good.expectClean();
    } finally {
      await good.close();
    }
    const bad = await site.open("/?m=3&i=99&v=9");
    try {
      const text = await bad.page.locator(".sn-error[role=alert]").textContent();
      expect(text).toContain("m must be a power of two from 1 to 16; using 4");
      expect(text).toContain("i must be an integer from 0 to 15; using 5");
      expect(text).toContain("v must be a number from -3 to 3; using 2");
      const cost = bad.page.locator("#cost-figure");
      const before = await figureSignature(cost);
      await bad.page.getByLabel("mini layer size m").selectOption({label: "2"});
      await settle(bad.page);
      expect(await figureSignature(cost)).not.toBe(before);
      expect(bad.page.url()).toContain("m=2");
      bad.expectClean();
    } finally {
      await bad.close();
    }
  });

  it("links to every page of the site", async () => {
    const view = await site.open("/");
    try {
      const hrefs = await view.page
        .locator("#observablehq-main a[href]")
        .evaluateAll((links) => links.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
      for (const page of SITE_PAGES.filter((p) => p.path !== "/" && existsSync(src + p.file))) {
        expect(hrefs, `a link to ${page.path}`).toContain(page.path);
      }
      view.expectClean();
    } finally {
      await view.close();
    }
  });
});

describe("Wiring", () => {
  it("redraws the diagram when the width, the combiner mode or the input vector changes", async () => {
    const view = await site.open("/wiring");
    try {
      const figure = view.page.locator("#wiring-figure");
      const before = await figureSignature(figure);
      await view.page.getByLabel("32").check();
      await settle(view.page);
      const wider = await figureSignature(figure);
      expect(wider).not.toBe(before);
      expect(await figure.locator("svg.sn-bfly circle").count()).toBeGreaterThan(await countCircles(before));
      await view.page.getByLabel("full WHT").check();
      await settle(view.page);
      const full = await figureSignature(figure);
      expect(full).not.toBe(wider);
      const states = view.page.locator("#switch-states");
      const statesBefore = await states.textContent();
      await setInputValue(view.page.getByLabel("input x"), "-1, -2, -3, -4, 5, 6, 7, 8, -9, 10");
      await settle(view.page);
      expect(await states.textContent()).not.toBe(statesBefore);
      expect(await figureSignature(figure)).not.toBe(full);
      expect(view.page.url()).toContain("width=32");
      expect(view.page.url()).toContain("mode=full");
      view.expectClean();
    } finally {
      await view.close();
    }
  });

  it("lights up an input's paths on hover and tap", async () => {
    const view = await site.open("/wiring?width=16");
    try {
      const svg = view.page.locator("#wiring-figure svg.sn-bfly");
      const before = await figureSignature(svg);
      await svg.locator("rect.hit[data-row='3']").click();
      const lit = await figureSignature(svg);
      expect(lit).not.toBe(before);
      expect(await svg.getAttribute("data-highlight")).toBe("3");
      // Input 3 reaches every node of the last column.
      const lastX = await svg.locator("circle").last().getAttribute("cx");
      const litLast = await svg.locator(`circle.on[cx="${lastX}"]`).count();
      expect(litLast).toBe(16);
      expect(view.page.url()).toContain("input=3");
      // Keyboard: focus another input and press Enter to move the pin there.
      await svg.locator("rect.hit[data-row='9']").focus();
      await view.page.keyboard.press("Enter");
      expect(await svg.getAttribute("data-highlight")).toBe("9");
      expect(view.page.url()).toContain("input=9");
      view.expectClean();
    } finally {
      await view.close();
    }
  });

  it("restores its controls from the URL", async () => {
    const view = await site.open("/wiring?width=8&m=2&mode=full&flips=random&seed=7&x=1,-1,2&input=6");
    try {
      const page = view.page;
      expect(await page.getByLabel("8", {exact: true}).isChecked()).toBe(true);
      expect(await page.getByLabel("full WHT").isChecked()).toBe(true);
      expect(await page.getByLabel("random", {exact: true}).isChecked()).toBe(true);
      expect(await page.getByLabel("flip seed").inputValue()).toBe("7");
      expect(await page.getByLabel("input x").inputValue()).toBe("1, -1, 2");
      expect(
        await page.getByLabel("mini layer m").evaluate((s) => (s as HTMLSelectElement).selectedOptions[0].textContent)
      ).toBe("2");
      expect(await page.locator("#wiring-figure svg.sn-bfly circle").count()).toBe(8 * 9); // 8 rows × (x, flips, 3 WHT stages, mini, 3 full-combiner stages)
      expect(await page.locator(".sn-error").count()).toBe(0);
      expect(await page.locator("#wiring-figure svg.sn-bfly").getAttribute("data-highlight")).toBe("6");
      view.expectClean();
    } finally {
      await view.close();
    }
  });

  it("explains out-of-range URL values and keeps working with the defaults", async () => {
    const view = await site.open("/wiring?width=100&mode=sideways&x=1,banana");
    try {
      const message = view.page.locator(".sn-error[role=alert]");
      await expect.poll(() => message.textContent()).toContain("width must be a power of two from 4 to 64; using 16");
      expect(await message.textContent()).toContain("mode must be one of truncated, full");
      expect(await message.textContent()).toContain('entry 2 ("banana") is not a finite number');
      expect(await view.page.getByLabel("16", {exact: true}).isChecked()).toBe(true);
      const figure = view.page.locator("#wiring-figure");
      const before = await figureSignature(figure);
      await view.page.getByLabel("8", {exact: true}).check();
      await settle(view.page);
      expect(await figureSignature(figure)).not.toBe(before);
      view.expectClean();
    } finally {
      await view.close();
    }
  });

  it("says so when the input vector is not a list of numbers, and keeps the figure", async () => {
    const view = await site.open("/wiring");
    try {
      await setInputValue(view.page.getByLabel("input x"), "1, 2, three");
      await settle(view.page);
      expect(await view.page.locator("#x-message").textContent()).toContain('entry 3 ("three") is not a finite number');
      expect(await view.page.locator("#wiring-figure svg.sn-bfly").count()).toBe(1);
      view.expectClean();
    } finally {
      await view.close();
    }
  });
});

describe("Weights per input point", () => {
  it("moves the marked width and the partner when the slider moves, and redraws for another m", async () => {
    const view = await site.open("/weights");
    try {
      const figure = view.page.locator("#weights-figure");
      const before = await figureSignature(figure);
      expect(await view.page.locator("#partner").textContent()).toMatch(/65,536[\s\S]*2,097,152[\s\S]*1,448/);
      await setInputValue(view.page.getByRole("spinbutton", {name: "width W = 2^k, k"}), "10");
      await settle(view.page);
      expect(await figureSignature(figure)).not.toBe(before);
      expect(await view.page.locator("#partner").textContent()).toContain("1,024");
      const at1024 = await figureSignature(figure);
      await view.page.getByLabel("mini layer m").selectOption({label: "8"});
      await settle(view.page);
      expect(await figureSignature(figure)).not.toBe(at1024);
      expect(view.page.url()).toContain("w=1024");
      expect(view.page.url()).toContain("m=8");
      view.expectClean();
    } finally {
      await view.close();
    }
  });

  it("finds the Switch Net 4 partner of a dense width and sorts the table", async () => {
    const view = await site.open("/weights?dense=314");
    try {
      expect(await view.page.locator("#dense-partner").textContent()).toMatch(/width 314[\s\S]*width 4,096/);
      const firstCell = () => view.page.locator("#weights-table tbody tr").first().locator("td").nth(1).textContent();
      expect((await firstCell())!.trim()).toBe("4");
      // Sorting by edges: the first click sorts one way, the second the other.
      const header = view.page.locator("#weights-table thead th", {hasText: "edges (layer)"});
      await header.click();
      const once = (await firstCell())!.trim();
      await header.click();
      const twice = (await firstCell())!.trim();
      expect([once, twice].sort()).toEqual(["1,048,576", "4"]);
      view.expectClean();
    } finally {
      await view.close();
    }
  });

  it("restores controls from the URL and explains out-of-range values", async () => {
    const good = await site.open("/weights?w=256&m=2&dense=100");
    try {
      expect(await good.page.getByRole("spinbutton", {name: "width W = 2^k, k"}).inputValue()).toBe("8");
      expect(
        await good.page
          .getByLabel("mini layer m")
          .evaluate((s) => (s as HTMLSelectElement).selectedOptions[0].textContent)
      ).toBe("2");
      expect(await good.page.getByLabel("dense width").inputValue()).toBe("100");
      expect(await good.page.locator(".sn-error").count()).toBe(0);
      good.expectClean();
    } finally {
      await good.close();
    }
    const bad = await site.open("/weights?w=100&m=3&dense=-5");
    try {
      const text = await bad.page.locator(".sn-error[role=alert]").textContent();
      expect(text).toContain("w must be a power of two from 4 to 1048576; using 65536");
      expect(text).toContain("m must be a power of two from 1 to 16; using 4");
      expect(text).toContain("dense must be an integer from 2 to 100000; using 1448");
      expect(await bad.page.locator("#partner").textContent()).toContain("65,536");
      await setInputValue(bad.page.getByLabel("dense width"), "0.5");
      await settle(bad.page);
      expect(await bad.page.locator("#dense-message").textContent()).toContain("whole number from 2 to 100,000");
      bad.expectClean();
    } finally {
      await bad.close();
    }
  });
});

describe("Throughput", () => {
  it("switches between transforms per second and ns per element, and hides the anchor lines", async () => {
    const view = await site.open("/throughput");
    try {
      const figure = view.page.locator("#throughput-figure");
      const before = await figureSignature(figure);
      expect(await figure.textContent()).toContain("transforms per second");
      await view.page.getByLabel("ns per element").check();
      await settle(view.page);
      const ns = await figureSignature(figure);
      expect(ns).not.toBe(before);
      expect(await figure.textContent()).toContain("nanoseconds per element");
      await view.page.getByLabel("show anchor lines").uncheck();
      await settle(view.page);
      expect(await figureSignature(figure)).not.toBe(ns);
      expect(view.page.url()).toContain("metric=ns");
      expect(view.page.url()).toContain("anchors=off");
      // The build machine is described.
      expect(await view.page.locator("#machine").textContent()).toMatch(/Node v\d+/);
      view.expectClean();
    } finally {
      await view.close();
    }
  });

  it("runs the benchmark in a worker with a progress bar and draws the browser's curves", async () => {
    const view = await site.open("/throughput");
    try {
      const figure = view.page.locator("#throughput-figure");
      const before = await figureSignature(figure);
      expect(await view.page.locator("#layer-figure").textContent()).not.toContain("this browser");
      const runner = view.page.locator(".sn-runner");
      await runner.getByRole("button", {name: "Run in this browser"}).click();
      await expect.poll(() => runner.getAttribute("data-state"), {timeout: 5_000}).toBe("running");
      await expect.poll(() => runner.getAttribute("data-state"), {timeout: 110_000, interval: 500}).toBe("done");
      expect(
        await runner
          .locator("progress")
          .evaluate((p) => (p as HTMLProgressElement).value / (p as HTMLProgressElement).max)
      ).toBe(1);
      await settle(view.page);
      const after = await figureSignature(figure);
      expect(after).not.toBe(before);
      expect(await figure.textContent()).toContain("dashed: this browser");
      // The layer timings from the browser join the build machine's.
      const layer = view.page.locator("#layer-figure");
      expect(await layer.textContent()).toContain("this browser · wasm-simd · batch 1");
      expect(await view.page.locator("#layer-ratios").textContent()).toMatch(
        /This browser, js, batch 1: Switch Net 4 runs/
      );
      view.expectClean();
    } finally {
      await view.close();
    }
  });

  it("stops a running benchmark and can run it again", async () => {
    const view = await site.open("/throughput");
    try {
      const figure = view.page.locator("#throughput-figure");
      const before = await figureSignature(figure);
      const runner = view.page.locator(".sn-runner");
      await runner.getByRole("button", {name: "Run in this browser"}).click();
      await expect.poll(() => runner.getAttribute("data-state"), {timeout: 5_000}).toBe("running");
      await runner.getByRole("button", {name: "Stop"}).click();
      expect(await runner.getAttribute("data-state")).toBe("stopped");
      expect(await runner.locator("[data-status]").textContent()).toContain("Stopped");
      expect(await runner.getByRole("button", {name: "Run in this browser"}).isEnabled()).toBe(true);
      expect(await figureSignature(figure)).toBe(before);
      view.expectClean();
    } finally {
      await view.close();
    }
  });

  it("restores its controls from the URL and explains a bad value", async () => {
    const good = await site.open("/throughput?metric=ns&anchors=off");
    try {
      expect(await good.page.getByLabel("ns per element").isChecked()).toBe(true);
      expect(await good.page.getByLabel("show anchor lines").isChecked()).toBe(false);
      good.expectClean();
    } finally {
      await good.close();
    }
    const bad = await site.open("/throughput?metric=speed");
    try {
      expect(await bad.page.locator(".sn-error[role=alert]").textContent()).toContain(
        "metric must be one of rate, ns; using rate"
      );
      expect(await bad.page.getByLabel("transforms per second").isChecked()).toBe(true);
      bad.expectClean();
    } finally {
      await bad.close();
    }
  });
});

function countCircles(svgMarkup: string): number {
  return (svgMarkup.match(/<circle/g) ?? []).length;
}

describe("Capacity", () => {
  it("leads with the answer table in the first screen, fits five screens, and redraws the projection figure per input", async () => {
    const view = await site.open("/capacity");
    try {
      const table = view.page.locator("#answer-table");
      // Three tasks by three budgets, whatever has finished so far.
      expect(await table.locator("tbody tr").count()).toBe(3);
      expect(await table.locator("thead th").count()).toBe(4);
      const box = await table.boundingBox();
      const viewport = view.page.viewportSize()!;
      expect(box).not.toBeNull();
      expect(box!.y).toBeLessThan(viewport.height); // its top is in the first screen on a desktop
      expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width);
      expect(await table.textContent()).toMatch(/equal connections/);
      // The figure of every run starts in the first screen too, once runs exist (the committed results have some).
      const seedFigure = await view.page.locator("#seedpoint-figure").boundingBox();
      expect(seedFigure).not.toBeNull();
      expect(seedFigure!.y).toBeLessThan(viewport.height);
      const figure = view.page.locator("#diversity-figure");
      const picture = await figureSignature(figure);
      expect(countCircles(picture)).toBeGreaterThanOrEqual(2 * 3 * 6); // two panels × three settings × six widths
      await view.page.getByLabel(/^17 values/).check();
      await settle(view.page);
      expect(await figureSignature(figure)).not.toBe(picture);
      // At most five screens on a desktop with the details folded (the aim; 3742 px on 2026-12-02).
      const height = await view.page.evaluate(() => document.documentElement.scrollHeight);
      expect(height).toBeLessThanOrEqual(5 * viewport.height);
      expect(await view.page.locator("main details[open]").count()).toBe(0);
      const text = await view.page.locator("main").textContent();
      expect(text).not.toMatch(/\*[a-z]/); // no literal Markdown asterisks
      view.expectClean();
    } finally {
      await view.close();
    }
  });
});
