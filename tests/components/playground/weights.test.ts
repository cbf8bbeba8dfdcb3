import {describe, expect, it} from "vitest";
import {
  decodeWeights,
  encodeWeights,
  WEIGHTS_FORMAT,
  WEIGHTS_VERSION
} from "../../../src/components/playground/weights.js";
import {SwitchNetError} from "../../../lib/check.js";
import {createRng} from "../../../lib/random.js";
import type {ResolvedModelSpec} from "../../../lib/types.js";
import {backend, ready, setBackend} from "../../../lib/wht.js";
import {createModel} from "../../../lib/model.js";
import {createTrainer} from "../../../lib/train.js";
import {datasets} from "../../../lib/datasets.js";

const spec: ResolvedModelSpec = {
  kind: "switchnet4",
  inputSize: 2,
  outputSize: 2,
  width: 16,
  depth: 2,
  groupSize: 4,
  projection: "subrandom",
  projectionRounds: 1,
  adjust: false,
  placement: "pad",
  initNoise: 0.05,
  seed: 7
};

function randomParams(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const p = new Float32Array(n);
  for (let i = 0; i < n; i++) p[i] = rng.normal() * 10 ** rng.int(7) * 1e-3;
  return p;
}

describe("weights JSON", () => {
  it("round-trips every float32 exactly, with format, version and spec", () => {
    const params = randomParams(256, 3);
    params[0] = 0;
    params[1] = -0.1;
    params[2] = 3.4e38;
    params[3] = 1e-40; // subnormal
    const text = encodeWeights(spec, params, {dataset: "spiral", step: 120});
    const file = JSON.parse(text);
    expect(file.format).toBe(WEIGHTS_FORMAT);
    expect(file.version).toBe(WEIGHTS_VERSION);
    expect(file.spec).toEqual(spec);
    expect(file.parameterCount).toBe(256);
    expect(file.dataset).toBe("spiral");
    expect(file.step).toBe(120);
    const back = decodeWeights(text, spec, 256);
    expect(back).toBeInstanceOf(Float32Array);
    expect(Array.from(back)).toEqual(Array.from(params));
  });

  it("accepts a different initNoise (it only changed the starting point)", () => {
    const text = encodeWeights({...spec, initNoise: 0.2}, randomParams(256, 1));
    expect(decodeWeights(text, spec, 256)).toHaveLength(256);
  });

  it("rejects a wrong length with the expected and actual counts", () => {
    const text = encodeWeights(spec, randomParams(200, 1));
    expect(() => decodeWeights(text, spec, 256)).toThrow(SwitchNetError);
    expect(() => decodeWeights(text, spec, 256)).toThrow(
      "params must have 256 numbers for this switchnet4 model (width 16, depth 2), got 200"
    );
  });

  it("rejects a different spec, listing each difference", () => {
    const text = encodeWeights({...spec, width: 32, kind: "butterfly"}, randomParams(256, 1));
    expect(() => decodeWeights(text, spec, 256)).toThrow(
      'the weights were saved from a different model: kind "butterfly" (this model: "switchnet4"), width 32 (this model: 16); set the model\'s controls to match, then load again'
    );
    const seeded = encodeWeights({...spec, seed: 8}, randomParams(256, 1));
    expect(() => decodeWeights(seeded, spec, 256)).toThrow("seed 8 (this model: 7)");
  });

  it("tells projection rounds apart, and reads files written before the field as one round", () => {
    const two = encodeWeights({...spec, projectionRounds: 2}, randomParams(256, 1));
    expect(() => decodeWeights(two, spec, 256)).toThrow("projectionRounds 2 (this model: 1)");
    expect(decodeWeights(two, {...spec, projectionRounds: 2}, 256)).toHaveLength(256);
    const old = JSON.parse(encodeWeights(spec, randomParams(256, 1)));
    delete old.spec.projectionRounds;
    expect(decodeWeights(JSON.stringify(old), spec, 256)).toHaveLength(256);
    expect(() => decodeWeights(JSON.stringify(old), {...spec, projectionRounds: 3}, 256)).toThrow(
      "projectionRounds null (this model: 3)"
    );
  });

  it("rejects files that are not weights files", () => {
    const cases: [string, string][] = [
      ["{not json", "the weights file is not valid JSON"],
      ["[1, 2]", "the weights file must hold a JSON object, got an array"],
      ['{"format": "keras"}', 'the weights file format must be "switchnet4-weights", got "keras"'],
      [`{"format": "${WEIGHTS_FORMAT}", "version": 2}`, "the weights file version must be 1, got 2"],
      [`{"format": "${WEIGHTS_FORMAT}", "version": 1}`, "the weights file has no spec object"],
      [
        JSON.stringify({format: WEIGHTS_FORMAT, version: 1, spec, params: "abc"}),
        "the weights file must have a params array"
      ],
      [
        JSON.stringify({format: WEIGHTS_FORMAT, version: 1, spec, params: [1, 2, "x", 4]}),
        'params[2] must be a finite number, got "x"'
      ],
      [
        JSON.stringify({format: WEIGHTS_FORMAT, version: 1, spec, parameterCount: 5, params: [1, 2, 3, 4]}),
        "parameterCount says 5 but params has 4 numbers"
      ]
    ];
    for (const [text, message] of cases) {
      expect(() => decodeWeights(text, spec, 4), text).toThrow(message);
    }
    // A null in the array is how JSON writes NaN.
    expect(() =>
      decodeWeights(JSON.stringify({format: WEIGHTS_FORMAT, version: 1, spec, params: [1, null, 3, 4]}), spec, 4)
    ).toThrow("params[1] must be a finite number, got null");
  });

  it("refuses a number that overflows float32, naming its index and value", () => {
    const file = (v: number) => JSON.stringify({format: WEIGHTS_FORMAT, version: 1, spec, params: [1, 2, v, 4]});
    expect(() => decodeWeights(file(1e39), spec, 4)).toThrow(SwitchNetError);
    expect(() => decodeWeights(file(1e39), spec, 4)).toThrow(
      "params[2] is 1e+39, beyond the float32 range (at most ±3.4028235e38): it would load as Infinity"
    );
    expect(() => decodeWeights(file(-4e38), spec, 4)).toThrow("params[2] is -4e+38, beyond the float32 range");
    // The largest float32 and values that round to it still load.
    expect(decodeWeights(file(3.4028235e38), spec, 4)[2]).toBe(3.4028234663852886e38);
  });

  it("records the backend, and rejects a backend that is not a string", () => {
    const text = encodeWeights(spec, randomParams(4, 1), {backend: "wasm-simd"});
    expect(JSON.parse(text).backend).toBe("wasm-simd");
    expect(decodeWeights(text, spec, 4)).toHaveLength(4);
    const bad = JSON.stringify({...JSON.parse(text), backend: 7});
    expect(() => decodeWeights(bad, spec, 4)).toThrow(
      "backend must be a string (the kernels the weights were trained with), got 7"
    );
  });

  it("weights trained on one backend load on the other and compute the same function there", async () => {
    await ready();
    expect(setBackend("auto")).toBe("wasm-simd");
    const data = datasets.spiral({seed: 3});
    const modelSpec = {
      kind: "switchnet4",
      inputSize: data.inputSize,
      outputSize: data.outputSize,
      width: 64,
      depth: 2,
      seed: 5
    } as const;
    const probe = data.test.x.subarray(0, 20 * data.inputSize);
    try {
      for (const [from, to] of [
        ["scalar", "wasm-simd"],
        ["wasm-simd", "scalar"]
      ]) {
        setBackend(from);
        const trained = createModel(modelSpec);
        const trainer = createTrainer(trained, data, {learningRate: 0.05, seed: 1});
        for (let i = 0; i < 60; i++) trainer.step();
        const text = encodeWeights(trained.spec, trained.params, {backend: backend()});
        const expected = trained.forward(probe, 20);
        expect(JSON.parse(text).backend).toBe(from);
        setBackend(to);
        const loaded = createModel(modelSpec);
        loaded.params.set(decodeWeights(text, loaded.spec, loaded.params.length));
        const got = loaded.forward(probe, 20);
        const scale = Math.max(...Array.from(expected, Math.abs));
        for (let i = 0; i < got.length; i++) expect(Math.abs(got[i] - expected[i])).toBeLessThan(1e-5 * scale);
        // Trained further on the new backend, the loaded weights still train.
        const more = createTrainer(loaded, data, {learningRate: 0.05, seed: 2});
        for (let i = 0; i < 20; i++) expect(Number.isFinite(more.step())).toBe(true);
        trained.dispose();
        loaded.dispose();
      }
    } finally {
      setBackend("auto");
    }
  });
});
