/**
 * Data loader for the Capacity page. Two parts:
 * - `small`: the same sweep as `npm run experiment`, at the "small" preset (reference widths
 *   32–512, two seeds, short training), computed now by the current library (about a minute on
 *   two cores; progress on stderr);
 * - `full`: the committed full-scale results, read from data/capacity/results.jsonl (Framework
 *   runs loaders with the project root as the working directory), summarised the same way.
 * Prints JSON and nothing else on stdout.
 */
import {existsSync, readFileSync} from "node:fs";
import {createModel} from "../lib/model.js";
import {ready} from "../lib/wht.js";
import {BUDGET_NAMES, matchContenders, parseContender} from "../lib/experiment/budget.js";
import {FULL, SMALL, type ExperimentConfig} from "../lib/experiment/config.js";
import {memoryStore, planExperiment, runExperiment} from "../lib/experiment/run.js";
import {parseResults, type ResultRecord, type SessionRecord} from "../lib/experiment/schema.js";
import {curves, summarise, timings} from "../lib/experiment/summary.js";
import {taskShape} from "../lib/experiment/tasks.js";
import {timeTrainingSteps} from "../lib/experiment/timing.js";
import {modelSpec} from "../lib/experiment/run.js";

const RESULTS = "data/capacity/results.jsonl";

function coverage(records: readonly ResultRecord[], config: ExperimentConfig) {
  const done = new Set(records.filter((r) => r.type === "run").map((r) => r.key));
  const rows = new Map<string, {task: string; refWidth: number; planned: number; done: number}>();
  for (const item of planExperiment(config)) {
    for (const m of item.memberships) {
      const id = `${item.task}|${m.refWidth}`;
      const row = rows.get(id) ?? {task: item.task, refWidth: m.refWidth, planned: 0, done: 0};
      row.planned++;
      if (done.has(item.key)) row.done++;
      rows.set(id, row);
    }
  }
  return [...rows.values()].sort((a, b) => a.task.localeCompare(b.task) || a.refWidth - b.refWidth);
}

function describeConfig(config: ExperimentConfig) {
  return {
    ...config,
    taskDescriptions: Object.fromEntries(config.tasks.map((t) => [t, taskShape(t, config).description]))
  };
}

/** The matched widths at every reference width of a config (for the budget table). */
function matches(config: ExperimentConfig) {
  const contenders = config.contenders.map(parseContender);
  return config.refWidths.flatMap((refWidth) => config.budgets.flatMap((budget) =>
    matchContenders(refWidth, budget, contenders).map((m) => ({
      refWidth, budget, budgetName: BUDGET_NAMES[budget], target: m.target, contender: m.contender.id,
      width: m.width, ratio: m.ratio, params: m.layer.params, edges: m.layer.edges, macs: m.layer.macs
    }))));
}

async function small() {
  await ready();
  const store = memoryStore();
  const started = Date.now();
  let last = 0;
  runExperiment(SMALL, {
    store,
    createModel,
    onProgress: (p) => {
      const now = Date.now();
      if (now - last > 2000 || p.label === "done") {
        last = now;
        process.stderr.write(`capacity (small sweep): ${p.done}/${p.total} runs, ${Math.round(p.elapsedSeconds)} s, ${p.label}\n`);
      }
    }
  });
  return {
    config: describeConfig(SMALL),
    seconds: (Date.now() - started) / 1000,
    summary: summarise(store.all, SMALL),
    curves: curves(store.all),
    timings: timings(store.all),
    matches: matches(SMALL)
  };
}

function full() {
  if (!existsSync(RESULTS)) return {available: false, sessions: [], summary: [], curves: [], timings: [], coverage: coverage([], FULL), matches: matches(FULL)};
  const {records, truncated} = parseResults(readFileSync(RESULTS, "utf8"));
  const sessions = records.filter((r): r is SessionRecord => r.type === "session")
    .map(({command, date, machine, libVersion, gitCommit, config}) => ({
      command, date, machine, libVersion, gitCommit, libUncommitted: (config as {libUncommitted?: string[]}).libUncommitted ?? []
    }));
  return {
    available: true,
    truncated,
    sessions,
    runs: records.filter((r) => r.type === "run").length,
    config: describeConfig(FULL),
    summary: summarise(records, FULL),
    curves: curves(records),
    timings: timings(records),
    coverage: coverage(records, FULL),
    matches: matches(FULL)
  };
}

/**
 * One training step of every model at the 65,536 point (smooth-task sizes), timed now with the
 * models interleaved, so the ratios are fair on this machine.
 */
function headlineTiming() {
  const shape = taskShape("smooth", FULL);
  const seen = new Set<string>();
  const models = matches(FULL).filter((m) => m.refWidth === 65536).filter((m) => {
    const id = `${m.contender}|${m.width}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  }).map((m) => ({
    label: `${m.contender} W=${m.width}`,
    spec: modelSpec(parseContender(m.contender), m.width, FULL.depth, shape.inputSize, shape.outputSize, 1, FULL.placement)
  }));
  process.stderr.write(`capacity: timing ${models.length} models at the 65,536 point\n`);
  return timeTrainingSteps(models, createModel, {batchSize: FULL.train.batchSize, rounds: 5}).map((r) => ({
    label: r.label, kind: r.spec.kind, width: r.spec.width, parameterCount: r.parameterCount, batchSize: r.batchSize,
    msPerSample: r.msPerSample, rounds: r.rounds
  }));
}

const fullResults = full();
const smallResults = await small();
const output = {generated: new Date().toISOString(), full: fullResults, small: smallResults, headlineTiming: headlineTiming()};
// Four significant digits are plenty for the figures and halve the file the page downloads.
process.stdout.write(JSON.stringify(output, (_key, value) =>
  typeof value === "number" && !Number.isInteger(value) ? Number(value.toPrecision(4)) : value));
