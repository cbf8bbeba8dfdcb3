// @vitest-environment jsdom
import {describe, expect, it, vi} from "vitest";
import type {Snapshot} from "../../../src/components/playground/engine.js";
import {createToolbar, STEP_COUNTS} from "../../../src/components/playground/toolbar.js";

describe("playground toolbar", () => {
  it("plays, pauses and steps through its actions, and shows the step and the rate", () => {
    const actions = {onPlayPause: vi.fn(), onStep: vi.fn(), onReset: vi.fn(), onDismiss: vi.fn()};
    const toolbar = createToolbar(actions);
    const button = (a: string) => toolbar.root.querySelector<HTMLButtonElement>(`[data-action="${a}"]`)!;
    const count = toolbar.root.querySelector<HTMLSelectElement>('[data-control="step-count"]')!;
    expect(Array.from(count.options, (o) => o.value)).toEqual(STEP_COUNTS.map(String));
    toolbar.update({playing: false, ready: false}, null, 0);
    expect(button("play").disabled).toBe(true);
    expect(button("step").disabled).toBe(true);
    toolbar.update({playing: true, ready: true}, {step: 12345, models: []} as Snapshot, 1234.6);
    expect(button("play").textContent).toBe("❚❚ Pause");
    expect(button("play").getAttribute("aria-pressed")).toBe("true");
    expect(toolbar.root.querySelector(".pg-step")?.textContent).toBe("step 12,345");
    expect(toolbar.root.dataset.step).toBe("12345");
    expect(toolbar.root.querySelector(".pg-rate")?.textContent).toBe("1,235 steps/s (all models)");
    toolbar.update({playing: false, ready: true}, null, null); // the rate stays until told
    expect(button("play").textContent).toBe("▶ Play");
    expect(toolbar.root.querySelector(".pg-rate")?.textContent).toBe("1,235 steps/s (all models)");
    toolbar.update({playing: false, ready: true}, null, 0);
    expect(toolbar.root.querySelector(".pg-rate")?.textContent).toBe("");
    toolbar.setRunning(false);
    expect(toolbar.root.dataset.running).toBe("false");
    count.value = "100";
    button("step").click();
    button("play").click();
    button("reset").click();
    button("dismiss").click();
    expect(actions.onStep).toHaveBeenCalledWith(100);
    const calls = [actions.onPlayPause, actions.onReset, actions.onDismiss].map((f) => f.mock.calls.length);
    expect(calls).toEqual([1, 1, 1]);
  });

  it("shows the threads training runs on, or on one thread why, with the same-numbers note", () => {
    const toolbar = createToolbar({onPlayPause: vi.fn(), onStep: vi.fn(), onReset: vi.fn(), onDismiss: vi.fn()});
    const line = toolbar.threadsLine;
    expect(line.hidden).toBe(true); // until the worker says
    toolbar.setThreads({threads: 2, wanted: 2, reason: null});
    expect(line.hidden).toBe(false);
    expect(line.dataset.threads).toBe("2");
    expect(line.textContent).toBe(
      "Training on 2 threads. Any thread count trains to the same bits: a shared URL gives these numbers on any machine with the same kernels."
    );
    toolbar.setThreads({threads: 1, wanted: 4, reason: "the page is not cross-origin isolated"});
    expect(line.dataset.threads).toBe("1");
    expect(line.querySelector(".pg-threads-count")?.textContent).toBe(
      "Training on 1 thread: the page is not cross-origin isolated."
    );
    toolbar.setThreads(null);
    expect(line.hidden).toBe(true);
    expect(line.dataset.threads).toBeUndefined();
  });
});
