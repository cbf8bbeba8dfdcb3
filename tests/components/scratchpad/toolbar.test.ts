// @vitest-environment jsdom
import {describe, expect, it, vi} from "vitest";
import {createToolbar} from "../../../src/components/scratchpad/toolbar.js";

describe("Scratchpad toolbar", () => {
  it("has its buttons in order, each calling its action; Stop only while cells run", () => {
    const actions = {
      onRunAll: vi.fn(),
      onStop: vi.fn(),
      onShare: vi.fn(),
      onDownload: vi.fn(),
      onFile: vi.fn(),
      onExamples: vi.fn()
    };
    const toolbar = createToolbar(document, actions);
    const buttons = Array.from(toolbar.root.querySelectorAll("button"));
    expect(buttons.map((b) => b.textContent)).toEqual([
      "Run all",
      "Stop",
      "Copy link",
      "Download",
      "Load file",
      "Examples"
    ]);
    expect(buttons.every((b) => b.type === "button" && b.title !== "")).toBe(true);
    expect(toolbar.root.getAttribute("role")).toBe("toolbar");
    for (const b of buttons) b.click();
    for (const f of [actions.onRunAll, actions.onStop, actions.onShare, actions.onDownload, actions.onExamples]) {
      expect(f).toHaveBeenCalledTimes(1);
    }
    toolbar.setRunning(false);
    expect(buttons[1].disabled).toBe(true);
    toolbar.setRunning(true);
    expect(buttons[1].disabled).toBe(false);
  });

  it("Load file opens the hidden file input, whose chosen file goes to onFile", () => {
    const onFile = vi.fn();
    const toolbar = createToolbar(document, {
      onRunAll: vi.fn(),
      onStop: vi.fn(),
      onShare: vi.fn(),
      onDownload: vi.fn(),
      onFile,
      onExamples: vi.fn()
    });
    const input = toolbar.root.querySelector<HTMLInputElement>("input[type=file]")!;
    expect(input.hidden).toBe(true);
    const click = vi.spyOn(input, "click").mockImplementation(() => undefined);
    Array.from(toolbar.root.querySelectorAll("button"))
      .find((b) => b.textContent === "Load file")!
      .click();
    expect(click).toHaveBeenCalledTimes(1);
    const file = new File(["[]"], "cells.json");
    Object.defineProperty(input, "files", {value: [file], configurable: true});
    input.dispatchEvent(new Event("change"));
    expect(onFile).toHaveBeenCalledWith(file);
    Object.defineProperty(input, "files", {value: [], configurable: true});
    input.dispatchEvent(new Event("change"));
    expect(onFile).toHaveBeenCalledTimes(1);
  });

  it("says what happened, and shows or hides its banner", () => {
    const toolbar = createToolbar(document, {
      onRunAll: vi.fn(),
      onStop: vi.fn(),
      onShare: vi.fn(),
      onDownload: vi.fn(),
      onFile: vi.fn(),
      onExamples: vi.fn()
    });
    toolbar.say("Stopped.");
    expect(toolbar.root.querySelector(".scratchpad-message")?.textContent).toBe("Stopped.");
    expect(toolbar.banner.hidden).toBe(true);
    toolbar.showBanner("Could not load x.json: not a Scratchpad file");
    expect(toolbar.banner.hidden).toBe(false);
    expect(toolbar.banner.textContent).toBe("Could not load x.json: not a Scratchpad file");
    toolbar.showBanner(null);
    expect(toolbar.banner.hidden).toBe(true);
    expect(toolbar.banner.textContent).toBe("");
  });
});
