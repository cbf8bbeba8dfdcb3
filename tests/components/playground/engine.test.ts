import {describe, expect, it} from "vitest";
import {
  buildDataset,
  createSession,
  effectiveLoss,
  planeGridSize,
  predict,
  viewFor,
  PLANE_GRID,
  CURVE_POINTS,
  type CustomData
} from "../../../src/components/playground/engine.js";
import {
  cloneState,
  DATASETS,
  defaultModel,
  defaultState,
  type PlaygroundState
} from "../../../src/components/playground/state.js";
import {questionPreset} from "../../../src/components/playground/presets.js";
import {SwitchNetError} from "../../../lib/check.js";
import {createModel} from "../../../lib/model.js";
import {createRng} from "../../../lib/random.js";

function state(edit: (s: PlaygroundState) => void): PlaygroundState {
  const s = defaultState();
  edit(s);
  return s;
}

describe("buildDataset", () => {
  it("builds every built-in dataset with the shape its family promises", () => {
    for (const d of DATASETS.filter((d) => d.family !== "csv" && d.family !== "upload")) {
      const dataset = buildDataset(
        state((s) => {
          s.dataset = d.name;
          s.samples = 100;
        })
      );
      if (d.family === "2d") {
        expect([dataset.task, dataset.inputSize], d.name).toEqual(["classification", 2]);
        expect(dataset.train.n + dataset.test.n).toBe(100);
      } else if (d.family === "1d") {
        expect([dataset.task, dataset.inputSize, dataset.outputSize], d.name).toEqual(["regression", 1, 1]);
      } else if (d.family === "nd") {
        // The capacity experiment's smooth target: 16 inputs, 4 outputs.
        expect(
          [dataset.name, dataset.task, dataset.inputSize, dataset.outputSize, dataset.train.n + dataset.test.n],
          d.name
        ).toEqual(["sinusoids", "regression", 16, 4, 100]);
      } else {
        expect(
          [dataset.task, dataset.inputSize, dataset.outputSize, dataset.meta?.width, dataset.test.n],
          d.name
        ).toEqual(["regression", 2, 3, 32, 32 * 32]);
      }
    }
  });

  it("the reader's own data must be given, and a bad CSV names the line and value", () => {
    expect(() =>
      buildDataset(
        state((s) => {
          s.dataset = "csv";
        })
      )
    ).toThrow("choose a CSV file first (your own data is not kept in the URL)");
    expect(() =>
      buildDataset(
        state((s) => {
          s.dataset = "upload";
        })
      )
    ).toThrow("choose a picture file first");
    const bad: CustomData = {kind: "csv", name: "bad.csv", text: "a,b,c\n1,2,x\n3,oops,y\n"};
    expect(() =>
      buildDataset(
        state((s) => {
          s.dataset = "csv";
        }),
        bad
      )
    ).toThrow(SwitchNetError);
    expect(() =>
      buildDataset(
        state((s) => {
          s.dataset = "csv";
        }),
        bad
      )
    ).toThrow(/line 3.*"oops"/);
  });

  it("an uploaded picture becomes an image regression of its pixels", () => {
    const pixels = new Uint8ClampedArray(4 * 3 * 2).fill(255);
    const d = buildDataset(
      state((s) => {
        s.dataset = "upload";
      }),
      {kind: "image", pixels, width: 3, height: 2, name: "me.png"}
    );
    expect([d.inputSize, d.outputSize, d.test.n, d.meta?.width, d.meta?.height]).toEqual([2, 3, 6, 3, 2]);
    expect(Array.from(d.test.y)).toEqual(new Array(18).fill(1));
  });
});

describe("effectiveLoss", () => {
  it("keeps cross-entropy for classes and falls back to mse for regression, with a note", () => {
    const notes: string[] = [];
    expect(effectiveLoss("softmax-cross-entropy", buildDataset(defaultState()), notes)).toBe("softmax-cross-entropy");
    expect(notes).toEqual([]);
    expect(
      effectiveLoss(
        "softmax-cross-entropy",
        buildDataset(
          state((s) => {
            s.dataset = "sine";
          })
        ),
        notes
      )
    ).toBe("mse");
    expect(notes).toEqual([
      'loss "softmax-cross-entropy" needs classes, and "sine" is a regression dataset; using "mse"'
    ]);
  });
});

describe("viewFor", () => {
  it("planes cover the data; curves span it; pictures evaluate every pixel", () => {
    const spiral = buildDataset(defaultState());
    const plane = viewFor(spiral, "2d");
    expect(plane.view.kind).toBe("plane");
    expect(plane.inputs).toHaveLength(PLANE_GRID * PLANE_GRID * 2);
    if (plane.view.kind !== "plane") throw new Error("unreachable");
    for (let i = 0; i < spiral.train.n; i++) {
      expect(spiral.train.x[2 * i]).toBeGreaterThan(plane.view.box.x0);
      expect(spiral.train.x[2 * i + 1]).toBeLessThan(plane.view.box.y1);
    }
    const curve = viewFor(
      buildDataset(
        state((s) => {
          s.dataset = "sine";
        })
      ),
      "1d"
    );
    expect(curve.view.kind).toBe("curve");
    expect(curve.inputs).toHaveLength(CURVE_POINTS);
    // A CSV of two inputs and a numeric target is drawn as values over the plane.
    const rows = Array.from(
      {length: 40},
      (_, i) => `${(i % 8) / 7},${Math.floor(i / 8) / 4},${(i % 8) / 7 - Math.floor(i / 8) / 4}`
    );
    const csv = buildDataset(
      state((s) => {
        s.dataset = "csv";
      }),
      {kind: "csv", name: "plane.csv", text: ["a,b,t", ...rows].join("\n")}
    );
    const values = viewFor(csv, "csv", 16);
    expect(values.view).toMatchObject({kind: "plane", mode: "value", grid: 16, channels: 1});
    expect(values.inputs).toHaveLength(16 * 16 * 2);
    const picture = viewFor(
      buildDataset(
        state((s) => {
          s.dataset = "image:smiley";
        })
      ),
      "image"
    );
    expect(picture.view.kind).toBe("picture");
    expect(picture.inputs).toHaveLength(32 * 32 * 2);
  });
});

describe("planeGridSize", () => {
  it("is 64 for small models, shrinks with total width × depth, and stops at 24", () => {
    const m = (width: number, depth: number) => ({
      kind: "switchnet4" as const,
      width,
      depth,
      groupSize: 4,
      projection: "subrandom" as const
    });
    expect(planeGridSize(defaultState().models)).toBe(64);
    expect(planeGridSize([m(1024, 4)])).toBe(Math.round(Math.sqrt(2 ** 23 / 4096)));
    expect(planeGridSize([m(512, 4), m(512, 4)])).toBe(planeGridSize([m(1024, 4)]));
    expect(planeGridSize([m(4096, 8)])).toBe(24);
  });
});

describe("createSession", () => {
  it("trains the default models on the spiral: loss falls by half within 300 steps", () => {
    const session = createSession(defaultState());
    const first = session.snapshot(true);
    expect(first.step).toBe(0);
    expect(first.models).toHaveLength(2);
    expect(first.models[0].outputs).toHaveLength(PLANE_GRID * PLANE_GRID * 2);
    session.run(300);
    const later = session.snapshot(false);
    expect(later.step).toBe(300);
    expect(later.models[0].outputs).toBeNull();
    expect(later.models[0].trainLoss).toBeLessThan(first.models[0].trainLoss / 2);
    expect(later.models[0].trainAccuracy).toBeGreaterThan(0.9);
  });

  it("is reproducible: the same state gives the same losses and pictures", () => {
    const s = state((s) => {
      s.models = [
        {kind: "butterfly", width: 8, depth: 2, groupSize: 4, projection: "random"},
        {kind: "filterbank", width: 8, depth: 2, groupSize: 4, projection: "subrandom"}
      ];
    });
    const a = createSession(s),
      b = createSession(cloneState(s));
    a.run(25);
    b.run(25);
    const results = (session: typeof a) =>
      session.snapshot(true).models.map(({msPerStep, seconds, ...rest}) => {
        expect(msPerStep).toBeGreaterThanOrEqual(0); // timing: present, but not a result
        expect(seconds).toBeGreaterThan(0);
        return rest;
      });
    expect(results(a)).toEqual(results(b));
  });

  it("reports stored, active and fixed counts per model from the library", () => {
    const info = createSession(
      state((s) => {
        s.models = [{kind: "switchnet4", width: 16, depth: 2, groupSize: 4, projection: "subrandom"}];
      })
    ).info;
    // 2·m·W per layer; m·W active; fixed: projection 2·W·log2 W + per layer 2·W·(log2 W − log2 m).
    expect(info.models[0]).toMatchObject({
      stored: 2 * 2 * 4 * 16,
      active: 2 * 4 * 16,
      biases: 0,
      fixedEdges: 2 * 16 * 4 + 2 * 2 * 16 * 2
    });
    expect(info.dataset.inputSize).toBe(2); // the data's own inputs, before the constant one
  });

  it("without the constant input every model is positively homogeneous: f(2x) = 2·f(x)", () => {
    const s = state((s) => {
      s.biasInput = false;
      s.models = [
        {kind: "dense", width: 8, depth: 2, groupSize: 4, projection: "subrandom"},
        {kind: "switchnet4", width: 8, depth: 2, groupSize: 4, projection: "random"}
      ];
    });
    const session = createSession(s);
    expect(session.info.models[0].spec.inputSize).toBe(2);
    session.run(50); // trained weights, not just the initial ones
    const file = JSON.parse(session.exportWeights(1));
    const model = createModel(file.spec);
    model.params.set(file.params);
    const rng = createRng(3);
    const x = Float32Array.from({length: 20}, () => rng.normal());
    const y1 = predict(model, x);
    const y2 = predict(
      model,
      x.map((v) => 2 * v)
    );
    for (let i = 0; i < y1.length; i++) expect(y2[i]).toBeCloseTo(2 * y1[i], 4);
    const withBias = createSession(
      state((s) => {
        s.models = [{kind: "switchnet4", width: 8, depth: 2, groupSize: 4, projection: "random"}];
      })
    );
    expect(withBias.info.models[0].spec.inputSize).toBe(3);
  });

  it("weights exported from one session load into another and give the same function", () => {
    const s = state((s) => {
      s.models = [{kind: "switchnet4", width: 16, depth: 2, groupSize: 4, projection: "subrandom"}];
    });
    const a = createSession(s);
    a.run(40);
    const b = createSession(s);
    expect(b.snapshot(true).models[0].outputs).not.toEqual(a.snapshot(true).models[0].outputs);
    b.importWeights(0, a.exportWeights(0));
    expect(b.snapshot(true).models[0].outputs).toEqual(a.snapshot(true).models[0].outputs);
    const other = createSession(
      state((t) => {
        t.models = [{kind: "switchnet4", width: 32, depth: 2, groupSize: 4, projection: "subrandom"}];
      })
    );
    expect(() => other.importWeights(0, a.exportWeights(0))).toThrow("width 16 (this model: 32)");
    expect(() => other.importWeights(3, "{}")).toThrow("model index must be between 0 and 0, got 3");
  });

  it("refuses a model too large for a browser tab before allocating it", () => {
    const s = state((s) => {
      s.models = [{kind: "dense", width: 4096, depth: 3, groupSize: 4, projection: "subrandom"}];
    });
    // Layers 3 → 4096 → 4096 → 4096 → 2 (the constant input makes 3), weights plus biases.
    const total = 3 * 4096 + 4096 + 2 * (4096 * 4096 + 4096) + (4096 * 2 + 2);
    expect(total).toBe(33_587_202);
    expect(() => createSession(s)).toThrow(
      /^model 1 \(Dense\): this model would have 33,587,202 parameters; the page trains at most 33,554,432 per model \(reduce the width or depth\)$/
    );
  });

  it("refuses models that do not fit the page's memory together, before building any, naming each one's share", () => {
    const wide = {...defaultModel("switchnet4"), width: 65536, depth: 8, groupSize: 16};
    // Each, in floats of 4 bytes: 16,777,216 parameters, as many gradients and 2 × as many for Adam, plus
    // 160 rows × 9 × 65,536 activations kept by forward and 2 × 2 rows × 65,536 of backward's tiles = 617 MiB.
    const s = state((s) => {
      s.models = [wide, wide, wide, wide];
      s.batchSize = 160;
    });
    expect(() => createSession(s)).toThrow(
      "these models need about 2.41 GiB of WebAssembly memory together (model 1: 617 MiB, model 2: 617 MiB, model 3: 617 MiB, model 4: 617 MiB); a page can hold at most 2.00 GiB: lower a width, a depth or the batch size"
    );
    // One step's activations alone may pass the library's limit (2^28 floats): named before building.
    s.models = [wide];
    s.batchSize = 1024;
    expect(() => createSession(s)).toThrow(
      "model 1 (Switch Net 4) would keep 805,306,368 floats of activations per step at batch size 1024; a step may keep at most 268,435,456: lower the batch size, width or depth"
    );
  });

  it("the 65,536 vs 1448 preset builds at full width and its loss falls within 30 steps", {timeout: 180_000}, () => {
    // The preset's models and data, with fewer samples so the scalar kernels evaluate them quickly.
    const s = {...questionPreset(defaultState()), samples: 80};
    expect(questionPreset(defaultState()).samples).toBe(1024);
    const session = createSession(s);
    try {
      expect(session.info.dataset).toMatchObject({
        name: "sinusoids",
        inputSize: 16,
        outputSize: 4,
        train: 64,
        test: 16
      });
      expect(session.info.models.map((m) => [m.spec.kind, m.spec.width, m.spec.depth])).toEqual([
        ["switchnet4", 65536, 2],
        ["dense", 1448, 2],
        ["dense", 724, 2]
      ]);
      const before = session.snapshot(false);
      session.run(30);
      const after = session.snapshot(false);
      after.models.forEach((m, i) => {
        expect(m.trainLoss, `model ${i + 1}`).toBeLessThan(before.models[i].trainLoss);
        expect(m.seconds).toBeGreaterThan(0);
        expect(m.msPerStep).toBeGreaterThan(0);
      });
    } finally {
      session.dispose();
    }
  });

  it("a model that cannot take the data is named with the library's reason", () => {
    const header = Array.from({length: 20}, (_, i) => `f${i}`).join(",") + ",y";
    const rows = Array.from({length: 30}, (_, r) =>
      Array.from({length: 21}, (_, c) => ((r * 7 + c * 3) % 11) / 10).join(",")
    );
    const custom: CustomData = {kind: "csv", name: "wide.csv", text: [header, ...rows].join("\n")};
    const s = state((s) => {
      s.dataset = "csv";
      s.loss = "mse";
      s.models = [{kind: "switchnet4", width: 16, depth: 2, groupSize: 4, projection: "subrandom"}];
    });
    expect(() => createSession(s, custom)).toThrow("model 1 (Switch Net 4): width must be at least inputSize 21");
    s.models[0].width = 32;
    const session = createSession(s, custom);
    expect(session.info.view).toEqual({
      kind: "none",
      reason: "a function of 20 inputs to 1 outputs cannot be drawn on a plane; follow the loss curves"
    });
    session.run(5);
    expect(Number.isFinite(session.snapshot(false).models[0].trainLoss)).toBe(true);
  });
});
