// The WHT models' threaded path (lib/model.ts: a team of threads runs each layer's kernel calls,
// split by rows and, for the weight gradients, by groups of parameters) must give the one-thread
// bits: outputs, input gradients and parameter gradients of one forward/backward, and the
// parameters after training, for 1, 2 and 3 threads, with the shortcuts of the one-thread path (the
// padded input's patterns in the first layer, the last layer's head) and their fallbacks (zeros).
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {createModel} from "../lib/model.js";
import {createRng} from "../lib/random.js";
import {createTeamSync, withTeam, type Team} from "../lib/team.js";
import {train} from "../lib/train.js";
import {ready} from "../lib/wht.js";
import type {ModelSpec} from "../lib/types.js";
import {bits, expectSameBits} from "./helpers/bits.js";
import {randomRegression} from "./helpers/data.js";

function normals(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({length: n}, () => rng.normal());
}

let team2: Team;
let team3: Team;
beforeAll(async () => {
  expect(await ready()).toBe("wasm-simd");
  team2 = createTeamSync({threads: 2});
  team3 = createTeamSync({threads: 3});
});
afterAll(() => {
  team2.close();
  team3.close();
});

/** A team that runs on `inner` and records the kernels it was given. */
function recording(inner: Team): Team & {names: Set<string>} {
  const names = new Set<string>();
  return {
    threads: inner.threads,
    fallbackReason: null,
    names,
    run(jobs) {
      for (const job of jobs) for (const [name] of job) names.add(name);
      inner.run(jobs);
    },
    close() {}
  };
}

// [label, spec, kernels the threaded path must use (m is the group size)]
const SPECS: Array<[string, ModelSpec, string[]]> = [
  [
    "m = 4, pad, 1 round, depth 2: patterns and head",
    {kind: "switchnet4", inputSize: 16, outputSize: 4, width: 1024, depth: 2, seed: 61},
    ["switch_fwd_per_4", "switch_fwd_head_4", "switch_bwd_groups_head_4", "switch_bwd_w_groups_per_4", "batch"]
  ],
  [
    "m = 8, pad, 2 rounds, depth 2: head, no patterns",
    {
      kind: "switchnet4",
      inputSize: 12,
      outputSize: 3,
      width: 2048,
      depth: 2,
      groupSize: 8,
      projectionRounds: 2,
      seed: 62
    },
    ["switch_fwd_8", "switch_fwd_head_8", "switch_bwd_groups_head_8", "switch_bwd_w_groups_8"]
  ],
  [
    "m = 4, pad, depth 1: head without the input gradient",
    {kind: "switchnet4", inputSize: 5, outputSize: 4, width: 512, depth: 1, seed: 63},
    ["switch_fwd_head_4", "switch_bwd_w_groups_head_4"]
  ],
  [
    "m = 8, pad, depth 2, 12 outputs: patterns, no head",
    {kind: "switchnet4", inputSize: 20, outputSize: 12, width: 1024, depth: 2, groupSize: 8, seed: 64},
    ["switch_fwd_per_8", "switch_fwd_8", "switch_bwd_groups_8", "switch_bwd_w_groups_per_8"]
  ],
  [
    "m = 16, pad, depth 3, 16 outputs",
    {kind: "switchnet4", inputSize: 17, outputSize: 16, width: 512, depth: 3, groupSize: 16, seed: 65},
    ["switch_fwd_per_16", "switch_fwd_16", "switch_fwd_head_16", "switch_bwd_groups_16", "switch_bwd_w_groups_per_16"]
  ],
  [
    "m = 4, repeat, adjust, depth 2",
    {
      kind: "switchnet4",
      inputSize: 9,
      outputSize: 2,
      width: 256,
      depth: 2,
      placement: "repeat",
      adjust: true,
      seed: 66
    },
    ["switch_fwd_4", "switch_fwd_head_4", "switch_bwd_groups_head_4", "switch_bwd_w_groups_4"]
  ]
];

describe("the threaded path of Switch Net 4: the one-thread bits", () => {
  it.each(SPECS)("%s: one forward and backward, batches of 1, 6, 7 and 37", (_name, spec, kernels) => {
    const k = spec.inputSize,
      q = spec.outputSize;
    const used = new Set<string>();
    for (const batch of [1, 6, 7, 37]) {
      // ordinary rows, and (from batch 6) rows whose zeros make the shortcuts fall back: all zeros,
      // 3-valued (exact zero sums), tiny and huge; a zero output gradient row and one zero entry
      const rng = createRng(batch);
      const x = normals(batch * k, 70 + batch);
      const gy = normals(batch * q, 80 + batch);
      if (batch >= 6) {
        for (let j = 0; j < k; j++) {
          x[k + j] = 0;
          x[2 * k + j] = rng.int(3) - 1;
          x[4 * k + j] *= 1e-30;
          x[5 * k + j] *= 1e30;
        }
        for (let o = 0; o < q; o++) gy[3 * q + o] = o % 2 === 0 ? 0 : -0;
        gy[1] = 0;
      }
      const run = (team: Team | null, inputGradient: boolean) => {
        const model = createModel(spec);
        try {
          return withTeam(team, () => {
            // a first pass on other rows, so the second accumulates into the gradients
            model.forward(normals(3 * k, 7), 3);
            model.backward(normals(3 * q, 8), {inputGradient});
            const out = model.forward(x, batch);
            const gx = model.backward(gy, {inputGradient});
            return {out, gx, grads: model.grads.slice()};
          });
        } finally {
          model.dispose();
        }
      };
      for (const inputGradient of [true, false]) {
        const want = run(null, inputGradient);
        for (const inner of [team2, team3]) {
          const team = recording(inner);
          const got = run(team, inputGradient);
          for (const name of team.names) used.add(name);
          const label = `batch ${batch}, ${team.threads} threads, inputGradient ${inputGradient}`;
          expectSameBits(got.out, want.out, `${label}: output`);
          expectSameBits(got.gx, want.gx, `${label}: input gradient`);
          expectSameBits(got.grads, want.grads, `${label}: parameter gradients`);
        }
      }
    }
    for (const name of kernels) expect(used, `kernel ${name}`).toContain(name);
  });
});

const regression = (seed: number, n: number, inputSize: number, outputSize: number) =>
  randomRegression(seed, n, inputSize, outputSize, {zeroEvery: 29});

describe("training Switch Net 4 on 1, 2 and 3 threads", () => {
  it.each(SPECS)("%s: the same parameters after two epochs of batches of 13 (and one of 5)", (_name, spec) => {
    const data = regression(9, 57, spec.inputSize, spec.outputSize); // 4 batches of 13 and one of 5
    const results: number[][] = [];
    for (const threads of [1, 2, 3]) {
      const model = createModel(spec);
      train(model, data, {epochs: 2, batchSize: 13, optimizer: "adam", learningRate: 0.003, threads});
      results.push(bits(model.params));
      model.dispose();
    }
    const initial = createModel(spec);
    expect(results[0]).not.toEqual(bits(initial.params)); // it trained
    initial.dispose();
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });
});

describe("zeroGrad under a team", () => {
  it("zeroes the gradients: through backward's threads, or when they are read first", () => {
    const spec: ModelSpec = {kind: "switchnet4", inputSize: 16, outputSize: 4, width: 1024, depth: 2, seed: 67};
    const x = normals(5 * 16, 1),
      gy = normals(5 * 4, 2);
    const fresh = createModel(spec);
    fresh.forward(x, 5);
    fresh.backward(gy, {inputGradient: false});
    const want = fresh.grads.slice();
    fresh.dispose();
    const model = createModel(spec);
    const team = recording(team2);
    withTeam(team, () => {
      model.forward(normals(3 * 16, 3), 3);
      model.backward(normals(3 * 4, 4));
      model.zeroGrad();
      model.forward(x, 5);
      model.backward(gy, {inputGradient: false});
    });
    expect(team.names).toContain("fill_zero");
    expectSameBits(model.grads, want, "after zeroGrad and backward on the team");
    withTeam(team2, () => model.zeroGrad());
    expect(model.grads.every((v) => Object.is(v, 0))).toBe(true);
    // a backward without the team after a zeroGrad with it
    withTeam(team2, () => model.zeroGrad());
    model.forward(x, 5);
    model.backward(gy, {inputGradient: false});
    expectSameBits(model.grads, want, "after zeroGrad on the team and backward without it");
    model.dispose();
  });
});
