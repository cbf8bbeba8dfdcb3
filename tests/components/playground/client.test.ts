// The page's side of the training worker, with a stand-in Worker: sessions are numbered, replies
// of older sessions are dropped, and a worker that dies is replaced.
import {afterEach, describe, expect, it, vi} from "vitest";
import {CLOSE_GRACE_MS, createTrainingClient} from "../../../src/components/playground/client.js";
import type {FromWorker} from "../../../src/components/playground/protocol.js";
import {defaultState} from "../../../src/components/playground/state.js";

class FakeWorker {
  static made: FakeWorker[] = [];
  sent: unknown[] = [];
  terminated = false;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  constructor(
    readonly url: string,
    readonly options: WorkerOptions
  ) {
    FakeWorker.made.push(this);
  }
  postMessage(message: unknown) {
    this.sent.push(message);
  }
  terminate() {
    this.terminated = true;
  }
  reply(data: unknown) {
    this.onmessage?.({data} as MessageEvent);
  }
}

afterEach(() => {
  vi.unstubAllGlobals();
  FakeWorker.made = [];
});

describe("playground training client", () => {
  it("numbers each session and passes on the current session's replies only", () => {
    vi.stubGlobal("Worker", FakeWorker);
    const replies: FromWorker[] = [];
    const client = createTrainingClient("/train-worker.js", {onReply: (m) => replies.push(m), onCrash: vi.fn()});
    const [worker] = FakeWorker.made;
    expect(worker.url).toBe("/train-worker.js");
    expect(worker.options).toEqual({type: "module"});
    const state = defaultState();
    client.start(state);
    client.start(state);
    expect(worker.sent).toEqual([
      {type: "init", id: 1, state, custom: undefined},
      {type: "init", id: 2, state, custom: undefined}
    ]);
    client.send({type: "step", count: 10});
    expect(worker.sent[2]).toEqual({type: "step", count: 10});
    worker.reply({type: "weights", id: 1, index: 0, text: "{}"}); // the replaced session's
    worker.reply({type: "weights", id: 2, index: 0, text: "{}"});
    worker.reply({type: "nonsense", id: 2});
    worker.reply({type: "weights", index: 0, text: "{}"}); // no session id
    expect(replies).toEqual([{type: "weights", id: 2, index: 0, text: "{}"}]);
    // Disposing tells the worker to close (free its session, stop its threads) and ends it a second later.
    vi.useFakeTimers();
    try {
      client.dispose();
      expect(worker.sent.at(-1)).toEqual({type: "close"});
      expect(worker.terminated).toBe(false);
      vi.advanceTimersByTime(CLOSE_GRACE_MS);
      expect(worker.terminated).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it("replaces a worker that dies and says why; the next session goes to the new one", () => {
    vi.stubGlobal("Worker", FakeWorker);
    const crashes: string[] = [];
    const client = createTrainingClient("/w.js", {onReply: vi.fn(), onCrash: (reason) => crashes.push(reason)});
    const [first] = FakeWorker.made;
    const preventDefault = vi.fn();
    first.onerror!({message: "out of memory", preventDefault} as unknown as ErrorEvent);
    expect(preventDefault).toHaveBeenCalled();
    expect(first.terminated).toBe(true);
    expect(crashes).toEqual(["out of memory"]);
    expect(FakeWorker.made.length).toBe(2);
    client.start(defaultState());
    expect(first.sent).toEqual([]);
    expect(FakeWorker.made[1].sent).toEqual([expect.objectContaining({type: "init", id: 1})]);
  });
});
