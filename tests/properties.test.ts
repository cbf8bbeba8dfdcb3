// Property-based tests of the public API with fast-check (issue 12): random specs, shapes,
// option objects (null, strings, arrays, huge and non-finite numbers) and CSV texts. Every case
// either succeeds with finite results or throws a SwitchNetError; after a refusal nothing has
// changed and the model still works. Seeded (fast-check's `seed`), so a failure reproduces.
import {afterAll, describe, expect, it} from "vitest";
import fc from "fast-check";
import {
  counts,
  createAdam,
  createModel,
  createSgd,
  createTrainer,
  datasets,
  equalDenseWidth,
  MODEL_KINDS,
  NonFiniteError,
  parseCsv,
  signFlips,
  SwitchNetError,
  train,
  TrainingDivergedError,
  wht,
  whtBatch,
  whtBatchChecked,
  whtChecked,
  type DisposableModel
} from "../lib/index.js";
import {decodeWeights, encodeWeights} from "../src/components/playground/weights.js";

const SEED = Number(process.env.FC_SEED ?? 20261201);
const runs = (numRuns: number) => ({seed: SEED, numRuns});

/** Numbers a hostile or careless caller passes: ordinary, edge, huge, non-finite. */
const anyNumber = fc.oneof(
  fc.integer({min: -5, max: 40}),
  fc.double({noNaN: false}),
  fc.constantFrom(
    0,
    -0,
    1,
    2,
    4,
    16,
    0.5,
    1e-40,
    3.4e38,
    3.5e38,
    1e39,
    1e300,
    -1e300,
    2 ** 30,
    2 ** 31,
    NaN,
    Infinity,
    -Infinity
  )
);
/** Any value at all where an option goes. */
const anyValue = fc.oneof(
  anyNumber,
  fc.constant(null),
  fc.constant(undefined),
  fc.string({maxLength: 8}),
  fc.boolean(),
  fc.constant([]),
  fc.constant({})
);
/** Mostly `valid`, sometimes (1 in 8) `bad`: so that most cases get past the first check. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, bad: fc.Arbitrary<U> = anyValue as fc.Arbitrary<U>) =>
  fc.oneof({arbitrary: valid, weight: 7}, {arbitrary: bad, weight: 1});
/** An options argument: mostly an object of (mostly valid) fields; sometimes left out, null or a wrong type. */
const optionsOf = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  mostly(
    fc.record(fields, {requiredKeys: []}),
    fc.oneof(fc.constant(undefined), fc.constant(null), fc.string({maxLength: 6}), anyNumber, fc.constant([1, 2]))
  );

/** Passes when `call` returns, or throws a SwitchNetError; rethrows anything else. Returns the value or the error. */
function outcome<T>(call: () => T): {ok: true; value: T} | {ok: false; error: SwitchNetError} {
  try {
    return {ok: true, value: call()};
  } catch (error) {
    if (!(error instanceof SwitchNetError)) throw error;
    return {ok: false, error};
  }
}

/** How many cases of each kind ran to a result and how many were refused (FC_STATS=1 prints them). */
const stats: Record<string, number> = {};
const count = (key: string) => void (stats[key] = (stats[key] ?? 0) + 1);
afterAll(() => {
  if (process.env.FC_STATS) console.log(JSON.stringify(stats, null, 1));
});

const allFinite = (a: ArrayLike<number>) => Array.prototype.every.call(a, Number.isFinite);
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe("property: models from random specs", () => {
  const spec = mostly(
    fc.record(
      {
        kind: mostly(fc.constantFrom(...MODEL_KINDS)),
        inputSize: mostly(fc.integer({min: 1, max: 6})),
        outputSize: mostly(fc.integer({min: 1, max: 4})),
        width: mostly(
          fc.constantFrom(4, 8, 16, 32, 64),
          fc.oneof(fc.integer({min: -4, max: 40}), fc.constantFrom(1, 2, 2 ** 30, 1e9, 3, NaN, Infinity, "16", null))
        ),
        depth: mostly(fc.integer({min: 1, max: 4}), anyNumber),
        groupSize: mostly(fc.constantFrom(1, 2, 4, 8, 16), anyNumber),
        projection: mostly(fc.constantFrom("random", "subrandom")),
        adjust: mostly(fc.boolean()),
        placement: mostly(fc.constantFrom("pad", "repeat")),
        initNoise: mostly(
          fc.double({min: 0, max: 1, noNaN: true}),
          fc.oneof(anyNumber, fc.constantFrom(50, 100, 101, 1e20))
        ),
        seed: mostly(fc.integer(), anyNumber)
      },
      {requiredKeys: ["kind", "inputSize", "outputSize", "width"]}
    ),
    anyValue
  );

  it("createModel either builds a working model or throws a SwitchNetError; forward and backward give finite numbers or say why", () => {
    fc.assert(
      fc.property(
        spec,
        fc.integer({min: 1, max: 3}),
        mostly(
          fc.array(fc.double({min: -10, max: 10, noNaN: true}), {minLength: 1, maxLength: 24}),
          fc.array(anyNumber, {minLength: 1, maxLength: 24})
        ),
        (s, batch, values) => {
          const made = outcome(() => createModel(s as never));
          count(made.ok ? "model built" : "model refused");
          if (!made.ok) return;
          const model = made.value;
          try {
            const k = model.spec.inputSize;
            const input = Float32Array.from({length: batch * k}, (_, i) => values[i % values.length]);
            const forward = outcome(() => model.forward(input, batch));
            count(
              forward.ok
                ? "forward ok"
                : `forward refused${forward.error instanceof NonFiniteError ? " (overflow)" : ""}`
            );
            if (forward.ok) {
              expect(allFinite(forward.value)).toBe(true);
              const gradient = outcome(() => model.backward(Float32Array.from(forward.value, (v) => Math.tanh(v))));
              if (gradient.ok) expect(allFinite(gradient.value)).toBe(true);
            }
            // The model still works on ordinary input afterwards.
            const plain = Float32Array.from({length: 2 * k}, (_, i) => Math.sin(i + 1));
            const out = outcome(() => model.forward(plain, 2));
            if (out.ok) expect(allFinite(out.value)).toBe(true);
            else expect(out.error).toBeInstanceOf(NonFiniteError); // only a start that overflows (initNoise near its limit, deep)
          } finally {
            model.dispose();
          }
        }
      ),
      runs(600)
    );
  });
});

describe("property: transforms and helpers with random arguments", () => {
  const whtOptions = optionsOf({from: mostly(fc.constantFrom(1, 2, 4)), normalize: mostly(fc.boolean())});
  const batchOptions = optionsOf({
    size: mostly(fc.constantFrom(1, 2, 4, 8, 16), anyNumber),
    from: mostly(fc.constantFrom(1, 2, 4)),
    normalize: mostly(fc.boolean())
  });
  const length = mostly(fc.constantFrom(1, 2, 4, 8, 16, 32), fc.integer({min: 0, max: 33}));
  const moderate = length.chain((n) =>
    fc.array(fc.double({min: -1e6, max: 1e6, noNaN: true}), {minLength: n, maxLength: n})
  );
  const hostile = length.chain((n) =>
    fc.array(mostly(fc.double({min: -1e6, max: 1e6, noNaN: true}), anyNumber), {minLength: n, maxLength: n})
  );
  const vector = fc.oneof(moderate, hostile);

  it("whtChecked and whtBatchChecked: finite results or a SwitchNetError, and the input untouched on refusal", () => {
    fc.assert(
      fc.property(vector, whtOptions, batchOptions, (values, options, batchOpts) => {
        const x = Float32Array.from(values);
        for (const [call, opts] of [
          [whtChecked, options],
          [whtBatchChecked, batchOpts]
        ] as const) {
          const copy = x.slice();
          const result = outcome(() => (call as (x: Float32Array, o: unknown) => Float32Array)(copy, opts));
          count(result.ok ? "checked transform ok" : "checked transform refused");
          if (result.ok) expect(allFinite(result.value)).toBe(true);
          else expect(bits(copy)).toEqual(bits(x));
        }
      }),
      runs(500)
    );
  });

  it("the raw wht and whtBatch: a SwitchNetError for bad shapes or options, finite results for moderate finite input", () => {
    fc.assert(
      fc.property(moderate, whtOptions, batchOptions, (values, options, batchOpts) => {
        const a = outcome(() => wht(Float32Array.from(values), options as never));
        if (a.ok) expect(allFinite(a.value)).toBe(true);
        const b = outcome(() => whtBatch(Float32Array.from(values), batchOpts as never));
        if (b.ok) expect(allFinite(b.value)).toBe(true);
      }),
      runs(500)
    );
  });

  it("signFlips, counts and equalDenseWidth: a ±1 pattern, finite counts, or a SwitchNetError", () => {
    fc.assert(
      fc.property(
        mostly(fc.constantFrom(1, 4, 16, 256, 1024), anyNumber),
        optionsOf({kind: mostly(fc.constantFrom("random", "subrandom")), seed: mostly(fc.integer())}),
        mostly(fc.constantFrom(...MODEL_KINDS)),
        optionsOf({
          groupSize: mostly(fc.constantFrom(1, 2, 4, 8, 16)),
          inputSize: mostly(fc.integer({min: 1, max: 64})),
          outputSize: mostly(fc.integer({min: 1, max: 64})),
          by: mostly(fc.constantFrom("edges", "stored", "active")),
          kind: mostly(fc.constantFrom(...MODEL_KINDS))
        }),
        (n, flipOptions, kind, countOptions) => {
          const flips = outcome(() => signFlips(Math.min(Number(n), 4096), flipOptions as never));
          if (flips.ok) expect(flips.value.every((v) => v === 1 || v === -1)).toBe(true);
          const c = outcome(() => counts(kind as never, n as number, countOptions as never));
          if (c.ok) expect(Object.values(c.value).every((v) => typeof v !== "number" || Number.isFinite(v))).toBe(true);
          const w = outcome(() => equalDenseWidth(n as number, countOptions as never));
          if (w.ok) expect(Number.isFinite(w.value)).toBe(true);
        }
      ),
      runs(400)
    );
  });

  it("optimisers: finite parameters after a step, or a SwitchNetError (unchanged parameters when the arguments are refused)", () => {
    const rate = (max: number) => mostly(fc.double({min: 0, max, noNaN: true}), anyNumber);
    const opts = optionsOf({
      learningRate: mostly(fc.double({min: 1e-6, max: 1e6, noNaN: true}), fc.constantFrom(1e30, 1e38, 0, -1, NaN)),
      momentum: rate(0.99),
      weightDecay: rate(1),
      beta1: rate(0.99),
      beta2: rate(0.999),
      epsilon: mostly(fc.double({min: 1e-10, max: 1, noNaN: true}), anyNumber)
    });
    const grad = mostly(fc.double({min: -1e6, max: 1e6, noNaN: true}), anyNumber);
    fc.assert(
      fc.property(
        fc.constantFrom(createSgd, createAdam),
        opts,
        fc.array(grad, {minLength: 1, maxLength: 8}),
        (make, options, grads) => {
          const made = outcome(() => make(grads.length, options as never));
          if (!made.ok) return;
          const params = Float32Array.from(grads, (_, i) => i - 2);
          const before = params.slice();
          const g = Float32Array.from(grads);
          const step = outcome(() => made.value.step(params, g));
          count(step.ok ? "optimiser step ok" : "optimiser step refused");
          if (step.ok) expect(allFinite(params)).toBe(true);
          else if (!(step.error instanceof NonFiniteError)) expect(bits(params)).toEqual(bits(before));
        }
      ),
      runs(400)
    );
  });
});

describe("property: training with random options", () => {
  const data = datasets.xor({n: 60, seed: 3});
  const trainOptions = optionsOf({
    // Bad epochs only (a valid huge count would just train for long).
    epochs: mostly(fc.integer({min: 1, max: 3}), fc.constantFrom(0, -1, 1.5, NaN, Infinity, "3", null)),
    batchSize: mostly(fc.integer({min: 1, max: 64}), anyNumber),
    optimizer: mostly(fc.constantFrom("sgd", "adam")),
    learningRate: mostly(fc.double({min: 1e-4, max: 1e4, noNaN: true}), anyNumber),
    momentum: mostly(fc.double({min: 0, max: 0.99, noNaN: true})),
    weightDecay: mostly(fc.double({min: 0, max: 0.1, noNaN: true})),
    seed: mostly(fc.integer()),
    evaluateTrain: mostly(fc.boolean()),
    loss: mostly(fc.constantFrom("mse", "softmax-cross-entropy"))
  });

  it("train() returns finite records or throws a SwitchNetError; refused options change nothing, and the model still works", () => {
    fc.assert(
      fc.property(fc.constantFrom(...MODEL_KINDS), trainOptions, (kind, options) => {
        const model: DisposableModel = createModel({kind, inputSize: 2, outputSize: 2, width: 8, depth: 2, seed: 1});
        try {
          const before = model.params.slice();
          const result = outcome(() => train(model, data, options as never));
          count(
            result.ok ? "train ok" : result.error instanceof TrainingDivergedError ? "train diverged" : "train refused"
          );
          if (result.ok) {
            for (const record of result.value) {
              for (const key of ["batchLoss", "trainLoss", "testLoss", "trainAccuracy", "testAccuracy"] as const) {
                if (record[key] !== undefined) expect(Number.isFinite(record[key]), key).toBe(true);
              }
            }
          } else if (!(result.error instanceof TrainingDivergedError)) {
            expect(bits(model.params)).toEqual(bits(before)); // refused before anything changed
          }
          // Afterwards: finite outputs, or (after a divergence) a NonFiniteError that says why.
          const out = outcome(() => model.forward(data.test.x.subarray(0, 8), 4));
          if (out.ok) expect(allFinite(out.value)).toBe(true);
          else expect(out.error).toBeInstanceOf(NonFiniteError);
          // And a fresh trainer with sensible options accepts it again unless its numbers are broken.
          const again = outcome(() => createTrainer(model, data, {learningRate: 0.01}).epoch());
          if (again.ok) expect(Number.isFinite(again.value.batchLoss) || result.ok === false).toBe(true);
        } finally {
          model.dispose();
        }
      }),
      runs(250)
    );
  });
});

describe("property: CSV texts", () => {
  const numberText = fc.oneof(
    fc.double({noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6}).map(String),
    fc.integer({min: -9, max: 9}).map(String),
    fc.constantFrom("1.5e3", ".5", "+3")
  );
  const labelText = fc.constantFrom("cat", "dog", "a,b", 'say "hi"', "two\nlines", "x\r\ny");
  const oddText = fc.constantFrom("", " ", "NaN", "inf", "-Infinity", "1e39", "abc");
  const cellText = fc.oneof(
    {arbitrary: numberText, weight: 30},
    {arbitrary: labelText, weight: 1},
    {arbitrary: oddText, weight: 1}
  );
  const quote = (s: string, d: string) =>
    /["\r\n]/.test(s) || s.includes(d) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
  const table = fc.record({
    columns: mostly(fc.integer({min: 2, max: 4}), fc.constantFrom(1, 5)),
    rows: fc.integer({min: 1, max: 8}),
    cells: fc.array(cellText, {minLength: 40, maxLength: 40}),
    labels: fc.array(mostly(labelText, oddText), {minLength: 8, maxLength: 8}),
    classify: fc.boolean(),
    header: fc.option(
      mostly(
        fc.shuffledSubarray(["a", "b", "c", "x y", "z"], {minLength: 5, maxLength: 5}),
        fc.constant(["a", "b", "a", "c", "d"])
      )
    ),
    delimiter: fc.constantFrom(",", ";", "\t"),
    newline: fc.constantFrom("\n", "\r\n"),
    raw: mostly(fc.constant(false), fc.constant(true))
  });
  // Each field is rarely bad (several fields: the options as a whole are bad often enough).
  const seldom = <T>(valid: fc.Arbitrary<T>, bad: fc.Arbitrary<unknown> = anyValue) =>
    fc.oneof({arbitrary: valid, weight: 24}, {arbitrary: bad, weight: 1});
  const csvOptions = optionsOf({
    task: seldom(fc.constantFrom("classification", "regression")),
    targetColumns: seldom(
      fc.oneof(
        fc.constantFrom("a", "b", "x y", -1, 0, 1, 5),
        fc.array(fc.constantFrom("a", "b", 0, -1), {minLength: 1, maxLength: 3})
      )
    ),
    header: seldom(fc.boolean()),
    delimiter: seldom(fc.constantFrom(",", ";", "\t")),
    testFraction: seldom(fc.double({min: 0, max: 0.9, noNaN: true}), anyNumber),
    seed: seldom(fc.integer()),
    scaleInputs: seldom(fc.boolean()),
    name: seldom(fc.string({maxLength: 5}))
  });

  // Options a reader would pass with an ordinary file.
  const friendlyOptions = fc.record(
    {testFraction: fc.double({min: 0, max: 0.9, noNaN: true}), seed: fc.integer(), scaleInputs: fc.boolean()},
    {requiredKeys: []}
  );

  it("parseCsv gives a dataset with finite numbers and consistent shapes, or a SwitchNetError", () => {
    fc.assert(
      fc.property(
        table,
        fc.oneof({arbitrary: friendlyOptions, weight: 3}, {arbitrary: csvOptions, weight: 2}),
        mostly(fc.constant(true), fc.constant(false)),
        ({columns, rows: n, cells, labels, classify, header, delimiter, newline, raw}, given, sameDelimiter) => {
          // Mostly the delimiter the text uses, when the options name one.
          const options =
            sameDelimiter && given !== null && typeof given === "object" && "delimiter" in given
              ? {...given, delimiter}
              : given;
          const rows = Array.from({length: n}, (_, r) =>
            Array.from({length: columns}, (_, c) => (classify && c === columns - 1 ? labels[r] : cells[r * 5 + c]))
          );
          const head = header ? header.slice(0, columns) : null;
          const lines = (head ? [head, ...rows] : rows).map((row) =>
            row.map((c) => (raw ? c : quote(c, delimiter))).join(delimiter)
          );
          const text = lines.join(newline);
          const parsed = outcome(() => parseCsv(text, options as never));
          count(parsed.ok ? "csv parsed" : "csv refused");
          if (!parsed.ok && process.env.FC_STATS)
            count(`csv: ${parsed.error.message.replace(/\d+/g, "N").slice(0, 60)}`);
          if (!parsed.ok) return;
          const d = parsed.value;
          expect(allFinite(d.train.x) && allFinite(d.train.y) && allFinite(d.test.x) && allFinite(d.test.y)).toBe(true);
          expect(d.train.x.length).toBe(d.train.n * d.inputSize);
          expect(d.train.y.length).toBe(d.train.n * d.outputSize);
          expect(d.test.x.length).toBe(d.test.n * d.inputSize);
          expect(d.train.n).toBeGreaterThan(0);
          // A model built for it trains on it.
          const model = createModel({kind: "dense", inputSize: d.inputSize, outputSize: d.outputSize, width: 4});
          try {
            const record = outcome(() => createTrainer(model, d, {epochs: 1}).epoch());
            if (record.ok) expect(Number.isFinite(record.value.batchLoss)).toBe(true);
          } finally {
            model.dispose();
          }
        }
      ),
      runs(800)
    );
  });

  it("round-trips quoted labels holding delimiters, quotes and line breaks (RFC 4180)", () => {
    const label = fc
      .string({minLength: 1, maxLength: 6, unit: fc.constantFrom("a", "b", ",", ";", '"', "\n", "\r\n", " x")})
      .filter((s) => s.trim() !== "" && !/^[+-]?(nan|inf|infinity)$/i.test(s.trim()) && s.trim() === s);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({min: -50, max: 50}), label), {minLength: 2, maxLength: 10}),
        fc.constantFrom(",", ";"),
        (rows, delimiter) => {
          fc.pre(
            new Set(rows.map((r) => r[1])).size >= 2 &&
              rows.some((r) => !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(r[1]))
          );
          const text = [
            "v" + delimiter + "label",
            ...rows.map(([v, l]) => `${v}${delimiter}"${l.replace(/"/g, '""')}"`)
          ].join("\n");
          const d = parseCsv(text, {delimiter, testFraction: 0, scaleInputs: false});
          expect(d.task).toBe("classification");
          expect([...(d.meta!.classNames as string[])].sort()).toEqual([...new Set(rows.map((r) => r[1]))].sort());
          const names = d.meta!.classNames as string[];
          const seen = new Map<number, string>();
          for (let i = 0; i < d.train.n; i++) seen.set(d.train.x[i], names[d.train.labels![i]]);
          for (const [v, l] of rows) if (rows.filter((r) => r[0] === v).length === 1) expect(seen.get(v)).toBe(l);
        }
      ),
      runs(300)
    );
  });
});

describe("property: weights files", () => {
  it("decodeWeights loads finite float32 values or throws a SwitchNetError naming the problem", () => {
    const spec = createModel({kind: "switchnet4", inputSize: 2, outputSize: 2, width: 4, depth: 1}).spec;
    fc.assert(
      fc.property(
        mostly(
          fc.array(mostly(fc.double({min: -3.4e38, max: 3.4e38, noNaN: true}), anyNumber), {
            minLength: 32,
            maxLength: 32
          }),
          fc.array(anyNumber, {maxLength: 40})
        ),
        fc.option(mostly(fc.constantFrom("scalar", "wasm-simd"))),
        (values, backendField) => {
          const file = JSON.parse(encodeWeights(spec, new Float32Array(32)));
          file.params = values;
          if (backendField !== null) file.backend = backendField;
          const loaded = outcome(() => decodeWeights(JSON.stringify(file), spec, 32));
          count(loaded.ok ? "weights loaded" : "weights refused");
          if (loaded.ok) expect(allFinite(loaded.value)).toBe(true);
        }
      ),
      runs(400)
    );
  });
});
