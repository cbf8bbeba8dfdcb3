/**
 * The playground's model cards, one per model: its settings (controls.ts), parameter counts,
 * memory estimate, learned function, latest losses, loss and accuracy curves, and its weights'
 * download and upload; and the data panel's line about the dataset the session built.
 */
import {button, el} from "../dom.js";
import {formatCount, formatLoss, formatPercent, formatRate3, formatSeconds} from "../format.js";
import {appendHistory, historyChart, type ChartAxis, type HistoryPoint} from "./charts.js";
import {modelControls, type ControlHandlers} from "./controls.js";
import type {ModelInfo, ModelReport, SessionInfo, View} from "./engine.js";
import {createCanvas, drawCurve, drawPicture, drawPlane} from "./render.js";
import {MODEL_LABELS, type PlaygroundState} from "./state.js";

export interface Card {
  root: HTMLElement;
  canvas: HTMLCanvasElement | null;
  /** The last learned function received, kept to redraw on view changes. */
  outputs: Float32Array | null;
  stats: HTMLElement;
  charts: HTMLElement;
  history: HistoryPoint[];
  /** When the charts were last drawn (performance.now()). */
  lastChart: number;
}

export interface CardActions {
  /** The controls' handlers (the card's settings row changes the state through them). */
  handlers: ControlHandlers;
  /** "Download weights" of model `index` was pressed. */
  onExport(index: number): void;
  /** A weights file was chosen for model `index`. */
  onImport(index: number, text: string): void;
}

/** A model's counts: stored weights, biases (if any), active weights and the WHT's fixed edges. */
export function countsText(model: ModelInfo): string {
  const parts = [`${formatCount(model.stored)} stored weights`];
  if (model.biases > 0) parts.push(`${formatCount(model.biases)} biases`);
  parts.push(`${formatCount(model.active)} active`, `${formatCount(model.fixedEdges)} fixed ±1 edges`);
  return parts.join(" · ");
}

/**
 * The card of model `index`. Before the session is built (`info` null) it shows the settings and
 * "building…"; `memory` is the memory estimate as text, or null when unknown.
 */
export function createCard(
  state: PlaygroundState,
  index: number,
  info: SessionInfo | null,
  memory: string | null,
  actions: CardActions
): Card {
  const settings = state.models[index];
  const root = el("section", {class: "pg-card", "data-model": String(index)});
  const title = el("h3", {class: "pg-card-title", text: `${index + 1}. ${MODEL_LABELS[settings.kind]}`});
  const settingsRow = modelControls(state, index, actions.handlers);
  const counts = el("div", {class: "pg-counts"});
  const model = info?.models[index];
  if (model) {
    counts.textContent = countsText(model);
    counts.title =
      "stored: weights kept in memory; active: multiply-adds per sample; fixed edges: the WHT's ±1 " +
      "connections (not parameters)";
  }
  const memoryLine = el("div", {
    class: "pg-counts pg-memory",
    text: memory ? `needs about ${memory} of memory to train (estimate)` : "",
    title:
      "parameters, gradients and optimiser state, and the activations of one batch; the models of a page " +
      "share at most 2 GiB"
  });
  const figure = el("div", {class: "pg-figure"});
  let canvas: HTMLCanvasElement | null = null;
  if (info && info.view.kind !== "none") {
    const size = 260;
    const view = info.view;
    const aspect = view.kind === "picture" ? view.height / view.width : view.kind === "curve" ? 0.62 : 1;
    canvas = createCanvas(size, Math.round(size * aspect), `learned function of model ${index + 1}`);
    canvas.className = "pg-canvas";
    figure.append(canvas);
  } else if (info && info.view.kind === "none") {
    figure.append(el("p", {class: "pg-muted", text: info.view.reason}));
  }
  const stats = el("div", {class: "pg-stats", text: info ? "" : "building…"});
  const charts = el("div", {class: "pg-charts"});
  const save = button("Download weights", () => actions.onExport(index), {
    class: "pg-button",
    "data-action": `download-${index}`
  });
  const load = el("input", {
    type: "file",
    accept: ".json,application/json",
    "data-control": `model-${index + 1}-weights`
  });
  load.addEventListener("change", async () => {
    const file = load.files?.[0];
    load.value = "";
    if (file) actions.onImport(index, await file.text());
  });
  const loadLabel = el("label", {class: "pg-button pg-file", text: "Load weights…"}, load);
  const weights = el("div", {class: "pg-weights"}, save, loadLabel);
  root.append(title, settingsRow, counts, memoryLine, figure, stats, charts, weights);
  return {root, canvas, outputs: null, stats, charts, history: [], lastChart: 0};
}

/** The line of latest numbers under a card's picture: losses, accuracies, speed, time, divergence. */
export function statsItems(report: ModelReport): HTMLElement[] {
  const items = [
    el("span", {text: `train loss ${formatLoss(report.trainLoss)}`}),
    el("span", {text: `test loss ${formatLoss(report.testLoss)}`})
  ];
  if (report.trainAccuracy !== undefined) {
    items.push(
      el("span", {text: `train acc. ${formatPercent(report.trainAccuracy)}`}),
      el("span", {text: `test acc. ${formatPercent(report.testAccuracy)}`})
    );
  }
  const ms = report.msPerStep;
  if (Number.isFinite(ms) && ms > 0) {
    const perStep = ms < 1 ? ms.toFixed(3) : ms.toFixed(1);
    items.push(el("span", {class: "pg-muted-inline", text: `${formatRate3(1000 / ms)} steps/s (${perStep} ms/step)`}));
  }
  if (report.seconds > 0) {
    items.push(el("span", {class: "pg-muted-inline", text: `${formatSeconds(report.seconds)} trained`}));
  }
  if (report.diverged) items.push(el("strong", {class: "pg-diverged", text: "diverged: lower the learning rate"}));
  return items;
}

/** Records a snapshot's report on its card: the history, the numbers, and the learned function when sent. */
export function showReport(card: Card, step: number, report: ModelReport, view: View, showTest: boolean): void {
  card.history = appendHistory(card.history, {
    step,
    trainLoss: report.trainLoss,
    testLoss: report.testLoss,
    trainAccuracy: report.trainAccuracy,
    testAccuracy: report.testAccuracy,
    seconds: report.seconds
  });
  card.root.dataset.trainLoss = String(report.trainLoss);
  card.root.dataset.testLoss = String(report.testLoss);
  card.stats.replaceChildren(...statsItems(report));
  if (report.outputs && card.canvas) {
    card.outputs = report.outputs;
    drawView(card.canvas, report.outputs, view, showTest);
  }
}

/** Redraws a card's loss curve (and accuracy curve, for classification) against `axis`. */
export function redrawCharts(card: Card, task: SessionInfo["dataset"]["task"] | undefined, axis: ChartAxis): void {
  const width = Math.max(200, Math.min(360, card.root.clientWidth - 24 || 300));
  const charts: Node[] = [historyChart(card.history, {width, metric: "loss", axis})];
  if (task === "classification") {
    charts.push(historyChart(card.history, {width, height: 110, metric: "accuracy", axis}));
  }
  card.charts.replaceChildren(...charts);
}

/** Draws a learned function the way the session's view says. */
export function drawView(canvas: HTMLCanvasElement, outputs: Float32Array, view: View, showTest: boolean): void {
  if (view.kind === "plane") drawPlane(canvas, outputs, {...view, showTest});
  else if (view.kind === "curve") drawCurve(canvas, outputs, {...view, showTest});
  else if (view.kind === "picture") drawPicture(canvas, outputs, view.width, view.height, view.channels);
}

/** The data panel once a session is built: the dataset's shape and split, the loss, the kernels; the target picture. */
export function dataPanelContent(info: SessionInfo, kernel: string | null): Node[] {
  const d = info.dataset;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const parts = [
    `${d.name}: ${d.task}, ${plural(d.inputSize, "input")} → ${plural(d.outputSize, "output")}`,
    `${formatCount(d.train)} train / ${formatCount(d.test)} test samples`,
    `loss ${info.loss}`,
    ...(kernel ? [`kernels: ${kernel}`] : [])
  ];
  const text = el("p", {class: "pg-muted", text: parts.join(" · ")});
  if (info.view.kind !== "picture") return [text];
  const view = info.view;
  const target = createCanvas(120, Math.round((120 * view.height) / view.width), "the picture to fit");
  drawPicture(target, view.target, view.width, view.height, view.channels);
  const caption = el("figcaption", {class: "pg-muted", text: "target picture"});
  return [el("figure", {class: "pg-target"}, target, caption), text];
}
