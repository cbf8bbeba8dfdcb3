// The "Learned functions" page trains here, off the main thread, so the page stays responsive.
// Messages in:  {type: "init", id, state, custom?} | {type: "play"} | {type: "pause"} | {type: "step", count}
//               | {type: "learningRate", value} | {type: "export", index} | {type: "import", index, text}
// Messages out: {type: "info", id, info} | {type: "snapshot", id, snapshot, playing, stepsPerSecond}
//               | {type: "weights", id, index, text} | {type: "error", id, message, during}
// `id` names the session a reply belongs to, so the page can drop replies from a replaced one.
import {createSession} from "./components/playground/engine.js";
import {backend, ready} from "./lib/wht.js";
import {wasmFailure} from "./lib/wasm/runtime.js";

// The WebAssembly SIMD kernels (about four times faster for wide layers) load before the first
// session is built; where they cannot load, the scalar kernels are used and nothing else changes.
const kernels = ready().catch(() => null);

let session = null;
let id = 0;
let playing = false;
let timer = null;
let stepsPerSecond = 0;
let lastReport = 0;
let lastOutputs = 0;
/** Milliseconds the last full report (evaluation plus learned function) took. */
let reportCost = 0;
/** Steps and time at the last report, for the wall-clock rate. */
let rateSteps = 0;
let rateTime = 0;

/** Milliseconds of training between checks for messages; shortest gaps between reports. */
const SLICE_MS = 25;
const REPORT_MS = 150;
const OUTPUTS_MS = 300;
/** Reports may take at most about a quarter of the time: gaps grow with their cost. */
const REPORT_SHARE = 3;

function report(withOutputs) {
  const start = performance.now();
  const snapshot = session.snapshot(withOutputs);
  const transfer = [];
  for (const m of snapshot.models) if (m.outputs) transfer.push(m.outputs.buffer);
  if (playing && snapshot.step > rateSteps && start > rateTime) {
    // Steps per wall-clock second, evaluation and drawing included.
    const rate = ((snapshot.step - rateSteps) * 1000) / (start - rateTime);
    stepsPerSecond = stepsPerSecond === 0 ? rate : 0.7 * stepsPerSecond + 0.3 * rate;
  }
  postMessage({type: "snapshot", id, snapshot, playing, stepsPerSecond}, transfer);
  lastReport = performance.now();
  if (withOutputs) {
    lastOutputs = lastReport;
    reportCost = lastReport - start;
  }
  rateSteps = snapshot.step;
  rateTime = start;
}

function loop() {
  timer = null;
  if (!playing || !session) return;
  try {
    const start = performance.now();
    do session.run(1);
    while (performance.now() - start < SLICE_MS);
    const now = performance.now();
    const gap = Math.max(REPORT_MS, REPORT_SHARE * reportCost);
    if (now - lastReport >= gap) report(now - lastOutputs >= Math.max(OUTPUTS_MS, gap));
  } catch (error) {
    // E.g. the browser refusing memory for a batch's activations: stop and say so.
    stop();
    postMessage({type: "error", id, during: "play", message: error?.message ?? String(error), validation: error?.name === "SwitchNetError"});
    return;
  }
  timer = setTimeout(loop, 0);
}

function stop() {
  playing = false;
  if (timer !== null) clearTimeout(timer);
  timer = null;
}

function handle(message) {
  switch (message.type) {
    case "init":
      stop();
      session?.dispose(); // give the old models' kernel memory back before building new ones
      session = null;
      id = message.id;
      stepsPerSecond = 0;
      session = createSession(message.state, message.custom);
      postMessage({type: "info", id, info: session.info, kernel: backend(), kernelNote: wasmFailure()});
      report(true);
      break;
    case "play":
      if (!session) return;
      playing = true;
      rateSteps = session.step;
      rateTime = performance.now();
      if (timer === null) timer = setTimeout(loop, 0);
      break;
    case "pause":
      stop();
      if (session) report(true);
      break;
    case "step":
      if (!session) return;
      stop();
      session.run(message.count);
      report(true);
      break;
    case "learningRate":
      if (session) session.setLearningRate(message.value);
      break;
    case "export":
      if (session) postMessage({type: "weights", id, index: message.index, text: session.exportWeights(message.index)});
      break;
    case "import":
      if (!session) return;
      session.importWeights(message.index, message.text);
      report(true);
      break;
  }
}

// Messages are handled in order, each after the kernels have loaded (or failed to).
let queue = kernels;
self.onmessage = (event) => {
  const message = event.data;
  queue = queue.then(() => {
    try {
      handle(message);
    } catch (error) {
      postMessage({type: "error", id: message.type === "init" ? message.id : id, during: message.type, index: message.index, message: error?.message ?? String(error), validation: error?.name === "SwitchNetError"});
    }
  });
};
