// @vitest-environment jsdom
// (jsdom comes with @observablehq/framework; the controls are plain DOM.)
import {describe, expect, it, vi} from "vitest";
import {
  dataControls,
  modelControls,
  rememberFocus,
  trainingControls,
  type ChangeScope,
  type ControlHandlers
} from "../../../src/components/playground/controls.js";
import {defaultState, type PlaygroundState} from "../../../src/components/playground/state.js";

function recorder(files: {csv?: boolean; upload?: boolean} = {}) {
  const changes: [PlaygroundState, ChangeScope][] = [];
  const handlers: ControlHandlers = {
    onState: (next, scope) => changes.push([next, scope]),
    onCsvFile: vi.fn(),
    onImageFile: vi.fn(),
    hasFile: (family) => Boolean(files[family])
  };
  return {changes, handlers};
}

function control<T extends HTMLElement>(root: HTMLElement, name: string): T {
  const el = root.querySelector<T>(`[data-control="${name}"]`);
  if (!el) throw new Error(`no control ${name}`);
  return el;
}

function change(el: HTMLInputElement | HTMLSelectElement, value: string): void {
  el.value = value;
  el.dispatchEvent(new Event("change"));
}

describe("data controls", () => {
  it("show the state, and a dataset change brings that dataset's loss and noise", () => {
    const state = defaultState();
    const {changes, handlers} = recorder();
    const root = dataControls(state, handlers);
    expect(control<HTMLSelectElement>(root, "dataset").value).toBe("spiral");
    expect(control<HTMLInputElement>(root, "noise").value).toBe("0.05");
    change(control(root, "dataset"), "sine");
    change(control(root, "dataset"), "gaussians");
    expect(changes.map(([s, scope]) => [s.dataset, s.loss, s.noise, scope])).toEqual([
      ["sine", "mse", 0.05, "data"],
      ["gaussians", "softmax-cross-entropy", 0.2, "data"]
    ]);
    expect(state.dataset).toBe("spiral"); // the state handed in is never edited
  });

  it("picking the reader's own CSV without a file asks for one and changes nothing", () => {
    const {changes, handlers} = recorder();
    const root = dataControls(defaultState(), handlers);
    const picker = control<HTMLInputElement>(root, "csv-file");
    const click = vi.spyOn(picker, "click").mockImplementation(() => undefined);
    change(control(root, "dataset"), "csv");
    expect(click).toHaveBeenCalledTimes(1);
    expect(changes).toEqual([]);
    expect(control<HTMLSelectElement>(root, "dataset").value).toBe("spiral");
    // Once a file has been read, the menu switches directly.
    const loaded = recorder({csv: true});
    change(control(dataControls(defaultState(), loaded.handlers), "dataset"), "csv");
    expect(loaded.changes[0][0].dataset).toBe("csv");
  });

  it("the smooth 16-input target keeps noise and samples, and trains with squared error", () => {
    const {changes, handlers} = recorder();
    change(control(dataControls(defaultState(), handlers), "dataset"), "smooth16");
    expect(changes.map(([s]) => [s.dataset, s.loss, s.noise])).toEqual([["smooth16", "mse", 0]]);
    const root = dataControls(changes[0][0], handlers);
    expect(control<HTMLInputElement>(root, "samples").value).toBe("500");
    expect(control<HTMLInputElement>(root, "noise").value).toBe("0");
  });

  it("file inputs are whole-word buttons, with the input inside", () => {
    const {handlers} = recorder();
    const root = dataControls(defaultState(), handlers);
    const csv = control<HTMLInputElement>(root, "csv-file");
    const image = control<HTMLInputElement>(root, "image-file");
    expect(csv.parentElement?.className).toBe("pg-button pg-file");
    expect(csv.parentElement?.textContent).toBe("Choose a CSV…");
    expect(image.parentElement?.textContent).toBe("Choose a picture…");
  });

  it("pictures hide noise and sample count", () => {
    const state = {...defaultState(), dataset: "image:rings", loss: "mse" as const};
    const root = dataControls(state, recorder().handlers);
    expect(root.querySelector('[data-control="noise"]')).toBeNull();
    expect(root.querySelector('[data-control="samples"]')).toBeNull();
  });
});

describe("training controls", () => {
  it("offer cross-entropy only for classification, and pass typed numbers on", () => {
    const {changes, handlers} = recorder();
    const classification = trainingControls(defaultState(), handlers, "classification");
    expect(Array.from(control<HTMLSelectElement>(classification, "loss").options, (o) => o.value)).toEqual([
      "softmax-cross-entropy",
      "mse"
    ]);
    const regression = trainingControls({...defaultState(), loss: "mse"}, handlers, "regression");
    expect(Array.from(control<HTMLSelectElement>(regression, "loss").options, (o) => o.value)).toEqual(["mse"]);
    change(control(classification, "lr"), "0.005");
    change(control(classification, "lr"), "");
    expect(changes[0]).toEqual([{...defaultState(), learningRate: 0.005}, "training"]);
    expect(changes[1][0].learningRate).toBeNaN(); // an empty box is not a number: the app refuses it
  });
});

describe("model controls", () => {
  it("the width menu goes to 65,536 for Switch Net 4, each width with the memory it needs", () => {
    const {handlers} = recorder();
    handlers.memory = (m) => `${m.width / 1024} MiB`;
    const root = modelControls(defaultState(), 0, handlers);
    const options = Array.from(control<HTMLSelectElement>(root, "model-1-width").options);
    expect(options).toHaveLength(17);
    expect([options[0].value, options[0].textContent]).toEqual(["1", "1 · 0.0009765625 MiB"]);
    expect([options[16].value, options[16].textContent]).toEqual(["65536", "65,536 · 64 MiB"]);
    // Dense: a number up to 4,096.
    const dense = control<HTMLInputElement>(modelControls(defaultState(), 1, handlers), "model-2-width");
    expect([dense.min, dense.max]).toEqual(["1", "4096"]);
  });

  it("a kind change keeps the depth, and the width when it fits the new kind", () => {
    const state = defaultState();
    state.models[1] = {kind: "dense", width: 37, depth: 5, groupSize: 4, projection: "subrandom"};
    const {changes, handlers} = recorder();
    change(control(modelControls(state, 1, handlers), "model-2-kind"), "switchnet4");
    expect(changes[0][0].models[1]).toEqual({
      kind: "switchnet4",
      width: 32,
      depth: 5,
      groupSize: 4,
      projection: "subrandom"
    });
    change(control(modelControls(state, 0, handlers), "model-1-kind"), "dense");
    expect(changes[1][0].models[0]).toMatchObject({kind: "dense", width: 32, depth: 3});
  });

  it("narrowing a Switch Net 4 below its group size lowers the group", () => {
    const state = defaultState();
    state.models[0] = {kind: "switchnet4", width: 64, depth: 2, groupSize: 16, projection: "random"};
    const {changes, handlers} = recorder();
    const root = modelControls(state, 0, handlers);
    expect(Array.from(control<HTMLSelectElement>(root, "model-1-group").options, (o) => o.value)).toEqual([
      "1",
      "2",
      "4",
      "8",
      "16"
    ]);
    change(control(root, "model-1-width"), "8");
    expect(changes[0][0].models[0]).toMatchObject({width: 8, groupSize: 8});
  });

  it("dense models have no group or flips; a lone model cannot be removed", () => {
    const state = {
      ...defaultState(),
      models: [{kind: "dense" as const, width: 10, depth: 1, groupSize: 4, projection: "subrandom" as const}]
    };
    const root = modelControls(state, 0, recorder().handlers);
    expect(root.querySelector('[data-control="model-1-group"]')).toBeNull();
    expect(root.querySelector('[data-control="model-1-projection"]')).toBeNull();
    expect(root.querySelector('[data-control="model-1-remove"]')).toBeNull();
    const two = defaultState();
    const {changes, handlers} = recorder();
    control<HTMLButtonElement>(modelControls(two, 0, handlers), "model-1-remove").click();
    expect(changes[0][0].models.map((m) => m.kind)).toEqual(["dense"]);
  });
});

describe("rememberFocus", () => {
  it("moves focus to the control of the same name after a rebuild", () => {
    const host = document.createElement("div");
    document.body.append(host);
    host.append(trainingControls(defaultState(), recorder().handlers, "classification"));
    control<HTMLInputElement>(host, "batch").focus();
    const restore = rememberFocus(host);
    host.replaceChildren(trainingControls(defaultState(), recorder().handlers, "classification"));
    expect(document.activeElement?.getAttribute("data-control")).toBeNull();
    restore();
    expect(document.activeElement?.getAttribute("data-control")).toBe("batch");
    host.remove();
  });
});
