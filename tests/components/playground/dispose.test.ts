// The playground's training worker replaces its session on every reset: the old models' kernel
// memory must come back, also when building the new session fails half-way.
import {beforeAll, describe, expect, it} from "vitest";
import {createSession} from "../../../src/components/playground/engine.js";
import {cloneState, defaultState} from "../../../src/components/playground/state.js";
import {SwitchNetError} from "../../../lib/check.js";
import {kernelMemoryStats} from "../../../lib/wasm/memory.js";
import {ready} from "../../../lib/wht.js";

const inUse = () => kernelMemoryStats().inUse;

describe("playground session dispose", () => {
  beforeAll(async () => {
    expect(await ready()).toBe("wasm-simd");
  });

  it("gives back every byte its models took, after training", () => {
    const s = defaultState();
    s.models = [
      {kind: "switchnet4", width: 256, depth: 3, groupSize: 4, projection: "random"},
      {kind: "dense", width: 64, depth: 2, groupSize: 4, projection: "random"}
    ];
    // A first session lets the kernels take their shared scratch, which they keep for good.
    const warm = createSession(cloneState(s));
    warm.run(5);
    warm.snapshot(true);
    warm.dispose();
    const before = inUse();
    const session = createSession(s);
    session.run(5);
    session.snapshot(true);
    expect(inUse()).toBeGreaterThan(before + 256 * 3 * 2 * 4 * 4); // at least the switch weights and grads
    session.dispose();
    expect(inUse()).toBe(before);
    expect(() => session.run(1)).toThrow(SwitchNetError);
  });

  it("frees the models built before one that fails, and a rebuilt session trains the same", () => {
    const s = defaultState();
    s.models = [
      {kind: "switchnet4", width: 128, depth: 2, groupSize: 4, projection: "random"},
      {kind: "dense", width: 8192, depth: 8, groupSize: 4, projection: "random"}
    ];
    const before = inUse();
    expect(() => createSession(s)).toThrow(/^model 2 \(Dense\): .*parameters/);
    expect(inUse()).toBe(before);
    const ok = cloneState(s);
    ok.models = [s.models[0]];
    const a = createSession(ok);
    a.run(20);
    const lossA = a.snapshot(false).models[0].trainLoss;
    a.dispose();
    const b = createSession(cloneState(ok));
    b.run(20);
    expect(b.snapshot(false).models[0].trainLoss).toBe(lossA);
    b.dispose();
    expect(inUse()).toBe(before);
  });
});
