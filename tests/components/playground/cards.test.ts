// @vitest-environment jsdom
// The model cards and the data panel's line, built from a real session's info and reports.
import {describe, expect, it, vi} from "vitest";
import {
  countsText,
  createCard,
  dataPanelContent,
  redrawCharts,
  showReport,
  statsItems
} from "../../../src/components/playground/cards.js";
import {createSession, type ModelReport} from "../../../src/components/playground/engine.js";
import {defaultState, type PlaygroundState} from "../../../src/components/playground/state.js";

function smallState(dataset = "spiral"): PlaygroundState {
  const s = {...defaultState(), dataset, samples: 100};
  if (dataset !== "spiral") s.loss = "mse";
  s.models = [
    {kind: "switchnet4", width: 32, depth: 1, groupSize: 4, projection: "random"},
    {kind: "dense", width: 8, depth: 1, groupSize: 4, projection: "random"}
  ];
  return s;
}

const report = (fields: Partial<ModelReport>): ModelReport => ({
  trainLoss: 0.5,
  testLoss: 0.25,
  diverged: false,
  outputs: null,
  msPerStep: NaN,
  seconds: 0,
  ...fields
});

const handlers = {onState: vi.fn(), onCsvFile: vi.fn(), onImageFile: vi.fn(), hasFile: () => false};

describe("playground cards", () => {
  it("count a model's stored weights, biases, active weights and fixed edges", () => {
    const session = createSession(smallState());
    const [wht, dense] = session.info.models;
    expect(countsText(wht)).toBe(
      `${wht.stored} stored weights · ${wht.active} active · ${wht.fixedEdges} fixed ±1 edges`
    );
    expect(wht.biases).toBe(0);
    expect(countsText(dense)).toBe(
      `${dense.stored} stored weights · ${dense.biases} biases · ${dense.active} active · 0 fixed ±1 edges`
    );
    expect(countsText({...dense, stored: 1_234_567, biases: 0, active: 2048, fixedEdges: 2_097_152})).toBe(
      "1,234,567 stored weights · 2,048 active · 2,097,152 fixed ±1 edges"
    );
    session.dispose();
  });

  it("list losses, accuracies, speed, time and divergence as the report has them", () => {
    const text = (r: ModelReport) => statsItems(r).map((e) => e.textContent);
    expect(text(report({}))).toEqual(["train loss 0.5000", "test loss 0.2500"]);
    expect(text(report({trainAccuracy: 0.9, testAccuracy: 0.875, msPerStep: 2.5, seconds: 4.24}))).toEqual([
      "train loss 0.5000",
      "test loss 0.2500",
      "train acc. 90.0 %",
      "test acc. 87.5 %",
      "400 steps/s (2.5 ms/step)",
      "4.2 s trained"
    ]);
    expect(text(report({msPerStep: 0.25}))[2]).toBe("4,000 steps/s (0.250 ms/step)");
    const diverged = statsItems(report({trainLoss: NaN, testLoss: NaN, diverged: true}));
    expect(diverged.map((e) => e.textContent)).toEqual([
      "train loss –",
      "test loss –",
      "diverged: lower the learning rate"
    ]);
    expect(diverged[2].tagName).toBe("STRONG");
  });

  it("a card shows 'building…' before the session, then its counts, its picture, and the reports it gets", () => {
    const state = smallState();
    const exported: number[] = [];
    const actions = {handlers, onExport: (i: number) => exported.push(i), onImport: vi.fn()};
    const pending = createCard(state, 1, null, "1.5 MiB", actions);
    expect(pending.root.dataset.model).toBe("1");
    expect(pending.root.querySelector(".pg-card-title")?.textContent).toBe("2. Dense");
    expect(pending.stats.textContent).toBe("building…");
    expect(pending.canvas).toBeNull();
    expect(pending.root.querySelector(".pg-memory")?.textContent).toBe(
      "needs about 1.5 MiB of memory to train (estimate)"
    );
    pending.root.querySelector<HTMLButtonElement>('[data-action="download-1"]')!.click();
    expect(exported).toEqual([1]);

    const session = createSession(state);
    const card = createCard(state, 0, session.info, null, actions);
    expect(card.root.querySelector(".pg-counts")?.textContent).toBe(countsText(session.info.models[0]));
    expect(card.canvas?.getAttribute("aria-label")).toBe("learned function of model 1");
    session.run(3);
    const snapshot = session.snapshot(false);
    showReport(card, snapshot.step, snapshot.models[0], session.info.view, false);
    expect(card.history).toEqual([expect.objectContaining({step: 3, trainLoss: snapshot.models[0].trainLoss})]);
    expect(card.root.dataset.trainLoss).toBe(String(snapshot.models[0].trainLoss));
    expect(card.stats.textContent).toContain("train acc.");
    redrawCharts(card, session.info.dataset.task, "step");
    expect(card.charts.children.length).toBe(2); // loss and accuracy
    redrawCharts(card, "regression", "seconds");
    expect(card.charts.children.length).toBe(1);
    session.dispose();
  });

  it("the data panel says the dataset's shape, split, loss and kernels", () => {
    const session = createSession(smallState());
    const [line] = dataPanelContent(session.info, "wasm-simd");
    const {train, test} = session.info.dataset;
    expect(train + test).toBe(100);
    expect(line.textContent).toBe(
      `spiral: classification, 2 inputs → 2 outputs · ${train} train / ${test} test samples · ` +
        "loss softmax-cross-entropy · kernels: wasm-simd"
    );
    session.dispose();
    const curve = createSession(smallState("sine"));
    expect(dataPanelContent(curve.info, null)[0].textContent).toMatch(
      /^sine: regression, 1 input → 1 output · .* · loss mse$/
    );
    curve.dispose();
  });
});
