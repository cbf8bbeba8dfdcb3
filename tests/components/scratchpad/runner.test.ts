// The Scratchpad page reads the sandboxed frame's messages (code from links runs there): each
// field is checked before the page uses it, and anything else is dropped.
import {describe, expect, it} from "vitest";
import {MAX_OUTPUT_HEIGHT, readFrameMessage} from "../../../src/components/scratchpad/runner.js";

describe("readFrameMessage", () => {
  it("reads a cell's status, with its time when the time is one", () => {
    const status = (fields: object) => readFrameMessage({type: "status", id: 3, ...fields});
    expect(status({status: "ok", ms: 12.5})).toEqual({type: "status", id: 3, status: "ok", ms: 12.5});
    expect(status({status: "running"})).toEqual({type: "status", id: 3, status: "running", ms: null});
    for (const ms of [-1, NaN, Infinity, "12"]) {
      expect(status({status: "error", ms})).toEqual({type: "status", id: 3, status: "error", ms: null});
    }
    expect(readFrameMessage({type: "status", id: 3, status: "hacked"})).toBeNull();
    expect(readFrameMessage({type: "status", id: "3", status: "ok"})).toBeNull();
  });

  it("reads an output's height, rounded and clamped to 0 … MAX_OUTPUT_HEIGHT", () => {
    expect(readFrameMessage({type: "size", id: 1, height: 120.4})).toEqual({type: "size", id: 1, height: 120});
    expect(readFrameMessage({type: "size", id: 1, height: -5})).toEqual({type: "size", id: 1, height: 0});
    expect(readFrameMessage({type: "size", id: 1, height: 1e9})).toEqual({
      type: "size",
      id: 1,
      height: MAX_OUTPUT_HEIGHT
    });
    expect(readFrameMessage({type: "size", id: 1, height: NaN})).toBeNull();
    expect(readFrameMessage({type: "size", id: 1, height: "100px"})).toBeNull();
    expect(readFrameMessage({type: "size", height: 10})).toBeNull();
  });

  it("reads whether cells run and which run ended; drops everything else", () => {
    expect(readFrameMessage({type: "running", running: true})).toEqual({type: "running", running: true});
    expect(readFrameMessage({type: "running", running: "yes"})).toBeNull();
    expect(readFrameMessage({type: "ran", seq: 4})).toEqual({type: "ran", seq: 4});
    expect(readFrameMessage({type: "ran", seq: "4"})).toBeNull();
    for (const data of [null, undefined, 42, "status", {type: "boot"}, {type: "layout", tops: {}}, {}]) {
      expect(readFrameMessage(data)).toBeNull();
    }
  });
});
