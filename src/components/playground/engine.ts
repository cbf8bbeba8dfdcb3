/**
 * The playground's training session, free of the DOM so it runs in the web worker and in
 * tests: builds the dataset and the models a state describes, steps every model's trainer
 * together, and reports losses, accuracies and the learned function at the points a panel
 * draws (a grid over the plane, a line, or every pixel of the picture).
 */
import {fail, SwitchNetError} from "../../lib/check.js";
import {parseCsv} from "../../lib/csv.js";
import {
  circle,
  gaussians,
  image,
  pictures,
  polynomial,
  sawtooth,
  sine,
  sinusoids,
  spiral,
  step as stepCurve,
  withBiasInput,
  xor
} from "../../lib/datasets.js";
import {modelCounts} from "../../lib/counts.js";
import {createModel} from "../../lib/model.js";
import {createTrainer, type Trainer} from "../../lib/train.js";
import type {Team} from "../../lib/team.js";
import type {Dataset, ModelSpec, ResolvedModelSpec} from "../../lib/types.js";
import {boundingBox, curveBox, lineGrid, planeGrid, unionBox, type Box, type PointSet} from "./grid.js";
import {checkMemory, drawChunkRows, settingsSpec} from "./memory.js";
import {
  datasetFamily,
  MODEL_LABELS,
  SMOOTH_TARGET,
  type LossName,
  type ModelSettings,
  type PlaygroundState
} from "./state.js";
import {decodeWeights, encodeWeights} from "./weights.js";
import {trainingKernels} from "../../lib/kernels/label.js";
import {NonFiniteError} from "../../lib/divergence.js";
import {predictInChunks} from "../../lib/batches.js";

/** The reader's own data, which the URL cannot hold. */
export type CustomData =
  | {kind: "csv"; text: string; name: string}
  | {kind: "image"; pixels: Uint8ClampedArray; width: number; height: number; name: string};

/** Side of the grid a plane is evaluated on (at most; wide models get a coarser one), and points along a curve. */
export const PLANE_GRID = 64;
export const MIN_PLANE_GRID = 24;
export const CURVE_POINTS = 200;
/**
 * Most parameters one model may have in the page: with gradients and Adam's two buffers that is
 * 16 bytes a parameter, 512 MiB here. Larger models belong in scripts, not in a browser tab.
 */
export const MAX_PAGE_PARAMETERS = 2 ** 25;
/** Size the built-in pictures are drawn at. */
export const PICTURE_SIZE = 32;

/** How a panel draws the learned function. */
export type View =
  | {
      kind: "plane";
      mode: "classes" | "value";
      grid: number;
      box: Box;
      channels: number;
      train: PointSet;
      test: PointSet;
    }
  | {kind: "curve"; box: Box; xs: Float32Array; channels: number; train: PointSet; test: PointSet}
  | {kind: "picture"; width: number; height: number; channels: number; target: Float32Array}
  | {kind: "none"; reason: string};

export interface ModelInfo {
  label: string;
  spec: ResolvedModelSpec;
  /** Learned weights stored (biases excluded). */
  stored: number;
  /** Biases (dense only). */
  biases: number;
  /** Multiply-adds with learned weights per sample. */
  active: number;
  /** Fixed ±1 edges of the WHTs (connections, not parameters). */
  fixedEdges: number;
  /** Estimated bytes the model needs for training (memory.ts), kernel memory plus optimiser state. */
  memoryBytes: number;
}

export interface SessionInfo {
  dataset: {
    name: string;
    task: "classification" | "regression";
    inputSize: number;
    outputSize: number;
    classes?: number;
    train: number;
    test: number;
  };
  view: View;
  models: ModelInfo[];
  loss: LossName;
  /** Adjustments the session made to the state (e.g. a loss the data cannot use). */
  notes: string[];
  /** Threads that share each training step (the team's, 1 without one). */
  threads: number;
}

export interface ModelReport {
  trainLoss: number;
  testLoss: number;
  trainAccuracy?: number;
  testAccuracy?: number;
  diverged: boolean;
  /** The learned function at the view's points (null when not asked for, or view "none"). */
  outputs: Float32Array | null;
  /**
   * Mean wall-clock milliseconds of one training step of this model between the last two
   * snapshots that had steps (NaN before any). Timing, not a result: it varies run to run.
   */
  msPerStep: number;
  /** Wall-clock seconds this model has spent in training steps since the session began (timing). */
  seconds: number;
}

export interface Snapshot {
  step: number;
  models: ModelReport[];
}

export interface Session {
  readonly info: SessionInfo;
  readonly step: number;
  /** Runs `count` optimiser steps on every model. */
  run(count: number): void;
  /** Losses and accuracies now; the learned function too when `withOutputs`. */
  snapshot(withOutputs: boolean): Snapshot;
  setLearningRate(learningRate: number): void;
  exportWeights(index: number): string;
  /** Validates and loads a weights file into model `index` (throws a SwitchNetError). */
  importWeights(index: number, text: string): void;
  /** Gives the models' kernel memory back; the session cannot be used afterwards. */
  dispose(): void;
}

/** The dataset a state names. Throws a SwitchNetError (e.g. for a bad CSV) naming the problem. */
export function buildDataset(state: PlaygroundState, custom?: CustomData): Dataset {
  const common = {n: state.samples, noise: state.noise, seed: state.seed};
  switch (state.dataset) {
    case "spiral":
      return spiral(common);
    case "circle":
      return circle(common);
    case "xor":
      return xor(common);
    case "gaussians":
      return gaussians(common);
    case "sine":
      return sine(common);
    case "step":
      return stepCurve(common);
    case "sawtooth":
      return sawtooth(common);
    case "polynomial":
      return polynomial(common);
    case "smooth16":
      return sinusoids({...common, ...SMOOTH_TARGET});
    case "image:rings":
      return pictureDataset("rings", pictures.rings(PICTURE_SIZE));
    case "image:checkerboard":
      return pictureDataset("checkerboard", pictures.checkerboard(PICTURE_SIZE));
    case "image:smiley":
      return pictureDataset("smiley", pictures.smiley(PICTURE_SIZE));
    case "upload":
      if (custom?.kind !== "image") fail("choose a picture file first (your own picture is not kept in the URL)");
      return image(custom.pixels, custom.width, custom.height, {name: custom.name, channels: 3});
    case "csv":
      if (custom?.kind !== "csv") fail("choose a CSV file first (your own data is not kept in the URL)");
      return parseCsv(custom.text, {name: custom.name, seed: state.seed});
    default:
      return fail(`unknown dataset ${JSON.stringify(state.dataset)}`);
  }
}

function pictureDataset(name: string, picture: {width: number; height: number; pixels: Uint8ClampedArray}): Dataset {
  return image(picture.pixels, picture.width, picture.height, {name, channels: 3});
}

/** The model spec for one model's settings on a dataset (the state's seed seeds every model). */
export function specFor(settings: ModelSettings, dataset: Dataset, seed: number): ModelSpec {
  return {...settingsSpec(settings, dataset.inputSize, dataset.outputSize), seed};
}

/** The loss the session uses: cross-entropy needs classes, so regression data falls back to mse. */
export function effectiveLoss(loss: LossName, dataset: Dataset, notes: string[]): LossName {
  if (loss === "softmax-cross-entropy" && (dataset.task !== "classification" || dataset.outputSize < 2)) {
    notes.push(
      `loss "softmax-cross-entropy" needs classes, and ${JSON.stringify(dataset.name)} is a regression dataset; using "mse"`
    );
    return "mse";
  }
  return loss;
}

function pointSet(x: Float32Array, y: Float32Array, n: number, dataset: Dataset, labels?: Int32Array): PointSet {
  if (labels) return {x, n, labels};
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = y[i * dataset.outputSize];
  return {x, n, values};
}

/** A copy of the inputs with a constant 1 appended to each of the `n` rows. */
export function appendConstant(x: Float32Array, n: number, inputSize: number): Float32Array {
  const out = new Float32Array(n * (inputSize + 1));
  for (let i = 0; i < n; i++) {
    out.set(x.subarray(i * inputSize, (i + 1) * inputSize), i * (inputSize + 1));
    out[i * (inputSize + 1) + inputSize] = 1;
  }
  return out;
}

/**
 * The plane grid for models of total size Σ width·depth: 64 × 64 for small models, coarser as
 * they grow so that drawing costs about as much as 2^23 width-steps, never below 24 × 24.
 */
export function planeGridSize(models: readonly ModelSettings[]): number {
  const cost = models.reduce((sum, m) => sum + m.width * m.depth, 0);
  return Math.max(MIN_PLANE_GRID, Math.min(PLANE_GRID, Math.round(Math.sqrt(2 ** 23 / Math.max(1, cost)))));
}

/** How to draw a dataset's learned function, and the inputs to evaluate for it. */
export function viewFor(
  dataset: Dataset,
  family: string,
  grid = PLANE_GRID
): {view: View; inputs: Float32Array | null} {
  const {train, test} = dataset;
  const trainPoints = pointSet(train.x, train.y, train.n, dataset, train.labels);
  const testPoints = pointSet(test.x, test.y, test.n, dataset, test.labels);
  if ((family === "image" || family === "upload") && dataset.meta) {
    const width = dataset.meta.width as number,
      height = dataset.meta.height as number;
    return {view: {kind: "picture", width, height, channels: dataset.outputSize, target: test.y}, inputs: test.x};
  }
  if (dataset.inputSize === 2 && (dataset.task === "classification" || dataset.outputSize === 1)) {
    const all = new Float32Array(train.x.length + test.x.length);
    all.set(train.x);
    all.set(test.x, train.x.length);
    const box = unionBox(boundingBox(all, train.n + test.n, 2, 0.05), {x0: -1.1, x1: 1.1, y0: -1.1, y1: 1.1});
    const mode = dataset.task === "classification" ? "classes" : "value";
    return {
      view: {kind: "plane", mode, grid, box, channels: dataset.outputSize, train: trainPoints, test: testPoints},
      inputs: planeGrid(box, grid)
    };
  }
  if (dataset.inputSize === 1 && dataset.task === "regression") {
    const box = curveBox(train.x, train.y, train.n, dataset.outputSize, 0.1);
    const xs = lineGrid(box.x0, box.x1, CURVE_POINTS);
    return {
      view: {kind: "curve", box, xs, channels: dataset.outputSize, train: trainPoints, test: testPoints},
      inputs: xs
    };
  }
  return {
    view: {
      kind: "none",
      reason: `a function of ${dataset.inputSize} inputs to ${dataset.outputSize} outputs cannot be drawn on a plane; follow the loss curves`
    },
    inputs: null
  };
}

function overflowAsNaN<T>(compute: () => T, fallback: T): T {
  try {
    return compute();
  } catch (error) {
    if (error instanceof NonFiniteError) return fallback;
    throw error;
  }
}

/** Model outputs for many inputs, in chunks small enough that workspaces stay modest. */
export function predict(model: ReturnType<typeof createModel>, inputs: Float32Array): Float32Array {
  return predictInChunks(model, inputs, inputs.length / model.spec.inputSize, drawChunkRows(model.spec.width));
}

export interface SessionOptions {
  /**
   * A team of threads (lib/team.ts `createTeam`) every trainer of the session splits its steps
   * across; the session uses it and leaves it open. The trained parameters are bit-identical to
   * training without one.
   */
  team?: Team | null;
}

/**
 * Builds a session. Throws a SwitchNetError naming the first problem (bad data, a model
 * that does not fit the data) before anything is trained.
 */
export function createSession(state: PlaygroundState, custom?: CustomData, options: SessionOptions = {}): Session {
  const team = options.team && options.team.threads > 1 ? options.team : null;
  const threads = team?.threads ?? 1;
  const family = datasetFamily(state.dataset);
  const original = buildDataset(state, custom);
  if (original.train.n < 1) fail(`the dataset ${JSON.stringify(original.name)} has no training samples`);
  const dataset = state.biasInput ? withBiasInput(original) : original;
  const notes: string[] = [];
  const loss = effectiveLoss(state.loss, dataset, notes);
  const models: ReturnType<typeof createModel>[] = [];
  const trainers: Trainer[] = [];
  const disposeAll = () => {
    for (const t of trainers) t.close(); // frees the optimiser buffers in the kernel memory
    for (const m of models) m.dispose();
  };
  const specs: ModelSpec[] = [];
  for (const [i, settings] of state.models.entries()) {
    try {
      const spec = specFor(settings, dataset, state.seed);
      const total = modelCounts(spec).parameterCount;
      if (total > MAX_PAGE_PARAMETERS) {
        fail(
          `this model would have ${total.toLocaleString("en-US")} parameters; the page trains at most ${MAX_PAGE_PARAMETERS.toLocaleString("en-US")} per model (reduce the width or depth)`
        );
      }
      specs.push(spec);
    } catch (error) {
      if (error instanceof SwitchNetError) fail(`model ${i + 1} (${MODEL_LABELS[settings.kind]}): ${error.message}`);
      throw error;
    }
  }
  // Before anything is allocated: do the models fit the kernel memory together?
  const memory = checkMemory(specs, state.batchSize, state.optimizer, threads);
  for (const [i, spec] of specs.entries()) {
    try {
      models.push(createModel(spec));
    } catch (error) {
      disposeAll(); // the models made before the one that failed
      if (error instanceof SwitchNetError) {
        fail(
          `model ${i + 1} (${MODEL_LABELS[state.models[i].kind]}, about ${(memory[i].bytes / 2 ** 20).toFixed(0)} MiB): the browser could not give it the memory: ${error.message}`
        );
      }
      if (error instanceof RangeError) {
        fail(
          `model ${i + 1} (${MODEL_LABELS[state.models[i].kind]}) needs about ${(memory[i].bytes / 2 ** 20).toFixed(0)} MiB, and the browser refused it (${error.message}); lower the width or depth, or close other tabs`
        );
      }
      throw error;
    }
  }
  for (const model of models) {
    trainers.push(
      createTrainer(model, dataset, {
        optimizer: state.optimizer,
        learningRate: state.learningRate,
        batchSize: state.batchSize,
        loss,
        seed: state.seed,
        ...(team ? {team} : {})
      })
    );
  }
  const {view, inputs: viewInputs} = viewFor(original, family, planeGridSize(state.models));
  const inputs =
    viewInputs && state.biasInput
      ? appendConstant(viewInputs, viewInputs.length / original.inputSize, original.inputSize)
      : viewInputs;
  let steps = 0;
  const timeSpent = new Float64Array(models.length);
  const timedSteps = new Float64Array(models.length);
  const totalMs = new Float64Array(models.length);
  const lastMsPerStep = new Float64Array(models.length).fill(NaN);
  const info: SessionInfo = {
    dataset: {
      name: dataset.name,
      task: dataset.task,
      inputSize: original.inputSize,
      outputSize: dataset.outputSize,
      ...(dataset.classes !== undefined ? {classes: dataset.classes} : {}),
      train: dataset.train.n,
      test: dataset.test.n
    },
    view,
    models: models.map((m, i) => {
      const c = modelCounts(m.spec);
      return {
        label: MODEL_LABELS[state.models[i].kind],
        spec: m.spec,
        stored: c.stored,
        biases: c.biases,
        active: c.active,
        fixedEdges: c.fixedEdges,
        memoryBytes: memory[i].bytes
      };
    }),
    loss,
    notes,
    threads
  };
  return {
    info,
    get step() {
      return steps;
    },
    run(count: number) {
      for (let s = 0; s < count; s++) {
        for (let i = 0; i < trainers.length; i++) {
          if (trainers[i].state.diverged) continue;
          const start = performance.now();
          trainers[i].step();
          const ms = performance.now() - start;
          timeSpent[i] += ms;
          totalMs[i] += ms;
          timedSteps[i]++;
        }
        steps++;
      }
    },
    snapshot(withOutputs: boolean): Snapshot {
      for (let i = 0; i < models.length; i++) {
        if (timedSteps[i] === 0) continue;
        lastMsPerStep[i] = timeSpent[i] / timedSteps[i];
        timeSpent[i] = timedSteps[i] = 0;
      }
      return {
        step: steps,
        models: trainers.map((trainer, i) => {
          // A diverged model's numbers may overflow: its losses and drawing are then NaN / none.
          const trainEval = overflowAsNaN(() => trainer.evaluate("train"), {loss: NaN});
          const testEval =
            dataset.test.n > 0
              ? overflowAsNaN(() => trainer.evaluate("test"), {loss: NaN})
              : {loss: NaN, accuracy: undefined};
          const report: ModelReport = {
            trainLoss: trainEval.loss,
            testLoss: testEval.loss,
            diverged: trainer.state.diverged,
            msPerStep: lastMsPerStep[i],
            seconds: totalMs[i] / 1000,
            outputs: withOutputs && inputs ? overflowAsNaN(() => predict(models[i], inputs), null) : null
          };
          if (trainEval.accuracy !== undefined) report.trainAccuracy = trainEval.accuracy;
          if (testEval.accuracy !== undefined) report.testAccuracy = testEval.accuracy;
          return report;
        })
      };
    },
    setLearningRate(learningRate: number) {
      for (const trainer of trainers) trainer.setLearningRate(learningRate);
    },
    exportWeights(index: number): string {
      const model = models[index];
      if (!model) fail(`model index must be between 0 and ${models.length - 1}, got ${index}`);
      return encodeWeights(model.spec, model.params, {
        backend: trainingKernels(model.spec.kind),
        dataset: dataset.name,
        step: steps
      });
    },
    importWeights(index: number, text: string): void {
      const model = models[index];
      if (!model) fail(`model index must be between 0 and ${models.length - 1}, got ${index}`);
      const params = decodeWeights(text, model.spec, model.params.length);
      model.params.set(params);
      trainers[index].optimizer.reset();
      trainers[index].state.diverged = false;
      trainers[index].state.divergence = null;
    },
    dispose: disposeAll
  };
}
