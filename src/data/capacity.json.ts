/**
 * Data loader for the Capacity page. Prints JSON and nothing else on stdout; progress on stderr.
 * - `full`: the committed full-scale results (data/capacity/results.jsonl; Framework runs loaders
 *   with the project root as the working directory): summary rows, the seed's point run by run
 *   (and its runs under way, from the committed checkpoints' headers),
 *   the rate choices, convergence and coverage counts, provenance.
 * - `diversity`: distinct first-layer features and switch rank against the width, one projection
 *   round against two (lib/diversity.ts), for a 3-value and a 17-value input.
 * - `small`: the same sweep at the "small" preset (reference widths 32–512, two seeds), computed
 *   now by the current library (about a minute on two cores).
 * - `headlineTiming`: one training step of every model at the 65,536 point, timed now.
 */
import {existsSync, readFileSync} from "node:fs";
import {createModel} from "../lib/model.js";
import {ready} from "../lib/wht.js";
import {BUDGET_NAMES, matchContenders, parseContender} from "../lib/experiment/budget.js";
import {FULL, SEED_POINT, SMALL, type ExperimentConfig} from "../lib/experiment/config.js";
import {memoryStore, modelSpec, planExperiment, planGroups, runExperiment} from "../lib/experiment/run.js";
import {
  parseResults,
  type ResultRecord,
  type RunRecord,
  type SessionRecord,
  type TuneRecord
} from "../lib/experiment/schema.js";
import {
  contendersPlannedAt,
  curves,
  runsOf,
  runsUnderway,
  summarise,
  timings,
  trendChecks
} from "../lib/experiment/summary.js";
import {taskShape} from "../lib/experiment/tasks.js";
import {timeTrainingSteps} from "../lib/experiment/timing.js";
import {diversityRows} from "../components/projection-diversity-chart.js";
import {checkpointFiles} from "./checkpoint-files.js";

const RESULTS = "data/capacity/results.jsonl";
/** Where the sweep keeps suspended runs (committed between sessions: data/capacity/README.md). */
const CHECKPOINTS = `${RESULTS}.checkpoints`;

/** The tag, step and cap flag of every readable checkpoint, from its header alone (an unreadable file is named and left out). */
function checkpointHeaders() {
  return checkpointFiles(CHECKPOINTS).flatMap(({file, header, error}) => {
    if (header) return [header];
    process.stderr.write(`capacity: leaving out the unreadable checkpoint ${file}: ${error}\n`);
    return [];
  });
}

/** Planned and finished seed runs per task and reference width. */
function coverage(records: readonly ResultRecord[], config: ExperimentConfig) {
  const done = new Set(runsOf(records).map((r) => r.key));
  const rows = new Map<string, {task: string; refWidth: number; planned: number; done: number}>();
  for (const item of planExperiment(config)) {
    for (const refWidth of new Set(item.memberships.map((m) => m.refWidth))) {
      const id = `${item.task}|${refWidth}`;
      const row = rows.get(id) ?? {task: item.task, refWidth, planned: 0, done: 0};
      row.planned++;
      if (done.has(item.key)) row.done++;
      rows.set(id, row);
    }
  }
  return [...rows.values()].sort(
    (a, b) => config.tasks.indexOf(a.task as never) - config.tasks.indexOf(b.task as never) || a.refWidth - b.refWidth
  );
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
  return config.refWidths.flatMap((refWidth) =>
    config.budgets.flatMap((budget) =>
      matchContenders(
        refWidth,
        budget,
        contenders.filter((c) => refWidth <= (config.contenderMaxRefWidth[c.id] ?? Infinity))
      ).map((m) => ({
        refWidth,
        budget,
        budgetName: BUDGET_NAMES[budget],
        target: m.target,
        contender: m.contender.id,
        width: m.width,
        ratio: m.ratio,
        params: m.layer.params,
        edges: m.layer.edges,
        macs: m.layer.macs
      }))
    )
  );
}

function tuneRows(records: readonly ResultRecord[]) {
  // A candidate run that reached the step cap: its score is the best at the cap, not at convergence.
  const capped = new Set(
    records
      .filter((r): r is RunRecord => r.type === "run" && r.candidate === true && r.fit !== null)
      .filter((r) => !r.fit!.plateauReached && !r.fit!.diverged)
      .map((r) => r.key)
  );
  return records
    .filter((r): r is TuneRecord => r.type === "tune")
    .map((t) => ({
      task: t.task,
      contender: t.contender,
      width: t.width,
      chosen: t.chosen,
      edge: t.edge ?? null,
      candidates: t.candidates.map((c) => ({
        learningRate: c.learningRate,
        score: c.score,
        capped: c.key !== undefined && capped.has(c.key)
      }))
    }));
}

function full() {
  const config = describeConfig(FULL);
  const planned = contendersPlannedAt(FULL, SEED_POINT);
  if (!existsSync(RESULTS)) {
    return {
      available: false,
      sessions: [],
      runs: 0,
      candidates: 0,
      summary: [],
      seedPoint: [],
      underway: [],
      tunes: [],
      curves: [],
      timings: [],
      trends: [],
      coverage: coverage([], FULL),
      matches: matches(FULL),
      planned,
      config
    };
  }
  const {records, truncated} = parseResults(readFileSync(RESULTS, "utf8"));
  const sessions = records
    .filter((r): r is SessionRecord => r.type === "session")
    .map(({command, date, machine, libVersion, gitCommit, config: c}) => ({
      command,
      date,
      machine,
      libVersion,
      gitCommit,
      libUncommitted: (c as {libUncommitted?: string[]}).libUncommitted ?? []
    }));
  const seedGroups = new Set(
    planGroups(FULL)
      .filter((g) => g.memberships.some((m) => m.refWidth === SEED_POINT))
      .map((g) => g.key)
  );
  const finals = runsOf(records);
  const seedRuns = finals.filter(
    (r): r is RunRecord & {fit: NonNullable<RunRecord["fit"]>} => seedGroups.has(r.learningRateFrom) && r.fit !== null
  );
  return {
    available: true,
    truncated,
    sessions,
    runs: finals.length,
    candidates: records.filter((r) => r.type === "run" && r.candidate).length,
    config,
    planned,
    summary: summarise(records, FULL),
    seedPoint: seedRuns.map((r) => ({
      task: r.task,
      contender: r.contender,
      width: r.width,
      seed: r.seed,
      error: (r.fit.atBest ?? r.fit.atPlateau).test,
      converged: r.fit.plateauReached,
      steps: r.fit.optimizerSteps,
      learningRate: r.learningRate
    })),
    // Runs at the seed's point suspended between sessions (their checkpoints are committed).
    underway: runsUnderway(FULL, SEED_POINT, checkpointHeaders()),
    tunes: tuneRows(records),
    // Curves of the seed's point only, one seed, to keep the page's download small.
    curves: curves(
      records.filter((r) => r.type === "run" && seedGroups.has(r.learningRateFrom) && r.seed === FULL.seeds[0])
    ),
    timings: timings(records),
    trends: trendChecks(records, FULL),
    coverage: coverage(records, FULL),
    matches: matches(FULL)
  };
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
      if (now - last > 5000 || p.label === "done") {
        last = now;
        process.stderr.write(
          `capacity (small sweep): ${p.done}/${p.total} runs, ${Math.round(p.elapsedSeconds)} s, ${p.label}\n`
        );
      }
    }
  });
  return {
    config: describeConfig(SMALL),
    seconds: (Date.now() - started) / 1000,
    runs: runsOf(store.all).length,
    summary: summarise(store.all, SMALL),
    tunes: tuneRows(store.all),
    trends: trendChecks(store.all, SMALL),
    matches: matches(SMALL)
  };
}

function diversity() {
  process.stderr.write("capacity: counting projection features\n");
  const widths = [64, 256, 1024, 4096, 16384, 65536];
  return {picture: diversityRows(widths, 3), smooth: diversityRows(widths, 17)};
}

/**
 * One training step of every model at the 65,536 point (smooth-task sizes), timed now with the
 * models interleaved, so the ratios are fair on this machine.
 */
function headlineTiming() {
  const shape = taskShape("smooth", FULL);
  const models = planGroups(FULL)
    .filter((g) => g.task === "smooth" && g.memberships.some((m) => m.refWidth === SEED_POINT))
    .map((g) => ({
      label: `${g.contender.id} W=${g.width}`,
      spec: modelSpec(g.contender, g.width, FULL.depth, shape.inputSize, shape.outputSize, 1, FULL.placement)
    }));
  process.stderr.write(`capacity: timing ${models.length} models at the 65,536 point\n`);
  return timeTrainingSteps(models, createModel, {batchSize: FULL.train.batchSize, rounds: 3}).map((r) => ({
    label: r.label,
    kind: r.spec.kind,
    width: r.spec.width,
    parameterCount: r.parameterCount,
    batchSize: r.batchSize,
    msPerSample: r.msPerSample,
    rounds: r.rounds
  }));
}

const fullResults = full();
const smallResults = await small();
const output = {
  generated: new Date().toISOString(),
  seedPoint: SEED_POINT,
  full: fullResults,
  diversity: diversity(),
  small: smallResults,
  headlineTiming: headlineTiming()
};
// Four significant digits are plenty for the figures and halve the file the page downloads.
process.stdout.write(
  JSON.stringify(output, (_key, value) =>
    typeof value === "number" && !Number.isInteger(value) ? Number(value.toPrecision(4)) : value
  )
);
