/**
 * The playground's settings around the controls (controls.ts): the Data and Training panels,
 * collapsible, each summing up its settings when closed, and the header of the model cards
 * (add a model, match parameters, the 65,536 vs 1448 preset, what the loss curves are drawn against).
 */
import {button, checkbox, el} from "../dom.js";
import {formatCount} from "../format.js";
import {AXIS_LABELS, type ChartAxis} from "./charts.js";
import {dataControls, trainingControls, type ControlHandlers} from "./controls.js";
import type {SessionInfo} from "./engine.js";
import {questionPreset} from "./presets.js";
import {cloneState, datasetFamily, defaultModel, LIMITS, type ModelSettings, type PlaygroundState} from "./state.js";

/** Whether each panel is open; kept by the page across re-renders. */
export type PanelsOpen = {data: boolean; training: boolean};

/** The task the loss menu offers losses for: the plane's datasets and a CSV with classes classify. */
export function taskOf(state: PlaygroundState, info: SessionInfo | null): "classification" | "regression" {
  const classifies =
    datasetFamily(state.dataset) === "2d" || (state.dataset === "csv" && info?.dataset.task === "classification");
  return classifies ? "classification" : "regression";
}

/** The Data panel's summary: the dataset, its samples when the reader chooses them, and the seed. */
export function dataSummary(state: PlaygroundState): string {
  const family = datasetFamily(state.dataset);
  const name = state.dataset.replace(/^image:/, "");
  const sampled = family === "2d" || family === "1d" || family === "nd";
  const label = sampled ? `${name}, ${formatCount(state.samples)} samples` : name;
  return `Data · ${label} · seed ${state.seed}`;
}

/** The Training panel's summary: optimiser, learning rate, batch size. */
export function trainingSummary(state: PlaygroundState): string {
  const optimizer = state.optimizer === "adam" ? "Adam" : "SGD";
  return `Training · ${optimizer} · rate ${state.learningRate} · batch ${state.batchSize}`;
}

/** The Data and Training panels, with the constant-input and show-test boxes under the data controls. */
export function settingsPanels(
  state: PlaygroundState,
  info: SessionInfo | null,
  handlers: ControlHandlers,
  open: PanelsOpen
): HTMLDetailsElement[] {
  const data = dataControls(state, handlers);
  const bias = checkbox(
    " constant input 1 (a bias)",
    state.biasInput,
    (checked) => handlers.onState({...cloneState(state), biasInput: checked}, "data"),
    {control: "bias", props: {class: "pg-field pg-check"}}
  );
  bias.title = "without it these bias-free models satisfy f(a·x) = a·f(x) for a > 0, and cannot separate by radius";
  data.append(bias);
  if (datasetFamily(state.dataset) !== "image" && datasetFamily(state.dataset) !== "upload") {
    data.append(
      checkbox(
        " show test data",
        state.showTest,
        (checked) => handlers.onState({...cloneState(state), showTest: checked}, "view"),
        {control: "show-test", props: {class: "pg-field pg-check"}}
      )
    );
  }
  const training = trainingControls(state, handlers, taskOf(state, info));
  return [panel("data", data, dataSummary(state), open), panel("training", training, trainingSummary(state), open)];
}

/** A collapsible panel around a fieldset; its summary says the current settings. */
function panel(name: keyof PanelsOpen, content: HTMLElement, summary: string, open: PanelsOpen): HTMLDetailsElement {
  const details = el("details", {class: "pg-panel", "data-panel": name});
  details.open = open[name];
  details.addEventListener("toggle", () => {
    open[name] = details.open;
  });
  details.append(el("summary", {text: summary}), content);
  return details;
}

/** The kind a new model gets: the first kind not on the page yet (Switch Net 4 when all are). */
export function nextModelKind(models: readonly ModelSettings[]): ModelSettings["kind"] {
  const used = new Set(models.map((m) => m.kind));
  return (["switchnet4", "butterfly", "filterbank", "dense"] as const).find((k) => !used.has(k)) ?? "switchnet4";
}

export interface HeaderActions {
  onState: ControlHandlers["onState"];
  /** "Match parameters" was pressed. */
  onMatch(): void;
  /** The loss curves' x axis was changed. */
  onAxis(axis: ChartAxis): void;
}

/** The models header: its title, "+ Add model", "Match parameters", the preset and the axis menu. */
export function modelsHeader(state: PlaygroundState, axis: ChartAxis, actions: HeaderActions): HTMLElement[] {
  const full = state.models.length >= LIMITS.models;
  const add = button(
    "+ Add model",
    () => {
      if (state.models.length >= LIMITS.models) return;
      const models = [...cloneState(state).models, defaultModel(nextModelKind(state.models))];
      actions.onState({...cloneState(state), models}, "models");
    },
    {class: "pg-button", "data-action": "add-model"}
  );
  add.disabled = full;
  const match = button("Match parameters", actions.onMatch, {
    class: "pg-button",
    "data-action": "match",
    title: "set each dense model's width so its parameters (weights and biases) are nearest the first WHT model's"
  });
  const preset = button("65,536 vs 1448", () => actions.onState(questionPreset(state), "models"), {
    class: "pg-button",
    "data-action": "preset-question",
    title:
      "the blog post's question: Switch Net 4 65,536 wide beside dense 1448 (a W×W layer with about as many " +
      "connections as one Switch Net 4 layer has edges) and dense 724 (about as many stored weights), depth 2, on " +
      "the smooth 16-input target; compare loss per step and per second of training"
  });
  const title = "what the loss curves are drawn against";
  const axisSelect = el("select", {"data-control": "chart-axis", title, "aria-label": title});
  for (const a of ["step", "seconds"] as const) axisSelect.append(new Option(`x: ${AXIS_LABELS[a]}`, a));
  axisSelect.value = axis;
  axisSelect.addEventListener("change", () => actions.onAxis(axisSelect.value as ChartAxis));
  return [el("h2", {class: "pg-models-title", text: "Models, side by side"}), add, match, preset, axisSelect];
}
