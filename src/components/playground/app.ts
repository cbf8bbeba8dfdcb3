/**
 * The "Learned functions" playground, assembled: state from the URL, controls, one card per
 * model (its settings, parameter counts, learned function, loss and accuracy curves, weights
 * download and upload), and a web worker that trains them all side by side.
 *
 * The page only calls `createPlayground`; everything a test can reach without a browser lives
 * in the other modules of this folder.
 */
import {parseCsv} from "../../lib/csv.js";
import {SwitchNetError} from "../../lib/check.js";
import {appendHistory, AXIS_LABELS, historyChart, type ChartAxis, type HistoryPoint} from "./charts.js";
import {dataControls, modelControls, rememberFocus, trainingControls, type ChangeScope, type ControlHandlers} from "./controls.js";
import type {CustomData, SessionInfo, Snapshot} from "./engine.js";
import {loadImageFile} from "./image.js";
import {matchParameters, type CountFunction} from "./match.js";
import {checkMemory, dataShape, formatBytes, modelMemory, settingsSpec} from "./memory.js";
import {createCanvas, drawCurve, drawPicture, drawPlane} from "./render.js";
import {
  checkState, cloneState, datasetFamily, decodeState, defaultModel, encodeState, LIMITS, MODEL_LABELS, type ModelSettings, type PlaygroundState
} from "./state.js";

export interface PlaygroundOptions {
  /** URL of the compiled train-worker.js (from import.meta.resolve in the page). */
  workerUrl: string;
  /** The query string to start from (default: location.search). */
  search?: string;
  /** Write the state into the address bar (default true). */
  writeUrl?: boolean;
  /** Stored weights of a model spec (the library's count), for "Match parameters". */
  storedWeights: CountFunction;
}

/** Steps the "Step" button can run; the first is the default. */
export const STEP_COUNTS = [10, 1, 100, 1000] as const;

/**
 * The question the project started from, in one click: a 65,536-wide Switch Net 4 beside a dense
 * network 1448 wide (one of its W×W layers has about as many connections, 2,096,704, as a 65,536-wide
 * Switch Net 4 layer has edges, 2,097,152) and one 724 wide (a W×W layer stores about as many weights,
 * 524,176, as the Switch Net 4 layer's 524,288), depth 2 as in the capacity experiment, on its smooth
 * 16-input target.
 */
export function questionPreset(state: PlaygroundState): PlaygroundState {
  return {
    ...cloneState(state),
    dataset: "smooth16",
    noise: 0,
    samples: 1024,
    biasInput: true,
    models: [
      {...defaultModel("switchnet4"), width: 65536, depth: 2, groupSize: 4, projection: "subrandom"},
      {...defaultModel("dense"), width: 1448, depth: 2},
      {...defaultModel("dense"), width: 724, depth: 2}
    ],
    optimizer: "adam",
    learningRate: 0.005,
    batchSize: 16,
    loss: "mse"
  };
}

interface Card {
  root: HTMLElement;
  canvas: HTMLCanvasElement | null;
  /** The last learned function received, kept to redraw on view changes. */
  outputs: Float32Array | null;
  stats: HTMLElement;
  charts: HTMLElement;
  history: HistoryPoint[];
  lastChart: number;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(label: string, action: string, onClick: () => void): HTMLButtonElement {
  const b = el("button", "pg-button", label);
  b.type = "button";
  b.dataset.action = action;
  b.addEventListener("click", onClick);
  return b;
}

function format(v: number | undefined, digits = 4): string {
  if (v === undefined || !Number.isFinite(v)) return "–";
  return v < 1e-3 && v > 0 ? v.toExponential(2) : v.toFixed(digits);
}

function percent(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? "–" : `${(100 * v).toFixed(1)} %`;
}

function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** Training time: "850 ms", "4.2 s", "73 s". */
function trainedFor(seconds: number): string {
  return seconds < 1 ? `${Math.max(1, Math.round(seconds * 1000))} ms` : seconds < 10 ? `${seconds.toFixed(1)} s` : `${Math.round(seconds)} s`;
}

/** A rate with about three significant figures ("1,234", "56.7", "0.81"). */
function rate(v: number): string {
  return v >= 100 ? count(Math.round(v)) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], {type: "application/json"}));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The playground's root element; `dispose` stops its worker (call it when the page cell is invalidated). */
export type Playground = HTMLElement & {dispose(): void};

export function createPlayground(options: PlaygroundOptions): Playground {
  const decoded = decodeState(options.search ?? location.search);
  let state = decoded.state;
  let custom: CustomData | undefined;
  let info: SessionInfo | null = null;
  /** The WHT kernel the worker trains with ("wasm-simd" when the WebAssembly kernels loaded). */
  let kernel: string | null = null;
  let sessionId = 0;
  let playing = false;
  let cards: Card[] = [];
  const writeUrl = options.writeUrl ?? true;

  const root = el("div", "pg");
  const messages = el("div", "pg-messages");
  messages.setAttribute("role", "alert");
  messages.setAttribute("aria-live", "polite");
  const toolbar = el("div", "pg-toolbar");
  const controls = el("div", "pg-controls");
  const dataPanel = el("div", "pg-data");
  const modelsHeader = el("div", "pg-models-header");
  const grid = el("div", "pg-cards");
  // Wide screens: the toolbar and the settings in a column on the left, the models beside them,
  // so the first model's picture is next to the Play button. Narrow screens: one column.
  const side = el("div", "pg-side");
  const main = el("div", "pg-main");
  side.append(toolbar, controls, dataPanel);
  main.append(modelsHeader, grid);
  const layout = el("div", "pg-layout");
  layout.append(side, main);
  root.append(messages, layout);
  /** Whether the Data and Training panels are open (kept across re-renders); open on wide screens. */
  const wide = typeof matchMedia === "function" && matchMedia("(min-width: 1000px)").matches;
  const panelOpen = {data: wide, training: wide};
  /** What the loss curves are drawn against (a view setting, not in the URL). */
  let axis: ChartAxis = "step";

  // ------------------------------------------------------------------ messages

  const shown = new Set<string>();
  function showMessage(text: string, kind: "error" | "note" = "error"): void {
    if (shown.has(text)) return;
    shown.add(text);
    const item = el("div", kind === "error" ? "pg-message sn-error" : "pg-message pg-note");
    const body = el("span", undefined, text);
    const close = el("button", "pg-dismiss", "×");
    close.type = "button";
    close.title = "dismiss";
    close.addEventListener("click", () => {
      item.remove();
      shown.delete(text);
    });
    item.append(body, close);
    messages.append(item);
  }
  function clearMessages(): void {
    messages.replaceChildren();
    shown.clear();
  }

  // ------------------------------------------------------------------ worker

  // A worker that dies (e.g. out of memory for a huge model) is replaced, so the page keeps working.
  let worker = spawnWorker();
  function spawnWorker(): Worker {
    const w = new Worker(options.workerUrl, {type: "module"});
    w.onerror = (event) => {
      event.preventDefault();
      showMessage(`The training worker stopped (${event.message || "it may have run out of memory"}); try a smaller width or depth, then press Reset.`);
      w.terminate();
      worker = spawnWorker();
      info = null;
      playing = false;
      buildCards();
      updateToolbar(null, 0);
    };
    w.onmessage = onWorkerMessage;
    return w;
  }
  function onWorkerMessage(event: MessageEvent): void {
    const message = event.data;
    if (message.id !== sessionId) return;
    switch (message.type) {
      case "info":
        info = message.info as SessionInfo;
        kernel = typeof message.kernel === "string" ? message.kernel : null;
        for (const note of info.notes) showMessage(note, "note");
        if (state.dataset === "csv") renderControls(); // the loss menu depends on the CSV's task
        buildCards();
        break;
      case "snapshot":
        // The page decides whether it is playing; the worker's flag says whether it still is.
        toolbar.dataset.running = String(message.playing);
        updateToolbar(message.snapshot as Snapshot, message.stepsPerSecond as number);
        updateCards(message.snapshot as Snapshot);
        break;
      case "weights":
        download(`${state.models[message.index]?.kind ?? "model"}-${state.dataset.replace(/[^a-z0-9]+/gi, "-")}-step${stepShown}.json`, message.text);
        break;
      case "error":
        if (message.during === "play") {
          playing = false;
          updateToolbar(null, 0);
        }
        if (message.during === "init") {
          info = null;
          playing = false;
          buildCards();
          updateToolbar(null, 0);
        }
        showMessage(message.during === "import" ? `Load weights into model ${message.index + 1}: ${message.message}` : message.message);
        break;
    }
  }

  function restart(): void {
    sessionId++;
    info = null;
    playing = false;
    stepShown = 0;
    for (const card of cards) card.history = [];
    worker.postMessage({type: "init", id: sessionId, state, custom: needsCustom() ? custom : undefined});
  }

  function needsCustom(): boolean {
    const family = datasetFamily(state.dataset);
    return family === "csv" || family === "upload";
  }

  // ------------------------------------------------------------------ state changes

  function setState(next: PlaygroundState, scope: ChangeScope): void {
    try {
      checkState(next);
      // Before anything is built: the models must fit the page's memory together. (A CSV's shape is
      // known only once the worker has read it; the worker checks those models when it builds them.)
      const shape = dataShape(next, null);
      if (shape) checkMemory(next.models.map((m) => settingsSpec(m, shape.inputSize, shape.outputSize)), next.batchSize, next.optimizer);
    } catch (error) {
      if (error instanceof SwitchNetError) {
        showMessage(`${error.message}; the change was not applied`);
        renderControls();
        return;
      }
      throw error;
    }
    const viewOnly = scope === "view" && info !== null;
    const onlyLearningRate = scope === "training" && info !== null &&
      encodeState({...next, learningRate: state.learningRate}) === encodeState(state) && next.learningRate !== state.learningRate;
    state = next;
    if (writeUrl) history.replaceState(history.state, "", `?${encodeState(state)}${location.hash}`);
    renderControls();
    if (viewOnly) {
      for (const card of cards) if (card.canvas && card.outputs) drawView(card.canvas, card.outputs);
    } else if (onlyLearningRate) {
      // The learning rate changes without a reset, as in TensorFlow Playground.
      worker.postMessage({type: "learningRate", value: state.learningRate});
    } else {
      restart();
    }
  }

  /** The shape of the reader's CSV once the worker has read it (memory estimates need it). */
  function csvShape(): {inputSize: number; outputSize: number} | null {
    return state.dataset === "csv" && info ? {inputSize: info.dataset.inputSize, outputSize: info.dataset.outputSize} : null;
  }

  /** The memory a model with these settings needs on the current data, as text, or null if unknown. */
  function memoryText(settings: ModelSettings): string | null {
    const shape = dataShape(state, csvShape());
    if (!shape) return null;
    try {
      return formatBytes(modelMemory(settingsSpec(settings, shape.inputSize, shape.outputSize), state.batchSize, state.optimizer).bytes);
    } catch (error) {
      if (error instanceof SwitchNetError) return null;
      throw error;
    }
  }

  const handlers: ControlHandlers = {
    onState: setState,
    onCsvFile: (file) => void readCsv(file),
    onImageFile: (file) => void readImage(file),
    hasFile: (family) => custom?.kind === (family === "csv" ? "csv" : "image"),
    memory: memoryText
  };

  async function readCsv(file: File): Promise<void> {
    try {
      const text = await file.text();
      parseCsv(text, {name: file.name, seed: state.seed}); // validate here: a bad file leaves the current data alone
      custom = {kind: "csv", text, name: file.name};
      setState({...cloneState(state), dataset: "csv", loss: state.loss}, "data");
    } catch (error) {
      if (!(error instanceof SwitchNetError)) throw error;
      showMessage(`Your CSV ${JSON.stringify(file.name)}: ${error.message}. Nothing was changed.`);
    }
  }

  async function readImage(file: File): Promise<void> {
    try {
      const picture = await loadImageFile(file);
      custom = {kind: "image", pixels: picture.pixels, width: picture.width, height: picture.height, name: picture.name};
      setState({...cloneState(state), dataset: "upload", loss: "mse"}, "data");
    } catch (error) {
      if (!(error instanceof SwitchNetError)) throw error;
      showMessage(`Your picture: ${error.message}. Nothing was changed.`);
    }
  }

  // ------------------------------------------------------------------ toolbar

  const playButton = button("▶ Play", "play", () => {
    if (!info) return;
    playing = !playing;
    worker.postMessage({type: playing ? "play" : "pause"});
    updateToolbar(null, null);
  });
  const stepCount = document.createElement("select");
  stepCount.dataset.control = "step-count";
  stepCount.title = "optimiser steps per click of Step";
  stepCount.setAttribute("aria-label", stepCount.title);
  for (const n of STEP_COUNTS) stepCount.append(new Option(`× ${n}`, String(n)));
  const stepButton = button("Step", "step", () => {
    if (!info) return;
    playing = false;
    worker.postMessage({type: "step", count: Number(stepCount.value)});
  });
  const resetButton = button("↺ Reset", "reset", () => restart());
  const stepText = el("span", "pg-step", "step 0");
  const rateText = el("span", "pg-rate", "");
  toolbar.append(playButton, stepButton, stepCount, resetButton, stepText, rateText);
  let stepShown = 0;

  function updateToolbar(snapshot: Snapshot | null, stepsPerSecond: number | null): void {
    playButton.textContent = playing ? "❚❚ Pause" : "▶ Play";
    playButton.setAttribute("aria-pressed", String(playing));
    playButton.disabled = info === null;
    stepButton.disabled = info === null;
    if (snapshot) {
      stepShown = snapshot.step;
      stepText.textContent = `step ${count(snapshot.step)}`;
      toolbar.dataset.step = String(snapshot.step);
    }
    if (stepsPerSecond !== null) {
      rateText.textContent = playing && stepsPerSecond > 0 ? `${count(Math.round(stepsPerSecond))} steps/s (all models)` : "";
    }
  }

  // ------------------------------------------------------------------ controls

  function renderControls(): void {
    const restore = rememberFocus(controls);
    const task = datasetFamily(state.dataset) === "2d" || (state.dataset === "csv" && info?.dataset.task === "classification") ? "classification" : "regression";
    const data = dataControls(state, handlers);
    const bias = document.createElement("label");
    bias.className = "pg-field pg-check";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.checked = state.biasInput;
    box.dataset.control = "bias";
    box.addEventListener("change", () => setState({...cloneState(state), biasInput: box.checked}, "data"));
    bias.append(box, " constant input 1 (a bias)");
    bias.title = "without it these bias-free models satisfy f(a·x) = a·f(x) for a > 0, and cannot separate by radius";
    data.append(bias);
    if (datasetFamily(state.dataset) !== "image" && datasetFamily(state.dataset) !== "upload") {
      const test = document.createElement("label");
      test.className = "pg-field pg-check";
      const check = document.createElement("input");
      check.type = "checkbox";
      check.checked = state.showTest;
      check.dataset.control = "show-test";
      check.addEventListener("change", () => setState({...cloneState(state), showTest: check.checked}, "view"));
      test.append(check, " show test data");
      data.append(test);
    }
    const training = trainingControls(state, handlers, task);
    const rate = state.learningRate;
    controls.replaceChildren(
      panel("data", data, `Data · ${datasetLabel()} · seed ${state.seed}`),
      panel("training", training, `Training · ${state.optimizer === "adam" ? "Adam" : "SGD"} · rate ${rate} · batch ${state.batchSize}`)
    );
    restore();
    renderModelsHeader();
  }

  /** A collapsible panel around a fieldset; its summary says the current settings. */
  function panel(name: "data" | "training", content: HTMLElement, summary: string): HTMLDetailsElement {
    const details = el("details", "pg-panel");
    details.dataset.panel = name;
    details.open = panelOpen[name];
    details.addEventListener("toggle", () => { panelOpen[name] = details.open; });
    const head = el("summary", undefined, summary);
    details.append(head, content);
    return details;
  }

  function datasetLabel(): string {
    const family = datasetFamily(state.dataset);
    const name = state.dataset.replace(/^image:/, "");
    return family === "2d" || family === "1d" || family === "nd" ? `${name}, ${count(state.samples)} samples` : name;
  }

  function renderModelsHeader(): void {
    const add = button("+ Add model", "add-model", () => {
      if (state.models.length >= LIMITS.models) return;
      const used = new Set(state.models.map((m) => m.kind));
      const kind = (["switchnet4", "butterfly", "filterbank", "dense"] as const).find((k) => !used.has(k)) ?? "switchnet4";
      setState({...cloneState(state), models: [...cloneState(state).models, defaultModel(kind)]}, "models");
    });
    add.disabled = state.models.length >= LIMITS.models;
    const match = button("Match parameters", "match", () => {
      if (!info) return;
      const result = matchParameters(state, info.dataset.inputSize + (state.biasInput ? 1 : 0), info.dataset.outputSize, options.storedWeights);
      if (result.message) showMessage(result.message, "note");
      if (result.state) setState(result.state, "models");
    });
    match.title = "set each dense model's width so its parameters (weights and biases) are nearest the first WHT model's";
    const preset = button("65,536 vs 1448", "preset-question", () => setState(questionPreset(state), "models"));
    preset.title = "the blog post's question: Switch Net 4 65,536 wide beside dense 1448 (a W×W layer with about as many connections " +
      "as one Switch Net 4 layer has edges) and dense 724 (about as many stored weights), depth 2, on the smooth 16-input target; " +
      "compare loss per step and per second of training";
    const axisSelect = document.createElement("select");
    axisSelect.dataset.control = "chart-axis";
    axisSelect.title = "what the loss curves are drawn against";
    axisSelect.setAttribute("aria-label", axisSelect.title);
    for (const a of ["step", "seconds"] as const) axisSelect.append(new Option(`x: ${AXIS_LABELS[a]}`, a));
    axisSelect.value = axis;
    axisSelect.addEventListener("change", () => {
      axis = axisSelect.value as ChartAxis;
      for (const card of cards) redrawCharts(card);
    });
    const heading = el("h2", "pg-models-title", "Models, side by side");
    modelsHeader.replaceChildren(heading, add, match, preset, axisSelect);
  }

  // ------------------------------------------------------------------ model cards

  function buildCards(): void {
    cards = state.models.map((settings, index) => {
      const card = el("section", "pg-card");
      card.dataset.model = String(index);
      const title = el("h3", "pg-card-title", `${index + 1}. ${MODEL_LABELS[settings.kind]}`);
      const settingsRow = modelControls(state, index, handlers);
      const counts = el("div", "pg-counts");
      const model = info?.models[index];
      if (model) {
        const parts = [`${count(model.stored)} stored weights`];
        if (model.biases > 0) parts.push(`${count(model.biases)} biases`);
        parts.push(`${count(model.active)} active`, `${count(model.fixedEdges)} fixed ±1 edges`);
        counts.textContent = parts.join(" · ");
        counts.title = "stored: weights kept in memory; active: multiply-adds per sample; fixed edges: the WHT's ±1 connections (not parameters)";
      }
      const memory = memoryText(settings);
      const memoryLine = el("div", "pg-counts pg-memory", memory ? `needs about ${memory} of memory to train (estimate)` : "");
      memoryLine.title = "parameters, gradients and optimiser state, and the activations of one batch; the models of a page share at most 2 GiB";
      const figure = el("div", "pg-figure");
      let canvas: HTMLCanvasElement | null = null;
      if (info && info.view.kind !== "none") {
        const size = 260;
        const aspect = info.view.kind === "picture" ? info.view.height / info.view.width : info.view.kind === "curve" ? 0.62 : 1;
        canvas = createCanvas(size, Math.round(size * aspect), `learned function of model ${index + 1}`);
        canvas.className = "pg-canvas";
        figure.append(canvas);
      } else if (info && info.view.kind === "none") {
        figure.append(el("p", "pg-muted", info.view.reason));
      }
      const stats = el("div", "pg-stats", info ? "" : "building…");
      const charts = el("div", "pg-charts");
      const weights = el("div", "pg-weights");
      const save = button("Download weights", `download-${index}`, () => worker.postMessage({type: "export", index}));
      const load = document.createElement("input");
      load.type = "file";
      load.accept = ".json,application/json";
      load.dataset.control = `model-${index + 1}-weights`;
      load.addEventListener("change", async () => {
        const file = load.files?.[0];
        load.value = "";
        if (file) worker.postMessage({type: "import", index, text: await file.text()});
      });
      const loadLabel = el("label", "pg-button pg-file", "Load weights…");
      loadLabel.append(load);
      weights.append(save, loadLabel);
      card.append(title, settingsRow, counts, memoryLine, figure, stats, charts, weights);
      return {root: card, canvas, outputs: null, stats, charts, history: [], lastChart: 0};
    });
    grid.replaceChildren(...cards.map((c) => c.root));
    renderDataPanel();
  }

  function renderDataPanel(): void {
    if (!info) {
      dataPanel.replaceChildren();
      return;
    }
    const d = info.dataset;
    const parts = [
      `${d.name}: ${d.task}, ${d.inputSize} input${d.inputSize === 1 ? "" : "s"} → ${d.outputSize} output${d.outputSize === 1 ? "" : "s"}`,
      `${count(d.train)} train / ${count(d.test)} test samples`,
      `loss ${info.loss}`,
      ...(kernel ? [`kernels: ${kernel}`] : [])
    ];
    const text = el("p", "pg-muted", parts.join(" · "));
    if (info.view.kind === "picture") {
      const target = createCanvas(120, Math.round((120 * info.view.height) / info.view.width), "the picture to fit");
      drawPicture(target, info.view.target, info.view.width, info.view.height, info.view.channels);
      const fig = el("figure", "pg-target");
      fig.append(target, el("figcaption", "pg-muted", "target picture"));
      dataPanel.replaceChildren(fig, text);
    } else {
      dataPanel.replaceChildren(text);
    }
  }

  function updateCards(snapshot: Snapshot): void {
    if (!info) return;
    const now = performance.now();
    snapshot.models.forEach((report, index) => {
      const card = cards[index];
      if (!card) return;
      card.history = appendHistory(card.history, {
        step: snapshot.step,
        trainLoss: report.trainLoss,
        testLoss: report.testLoss,
        trainAccuracy: report.trainAccuracy,
        testAccuracy: report.testAccuracy,
        seconds: report.seconds
      });
      card.root.dataset.trainLoss = String(report.trainLoss);
      card.root.dataset.testLoss = String(report.testLoss);
      card.stats.replaceChildren(
        el("span", undefined, `train loss ${format(report.trainLoss)}`),
        el("span", undefined, `test loss ${format(report.testLoss)}`),
        ...(report.trainAccuracy !== undefined ? [el("span", undefined, `train acc. ${percent(report.trainAccuracy)}`), el("span", undefined, `test acc. ${percent(report.testAccuracy)}`)] : []),
        ...(Number.isFinite(report.msPerStep) && report.msPerStep > 0 ? [el("span", "pg-muted-inline", `${rate(1000 / report.msPerStep)} steps/s (${report.msPerStep < 1 ? report.msPerStep.toFixed(3) : report.msPerStep.toFixed(1)} ms/step)`)] : []),
        ...(report.seconds > 0 ? [el("span", "pg-muted-inline", `${trainedFor(report.seconds)} trained`)] : []),
        ...(report.diverged ? [el("strong", "pg-diverged", "diverged: lower the learning rate")] : [])
      );
      if (report.outputs && card.canvas) {
        card.outputs = report.outputs;
        drawView(card.canvas, report.outputs);
      }
      if (now - card.lastChart > 400 || !playing) {
        card.lastChart = now;
        redrawCharts(card);
      }
    });
  }

  function redrawCharts(card: Card): void {
    const width = Math.max(200, Math.min(360, card.root.clientWidth - 24 || 300));
    const charts: Node[] = [historyChart(card.history, {width, metric: "loss", axis})];
    if (info?.dataset.task === "classification") charts.push(historyChart(card.history, {width, height: 110, metric: "accuracy", axis}));
    card.charts.replaceChildren(...charts);
  }

  function drawView(canvas: HTMLCanvasElement, outputs: Float32Array): void {
    const view = info?.view;
    if (!view) return;
    if (view.kind === "plane") drawPlane(canvas, outputs, {...view, showTest: state.showTest});
    else if (view.kind === "curve") drawCurve(canvas, outputs, {...view, showTest: state.showTest});
    else if (view.kind === "picture") drawPicture(canvas, outputs, view.width, view.height, view.channels);
  }

  // ------------------------------------------------------------------ start

  for (const message of decoded.messages) showMessage(`Address bar: ${message}`);
  if (needsCustom()) {
    showMessage(`Address bar: dataset ${JSON.stringify(state.dataset)} is the reader's own file, which the URL cannot hold; choose the file again, or pick another dataset. Showing "spiral" meanwhile.`, "note");
    state = {...state, dataset: "spiral", loss: "softmax-cross-entropy"};
  }
  if (writeUrl) history.replaceState(history.state, "", `?${encodeState(state)}${location.hash}`);
  renderControls();
  updateToolbar(null, 0);
  buildCards();
  restart();
  const clear = button("Dismiss messages", "dismiss", clearMessages);
  clear.className = "pg-button pg-small";
  toolbar.append(clear);
  return Object.assign(root, {dispose: () => worker.terminate()});
}
