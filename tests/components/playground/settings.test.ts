// @vitest-environment jsdom
// The settings panels and the models header: plain DOM, driven as a reader would.
import {describe, expect, it, vi} from "vitest";
import type {ChangeScope, ControlHandlers} from "../../../src/components/playground/controls.js";
import type {SessionInfo} from "../../../src/components/playground/engine.js";
import {questionPreset} from "../../../src/components/playground/presets.js";
import {
  dataSummary,
  modelsHeader,
  nextModelKind,
  settingsPanels,
  taskOf,
  trainingSummary
} from "../../../src/components/playground/settings.js";
import {defaultModel, defaultState, LIMITS, type PlaygroundState} from "../../../src/components/playground/state.js";

function recorder() {
  const changes: [PlaygroundState, ChangeScope][] = [];
  const handlers: ControlHandlers = {
    onState: (next, scope) => changes.push([next, scope]),
    onCsvFile: vi.fn(),
    onImageFile: vi.fn(),
    hasFile: () => false
  };
  return {changes, handlers};
}

const csvInfo = (task: "classification" | "regression") =>
  ({dataset: {name: "mine.csv", task, inputSize: 4, outputSize: 3, train: 80, test: 20}}) as unknown as SessionInfo;

describe("playground settings panels", () => {
  it("sum up the data and training settings", () => {
    const s = defaultState();
    expect(dataSummary(s)).toBe("Data · spiral, 500 samples · seed 1");
    expect(dataSummary({...s, dataset: "image:rings", seed: 7})).toBe("Data · rings · seed 7");
    expect(dataSummary({...s, dataset: "smooth16", samples: 1024})).toBe("Data · smooth16, 1,024 samples · seed 1");
    expect(trainingSummary(s)).toBe("Training · Adam · rate 0.02 · batch 32");
    expect(trainingSummary({...s, optimizer: "sgd", learningRate: 0.1, batchSize: 8})).toBe(
      "Training · SGD · rate 0.1 · batch 8"
    );
  });

  it("offer classification losses for the plane's datasets and a CSV with classes only", () => {
    const s = defaultState();
    expect(taskOf(s, null)).toBe("classification");
    expect(taskOf({...s, dataset: "sine"}, null)).toBe("regression");
    expect(taskOf({...s, dataset: "csv"}, null)).toBe("regression");
    expect(taskOf({...s, dataset: "csv"}, csvInfo("classification"))).toBe("classification");
    expect(taskOf({...s, dataset: "csv"}, csvInfo("regression"))).toBe("regression");
  });

  it("the constant-input box changes the data, show-test only the view; panels remember being opened", () => {
    const {changes, handlers} = recorder();
    const open = {data: false, training: true};
    const [data, training] = settingsPanels(defaultState(), null, handlers, open);
    expect(data.open).toBe(false);
    expect(training.open).toBe(true);
    expect(data.querySelector("summary")?.textContent).toBe("Data · spiral, 500 samples · seed 1");
    document.body.append(data, training);
    data.querySelector<HTMLInputElement>('[data-control="bias"]')!.click();
    data.querySelector<HTMLInputElement>('[data-control="show-test"]')!.click();
    expect(changes.map(([s, scope]) => [s.biasInput, s.showTest, scope])).toEqual([
      [false, false, "data"],
      [true, true, "view"]
    ]);
    data.open = true;
    data.dispatchEvent(new Event("toggle"));
    expect(open.data).toBe(true);
    // Pictures have no test points to show.
    const [picture] = settingsPanels({...defaultState(), dataset: "image:smiley", loss: "mse"}, null, handlers, open);
    expect(picture.querySelector('[data-control="show-test"]')).toBeNull();
    expect(picture.querySelector('[data-control="bias"]')).not.toBeNull();
    data.remove();
    training.remove();
  });
});

describe("playground models header", () => {
  it("adds the first kind not on the page, up to the limit", () => {
    expect(nextModelKind([defaultModel("switchnet4"), defaultModel("dense")])).toBe("butterfly");
    expect(
      nextModelKind(["switchnet4", "butterfly", "filterbank", "dense"].map((k) => defaultModel(k as "dense")))
    ).toBe("switchnet4");
    const {changes, handlers} = recorder();
    const actions = {onState: handlers.onState, onMatch: vi.fn(), onAxis: vi.fn()};
    const [title, add] = modelsHeader(defaultState(), "step", actions);
    expect(title.textContent).toBe("Models, side by side");
    (add as HTMLButtonElement).click();
    expect(changes[0][0].models.map((m) => m.kind)).toEqual(["switchnet4", "dense", "butterfly"]);
    expect(changes[0][1]).toBe("models");
    const full = {...defaultState(), models: Array.from({length: LIMITS.models}, () => defaultModel("dense"))};
    const [, addFull] = modelsHeader(full, "step", actions);
    expect((addFull as HTMLButtonElement).disabled).toBe(true);
  });

  it("the preset sets up the question, Match and the axis menu call their actions", () => {
    const {changes, handlers} = recorder();
    const onMatch = vi.fn(),
      onAxis = vi.fn();
    const items = modelsHeader(defaultState(), "seconds", {onState: handlers.onState, onMatch, onAxis});
    const byAction = (a: string) => items.find((e) => e.dataset.action === a) as HTMLButtonElement;
    byAction("preset-question").click();
    expect(changes).toEqual([[questionPreset(defaultState()), "models"]]);
    byAction("match").click();
    expect(onMatch).toHaveBeenCalledTimes(1);
    const axis = items.find((e) => e.dataset.control === "chart-axis") as HTMLSelectElement;
    expect(axis.value).toBe("seconds");
    axis.value = "step";
    axis.dispatchEvent(new Event("change"));
    expect(onAxis).toHaveBeenCalledWith("step");
  });
});
