// The Scratchpad's sandbox, in Node: the frame's attributes and policy, and the runtime that runs
// inside it (frame.ts) driven by messages as the page sends them, in a jsdom window
// whose parent is another jsdom window. The browser test (tests/browser/scratchpad.test.ts) checks
// the isolation itself in Chromium.
import {describe, expect, it} from "vitest";
// @ts-expect-error -- jsdom (installed with Framework) ships no type declarations
import {JSDOM} from "jsdom";
import {FRAME_CSP, FRAME_HTML, FRAME_SANDBOX} from "../../../src/components/scratchpad/sandbox.js";
import {startFrameRuntime} from "../../../src/components/scratchpad/frame.js";

describe("the frame's attributes and policy", () => {
  it("allows scripts only: no same origin, no top navigation, no pop-ups, no forms", () => {
    expect(FRAME_SANDBOX).toBe("allow-scripts");
  });

  it("allows no network and nothing from another host", () => {
    const rules = Object.fromEntries(
      FRAME_CSP.split("; ").map((rule) => [rule.split(" ")[0], rule.split(" ").slice(1)])
    );
    expect(rules["default-src"]).toEqual(["'none'"]);
    expect(rules["connect-src"]).toEqual(["'none'"]);
    expect(rules["img-src"]).toEqual(["data:", "blob:"]);
    expect(rules["form-action"]).toEqual(["'none'"]);
    for (const sources of Object.values(rules))
      for (const source of sources) expect(source).not.toMatch(/^https?:|^\*$/);
    expect(FRAME_HTML).toContain(`<meta http-equiv="Content-Security-Policy" content="${FRAME_CSP}">`);
    // The bootstrap takes the runtime only from its parent, once.
    expect(FRAME_HTML).toMatch(/event\.source !== parent/);
    expect(FRAME_HTML).toMatch(/removeEventListener\("message", boot\)/);
  });
});

type Message = Record<string, unknown>;

/** A frame window (jsdom) whose parent is another jsdom window that records what it is sent. */
function frameWithParent() {
  const parent = new JSDOM("<!doctype html><body></body>").window;
  const frame = new JSDOM("<!doctype html><head></head><body></body>", {pretendToBeVisual: true}).window;
  const received: Message[] = [];
  parent.postMessage = ((message: Message) => void received.push(message)) as typeof parent.postMessage;
  Object.defineProperty(frame, "parent", {value: parent, configurable: true});
  frame.MessageChannel = globalThis.MessageChannel; // jsdom has none; Node's serves
  (frame as unknown as {ResizeObserver: unknown}).ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
  const stop = startFrameRuntime(frame as unknown as Window & typeof globalThis);
  const send = (data: Message, source: unknown = parent) =>
    frame.dispatchEvent(new frame.MessageEvent("message", {data, source: source as never}));
  const until = async (test: () => boolean, ms = 5000) => {
    const end = Date.now() + ms;
    while (!test()) {
      if (Date.now() > end) throw new Error(`timed out; received ${JSON.stringify(received.slice(-5))}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const statuses = () => {
    const last = new Map<number, string>();
    for (const m of received) if (m.type === "status") last.set(m.id as number, m.status as string);
    return last;
  };
  const boxes = () => Array.from(frame.document.querySelectorAll(".scratchpad-output")) as HTMLElement[];
  return {parent, frame, received, send, until, statuses, boxes, stop};
}

describe("the runtime inside the frame", () => {
  it("says it started, runs the cells it is sent, and reports statuses, heights and the end of the run", async () => {
    const f = frameWithParent();
    try {
      expect(f.received[0]).toEqual({type: "started"});
      f.send({type: "init", timeLimitMs: 1000});
      f.send({
        type: "run",
        seq: 7,
        from: 0,
        cells: [
          {id: 11, source: "const a = 6;\na"},
          {id: 12, source: "console.log('hi', a);\na * 7"},
          {id: 13, source: "nope()"}
        ]
      });
      await f.until(() => f.received.some((m) => m.type === "ran" && m.seq === 7));
      expect([...f.statuses()]).toEqual([
        [11, "ok"],
        [12, "ok"],
        [13, "error"]
      ]);
      const boxes = f.boxes();
      expect(boxes.map((b) => b.dataset.id)).toEqual(["11", "12", "13"]);
      expect(boxes[0].textContent).toBe("6");
      expect(boxes[1].querySelector(".scratchpad-log")?.textContent).toBe("hi 6");
      expect(boxes[1].querySelector(".scratchpad-text")?.textContent).toBe("42");
      expect(boxes[2].textContent).toMatch(/^ReferenceError: nope is not defined/);
      // Each status message about a cell came with its height (jsdom lays nothing out: 0).
      expect(f.received.filter((m) => m.type === "size").map((m) => m.id)).toEqual(
        expect.arrayContaining([11, 12, 13])
      );
      expect(f.received.filter((m) => m.type === "running").map((m) => m.running)).toEqual([true, false]);
      // Layout: each box goes to the top the page gives it.
      f.send({type: "layout", tops: {11: 10, 12: 200, 13: 400.5}});
      expect(boxes.map((b) => b.style.top)).toEqual(["10px", "200px", "400.5px"]);
    } finally {
      f.stop();
    }
  });

  it("keeps the names of cells it keeps when the page edits, adds or removes cells, and follows the page's order", async () => {
    const f = frameWithParent();
    try {
      f.send({
        type: "run",
        seq: 1,
        from: 0,
        cells: [
          {id: 1, source: "const a = 2;"},
          {id: 2, source: "a + 1"}
        ]
      });
      await f.until(() => f.received.some((m) => m.type === "ran" && m.seq === 1));
      // A cell inserted before cell 2, then only cell 2 runs: it still sees `a` from cell 1.
      f.send({
        type: "run",
        seq: 2,
        from: 2,
        cells: [
          {id: 1, source: "const a = 2;"},
          {id: 3, source: "const b = 10;"},
          {id: 2, source: "a * 100"}
        ]
      });
      await f.until(() => f.received.some((m) => m.type === "ran" && m.seq === 2));
      expect(f.boxes().map((b) => b.dataset.id)).toEqual(["1", "3", "2"]);
      expect(f.boxes()[2].textContent).toBe("200");
      // Removing a cell removes its output.
      f.send({
        type: "cells",
        cells: [
          {id: 1, source: "const a = 2;"},
          {id: 2, source: "a * 100"}
        ]
      });
      expect(f.boxes().map((b) => b.dataset.id)).toEqual(["1", "2"]);
      // An all-new list (examples, a file) replaces everything.
      f.send({type: "cells", cells: [{id: 9, source: "'new'"}]});
      expect(f.boxes().map((b) => b.dataset.id)).toEqual(["9"]);
    } finally {
      f.stop();
    }
  });

  it("stops a loop that yields at Stop, and marks the cells a restart stopped", async () => {
    const f = frameWithParent();
    try {
      f.send({
        type: "run",
        seq: 1,
        from: 0,
        cells: [
          {id: 1, source: "let n = 0;\nwhile (true) { n++; await tick() }"},
          {id: 2, source: "'after'"}
        ]
      });
      await f.until(() => f.statuses().get(1) === "running");
      f.send({type: "stop"});
      await f.until(() => f.received.some((m) => m.type === "ran" && m.seq === 1));
      expect([...f.statuses()]).toEqual([
        [1, "stopped"],
        [2, "stopped"]
      ]);
      expect(f.boxes()[0].textContent).toBe("StoppedError: stopped");
      // What the page sends to a fresh frame after replacing a frame that never paused.
      const g = frameWithParent();
      try {
        g.send({
          type: "run",
          seq: 5,
          from: 0,
          to: 1,
          stoppedFrom: 1,
          cells: [
            {id: 1, source: "'above'"},
            {id: 2, source: "while (true) {}"},
            {id: 3, source: "'below'"}
          ]
        });
        await g.until(() => g.received.some((m) => m.type === "ran" && m.seq === 5));
        expect([...g.statuses()]).toEqual([
          [2, "stopped"],
          [3, "stopped"],
          [1, "ok"]
        ]);
        expect(g.boxes()[1].textContent).toMatch(
          /^StoppedError: stopped \(the cell did not pause, so Stop restarted its sandbox/
        );
      } finally {
        g.stop();
      }
    } finally {
      f.stop();
    }
  });

  it("listens to its parent only", async () => {
    const f = frameWithParent();
    try {
      const stranger = new JSDOM("<!doctype html>").window;
      f.send({type: "run", seq: 1, from: 0, cells: [{id: 1, source: "1 + 1"}]}, stranger);
      f.send({type: "run", seq: 1, from: 0, cells: [{id: 1, source: "1 + 1"}]}, null);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(f.received).toEqual([{type: "started"}]);
      expect(f.boxes()).toEqual([]);
    } finally {
      f.stop();
    }
  });
});
