/**
 * The Capacity page's figures that are not charts: how far the sweep has got at the seed's point,
 * the method's settings as the prose quotes them ("How it is measured", the memorisation note),
 * and the sessions that produced the results. Computed here, from the loader's JSON, so the page
 * only inserts them and tests can check them.
 */
import type {ExperimentConfig} from "../../lib/experiment/config.js";
import {el} from "../dom.js";
import {formatCount} from "../format.js";
import {TASK_NAMES} from "./tables.js";
import {label} from "./colors.js";

/** The fitting tasks and the budgets, in the order the page shows them (the answer table's rows). */
export const FIT_TASKS = ["smooth", "classify", "image"] as const;
export const BUDGETS = ["edges", "params", "macs"] as const;

/** A coverage row of the loader: planned and finished runs of one task at one reference width. */
export interface CoverageLike {
  task: string;
  refWidth: number;
  planned: number;
  done: number;
}

/** Runs finished and planned at `refWidth` over the fitting tasks (memorisation is not in the answer). */
export function seedProgress(coverage: readonly CoverageLike[], refWidth: number): {done: number; planned: number} {
  const rows = coverage.filter((c) => c.refWidth === refWidth && c.task !== "memorise");
  return {done: rows.reduce((s, c) => s + c.done, 0), planned: rows.reduce((s, c) => s + c.planned, 0)};
}

/** A run under way at the seed's point, as the loader gives it (lib/experiment/summary.ts runsUnderway). */
export interface UnderwayLike {
  task: string;
  contender: string;
  candidate: boolean;
  seed: number;
  learningRate: number;
  step: number;
  maxSteps: number;
}

/**
 * The seed's point's runs that are under way (suspended between sessions at a checkpoint), for the
 * coverage notes: "picture, Switch Net 4, 1 round, seed 2 at step 61,184 and seed 3 at step 61,440
 * (of at most 200,000 steps)"; "" when none.
 */
export function underwayText(runs: readonly UnderwayLike[]): string {
  if (runs.length === 0) return "";
  const groups = new Map<string, string[]>();
  for (const r of runs) {
    const head = `${TASK_NAMES[r.task] ?? r.task}, ${label(r.contender)}`;
    const what = r.candidate ? `learning-rate candidate ${r.learningRate}` : `seed ${r.seed}`;
    groups.set(head, [...(groups.get(head) ?? []), `${what} at step ${formatCount(r.step)}`]);
  }
  const parts = [...groups].map(([head, list]) => `${head}, ${joinAnd(list)}`);
  const cap = Math.max(...runs.map((r) => r.maxSteps));
  return `${parts.join("; ")} (of at most ${formatCount(cap)} steps)`;
}

const joinAnd = (list: readonly string[]) =>
  list.length < 2 ? list.join("") : `${list.slice(0, -1).join(", ")} and ${list[list.length - 1]}`;

/**
 * How many of the seed's point's runs ended on the convergence rule rather than at the step cap, and
 * the sentence the page's status line gives it ("" before any run). The method asks for at least 80 %.
 */
export function convergedShare(runs: readonly {converged: boolean}[]): {converged: number; runs: number; text: string} {
  const converged = runs.filter((r) => r.converged).length;
  if (runs.length === 0) return {converged, runs: 0, text: ""};
  const percent = Math.round((100 * converged) / runs.length);
  const capped = runs.length - converged;
  return {
    converged,
    runs: runs.length,
    text:
      `${converged} of them (${percent} %) stopped on the convergence rule` +
      (capped > 0 ? `; ${capped} hit the step cap and ${capped === 1 ? "is" : "are"} marked as such` : "") +
      (percent < 80 ? " (below the 80 % the method aims for)" : "")
  };
}

/** The settings the page's method notes read (the loader's config has these and more). */
export type MethodConfig = Pick<ExperimentConfig, "seeds"> & {
  train: Pick<
    ExperimentConfig["train"],
    "batchSize" | "evalEvery" | "evalGrowth" | "patience" | "minImprovement" | "maxSteps" | "warmupSteps" | "minSteps"
  >;
  tune: Pick<ExperimentConfig["tune"], "grid" | "startWht" | "startDense">;
  memorise: Pick<
    ExperimentConfig["memorise"],
    | "threshold"
    | "maxSteps"
    | "maxRefWidth"
    | "trendPoints"
    | "probeFactors"
    | "start"
    | "resolution"
    | "guessFromFirstSeed"
  >;
  /** Each task's one-line description. */
  taskDescriptions: Record<string, string>;
};

/** The method's settings as the page's prose writes them. */
export interface MethodFacts {
  /** "smooth 16-input target: …; spiral (classification): …" */
  tasks: string;
  batchSize: string;
  evalEvery: string;
  /** Evaluations later come every this many percent of the steps so far: "10". */
  evalGrowthPercent: string;
  patience: string;
  /** The gain in validation error that counts as improving, in percent: "1". */
  minImprovementPercent: string;
  maxSteps: string;
  /** "the rate warmed up linearly over the first 500 steps" (every contender alike), or "no warm-up". */
  warmup: string;
  /** ", and no run stops on the rule before 2,000 steps" (or "" without a floor). */
  minSteps: string;
  /** The floor alone: "2,000" ("0" without one). */
  minStepsCount: string;
  startWht: string;
  startDense: string;
  gridLow: string;
  gridHigh: string;
  /** The seeds after the first, which reuse its rate: "2 and 3". */
  laterSeeds: string;
  memoriseThreshold: string;
  /** How the search runs: "doubling from 16, then bisection to 12.5 %; seeds 2 and 3 start at seed 1's N". */
  memoriseSearch: string;
  memoriseMaxSteps: string;
  memoriseMaxRefWidth: string;
  /** How many searched widths the trend is fitted to, and the probes' multiples of its prediction ("0.71× and 1.41×"). */
  trendPoints: string;
  probeFactors: string;
}

export function methodFacts(config: MethodConfig): MethodFacts {
  const {train, tune, memorise} = config;
  const laterSeeds = config.seeds.slice(1).join(" and ");
  return {
    tasks: Object.entries(config.taskDescriptions)
      .map(([t, d]) => `${TASK_NAMES[t] ?? t}: ${d}`)
      .join("; "),
    batchSize: String(train.batchSize),
    evalEvery: String(train.evalEvery),
    evalGrowthPercent: String(Math.round((train.evalGrowth - 1) * 100)),
    patience: String(train.patience),
    minImprovementPercent: String(train.minImprovement * 100),
    maxSteps: formatCount(train.maxSteps),
    warmup: train.warmupSteps
      ? `the rate warmed up linearly over the first ${formatCount(train.warmupSteps)} steps`
      : "no warm-up",
    minStepsCount: formatCount(train.minSteps ?? 0),
    minSteps: train.minSteps ? ` (no run stops on the rule before ${formatCount(train.minSteps)} steps)` : "",
    startWht: tune.startWht.join(", "),
    startDense: tune.startDense.join(", "),
    gridLow: String(tune.grid[0]),
    gridHigh: String(tune.grid.at(-1)),
    laterSeeds,
    memoriseThreshold: String(memorise.threshold),
    memoriseSearch:
      `doubling from ${memorise.start}, then bisection to ${memorise.resolution * 100} %` +
      (memorise.guessFromFirstSeed && config.seeds.length > 1
        ? `; seed${config.seeds.length > 2 ? "s" : ""} ${laterSeeds} start${config.seeds.length > 2 ? "" : "s"} at seed ${config.seeds[0]}'s N`
        : ""),
    memoriseMaxSteps: formatCount(memorise.maxSteps),
    memoriseMaxRefWidth: formatCount(memorise.maxRefWidth),
    trendPoints: String(memorise.trendPoints),
    probeFactors: memorise.probeFactors.map((f) => `${f.toFixed(2)}×`).join(" and ")
  };
}

/** A session record as the loader passes it on. */
export interface SessionLike {
  command: string;
  date: string;
  machine: {cpu: string; cores: number; node: string; platform: string};
  libVersion: string;
  gitCommit: string | null;
  libUncommitted: string[];
}

/** One line per session: its command, date, machine, library version and commit (and uncommitted files). */
export function provenanceList(sessions: readonly SessionLike[]): HTMLUListElement {
  return el(
    "ul",
    {},
    ...sessions.map((s) => {
      const m = s.machine;
      const commit = s.gitCommit ? s.gitCommit.slice(0, 10) : "unknown";
      const uncommitted = s.libUncommitted.length ? ` (uncommitted at start: ${s.libUncommitted.join(", ")})` : "";
      return el(
        "li",
        {},
        el("code", {text: s.command}),
        ` — ${s.date} — ${m.cpu}, ${m.cores} cores, node ${m.node}, ${m.platform}; ` +
          `library ${s.libVersion}, commit ${commit}${uncommitted}`
      );
    })
  );
}
