// The playground on a team of threads: the protocol's `threads` field (typed and checked), the
// toolbar's threads line, a session given a team of 2 training to the same bits as one without,
// and the training worker starting a team, reporting it (or why one thread), and closing it.
import {afterAll, beforeAll, describe, expect, it, vi} from "vitest";
import {createSession} from "../../../src/components/playground/engine.js";
import {isFromWorker, isToWorker, type FromWorker, type ToWorker} from "../../../src/components/playground/protocol.js";
import {defaultState, type PlaygroundState} from "../../../src/components/playground/state.js";
import {
  isTrainingThreads,
  MAX_TRAINING_THREADS,
  SAME_NUMBERS,
  threadsText,
  wantedThreads
} from "../../../src/components/playground/threads.js";
import {startTrainingWorker, type TrainingWorkerOptions} from "../../../src/components/playground/worker.js";
import {createTeamSync, type Team} from "../../../lib/team.js";
import {backend, ready} from "../../../lib/wht.js";

const info = (threads: unknown) => ({
  type: "info",
  id: 1,
  info: {},
  kernel: "wasm-simd",
  kernelNote: null,
  threads
});

describe("the threads in the protocol", () => {
  it("an info reply must say how many threads train and why not more; close is a message for the worker", () => {
    expect(isFromWorker(info({threads: 2, wanted: 2, reason: null}))).toBe(true);
    expect(isFromWorker(info({threads: 1, wanted: 4, reason: "the page is not cross-origin isolated"}))).toBe(true);
    expect(isFromWorker(info(undefined))).toBe(false);
    expect(isFromWorker(info({threads: 0, wanted: 2, reason: null}))).toBe(false);
    expect(isFromWorker(info({threads: 1.5, wanted: 2, reason: null}))).toBe(false);
    expect(isFromWorker(info({threads: 2, wanted: 2}))).toBe(false); // reason must be given (null: none)
    expect(isFromWorker(info({threads: 1, wanted: 2, reason: 7}))).toBe(false);
    expect(isFromWorker(info("2 threads"))).toBe(false);
    // Other replies carry no threads.
    expect(isFromWorker({type: "weights", id: 1, index: 0, text: "{}"})).toBe(true);
    expect(isToWorker({type: "close"} satisfies ToWorker)).toBe(true);
    expect(isTrainingThreads({threads: 3, wanted: 8, reason: "x"})).toBe(true);
    expect(isTrainingThreads(null)).toBe(false);
  });

  it("asks for one thread per core, at most 8, and one where the cores are unknown", () => {
    expect(MAX_TRAINING_THREADS).toBe(8);
    expect([1, 2, 3, 8, 16, 64].map(wantedThreads)).toEqual([1, 2, 3, 8, 8, 8]);
    expect([undefined, 0, -2, 2.5, Number.NaN].map(wantedThreads)).toEqual([1, 1, 1, 1, 1]);
  });

  it("says how many threads train, or on one thread why", () => {
    expect(threadsText({threads: 2, wanted: 2, reason: null})).toBe("Training on 2 threads");
    expect(threadsText({threads: 1, wanted: 2, reason: "the page is not cross-origin isolated"})).toBe(
      "Training on 1 thread: the page is not cross-origin isolated"
    );
    expect(threadsText({threads: 1, wanted: 1, reason: null})).toBe(
      "Training on 1 thread (this device reports one core)"
    );
    expect(SAME_NUMBERS).toMatch(/^Any thread count trains to the same bits/);
  });
});

beforeAll(async () => {
  await ready();
});

/** A team of 2 whose `run` calls are counted (so a test can tell the work was really split). */
function countedTeam(): {team: Team; runs: () => number} {
  const inner = createTeamSync({threads: 2});
  let runs = 0;
  const team: Team = {
    threads: inner.threads,
    fallbackReason: inner.fallbackReason,
    run(jobs) {
      runs++;
      inner.run(jobs);
    },
    close: () => inner.close()
  };
  return {team, runs: () => runs};
}

function threadedState(): PlaygroundState {
  const s = defaultState();
  s.samples = 300;
  s.batchSize = 64;
  s.models = [
    {kind: "switchnet4", width: 4096, depth: 2, groupSize: 4, projection: "subrandom"},
    {kind: "dense", width: 512, depth: 2, groupSize: 4, projection: "random"}
  ];
  return s;
}

/** The parameters a weights file holds, as float32 bit patterns. */
function bits(text: string): Uint32Array {
  return new Uint32Array(Float32Array.from(JSON.parse(text).params as number[]).buffer);
}

describe("a session on a team of threads", () => {
  let counted: ReturnType<typeof countedTeam>;
  beforeAll(() => {
    counted = countedTeam(); // after ready(): the team needs the SIMD kernels
  });
  afterAll(() => counted?.team.close());

  it("trains Switch Net 4 and dense to the same bits as a session without a team", () => {
    expect(backend()).toBe("wasm-simd");
    expect(counted.team.threads, counted.team.fallbackReason ?? "").toBe(2);
    const threaded = createSession(threadedState(), undefined, {team: counted.team});
    const single = createSession(threadedState());
    try {
      expect(threaded.info.threads).toBe(2);
      expect(single.info.threads).toBe(1);
      // The threaded memory estimate is the one checked and shown.
      expect(threaded.info.models[0].memoryBytes).toBeGreaterThan(single.info.models[0].memoryBytes);
      expect(threaded.info.models[1].memoryBytes).toBe(single.info.models[1].memoryBytes);
      threaded.run(12);
      single.run(12);
      expect(counted.runs()).toBeGreaterThan(12); // the steps really ran on the team
      for (const index of [0, 1]) {
        const a = bits(threaded.exportWeights(index));
        const b = bits(single.exportWeights(index));
        expect(a.length).toBe(b.length);
        expect(a).toEqual(b);
        expect(threaded.exportWeights(index)).toBe(single.exportWeights(index));
      }
      // And the training changed them (not two untouched starting points).
      const fresh = createSession(threadedState());
      expect(bits(fresh.exportWeights(0))).not.toEqual(bits(single.exportWeights(0)));
      fresh.dispose();
      const losses = (s: typeof single) => s.snapshot(false).models.map((m) => [m.trainLoss, m.testLoss]);
      expect(losses(threaded)).toEqual(losses(single));
    } finally {
      threaded.dispose();
      single.dispose();
    }
    // The session leaves the team open for the next one.
    expect(() => counted.team.run([[], []])).not.toThrow();
  });
});

/** A training worker on a stand-in scope; `next` waits for the first reply matching. */
function fakeWorker(options: TrainingWorkerOptions) {
  const replies: FromWorker[] = [];
  const scope = {
    postMessage(message: FromWorker) {
      replies.push(message);
    },
    onmessage: null as ((event: MessageEvent) => void) | null,
    close: vi.fn()
  };
  startTrainingWorker(scope, options);
  let seen = 0;
  return {
    scope,
    send(message: ToWorker) {
      scope.onmessage!({data: message} as MessageEvent);
    },
    async next(match: (m: FromWorker) => boolean = () => true, timeoutMs = 30_000): Promise<FromWorker> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (seen < replies.length) {
          const m = replies[seen++];
          if (match(m)) return m;
        }
        if (Date.now() > deadline) throw new Error("no matching reply from the worker");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  };
}

describe("the training worker's team", () => {
  it("starts a team of 2, reports it, trains to the same weights as one thread, and closes it on close", async () => {
    let started: Team | null = null;
    let closed = 0;
    const worker = fakeWorker({
      threads: 2,
      startTeam: async (options) => {
        const inner = createTeamSync(options);
        started = {...inner, run: (jobs) => inner.run(jobs), close: () => (closed++, inner.close())};
        return started;
      }
    });
    const single = fakeWorker({threads: 1});
    const state = threadedState();
    worker.send({type: "init", id: 1, state});
    single.send({type: "init", id: 1, state});
    const reply = await worker.next((m) => m.type === "info");
    if (reply.type !== "info") throw new Error("expected info");
    expect(reply.threads).toEqual({threads: 2, wanted: 2, reason: null});
    expect(reply.info.threads).toBe(2);
    const solo = await single.next((m) => m.type === "info");
    if (solo.type !== "info") throw new Error("expected info");
    expect(solo.threads).toEqual({threads: 1, wanted: 1, reason: null});
    for (const w of [worker, single]) w.send({type: "step", count: 5});
    for (const w of [worker, single]) await w.next((m) => m.type === "snapshot" && m.snapshot.step === 5);
    const weights: string[][] = [[], []];
    for (const [i, w] of [worker, single].entries()) {
      for (const index of [0, 1]) {
        w.send({type: "export", index});
        const m = await w.next((r) => r.type === "weights");
        if (m.type !== "weights") throw new Error("expected weights");
        weights[i].push(m.text);
      }
    }
    expect(weights[0]).toEqual(weights[1]);
    expect(bits(weights[0][0])).toEqual(bits(weights[1][0]));

    // A new session reuses the team; close frees the session, stops the team and ends the worker.
    worker.send({type: "init", id: 2, state});
    expect(await worker.next((m) => m.type === "info")).toMatchObject({id: 2, threads: {threads: 2}});
    expect(closed).toBe(0);
    worker.send({type: "close"});
    await vi.waitFor(() => expect(worker.scope.close).toHaveBeenCalledTimes(1));
    expect(closed).toBe(1);
    expect(() => started!.run([[], []])).toThrow(/closed/);
    // After close, messages are ignored.
    worker.send({type: "init", id: 3, state});
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(worker.next((m) => m.id === 3, 200)).rejects.toThrow(/no matching reply/);
    single.send({type: "close"});
  });

  it("where a team cannot be had, trains on one thread and says why", async () => {
    const state = defaultState();
    const refused = fakeWorker({
      threads: 4,
      startTeam: async () => {
        throw new Error("Worker is not defined");
      }
    });
    refused.send({type: "init", id: 1, state});
    expect(await refused.next((m) => m.type === "info")).toMatchObject({
      threads: {threads: 1, wanted: 4, reason: "the threads could not be started (Worker is not defined)"}
    });
    // A team of one with the library's reason (as in a page that is not cross-origin isolated).
    const reason = "the page is not cross-origin isolated, so memory cannot be shared between threads";
    const solo = fakeWorker({
      threads: 2,
      startTeam: async () => ({threads: 1, fallbackReason: reason, run: () => {}, close: () => {}})
    });
    solo.send({type: "init", id: 1, state});
    const reply = await solo.next((m) => m.type === "info");
    expect(reply).toMatchObject({threads: {threads: 1, wanted: 2, reason}});
    if (reply.type === "info") expect(threadsText(reply.threads)).toBe(`Training on 1 thread: ${reason}`);
    // It trains all the same.
    solo.send({type: "step", count: 3});
    expect(await solo.next((m) => m.type === "snapshot" && m.snapshot.step === 3)).toMatchObject({id: 1});
    for (const w of [refused, solo]) w.send({type: "close"});
  });
});
