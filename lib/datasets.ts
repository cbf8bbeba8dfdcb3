/**
 * Seeded dataset generators. Each returns a `Dataset` (lib/types.ts) with a train and a test
 * split; the same options and seed give identical arrays. Inputs lie roughly in [−1, 1].
 *
 * - 2-D classification (one-hot targets, exactly balanced labels in each split):
 *   `circle`, `xor`, `gaussians` (k classes), `spiral` (2 or more arms).
 * - 1-D regression curves: `sine`, `step`, `sawtooth`, `polynomial`, or any `curve(f)`.
 *   Noise is added to the training targets only: the test targets are the noise-free curve.
 * - Image regression: `image(pixels, width, height)` maps (x, y) in [−1, 1]² to colour in
 *   [0, 1]; `pictures` holds procedural RGBA pictures (`checkerboard`, `rings`, `smiley`).
 * - `memorisation`: random input/target pairs (train only) for capacity measurements.
 * - `sinusoids`: a smooth target in d dimensions, a random sum of sinusoids.
 */
import {checkInteger, checkNumber, checkOneOf, describe, fail} from "./check.js";
import {createRng, deriveSeed, type Rng} from "./random.js";
import type {Dataset, Split} from "./types.js";

/** Options every sampled generator accepts. */
export interface SampleOptions {
  /** Total samples, train plus test. */
  n?: number;
  /** Standard deviation of the Gaussian noise. */
  noise?: number;
  /** Share of the samples held out for the test split, in [0, 1). */
  testFraction?: number;
  seed?: number;
}

interface Common {
  nTrain: number;
  nTest: number;
  noise: number;
  rng: Rng;
}

function checkOptions(name: string, options: unknown, known: readonly string[]): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    fail(`${name} options must be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) fail(`unknown ${name} option ${JSON.stringify(key)} (known: ${known.join(", ")})`);
  }
  return options as Record<string, unknown>;
}

const COMMON_KEYS = ["n", "noise", "testFraction", "seed"];

function resolveCommon(
  options: Record<string, unknown>,
  defaults: {n: number; noise: number; testFraction: number}
): Common {
  const n = checkInteger("n", options.n ?? defaults.n, 2);
  const noise = checkNumber("noise", options.noise ?? defaults.noise);
  if (noise < 0) fail(`noise must be at least 0, got ${noise}`);
  const testFraction = checkNumber("testFraction", options.testFraction ?? defaults.testFraction, 0, 1);
  if (testFraction >= 1) fail(`testFraction must be less than 1, got ${testFraction}`);
  const seed = checkInteger("seed", options.seed ?? 1);
  const nTest = Math.min(n - 1, Math.round(n * testFraction));
  return {nTrain: n - nTest, nTest, noise, rng: createRng(seed)};
}

function emptySplit(inputSize: number, outputSize: number, n: number, classification: boolean): Split {
  const split: Split = {x: new Float32Array(n * inputSize), y: new Float32Array(n * outputSize), n};
  if (classification) split.labels = new Int32Array(n);
  return split;
}

// ---------------------------------------------------------------------------------------------
// 2-D classification

/** Writes one sample of class `label` into out[0], out[1]. */
type ClassSampler = (label: number, rng: Rng, out: Float64Array) => void;

/** n samples of k classes: labels i mod k in shuffled order, so each class gets ⌊n/k⌋ or ⌈n/k⌉. */
function classSplit(n: number, classes: number, noise: number, rng: Rng, sample: ClassSampler): Split {
  const split = emptySplit(2, classes, n, true);
  const labels = split.labels!;
  for (let i = 0; i < n; i++) labels[i] = i % classes;
  rng.shuffle(labels);
  const point = new Float64Array(2);
  for (let i = 0; i < n; i++) {
    sample(labels[i], rng, point);
    split.x[2 * i] = point[0] + noise * rng.normal();
    split.x[2 * i + 1] = point[1] + noise * rng.normal();
    split.y[i * classes + labels[i]] = 1;
  }
  return split;
}

function classDataset(
  name: string,
  c: Common,
  classes: number,
  sample: ClassSampler,
  meta: Record<string, unknown>
): Dataset {
  const train = classSplit(c.nTrain, classes, c.noise, c.rng, sample);
  const test = classSplit(c.nTest, classes, c.noise, c.rng, sample);
  return {
    name,
    task: "classification",
    inputSize: 2,
    outputSize: classes,
    classes,
    train,
    test,
    meta: {...meta, noise: c.noise}
  };
}

/** Class 0 fills a disc of radius 0.5; class 1 a ring between radii 0.7 and 1. */
export function circle(options?: SampleOptions): Dataset {
  const o = checkOptions("circle", options, COMMON_KEYS);
  const c = resolveCommon(o, {n: 500, noise: 0.05, testFraction: 0.2});
  return classDataset(
    "circle",
    c,
    2,
    (label, rng, out) => {
      const r = label === 0 ? 0.5 * Math.sqrt(rng.next()) : Math.sqrt(0.49 + 0.51 * rng.next());
      const a = 2 * Math.PI * rng.next();
      out[0] = r * Math.cos(a);
      out[1] = r * Math.sin(a);
    },
    {}
  );
}

/** Points in [−1, 1]² away from the axes by 0.05; class 0 where x·y > 0, class 1 where x·y < 0. */
export function xor(options?: SampleOptions): Dataset {
  const o = checkOptions("xor", options, COMMON_KEYS);
  const c = resolveCommon(o, {n: 500, noise: 0.05, testFraction: 0.2});
  const margin = 0.05;
  return classDataset(
    "xor",
    c,
    2,
    (label, rng, out) => {
      const sx = rng.next() < 0.5 ? -1 : 1;
      const sy = label === 0 ? sx : -sx;
      out[0] = sx * (margin + (1 - margin) * rng.next());
      out[1] = sy * (margin + (1 - margin) * rng.next());
    },
    {margin}
  );
}

export interface GaussiansOptions extends SampleOptions {
  /** Number of classes (default 3). */
  classes?: number;
}

/** k round Gaussian blobs (standard deviation `noise`) centred on a circle of radius 0.6. */
export function gaussians(options?: GaussiansOptions): Dataset {
  const o = checkOptions("gaussians", options, [...COMMON_KEYS, "classes"]);
  const classes = checkInteger("classes", o.classes ?? 3, 2, 64);
  const c = resolveCommon(o, {n: 500, noise: 0.2, testFraction: 0.2});
  const radius = 0.6;
  const centres = Array.from({length: classes}, (_, k) => {
    const a = (2 * Math.PI * k) / classes;
    return [radius * Math.cos(a), radius * Math.sin(a)];
  });
  // The blobs' spread is the noise itself, added by classSplit.
  return classDataset(
    "gaussians",
    c,
    classes,
    (label, _rng, out) => {
      out[0] = centres[label][0];
      out[1] = centres[label][1];
    },
    {centres}
  );
}

export interface SpiralOptions extends SampleOptions {
  /** Number of arms, one class each (default 2). */
  arms?: number;
  /** Turns each arm makes from the centre to radius 1 (default 1). */
  turns?: number;
}

/** Interleaved spiral arms: radius 0.05 + 0.95·t, angle 2π·(turns·t + arm/arms), t uniform in [0, 1]. */
export function spiral(options?: SpiralOptions): Dataset {
  const o = checkOptions("spiral", options, [...COMMON_KEYS, "arms", "turns"]);
  const arms = checkInteger("arms", o.arms ?? 2, 2, 64);
  const turns = checkNumber("turns", o.turns ?? 1, 0, 10);
  const c = resolveCommon(o, {n: 500, noise: 0.05, testFraction: 0.2});
  return classDataset(
    "spiral",
    c,
    arms,
    (label, rng, out) => {
      const t = rng.next();
      const r = 0.05 + 0.95 * t;
      const a = 2 * Math.PI * (turns * t + label / arms);
      out[0] = r * Math.cos(a);
      out[1] = r * Math.sin(a);
    },
    {arms, turns}
  );
}

// ---------------------------------------------------------------------------------------------
// 1-D regression curves

/**
 * A regression dataset of y = f(x), x uniform in [−1, 1]. The training targets get Gaussian
 * noise of standard deviation `noise`; the test targets are the exact curve.
 */
export function curve(name: string, f: (x: number) => number, options?: SampleOptions): Dataset {
  if (typeof name !== "string") fail(`curve name must be a string, got ${describe(name)}`);
  if (typeof f !== "function") fail(`curve needs a function f(x), got ${describe(f)}`);
  const o = checkOptions(name, options, COMMON_KEYS);
  const c = resolveCommon(o, {n: 200, noise: 0.05, testFraction: 0.2});
  const split = (n: number, noise: number): Split => {
    const s = emptySplit(1, 1, n, false);
    for (let i = 0; i < n; i++) {
      const x = 2 * c.rng.next() - 1;
      const y = f(x);
      if (!Number.isFinite(y))
        fail(`curve ${JSON.stringify(name)} gave ${y} at x = ${x}; it must be finite on [−1, 1]`);
      s.x[i] = x;
      s.y[i] = y + noise * c.rng.normal();
    }
    return s;
  };
  const train = split(c.nTrain, c.noise);
  const test = split(c.nTest, 0);
  return {name, task: "regression", inputSize: 1, outputSize: 1, train, test, meta: {noise: c.noise, cleanTest: true}};
}

export interface SineOptions extends SampleOptions {
  /** Full periods across [−1, 1] (default 1). */
  frequency?: number;
}

/** y = sin(π·frequency·x). */
export function sine(options?: SineOptions): Dataset {
  const {frequency, rest} = pick(options, "sine", ["frequency"]);
  const k = checkNumber("frequency", frequency ?? 1, 0, 1000);
  return curve("sine", (x) => Math.sin(Math.PI * k * x), rest);
}

export interface StepOptions extends SampleOptions {
  /** Number of jumps across [−1, 1] (default 1: −1 for x < 0, +1 for x ≥ 0). */
  steps?: number;
}

/** A staircase from −1 to 1 with `steps` equal jumps. */
export function step(options?: StepOptions): Dataset {
  const {steps, rest} = pick(options, "step", ["steps"]);
  const k = checkInteger("steps", steps ?? 1, 1, 1000);
  return curve("step", (x) => (2 * Math.min(k, Math.floor(((x + 1) / 2) * (k + 1)))) / k - 1, rest);
}

export interface SawtoothOptions extends SampleOptions {
  /** Teeth across [−1, 1] (default 2). */
  frequency?: number;
}

/** Rising ramps from −1 to 1, `frequency` of them across [−1, 1]. */
export function sawtooth(options?: SawtoothOptions): Dataset {
  const {frequency, rest} = pick(options, "sawtooth", ["frequency"]);
  const k = checkNumber("frequency", frequency ?? 2, 0, 1000);
  return curve(
    "sawtooth",
    (x) => {
      const phase = (k * (x + 1)) / 2;
      return 2 * (phase - Math.floor(phase)) - 1;
    },
    rest
  );
}

export interface PolynomialOptions extends SampleOptions {
  /** Coefficients in ascending powers (default [0, −1, 0, 1.5]: 1.5x³ − x). */
  coefficients?: number[];
}

/** y = Σ c_k x^k. */
export function polynomial(options?: PolynomialOptions): Dataset {
  const {coefficients, rest} = pick(options, "polynomial", ["coefficients"]);
  const cs = coefficients ?? [0, -1, 0, 1.5];
  if (!Array.isArray(cs) || cs.length === 0)
    fail(`coefficients must be a non-empty array of numbers, got ${describe(cs)}`);
  cs.forEach((v, i) => checkNumber(`coefficients[${i}]`, v));
  const fixed = cs.slice() as number[];
  return curve(
    "polynomial",
    (x) => {
      let y = 0;
      for (let i = fixed.length - 1; i >= 0; i--) y = y * x + fixed[i];
      return y;
    },
    rest
  );
}

/** Splits a curve's own options from the common ones. */
function pick<T extends string>(
  options: unknown,
  name: string,
  own: readonly T[]
): {rest: SampleOptions} & Partial<Record<T, any>> {
  const o = checkOptions(name, options, [...COMMON_KEYS, ...own]);
  const rest: Record<string, unknown> = {};
  const mine: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(o)) ((own as readonly string[]).includes(key) ? mine : rest)[key] = value;
  return {...(mine as Partial<Record<T, any>>), rest: rest as SampleOptions};
}

// ---------------------------------------------------------------------------------------------
// Images

export interface ImageOptions {
  /** Output channels: 1 (gray) or 3 (RGB). Default: 3 for colour sources, 1 for gray ones. */
  channels?: 1 | 3;
  /** Train on n distinct random pixels (default: every pixel). */
  n?: number;
  /** Value of full intensity in `pixels` (default 255 for integer arrays, 1 for float arrays). */
  maxValue?: number;
  seed?: number;
  name?: string;
}

/**
 * Image regression: pixel centre (x, y) in [−1, 1]² (x to the right, y up) → colour in [0, 1].
 * `pixels` is row-major from the top-left, with 1 (gray), 3 (RGB) or 4 (RGBA; alpha ignored)
 * values per pixel. The train split is every pixel (or n random ones); the test split is always
 * every pixel in raster order, so its outputs can be drawn back as an image (meta.width/height).
 */
export function image(pixels: ArrayLike<number>, width: number, height: number, options?: ImageOptions): Dataset {
  const o = checkOptions("image", options, ["channels", "n", "maxValue", "seed", "name"]) as ImageOptions;
  checkInteger("width", width, 1, 1 << 15);
  checkInteger("height", height, 1, 1 << 15);
  if (pixels === null || typeof pixels !== "object" || typeof pixels.length !== "number") {
    fail(`pixels must be an array of numbers, got ${describe(pixels)}`);
  }
  const count = width * height;
  const source = pixels.length / count;
  if (source !== 1 && source !== 3 && source !== 4) {
    fail(
      `pixels must hold 1, 3 or 4 values per pixel (${count}, ${3 * count} or ${4 * count} for ${width}×${height}), got length ${pixels.length}`
    );
  }
  const channels = o.channels ?? (source === 1 ? 1 : 3);
  if (channels !== 1 && channels !== 3) fail(`channels must be 1 or 3, got ${describe(channels)}`);
  const isFloat = pixels instanceof Float32Array || pixels instanceof Float64Array;
  const maxValue = checkNumber("maxValue", o.maxValue ?? (isFloat ? 1 : 255));
  if (maxValue <= 0) fail(`maxValue must be greater than 0, got ${maxValue}`);
  const trainCount = o.n === undefined ? count : checkInteger("n", o.n, 1, count);
  const seed = checkInteger("seed", o.seed ?? 1);
  const name = o.name ?? "image";
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i];
    if (typeof v !== "number" || !(v >= 0 && v <= maxValue)) {
      fail(`pixels[${i}] must be a number between 0 and ${maxValue}, got ${describe(v)}`);
    }
  }

  const writePixel = (split: Split, i: number, p: number): void => {
    const row = Math.floor(p / width);
    const col = p - row * width;
    split.x[2 * i] = ((col + 0.5) / width) * 2 - 1;
    split.x[2 * i + 1] = 1 - ((row + 0.5) / height) * 2;
    const base = p * source;
    if (source === 1) {
      for (let ch = 0; ch < channels; ch++) split.y[i * channels + ch] = pixels[base] / maxValue;
    } else if (channels === 3) {
      for (let ch = 0; ch < 3; ch++) split.y[i * 3 + ch] = pixels[base + ch] / maxValue;
    } else {
      split.y[i] = (0.299 * pixels[base] + 0.587 * pixels[base + 1] + 0.114 * pixels[base + 2]) / maxValue;
    }
  };

  const test = emptySplit(2, channels, count, false);
  for (let p = 0; p < count; p++) writePixel(test, p, p);
  let train: Split;
  if (trainCount === count) {
    train = {x: test.x.slice(), y: test.y.slice(), n: count};
  } else {
    const order = new Int32Array(count);
    for (let p = 0; p < count; p++) order[p] = p;
    createRng(seed).shuffle(order);
    train = emptySplit(2, channels, trainCount, false);
    for (let i = 0; i < trainCount; i++) writePixel(train, i, order[i]);
  }
  return {name, task: "regression", inputSize: 2, outputSize: channels, train, test, meta: {width, height, channels}};
}

/** An RGBA picture, row-major from the top-left, 4 bytes per pixel. */
export interface Picture {
  width: number;
  height: number;
  pixels: Uint8ClampedArray;
}

/** Paints a size×size picture from colour(u, v) with u, v in [−1, 1] (v up), 4×4 supersampled. */
function paint(size: number, colour: (u: number, v: number, out: number[]) => void): Picture {
  checkInteger("size", size, 1, 4096);
  const pixels = new Uint8ClampedArray(size * size * 4);
  const rgb = [0, 0, 0];
  const sub = 4;
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      let r = 0,
        g = 0,
        b = 0;
      for (let sy = 0; sy < sub; sy++) {
        for (let sx = 0; sx < sub; sx++) {
          const u = ((col + (sx + 0.5) / sub) / size) * 2 - 1;
          const v = 1 - ((row + (sy + 0.5) / sub) / size) * 2;
          colour(u, v, rgb);
          r += rgb[0];
          g += rgb[1];
          b += rgb[2];
        }
      }
      const k = (row * size + col) * 4;
      const s = 255 / (sub * sub);
      pixels[k] = Math.round(r * s);
      pixels[k + 1] = Math.round(g * s);
      pixels[k + 2] = Math.round(b * s);
      pixels[k + 3] = 255;
    }
  }
  return {width: size, height: size, pixels};
}

function set(out: number[], r: number, g: number, b: number): void {
  out[0] = r;
  out[1] = g;
  out[2] = b;
}

/** Built-in procedural pictures, so pages and tests need no image files. */
export const pictures = {
  /** squares×squares board of dark blue and cream squares. */
  checkerboard(size = 32, squares = 4): Picture {
    checkInteger("squares", squares, 1, 1024);
    return paint(size, (u, v, out) => {
      const i = Math.min(squares - 1, Math.floor(((u + 1) / 2) * squares));
      const j = Math.min(squares - 1, Math.floor(((v + 1) / 2) * squares));
      if ((i + j) % 2 === 0) set(out, 0.12, 0.23, 0.47);
      else set(out, 0.95, 0.88, 0.66);
    });
  },
  /** Smooth concentric colour rings, `rings` of them from the centre to the edge. */
  rings(size = 32, rings = 3): Picture {
    checkNumber("rings", rings, 0, 1024);
    return paint(size, (u, v, out) => {
      const p = 2 * Math.PI * rings * Math.hypot(u, v);
      set(out, 0.5 + 0.5 * Math.cos(p), 0.5 + 0.5 * Math.cos(p + 2.1), 0.5 + 0.5 * Math.cos(p + 4.2));
    });
  },
  /** A yellow smiley face on light blue. */
  smiley(size = 32): Picture {
    return paint(size, (u, v, out) => {
      const r = Math.hypot(u, v);
      const eye = Math.hypot(Math.abs(u) - 0.3, v - 0.25) < 0.11;
      const mouth = v < -0.05 && Math.abs(r - 0.5) < 0.07;
      if (r > 0.85) set(out, 0.62, 0.8, 0.95);
      else if (r > 0.8 || eye || mouth) set(out, 0.1, 0.08, 0.05);
      else set(out, 1, 0.85, 0.2);
    });
  }
};

// ---------------------------------------------------------------------------------------------
// Capacity and function fitting

export interface MemorisationOptions {
  /** Number of random pairs (default 256). */
  n?: number;
  /** Inputs per sample (default 16). */
  inputSize?: number;
  /** Outputs per sample; for classification, the number of classes (default 1 / 2). */
  outputSize?: number;
  /** "regression": targets uniform in [−1, 1]; "classification": balanced random labels. */
  task?: "regression" | "classification";
  seed?: number;
}

/**
 * Random inputs uniform in [−1, 1] paired with random targets: nothing to generalise, only to
 * memorise. Everything is in the train split; the test split is empty (n = 0).
 */
export function memorisation(options?: MemorisationOptions): Dataset {
  const o = checkOptions("memorisation", options, ["n", "inputSize", "outputSize", "task", "seed"]);
  const task = checkOneOf("task", o.task ?? "regression", ["regression", "classification"] as const);
  const n = checkInteger("n", o.n ?? 256, 1);
  const inputSize = checkInteger("inputSize", o.inputSize ?? 16, 1);
  const classification = task === "classification";
  const outputSize = checkInteger("outputSize", o.outputSize ?? (classification ? 2 : 1), classification ? 2 : 1);
  const rng = createRng(checkInteger("seed", o.seed ?? 1));
  const train = emptySplit(inputSize, outputSize, n, classification);
  for (let i = 0; i < train.x.length; i++) train.x[i] = 2 * rng.next() - 1;
  if (classification) {
    const labels = train.labels!;
    for (let i = 0; i < n; i++) labels[i] = i % outputSize;
    rng.shuffle(labels);
    for (let i = 0; i < n; i++) train.y[i * outputSize + labels[i]] = 1;
  } else {
    for (let i = 0; i < train.y.length; i++) train.y[i] = 2 * rng.next() - 1;
  }
  const test = emptySplit(inputSize, outputSize, 0, classification);
  return {
    name: "memorisation",
    task,
    inputSize,
    outputSize,
    ...(classification ? {classes: outputSize} : {}),
    train,
    test,
    meta: {}
  };
}

export interface SinusoidsOptions extends SampleOptions {
  /** Input dimension d (default 8). */
  inputSize?: number;
  /** Independent target functions (default 1). */
  outputSize?: number;
  /** Sinusoids summed per output (default 16). */
  terms?: number;
  /** Periods of each sinusoid over a distance of 2 along its own direction (default 1). */
  frequency?: number;
}

/**
 * A smooth random function of d inputs: f_o(x) = Σ_k a_k·sin(w_k·x + φ_k), with w_k Gaussian of
 * length ≈ π·frequency, a_k ~ N(0, 1/terms), φ_k uniform. Inputs uniform in [−1, 1]^d; target
 * values have standard deviation about 0.7. The function is drawn from the seed as well.
 */
export function sinusoids(options?: SinusoidsOptions): Dataset {
  const o = checkOptions("sinusoids", options, [...COMMON_KEYS, "inputSize", "outputSize", "terms", "frequency"]);
  const d = checkInteger("inputSize", o.inputSize ?? 8, 1, 1 << 20);
  const outputSize = checkInteger("outputSize", o.outputSize ?? 1, 1, 1 << 16);
  const terms = checkInteger("terms", o.terms ?? 16, 1, 1 << 16);
  const frequency = checkNumber("frequency", o.frequency ?? 1, 0, 1000);
  const c = resolveCommon(o, {n: 1000, noise: 0, testFraction: 0.2});
  const seed = checkInteger("seed", o.seed ?? 1);
  const frng = createRng(deriveSeed(seed, 1));
  const count = outputSize * terms;
  const w = new Float64Array(count * d);
  const amp = new Float64Array(count);
  const phase = new Float64Array(count);
  const wScale = (Math.PI * frequency) / Math.sqrt(d);
  for (let i = 0; i < w.length; i++) w[i] = wScale * frng.normal();
  for (let k = 0; k < count; k++) {
    amp[k] = frng.normal() / Math.sqrt(terms);
    phase[k] = 2 * Math.PI * frng.next();
  }
  const split = (n: number, noise: number): Split => {
    const s = emptySplit(d, outputSize, n, false);
    for (let i = 0; i < s.x.length; i++) s.x[i] = 2 * c.rng.next() - 1;
    for (let i = 0; i < n; i++) {
      for (let out = 0; out < outputSize; out++) {
        let y = 0;
        for (let t = 0; t < terms; t++) {
          const k = out * terms + t;
          let dot = phase[k];
          for (let j = 0; j < d; j++) dot += w[k * d + j] * s.x[i * d + j];
          y += amp[k] * Math.sin(dot);
        }
        s.y[i * outputSize + out] = y + (noise > 0 ? noise * c.rng.normal() : 0);
      }
    }
    return s;
  };
  const train = split(c.nTrain, c.noise);
  const test = split(c.nTest, 0);
  return {
    name: "sinusoids",
    task: "regression",
    inputSize: d,
    outputSize,
    train,
    test,
    meta: {terms, frequency, noise: c.noise, cleanTest: true}
  };
}

// ---------------------------------------------------------------------------------------------
// Transforms

/**
 * A copy of `dataset` with one more input: the constant `value` (default 1) after the others.
 * The WHT models have no biases, so they are positively homogeneous (f(αx) = α·f(x), α > 0):
 * their class regions are cones from the origin, which can carve xor but never a circle or a
 * spiral. A constant input plays the part of the missing biases.
 */
export function withBiasInput(dataset: Dataset, value = 1): Dataset {
  if (dataset === null || typeof dataset !== "object" || !dataset.train || !dataset.test) {
    fail(`dataset must be a Dataset with train and test splits, got ${describe(dataset)}`);
  }
  checkNumber("value", value);
  const d = checkInteger("dataset.inputSize", dataset.inputSize, 1);
  const extend = (split: Split, name: string): Split => {
    if (!(split.x instanceof Float32Array) || split.x.length !== split.n * d) {
      fail(
        `dataset.${name}.x must be a Float32Array of length n × inputSize = ${split.n * d}, got ${describe(split.x)}`
      );
    }
    const x = new Float32Array(split.n * (d + 1));
    for (let i = 0; i < split.n; i++) {
      x.set(split.x.subarray(i * d, (i + 1) * d), i * (d + 1));
      x[i * (d + 1) + d] = value;
    }
    return {...split, x, y: split.y.slice(), ...(split.labels ? {labels: split.labels.slice()} : {})};
  };
  const train = extend(dataset.train, "train");
  const test = extend(dataset.test, "test");
  return {...dataset, inputSize: d + 1, train, test, meta: {...dataset.meta, biasInput: value}};
}

/** Every generator by name. `image` and `curve` take extra arguments; the others only options. */
export const datasets = {
  circle,
  xor,
  gaussians,
  spiral,
  sine,
  step,
  sawtooth,
  polynomial,
  curve,
  image,
  memorisation,
  sinusoids
};
