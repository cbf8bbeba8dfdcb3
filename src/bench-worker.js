// The Throughput page's web worker: runs the library's benchmark (quick mode) off the main thread
// and reports progress, then the results, to the page (protocol in components/bench-runner.ts).
import {runLayerBenchmark, runWhtBenchmark} from "./lib/bench.js";
import {backend} from "./lib/wht.js";
import {toLayerPoints, toThroughputPoints} from "./components/bench-results.js";

// Share of the progress bar for the WHT sweep; the layer benchmark fills the rest.
const WHT_SHARE = 0.75;

function reporter(offset, share) {
  return (done, total, label) => {
    const fraction = offset + share * (total > 0 ? done / total : 0);
    self.postMessage({type: "progress", done: Math.round(fraction * 1000), total: 1000, label});
  };
}

self.onmessage = async (event) => {
  if (event.data?.type !== "run") return;
  const started = performance.now();
  try {
    const wht = await runWhtBenchmark({quick: true, onProgress: reporter(0, WHT_SHARE)});
    const layer = await runLayerBenchmark({quick: true, onProgress: reporter(WHT_SHARE, 1 - WHT_SHARE)});
    self.postMessage({
      type: "result",
      wht: toThroughputPoints(wht, "browser"),
      layer: toLayerPoints(layer, "browser"),
      seconds: (performance.now() - started) / 1000,
      backend: backend()
    });
  } catch (error) {
    self.postMessage({type: "error", message: error instanceof Error ? error.message : String(error)});
  }
};
