import {describe, expect, it} from "vitest";
import {
  checkState,
  cloneState,
  checkModel,
  decodeModel,
  decodeState,
  defaultNoise,
  defaultState,
  encodeModel,
  encodeState,
  type PlaygroundState
} from "../../../src/components/playground/state.js";
import {SwitchNetError} from "../../../lib/check.js";

const custom: PlaygroundState = {
  dataset: "xor",
  noise: 0.25,
  samples: 800,
  seed: 12345,
  biasInput: false,
  showTest: true,
  models: [
    {kind: "switchnet4", width: 256, depth: 5, groupSize: 8, projection: "random"},
    {kind: "butterfly", width: 64, depth: 2, groupSize: 4, projection: "subrandom"},
    {kind: "filterbank", width: 1024, depth: 8, groupSize: 2, projection: "random"},
    {kind: "dense", width: 37, depth: 1, groupSize: 4, projection: "subrandom"}
  ],
  optimizer: "sgd",
  learningRate: 0.003,
  batchSize: 128,
  loss: "mse"
};

describe("URL state codec", () => {
  it("round-trips the default state and a state with every value changed", () => {
    for (const state of [defaultState(), custom]) {
      const {state: back, messages} = decodeState("?" + encodeState(state));
      expect(messages).toEqual([]);
      expect(back).toEqual(state);
    }
  });

  it("writes every value, with readable model tokens", () => {
    const query = encodeState(custom);
    expect(query).toContain("data=xor");
    expect(query).toContain("lr=0.003");
    expect(query).toContain("bias=0");
    expect(query).toContain("test=1");
    expect(query).toContain("models=switchnet4:256:5:8:random,butterfly:64:2:4:subrandom,");
    expect(encodeModel(custom.models[3])).toBe("dense:37:1:4:subrandom");
  });

  it("an empty query gives the defaults without messages", () => {
    expect(decodeState("")).toEqual({state: defaultState(), messages: []});
  });

  it("names an unknown parameter, its value and the parameters there are, and keeps the rest", () => {
    const {state, messages} = decodeState("?width=-3&seed=7&foo=bar");
    expect(state).toEqual({...defaultState(), seed: 7});
    expect(messages).toEqual([
      'unknown parameter width="-3" was ignored; the parameters are data, noise, n, seed, bias, test, opt, lr, batch, loss, models' +
        " (a model's width goes in models=kind:width:depth, e.g. models=switchnet4:64:3)",
      'unknown parameter foo="bar" was ignored; the parameters are data, noise, n, seed, bias, test, opt, lr, batch, loss, models'
    ]);
    // Every parameter encodeState writes is a known one.
    expect(decodeState("?" + encodeState(custom)).messages).toEqual([]);
  });

  it("rejects out-of-range values by name and range, keeping the rest", () => {
    const {state, messages} = decodeState("?data=xor&noise=7&lr=50&batch=0&seed=1.5&n=40");
    expect(state.dataset).toBe("xor");
    expect(state.samples).toBe(40);
    expect(state.noise).toBe(defaultState().noise);
    expect(state.learningRate).toBe(defaultState().learningRate);
    expect(state.batchSize).toBe(defaultState().batchSize);
    expect(state.seed).toBe(defaultState().seed);
    expect(messages).toEqual([
      "noise must be between 0 and 1, got 7; using the default 0.05",
      'seed must be a whole number between 0 and 2147483647, got "1.5"; using the default 1',
      "learning rate must be between 0.00001 and 10, got 50; using the default 0.02".replace("0.00001", String(1e-5)),
      "batch size must be between 1 and 1024, got 0; using the default 32"
    ]);
  });

  it("rejects malformed values and unknown names", () => {
    const {state, messages} = decodeState("?data=moons&opt=rmsprop&loss=hinge&noise=abc&bias=maybe");
    expect(state).toEqual(defaultState());
    expect(messages).toHaveLength(5);
    expect(messages[0]).toMatch(/^dataset must be one of "spiral", .*got "moons"; using the default "spiral"$/);
    expect(messages[1]).toBe('noise must be a number between 0 and 1, got "abc"; using the default 0.05');
    expect(messages.splice(2, 1)).toEqual(['bias input must be 1 or 0, got "maybe"; using the default true']);
    expect(messages[2]).toBe('optimizer must be one of "adam", "sgd", got "rmsprop"; using the default "adam"');
    expect(messages[3]).toBe(
      'loss must be one of "softmax-cross-entropy", "mse", got "hinge"; using the default "softmax-cross-entropy"'
    );
  });

  it("falls back per model field, and names the model", () => {
    const messages: string[] = [];
    const m = decodeModel("switchnet4:100:12:3:diagonal", 1, messages);
    // The width takes the nearest power of two the message names (not the default).
    expect(m).toEqual({kind: "switchnet4", width: 128, depth: 3, groupSize: 4, projection: "subrandom"});
    expect(messages).toEqual([
      "model 2 width must be a power of two between 1 and 65536 for Switch Net 4, got 100 (nearest: 128); using 128",
      "model 2 depth must be between 1 and 8, got 12; using 3",
      "model 2 group size must be one of 1, 2, 4, 8, 16, got 3; using 4",
      'model 2 projection must be one of "random", "subrandom", got "diagonal"; using subrandom'
    ]);
  });

  it("WHT kinds go to 65,536 and dense to 4,096, each limit named with its kind", () => {
    const messages: string[] = [];
    expect(decodeModel("switchnet4:65536:2", 0, messages)?.width).toBe(65536);
    expect(decodeModel("butterfly:65536", 0, messages)?.width).toBe(65536);
    expect(decodeModel("dense:1448:2", 0, messages)?.width).toBe(1448);
    expect(messages).toEqual([]);
    expect(decodeModel("dense:5000", 0, messages)?.width).toBe(16);
    expect(decodeModel("filterbank:131072", 1, messages)?.width).toBe(32);
    expect(decodeModel("switchnet4:60000", 2, messages)?.width).toBe(65536);
    expect(messages).toEqual([
      "model 1 width must be between 1 and 4096, got 5000; using 16",
      "model 2 width must be between 1 and 65536, got 131072; using 32",
      "model 3 width must be a power of two between 1 and 65536 for Switch Net 4, got 60000 (nearest: 65536); using 65536"
    ]);
    const state = defaultState();
    state.models[1] = {...state.models[1], width: 4097};
    expect(() => checkState(state)).toThrow("model 2 width must be between 1 and 4096 for Dense, got 4097");
  });

  it("dense widths need not be powers of two; missing fields take the kind's defaults", () => {
    const messages: string[] = [];
    expect(decodeModel("dense:100", 0, messages)).toEqual({
      kind: "dense",
      width: 100,
      depth: 2,
      groupSize: 4,
      projection: "subrandom"
    });
    expect(decodeModel("butterfly", 0, messages)?.width).toBe(32);
    expect(messages).toEqual([]);
  });

  it("carries projection rounds as an optional sixth field, leaving one-round links as they were", () => {
    const messages: string[] = [];
    const two = decodeModel("switchnet4:1024:2:4:random:2", 0, messages)!;
    expect(two.projectionRounds).toBe(2);
    expect(encodeModel(two)).toBe("switchnet4:1024:2:4:random:2");
    expect(encodeModel({...two, projectionRounds: 1})).toBe("switchnet4:1024:2:4:random");
    expect(decodeModel("filterbank:64:2:4:random:7", 1, messages)!.projectionRounds ?? 1).toBe(1);
    expect(messages).toEqual(["model 2 projection rounds must be between 1 and 3, got 7; using 1"]);
    expect(() => checkModel({...two, projectionRounds: 0})).toThrow(
      /model projection rounds must be between 1 and 3, got 0/
    );
  });

  it("a group size larger than the width is rejected, and a small width lowers the default group", () => {
    const messages: string[] = [];
    expect(decodeModel("switchnet4:2:1:8", 0, messages)?.groupSize).toBe(2);
    expect(messages).toEqual(["model 1 group size must be at most the width 2, got 8; using 2"]);
  });

  it("drops models with an unknown kind, caps the list at four, and never ends with no model", () => {
    let decoded = decodeState("?models=dense:8,perceptron:4");
    expect(decoded.state.models.map((m) => m.kind)).toEqual(["dense"]);
    expect(decoded.messages[0]).toMatch(
      /^model 2 kind must be one of "switchnet4", .*got "perceptron"; model ignored$/
    );

    decoded = decodeState("?models=dense,dense,dense,dense,dense,dense");
    expect(decoded.state.models).toHaveLength(4);
    expect(decoded.messages).toEqual(["models must list at most 4 models, got 6; keeping the first 4"]);

    decoded = decodeState("?models=nothing");
    expect(decoded.state.models).toEqual(defaultState().models);
    expect(decoded.messages.at(-1)).toBe(
      'models must list at least one valid model, got "nothing"; using the default models'
    );
  });

  it("accepts a hash as well as a query, and percent-escaped separators", () => {
    const query = encodeState(custom);
    expect(decodeState("#" + query).state).toEqual(custom);
    expect(decodeState("?" + new URLSearchParams({models: "dense:9:1"}).toString()).state.models[0].width).toBe(9);
  });
});

describe("defaultNoise", () => {
  it("gives the Gaussians their spread and the rest a light jitter", () => {
    expect(defaultNoise("gaussians")).toBe(0.2);
    expect(defaultNoise("spiral")).toBe(0.05);
    expect(defaultNoise("sine")).toBe(0.05);
  });
});

describe("checkState", () => {
  it("accepts valid states and throws a SwitchNetError naming the first bad value", () => {
    expect(checkState(custom)).toBe(custom);
    const bad = cloneState(custom);
    bad.models[2].width = 48;
    expect(() => checkState(bad)).toThrow(SwitchNetError);
    expect(() => checkState(bad)).toThrow(
      "model 3 width must be a power of two between 1 and 65536 for Fixed filter bank, got 48 (nearest: 64)"
    );
    const empty = {...cloneState(custom), models: []};
    expect(() => checkState(empty)).toThrow("models must list between 1 and 4 models, got 0");
  });

  it("cloneState is deep", () => {
    const copy = cloneState(custom);
    copy.models[0].width = 2;
    expect(custom.models[0].width).toBe(256);
  });
});
