// @vitest-environment jsdom
import {describe, expect, it} from "vitest";
import {createBanners} from "../../../src/components/playground/banners.js";

describe("playground banners", () => {
  it("show each text once until dismissed, errors and notes apart", () => {
    const banners = createBanners();
    banners.show("bad width");
    banners.show("bad width");
    banners.show("using mse", "note");
    const items = () => Array.from(banners.root.children) as HTMLElement[];
    expect(items().map((e) => [e.className, e.firstChild?.textContent])).toEqual([
      ["pg-message sn-error", "bad width"],
      ["pg-message pg-note", "using mse"]
    ]);
    expect(banners.root.getAttribute("role")).toBe("alert");
    items()[0].querySelector<HTMLButtonElement>(".pg-dismiss")!.click();
    expect(items().length).toBe(1);
    banners.show("bad width"); // dismissed, so it may come back
    expect(items().length).toBe(2);
    banners.clear();
    expect(items().length).toBe(0);
    banners.show("using mse", "note");
    expect(items().length).toBe(1);
  });
});
