/**
 * The experiment's tasks as datasets: input and output sizes, loss, metric, and the seeded
 * data of each (the memorisation task builds its own data per probe in `memorise.ts`).
 *
 * Every task gets one extra constant input (1): the WHT kinds have no biases, and without one a
 * network of switched linear maps is positively homogeneous (f(λx) = λ·f(x) for λ > 0), which
 * cannot draw rings or spirals. Dense models get the same input, so the data stay identical.
 */
import {checkOneOf, fail} from "../check.js";
import {image, memorisation, pictures, sinusoids, spiral, withBiasInput} from "../datasets.js";
import type {LossKind} from "../losses.js";
import type {Dataset, Split} from "../types.js";
import type {ExperimentConfig} from "./config.js";
import {TASK_KINDS, TASK_METRIC, type TaskKind} from "./schema.js";

export interface TaskShape {
  inputSize: number;
  outputSize: number;
  loss: LossKind;
  metric: "nmse" | "error-rate";
  /** Plain description for the page. */
  description: string;
}

/** Input and output sizes (the bias input included), loss and metric of a task under a config. */
export function taskShape(task: TaskKind, config: ExperimentConfig): TaskShape {
  const shape = rawShape(checkOneOf("task", task, TASK_KINDS), config);
  return {...shape, inputSize: shape.inputSize + 1};
}

function rawShape(task: TaskKind, config: ExperimentConfig): TaskShape {
  const metric = TASK_METRIC[task];
  switch (task) {
    case "memorise": {
      const m = config.memorise;
      return {
        inputSize: m.inputSize,
        outputSize: m.outputSize,
        loss: "mse",
        metric,
        description: `largest N of random pairs (${m.inputSize} inputs → ${m.outputSize} targets, uniform in [−1, 1]) fitted to training nmse ≤ ${m.threshold}`
      };
    }
    case "smooth": {
      const s = config.smooth;
      return {
        inputSize: s.inputSize,
        outputSize: s.outputSize,
        loss: "mse",
        metric,
        description: `a smooth random function of ${s.inputSize} inputs (${s.outputSize} outputs, sums of ${s.terms} sinusoids), ${Math.round(s.n * 0.8)} training / ${s.n - Math.round(s.n * 0.8)} test samples; test nmse`
      };
    }
    case "image": {
      const im = config.image;
      return {
        inputSize: 2,
        outputSize: 3,
        loss: "mse",
        metric,
        description: `a ${im.size}×${im.size} picture (${im.picture === "smiley" ? "a smiley face" : "colour rings"}), (x, y) → RGB from ${im.n} random pixels; test nmse on all ${im.size ** 2} pixels, the ${im.n} learnt from among them (${im.size ** 2 - im.n} never seen)`
      };
    }
    case "classify": {
      const c = config.classify;
      return {
        inputSize: 2,
        outputSize: c.arms,
        loss: "softmax-cross-entropy",
        metric,
        description: `a ${c.arms}-arm spiral in 2-D, ${Math.round(c.n * 0.8)} training / ${c.n - Math.round(c.n * 0.8)} test points; test error rate`
      };
    }
  }
  return fail(`unknown task ${task}`);
}

/** The dataset of a task for one seed, with the constant bias input appended. */
export function taskDataset(task: TaskKind, config: ExperimentConfig, seed: number): Dataset {
  return withBiasInput(rawDataset(task, config, seed));
}

function rawDataset(task: TaskKind, config: ExperimentConfig, seed: number): Dataset {
  switch (task) {
    case "smooth": {
      const s = config.smooth;
      return sinusoids({
        n: s.n,
        inputSize: s.inputSize,
        outputSize: s.outputSize,
        terms: s.terms,
        frequency: s.frequency,
        testFraction: 0.2,
        seed
      });
    }
    case "classify": {
      const c = config.classify;
      return spiral({n: c.n, arms: c.arms, turns: c.turns, noise: c.noise, testFraction: 0.2, seed});
    }
    case "image": {
      const im = config.image;
      const picture = im.picture === "smiley" ? pictures.smiley(im.size) : pictures.rings(im.size, im.rings);
      return image(picture.pixels, picture.width, picture.height, {channels: 3, n: im.n, seed, name: im.picture});
    }
    case "memorise": {
      const m = config.memorise;
      return memorisation({n: m.start, inputSize: m.inputSize, outputSize: m.outputSize, seed});
    }
  }
  return fail(`unknown task ${String(task)}`);
}

function slice(split: Split, from: number, to: number): Split {
  const n = to - from;
  const inSize = split.x.length / Math.max(1, split.n);
  const outSize = split.y.length / Math.max(1, split.n);
  const part: Split = {
    x: split.x.slice(from * inSize, to * inSize),
    y: split.y.slice(from * outSize, to * outSize),
    n
  };
  if (split.labels) part.labels = split.labels.slice(from, to);
  return part;
}

/**
 * The split every fitting run uses: the training split cut into training (first 80 %) and
 * validation (last 20 %), which the stop rule and the learning-rate choice watch. The test split
 * is left as it is and never looked at by either.
 */
export function splitValidation(data: Dataset): {data: Dataset; validation: Split} {
  const n = data.train.n;
  const cut = Math.max(1, Math.min(n - 1, Math.round(n * 0.8)));
  return {data: {...data, train: slice(data.train, 0, cut)}, validation: slice(data.train, cut, n)};
}
