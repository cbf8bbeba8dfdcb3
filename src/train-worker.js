// The "Learned functions" page trains here, off the main thread, so the page stays responsive.
// Messages in:  {type: "init", id, state, custom?} | {type: "play"} | {type: "pause"} | {type: "step", count}
//               | {type: "learningRate", value} | {type: "export", index} | {type: "import", index, text}
// Messages out: {type: "info", id, info} | {type: "snapshot", id, snapshot, playing, stepsPerSecond}
//               | {type: "weights", id, index, text} | {type: "error", id, message, during}
// `id` names the session a reply belongs to, so the page can drop replies from a replaced one.
import {createSession} from "./components/playground-engine.js";

let session = null;
let id = 0;
let playing = false;
let timer = null;
let stepsPerSecond = 0;
let lastReport = 0;
let lastOutputs = 0;

/** Milliseconds of training between checks for messages, and between reports. */
const SLICE_MS = 25;
const REPORT_MS = 150;
const OUTPUTS_MS = 300;

function report(withOutputs) {
  const snapshot = session.snapshot(withOutputs);
  const transfer = [];
  for (const m of snapshot.models) if (m.outputs) transfer.push(m.outputs.buffer);
  postMessage({type: "snapshot", id, snapshot, playing, stepsPerSecond}, transfer);
  lastReport = performance.now();
  if (withOutputs) lastOutputs = lastReport;
}

function loop() {
  timer = null;
  if (!playing || !session) return;
  const start = performance.now();
  let steps = 0;
  do {
    session.run(1);
    steps++;
  } while (performance.now() - start < SLICE_MS);
  const rate = (steps * 1000) / Math.max(1e-3, performance.now() - start);
  stepsPerSecond = stepsPerSecond === 0 ? rate : 0.8 * stepsPerSecond + 0.2 * rate;
  const now = performance.now();
  if (now - lastReport >= REPORT_MS) report(now - lastOutputs >= OUTPUTS_MS);
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
      session = null;
      id = message.id;
      stepsPerSecond = 0;
      session = createSession(message.state, message.custom);
      postMessage({type: "info", id, info: session.info});
      report(true);
      break;
    case "play":
      if (!session) return;
      playing = true;
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

self.onmessage = (event) => {
  const message = event.data;
  try {
    handle(message);
  } catch (error) {
    postMessage({type: "error", id: message.type === "init" ? message.id : id, during: message.type, index: message.index, message: error?.message ?? String(error), validation: error?.name === "SwitchNetError"});
  }
};
