// The playground's training worker, driven in Node through a stand-in for its global scope:
// every message of the protocol, in the order the page sends them, and the replies it gets.
import {describe, expect, it} from "vitest";
import {createSession} from "../../../src/components/playground/engine.js";
import {
  errorReply,
  isFromWorker,
  isToWorker,
  type FromWorker,
  type ToWorker
} from "../../../src/components/playground/protocol.js";
import {cloneState, defaultState, type PlaygroundState} from "../../../src/components/playground/state.js";
import {startTrainingWorker, type WorkerScope} from "../../../src/components/playground/worker.js";
import {SwitchNetError} from "../../../lib/check.js";
import {backend} from "../../../lib/wht.js";

function smallState(): PlaygroundState {
  const s = defaultState();
  s.samples = 200;
  s.models = [
    {kind: "switchnet4", width: 64, depth: 2, groupSize: 4, projection: "random"},
    {kind: "dense", width: 16, depth: 2, groupSize: 4, projection: "random"}
  ];
  return s;
}

/** A worker on a stand-in scope: `send` a message, `next` waits for the first reply matching. */
function fakeWorker() {
  const replies: {message: FromWorker; transfer: Transferable[]}[] = [];
  let seen = 0;
  let wake: (() => void) | null = null;
  const scope: WorkerScope = {
    postMessage(message, transfer) {
      replies.push({message, transfer});
      wake?.();
    },
    onmessage: null
  };
  startTrainingWorker(scope);
  return {
    replies,
    send(message: ToWorker | Record<string, unknown>) {
      scope.onmessage!({data: message} as MessageEvent);
    },
    /** The next reply (after those already taken) for which `match` holds; the ones before it are skipped. */
    async next(match: (m: FromWorker) => boolean = () => true, timeoutMs = 20_000): Promise<FromWorker> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (seen < replies.length) {
          const m = replies[seen++].message;
          if (match(m)) return m;
        }
        if (Date.now() > deadline) throw new Error("no matching reply from the worker");
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 50);
        });
      }
    }
  };
}

describe("playground worker protocol", () => {
  it("tells page messages from replies by their type (and a reply by its session id)", () => {
    expect(isToWorker({type: "step", count: 10})).toBe(true);
    expect(isToWorker({type: "snapshot", id: 1})).toBe(false);
    expect(isToWorker(null)).toBe(false);
    expect(isToWorker("play")).toBe(false);
    expect(isFromWorker({type: "weights", id: 2, index: 0, text: "{}"})).toBe(true);
    expect(isFromWorker({type: "weights", index: 0, text: "{}"})).toBe(false);
    expect(isFromWorker({type: "play"})).toBe(false);
  });

  it("an error reply carries the thrown message and whether the input was refused", () => {
    expect(errorReply(3, "import", new SwitchNetError("bad file"), 1)).toEqual({
      type: "error",
      id: 3,
      during: "import",
      index: 1,
      message: "bad file",
      validation: true
    });
    expect(errorReply(3, "play", new RangeError("out of memory"))).toEqual({
      type: "error",
      id: 3,
      during: "play",
      message: "out of memory",
      validation: false
    });
    expect(errorReply(4, "step", "plain text")).toEqual({
      type: "error",
      id: 4,
      during: "step",
      message: "plain text",
      validation: false
    });
  });
});

describe("playground training worker", () => {
  it("builds a session on init, steps, exports and imports weights, as the session itself does", async () => {
    const worker = fakeWorker();
    const state = smallState();
    worker.send({type: "init", id: 1, state});
    const info = await worker.next();
    if (info.type !== "info") throw new Error(`expected info, got ${info.type}`);
    expect(info.id).toBe(1);
    expect(info.info.models.map((m) => m.label)).toEqual(["Switch Net 4", "Dense"]);
    expect(info.kernel).toBe(backend());
    const first = await worker.next();
    if (first.type !== "snapshot") throw new Error(`expected a snapshot, got ${first.type}`);
    expect(first.snapshot.step).toBe(0);
    expect(first.playing).toBe(false);
    // The learned functions travel as transferred buffers.
    const sent = worker.replies.find((r) => r.message === first)!;
    expect(sent.transfer.length).toBe(2);

    worker.send({type: "step", count: 7});
    const stepped = await worker.next();
    if (stepped.type !== "snapshot") throw new Error(`expected a snapshot, got ${stepped.type}`);
    expect(stepped.snapshot.step).toBe(7);
    // Seeded: the same 7 steps in a session of its own give the same losses.
    const direct = createSession(cloneState(state));
    direct.run(7);
    const reference = direct.snapshot(false);
    expect(stepped.snapshot.models.map((m) => m.trainLoss)).toEqual(reference.models.map((m) => m.trainLoss));

    worker.send({type: "export", index: 0});
    const weights = await worker.next();
    if (weights.type !== "weights") throw new Error(`expected weights, got ${weights.type}`);
    expect(weights).toMatchObject({id: 1, index: 0});
    expect(weights.text).toBe(direct.exportWeights(0));
    direct.dispose();

    worker.send({type: "import", index: 0, text: "not json"});
    const refused = await worker.next();
    expect(refused).toMatchObject({type: "error", id: 1, during: "import", index: 0, validation: true});
    worker.send({type: "import", index: 0, text: weights.text});
    const reloaded = await worker.next();
    expect(reloaded).toMatchObject({type: "snapshot", id: 1});
  });

  it("plays until paused, reporting growing step counts, and ignores what is not a message for it", async () => {
    const worker = fakeWorker();
    worker.send({type: "init", id: 5, state: smallState()});
    await worker.next((m) => m.type === "snapshot");
    worker.send({type: "nonsense"});
    worker.send({type: "play"});
    const a = await worker.next((m) => m.type === "snapshot" && m.playing);
    const b = await worker.next((m) => m.type === "snapshot" && m.playing);
    if (a.type !== "snapshot" || b.type !== "snapshot") throw new Error("expected snapshots");
    expect(b.snapshot.step).toBeGreaterThan(a.snapshot.step);
    expect(b.stepsPerSecond).toBeGreaterThan(0);
    worker.send({type: "pause"});
    const paused = await worker.next((m) => m.type === "snapshot" && !m.playing);
    if (paused.type !== "snapshot") throw new Error("expected a snapshot");
    expect(paused.snapshot.step).toBeGreaterThanOrEqual(b.snapshot.step);
    expect(worker.replies.every((r) => r.message.id === 5)).toBe(true);
  });

  it("answers a state it cannot build with an init error under the new session's id", async () => {
    const worker = fakeWorker();
    const state = smallState();
    state.models = [{kind: "dense", width: 8192, depth: 8, groupSize: 4, projection: "random"}];
    worker.send({type: "init", id: 9, state});
    const reply = await worker.next();
    expect(reply).toMatchObject({type: "error", id: 9, during: "init", validation: true});
    if (reply.type === "error") expect(reply.message).toMatch(/^model 1 \(Dense\): .*parameters/);
    // With no session, play, step and export do nothing.
    worker.send({type: "step", count: 3});
    worker.send({type: "export", index: 0});
    worker.send({type: "init", id: 10, state: smallState()});
    expect(await worker.next()).toMatchObject({type: "info", id: 10});
  });
});
