/**
 * Bit-level fingerprints of whole seeded training runs through the three users of the batching
 * core: the capacity experiment's `fit` (and the tiny experiment end to end), the trainer
 * (`train`, `createTrainer`) and the playground's session. tests/numerics.test.ts fingerprints
 * each kind's kernels and a few trainer steps; these add the batch order over whole epochs (the
 * trainer's short last batch, fit's batches wrapping round the data), the chunked evaluations,
 * the stop rule and the divergence paths. The fixture tests/fixtures/reproducibility.json holds
 * them as computed before the batching core was shared (commit ee62bbc); regenerate only on
 * purpose: `npx tsx scripts/reproducibility-fixture.ts`.
 */
import {createHash} from "node:crypto";
import {createModel} from "../../lib/model.js";
import {createTrainer, train, type EpochRecord} from "../../lib/train.js";
import {memorisation, sine, spiral} from "../../lib/datasets.js";
import {TrainingDivergedError} from "../../lib/divergence.js";
import {TINY} from "../../lib/experiment/config.js";
import {fit, type FitOptions} from "../../lib/experiment/fit.js";
import {memoryStore, runExperiment} from "../../lib/experiment/run.js";
import {splitValidation, taskDataset, taskShape} from "../../lib/experiment/tasks.js";
import type {ModelSpec} from "../../lib/types.js";
import {createSession} from "../../src/components/playground/engine.js";
import {defaultModel, defaultState, type PlaygroundState} from "../../src/components/playground/state.js";

export type Digests = Record<string, string>;

/** First 16 hex digits of the SHA-256 of a Float32Array's bytes or of a value's JSON. */
export function digest(value: unknown): string {
  const bytes =
    value instanceof Float32Array
      ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
      : JSON.stringify(value, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v));
  return createHash("sha256").update(bytes).digest("hex").slice(0, 16);
}

/** A value without its wall-clock fields (they vary run to run and are not results). */
function withoutTimes(value: unknown): unknown {
  const clock = new Set(["time", "seconds", "msPerStep", "date"]);
  return JSON.parse(
    JSON.stringify(value, (k, v) => {
      if (clock.has(k)) return undefined;
      if (typeof v === "number" && !Number.isFinite(v)) return String(v);
      if (v instanceof Float32Array) return digest(v);
      return v;
    })
  );
}

function fitCase(kind: ModelSpec["kind"], task: "smooth" | "classify", extra: Partial<FitOptions> = {}): Digests {
  const config = TINY;
  const shape = taskShape(task, config);
  const {data, validation} = splitValidation(taskDataset(task, config, 3));
  const width = kind === "dense" ? 12 : 32;
  const model = createModel({kind, inputSize: shape.inputSize, outputSize: shape.outputSize, width, depth: 2, seed: 5});
  try {
    // 64 training samples, batch 10: batches wrap round the data; evalLimit 40 cuts the train metric.
    const result = fit(model, data, {
      learningRate: 0.01,
      batchSize: 10,
      seed: 9,
      loss: shape.loss,
      metric: shape.metric,
      fixedSteps: 15,
      maxSteps: 120,
      evalEvery: 10,
      evalGrowth: 1.5,
      patience: 2,
      lrDecays: 1,
      decayFactor: 0.1,
      evalLimit: 40,
      validation,
      ...extra
    });
    return {params: digest(model.params), result: digest(withoutTimes(result))};
  } finally {
    model.dispose();
  }
}

function trainCase(spec: ModelSpec, regression: boolean, options: Parameters<typeof train>[2]): Digests {
  const model = createModel(spec);
  // 90 training samples in batches of 16: every epoch ends on a batch of 10.
  const data = regression ? sine({n: 120, noise: 0.1, seed: 4}) : spiral({n: 120, noise: 0.05, seed: 4});
  try {
    let history: EpochRecord[];
    let divergence: unknown = null;
    try {
      history = train(model, data, options);
    } catch (error) {
      if (!(error instanceof TrainingDivergedError)) throw error;
      history = error.history as EpochRecord[];
      divergence = error.divergence;
    }
    return {params: digest(model.params), history: digest(withoutTimes({history, divergence}))};
  } finally {
    model.dispose();
  }
}

function trainerStepsCase(): Digests {
  const model = createModel({kind: "switchnet4", inputSize: 6, outputSize: 3, width: 16, depth: 2, seed: 7});
  const data = memorisation({n: 23, inputSize: 6, outputSize: 3, seed: 8});
  const options = {batchSize: 5, optimizer: "sgd", learningRate: 0.05, loss: "mse", seed: 6} as const;
  const trainer = createTrainer(model, data, options);
  try {
    // 23 samples in batches of 5: 4 full batches and one of 3 per epoch; stop in the middle of one.
    const losses: number[] = [];
    const positions: number[] = [];
    for (let s = 0; s < 13; s++) {
      losses.push(trainer.step());
      positions.push(trainer.state.position);
    }
    const record = trainer.epoch();
    const whole = trainer.evaluate("train");
    const custom = trainer.evaluate({x: data.train.x.subarray(0, 7 * 6), y: data.train.y.subarray(0, 7 * 3), n: 7});
    return {params: digest(model.params), steps: digest(withoutTimes({losses, positions, record, whole, custom}))};
  } finally {
    trainer.close();
    model.dispose();
  }
}

function playgroundCase(state: PlaygroundState): Digests {
  const session = createSession(state);
  try {
    const snapshots: unknown[] = [];
    for (let r = 0; r < 3; r++) {
      session.run(15);
      snapshots.push(withoutTimes(session.snapshot(true)));
    }
    const weights = state.models.map((_m, i) => session.exportWeights(i));
    return {snapshots: digest(snapshots), weights: digest(weights)};
  } finally {
    session.dispose();
  }
}

// Re-recorded on 2026-12-02 when memorisation's settings hash stopped holding the fitting tasks' step
// cap: its keys changed, nothing else (these records with the old hash put back give the old digest,
// d44aec991d8be7b2).
function tinyExperimentCase(): Digests {
  const store = memoryStore();
  runExperiment({...TINY, seeds: [1], contenders: ["switchnet4-m4", "dense"], refWidths: [16]}, {store, createModel});
  return {records: digest(store.all.map(withoutTimes))};
}

/** Every case by name; each returns its digests. */
export const REPRODUCIBILITY_CASES: Record<string, () => Digests> = {
  "fit-switchnet4-smooth": () => fitCase("switchnet4", "smooth"),
  "fit-butterfly-smooth": () => fitCase("butterfly", "smooth"),
  "fit-filterbank-classify": () => fitCase("filterbank", "classify"),
  "fit-dense-classify": () => fitCase("dense", "classify"),
  "fit-switchnet4-target-watch-train": () =>
    fitCase("switchnet4", "smooth", {validation: undefined, watch: "train", target: 0.5}),
  "fit-dense-sgd-no-validation": () =>
    fitCase("dense", "smooth", {validation: undefined, optimizer: "sgd", learningRate: 0.05}),
  "fit-switchnet4-diverges": () => fitCase("switchnet4", "smooth", {learningRate: 1e6}),
  "train-switchnet4-spiral": () =>
    trainCase({kind: "switchnet4", inputSize: 2, outputSize: 2, width: 16, depth: 2, seed: 3}, false, {
      epochs: 4,
      batchSize: 16,
      learningRate: 0.02,
      seed: 2
    }),
  "train-dense-sine-sgd": () =>
    trainCase({kind: "dense", inputSize: 1, outputSize: 1, width: 12, depth: 2, seed: 3}, true, {
      epochs: 3,
      batchSize: 16,
      optimizer: "sgd",
      learningRate: 0.05,
      seed: 5,
      evaluateTrain: false
    }),
  "train-butterfly-sine-diverges": () =>
    trainCase({kind: "butterfly", inputSize: 1, outputSize: 1, width: 8, depth: 2, seed: 3}, true, {
      epochs: 3,
      batchSize: 16,
      optimizer: "sgd",
      learningRate: 1e6,
      seed: 5
    }),
  "trainer-steps-switchnet4": trainerStepsCase,
  "playground-default": () => playgroundCase(defaultState()),
  "playground-sine-three-kinds": () =>
    playgroundCase({
      ...defaultState(),
      dataset: "sine",
      samples: 150,
      loss: "mse",
      batchSize: 20,
      models: [defaultModel("butterfly"), defaultModel("filterbank"), {...defaultModel("switchnet4"), width: 16}]
    }),
  "tiny-experiment": tinyExperimentCase
};
