/**
 * Training steps per second of one model of the capacity plan, built and trained as the sweep trains it
 * (projection cache, Adam in the kernel memory, batch 64), three ways: one process on one thread, one
 * process on two threads (`--threads 2`), and two processes side by side on one thread each
 * (`--workers 2`; their sum). Which of the last two does more work decides how the sweep uses two cores
 * (data/capacity/README.md, "Two processes, not two threads"). Stop the sweep first: it needs the cores.
 *
 *   npx tsx scripts/capacity-speed.ts --task image --contender switchnet4-m4-r2 --width 65536 \
 *     [--seconds 12] [--warmup 4] [--modes one,threads,processes]
 *
 * Prints one JSON line per mode: steps per second (medians of the step times of each process; summed over
 * the processes) and each process's median milliseconds per step and steps timed.
 */
import {spawn} from "node:child_process";
import {FULL} from "../lib/experiment/config.js";
import {modelSpec, PROJECTION_CACHE_BYTES} from "../lib/experiment/run.js";
import {parseNameValues, plannedGroup} from "./planned-model.js";
import {splitValidation, taskDataset, taskShape} from "../lib/experiment/tasks.js";
import {createModel} from "../lib/model.js";
import {ready} from "../lib/wht.js";
import {createOptimizer} from "../lib/optim.js";
import {inWasmMemory} from "../lib/wasm/memory.js";
import {createBatchSampler} from "../lib/batches.js";
import {trainingStep} from "../lib/step.js";
import {lossFunction} from "../lib/losses.js";
import {createTeamSync, withTeam} from "../lib/team.js";

const MODES = {
  one: {processes: 1, threads: 1},
  threads: {processes: 1, threads: 2},
  processes: {processes: 2, threads: 1}
};
type Mode = keyof typeof MODES;

function positive(args: Record<string, string>, name: string, fallback: number): number {
  const v = args[name] === undefined ? fallback : Number(args[name]);
  if (!(Number.isFinite(v) && v > 0))
    throw new Error(`--${name} must be a positive number, got ${JSON.stringify(args[name])}`);
  return v;
}

/** The plan's group for --task, --contender and --width. */
const group = (args: Record<string, string>) => plannedGroup(FULL, args.task, args.contender, Number(args.width));

/** In this process: warm up, then time single steps for `seconds`; returns the median and the count. */
async function measure(args: Record<string, string>, threads: number): Promise<{medianMs: number; steps: number}> {
  const g = group(args);
  await ready();
  const shape = taskShape(g.task, FULL);
  const spec = modelSpec(g.contender, g.width, g.depth, shape.inputSize, shape.outputSize, 1, FULL.placement);
  const {data} = splitValidation(taskDataset(g.task, FULL, 1));
  const team = threads > 1 ? createTeamSync({threads}) : null;
  if (team && team.threads < threads) throw new Error(`two threads could not be had: ${team.fallbackReason}`);
  try {
    return withTeam(team, () => {
      using model = createModel(spec);
      model.cacheProjections?.(PROJECTION_CACHE_BYTES);
      const optimizer = createOptimizer(
        "adam",
        model.params.length,
        {learningRate: 1e-3},
        {kernelMemory: inWasmMemory(model.params)}
      );
      const sampler = createBatchSampler(data.train, FULL.train.batchSize, 7, "wrap");
      const loss = lossFunction(shape.loss);
      const step = () => trainingStep(model, sampler.next(), loss, optimizer, Infinity);
      // The warm-up fills the projection cache, as the first pass of a run does.
      const warmEnd = performance.now() + positive(args, "warmup", 4) * 1000;
      while (performance.now() < warmEnd) step();
      const times: number[] = [];
      const end = performance.now() + positive(args, "seconds", 12) * 1000;
      while (performance.now() < end || times.length < 3) {
        const t0 = performance.now();
        step();
        times.push(performance.now() - t0);
      }
      optimizer.dispose();
      times.sort((a, b) => a - b);
      return {medianMs: times[times.length >> 1], steps: times.length};
    });
  } finally {
    team?.close();
  }
}

/** Runs `processes` copies of this script side by side, each measuring on `threads` threads. */
function children(argv: string[], processes: number, threads: number): Promise<{medianMs: number; steps: number}[]> {
  const one = () =>
    new Promise<{medianMs: number; steps: number}>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", import.meta.filename, ...argv, "--child", String(threads)],
        {
          stdio: ["ignore", "pipe", "pipe"]
        }
      );
      let out = "",
        err = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (err += d));
      child.on("close", (code) =>
        code === 0 ? resolve(JSON.parse(out)) : reject(new Error(err.trim() || `exit ${code}`))
      );
    });
  return Promise.all(Array.from({length: processes}, one));
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const args = parseNameValues(argv);
  if (args.child !== undefined) {
    process.stdout.write(JSON.stringify(await measure(args, Number(args.child))));
    return;
  }
  group(args); // a wrong model is named before anything starts
  const modes = (args.modes ?? "one,threads,processes").split(",");
  for (const m of modes)
    if (!(m in MODES)) throw new Error(`--modes must list ${Object.keys(MODES).join(", ")}, got ${JSON.stringify(m)}`);
  for (const mode of modes as Mode[]) {
    const {processes, threads} = MODES[mode];
    const each = await children(argv, processes, threads);
    const stepsPerSecond = each.reduce((s, r) => s + 1000 / r.medianMs, 0);
    process.stdout.write(
      JSON.stringify({
        task: args.task,
        contender: args.contender,
        width: Number(args.width),
        mode,
        processes,
        threads,
        stepsPerSecond,
        each
      }) + "\n"
    );
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  }
);
