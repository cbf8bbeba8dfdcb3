/**
 * Training steps per second of the depth-2 models of `npm run bench`'s training section (16 inputs,
 * 4 outputs, Adam), for a chosen subset: by default Switch Net 4 at W = 65,536, batches 16, 64 and
 * 256, one and two threads timed in alternation (lib/bench.ts's runTrainingBenchmark; speedups are
 * medians of per-round ratios). Pause other work on the machine first: two threads need both cores.
 *
 *   npx tsx scripts/training-bench.ts [--models switchnet4,dense] [--batches 16,64,256] [--threads 1,2] [--repeats 7]
 */
import {runTrainingBenchmark} from "../lib/bench.js";

const args = process.argv.slice(2);
const list = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return (i >= 0 ? args[i + 1] : fallback).split(",");
};
const models = list("models", "switchnet4");
const batches = list("batches", "16,64,256").map(Number);
const threads = list("threads", "1,2").map(Number);
const repeats = Number(list("repeats", "7")[0]);
const {rows} = await runTrainingBenchmark({models, batches, threads, repeats});
for (const r of rows) {
  console.log(
    `${r.model} W=${r.width} batch ${r.batch}, ${r.threads} thread(s): ${r.stepsPerSecond.toFixed(1)} steps/s ` +
      `(median ${r.medianMs.toFixed(2)} ms, min ${r.minMs.toFixed(2)}, max ${r.maxMs.toFixed(2)}), speedup ${r.speedup.toFixed(2)}` +
      (r.fallbackReason ? ` (${r.fallbackReason})` : "")
  );
}
