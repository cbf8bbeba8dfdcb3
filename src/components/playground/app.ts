/**
 * The "Learned functions" playground, assembled: state from the URL, banners, a toolbar, the
 * settings panels, one card per model, and a web worker that trains them all side by side.
 * This file holds the page's state and the changes to it; the parts are in this folder:
 * banners.ts, client.ts (the worker, protocol.ts its messages), toolbar.ts, settings.ts and
 * controls.ts, cards.ts; state.ts is the URL's state and engine.ts the training the worker runs.
 *
 * The page only calls `createPlayground`.
 */
import {parseCsv} from "../../lib/csv.js";
import {SwitchNetError} from "../../lib/check.js";
import {downloadText, el} from "../dom.js";
import {createBanners} from "./banners.js";
import {dataPanelContent, drawView, redrawCharts, showReport, createCard, type Card} from "./cards.js";
import type {ChartAxis} from "./charts.js";
import {createTrainingClient} from "./client.js";
import {rememberFocus, type ChangeScope, type ControlHandlers} from "./controls.js";
import type {CustomData, SessionInfo, Snapshot} from "./engine.js";
import {loadImageFile} from "./image.js";
import {matchParameters, type CountFunction} from "./match.js";
import {checkMemory, dataShape, formatBytes, modelMemory, settingsSpec} from "./memory.js";
import type {FromWorker} from "./protocol.js";
import {modelsHeader, settingsPanels, type PanelsOpen} from "./settings.js";
import {
  checkState,
  cloneState,
  datasetFamily,
  decodeState,
  encodeState,
  type ModelSettings,
  type PlaygroundState
} from "./state.js";
import {createToolbar} from "./toolbar.js";
import {expectedThreads, type TrainingThreads} from "./threads.js";

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

/** The playground's root element; `dispose` stops its worker (call it when the page cell is invalidated). */
export type Playground = HTMLElement & {dispose(): void};

export function createPlayground(options: PlaygroundOptions): Playground {
  const decoded = decodeState(options.search ?? location.search);
  let state = decoded.state;
  let custom: CustomData | undefined;
  let info: SessionInfo | null = null;
  /** The WHT kernel the worker trains with ("wasm-simd" when the WebAssembly kernels loaded). */
  let kernel: string | null = null;
  /** The threads the worker trains on (null until it says; the memory estimate assumes `expectedThreads()`). */
  let threads: TrainingThreads | null = null;
  const threadCount = () => threads?.threads ?? expectedThreads();
  let playing = false;
  let cards: Card[] = [];
  /** The step of the last snapshot shown (names downloaded weights files). */
  let stepShown = 0;
  /** What the loss curves are drawn against (a view setting, not in the URL). */
  let axis: ChartAxis = "step";
  const writeUrl = options.writeUrl ?? true;
  /** Whether the Data and Training panels are open (kept across re-renders); open on wide screens. */
  const wide = typeof matchMedia === "function" && matchMedia("(min-width: 1000px)").matches;
  const panelOpen: PanelsOpen = {data: wide, training: wide};

  const banners = createBanners();
  const client = createTrainingClient(options.workerUrl, {onReply, onCrash});
  const toolbar = createToolbar({
    onPlayPause() {
      if (!info) return;
      playing = !playing;
      client.send({type: playing ? "play" : "pause"});
      updateToolbar(null, null);
    },
    onStep(count) {
      if (!info) return;
      playing = false;
      client.send({type: "step", count});
    },
    onReset: () => restart(),
    onDismiss: () => banners.clear()
  });
  const controls = el("div", {class: "pg-controls"});
  const dataPanel = el("div", {class: "pg-data"});
  const header = el("div", {class: "pg-models-header"});
  const grid = el("div", {class: "pg-cards"});
  // Wide screens: the toolbar and the settings in a column on the left, the models beside them,
  // so the first model's picture is next to the Play button. Narrow screens: one column.
  const layout = el(
    "div",
    {class: "pg-layout"},
    el("div", {class: "pg-side"}, toolbar.root, toolbar.threadsLine, controls, dataPanel),
    el("div", {class: "pg-main"}, header, grid)
  );
  const root = el("div", {class: "pg"}, banners.root, layout);
  const show = banners.show;

  // ------------------------------------------------------------------ the worker's replies

  function onReply(message: FromWorker): void {
    switch (message.type) {
      case "info":
        info = message.info;
        kernel = message.kernel;
        threads = message.threads;
        toolbar.setThreads(threads);
        for (const note of info.notes) show(note, "note");
        if (state.dataset === "csv") renderControls(); // the loss menu depends on the CSV's task
        buildCards();
        break;
      case "snapshot":
        // The page decides whether it is playing; the worker's flag says whether it still is.
        toolbar.setRunning(message.playing);
        updateToolbar(message.snapshot, message.stepsPerSecond);
        updateCards(message.snapshot);
        break;
      case "weights": {
        const kind = state.models[message.index]?.kind ?? "model";
        downloadText(`${kind}-${state.dataset.replace(/[^a-z0-9]+/gi, "-")}-step${stepShown}.json`, message.text);
        break;
      }
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
        show(
          message.during === "import"
            ? `Load weights into model ${(message.index ?? 0) + 1}: ${message.message}`
            : message.message
        );
        break;
    }
  }

  function onCrash(reason: string): void {
    show(
      `The training worker stopped (${reason || "it may have run out of memory"}); try a smaller width or depth, ` +
        "then press Reset."
    );
    info = null;
    playing = false;
    buildCards();
    updateToolbar(null, 0);
  }

  function restart(): void {
    info = null;
    playing = false;
    stepShown = 0;
    for (const card of cards) card.history = [];
    client.start(state, needsCustom() ? custom : undefined);
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
      if (shape) {
        const specs = next.models.map((m) => settingsSpec(m, shape.inputSize, shape.outputSize));
        checkMemory(specs, next.batchSize, next.optimizer, threadCount());
      }
    } catch (error) {
      if (error instanceof SwitchNetError) {
        show(`${error.message}; the change was not applied`);
        renderControls();
        return;
      }
      throw error;
    }
    const viewOnly = scope === "view" && info !== null;
    const onlyLearningRate =
      scope === "training" &&
      info !== null &&
      next.learningRate !== state.learningRate &&
      encodeState({...next, learningRate: state.learningRate}) === encodeState(state);
    state = next;
    if (writeUrl) history.replaceState(history.state, "", `?${encodeState(state)}${location.hash}`);
    renderControls();
    if (viewOnly) {
      for (const card of cards) {
        if (card.canvas && card.outputs && info) drawView(card.canvas, card.outputs, info.view, state.showTest);
      }
    } else if (onlyLearningRate) {
      // The learning rate changes without a reset, as in TensorFlow Playground.
      client.send({type: "learningRate", value: state.learningRate});
    } else {
      restart();
    }
  }

  /** The memory a model with these settings needs on the current data, as text, or null if unknown. */
  function memoryText(settings: ModelSettings): string | null {
    // A CSV's shape is known once the worker has read it.
    const csv = state.dataset === "csv" && info ? info.dataset : null;
    const shape = dataShape(state, csv);
    if (!shape) return null;
    try {
      const spec = settingsSpec(settings, shape.inputSize, shape.outputSize);
      return formatBytes(modelMemory(spec, state.batchSize, state.optimizer, threadCount()).bytes);
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
      show(`Your CSV ${JSON.stringify(file.name)}: ${error.message}. Nothing was changed.`);
    }
  }

  async function readImage(file: File): Promise<void> {
    try {
      const picture = await loadImageFile(file);
      const {pixels, width, height, name} = picture;
      custom = {kind: "image", pixels, width, height, name};
      setState({...cloneState(state), dataset: "upload", loss: "mse"}, "data");
    } catch (error) {
      if (!(error instanceof SwitchNetError)) throw error;
      show(`Your picture: ${error.message}. Nothing was changed.`);
    }
  }

  // ------------------------------------------------------------------ rendering

  function updateToolbar(snapshot: Snapshot | null, stepsPerSecond: number | null): void {
    if (snapshot) stepShown = snapshot.step;
    toolbar.update({playing, ready: info !== null}, snapshot, stepsPerSecond);
  }

  function renderControls(): void {
    const restore = rememberFocus(controls);
    controls.replaceChildren(...settingsPanels(state, info, handlers, panelOpen));
    restore();
    header.replaceChildren(
      ...modelsHeader(state, axis, {
        onState: setState,
        onMatch() {
          if (!info) return;
          const inputs = info.dataset.inputSize + (state.biasInput ? 1 : 0);
          const result = matchParameters(state, inputs, info.dataset.outputSize, options.storedWeights);
          if (result.message) show(result.message, "note");
          if (result.state) setState(result.state, "models");
        },
        onAxis(next) {
          axis = next;
          for (const card of cards) redrawCharts(card, info?.dataset.task, axis);
        }
      })
    );
  }

  function buildCards(): void {
    const actions = {
      handlers,
      onExport: (index: number) => client.send({type: "export", index}),
      onImport: (index: number, text: string) => client.send({type: "import", index, text})
    };
    cards = state.models.map((settings, index) => createCard(state, index, info, memoryText(settings), actions));
    grid.replaceChildren(...cards.map((c) => c.root));
    dataPanel.replaceChildren(...(info ? dataPanelContent(info, kernel) : []));
  }

  function updateCards(snapshot: Snapshot): void {
    if (!info) return;
    const now = performance.now();
    snapshot.models.forEach((report, index) => {
      const card = cards[index];
      if (!card || !info) return;
      showReport(card, snapshot.step, report, info.view, state.showTest);
      if (now - card.lastChart > 400 || !playing) {
        card.lastChart = now;
        redrawCharts(card, info.dataset.task, axis);
      }
    });
  }

  // ------------------------------------------------------------------ start

  for (const message of decoded.messages) show(`Address bar: ${message}`);
  if (needsCustom()) {
    show(
      `Address bar: dataset ${JSON.stringify(state.dataset)} is the reader's own file, which the URL cannot hold; ` +
        `choose the file again, or pick another dataset. Showing "spiral" meanwhile.`,
      "note"
    );
    state = {...state, dataset: "spiral", loss: "softmax-cross-entropy"};
  }
  if (writeUrl) history.replaceState(history.state, "", `?${encodeState(state)}${location.hash}`);
  renderControls();
  updateToolbar(null, 0);
  buildCards();
  restart();
  return Object.assign(root, {dispose: () => client.dispose()});
}
