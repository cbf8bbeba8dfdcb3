/**
 * `npm run experiment -- [options]`: the capacity experiment (issue 5) from the command line.
 * Appends one JSON line per finished run to the results file and resumes where it stopped.
 * Progress bar and ETA on stderr. `--help` lists the options.
 */
import {appendFileSync, existsSync, mkdirSync, readFileSync} from "node:fs";
import {execSync, spawnSync} from "node:child_process";
import {cpus, platform, release} from "node:os";
import {dirname} from "node:path";
import {createModel} from "../lib/model.js";
import {ready} from "../lib/wht.js";
import type {BudgetKind} from "../lib/experiment/budget.js";
import {PRESETS, checkConfig, type ExperimentConfig} from "../lib/experiment/config.js";
import {planExperiment, runExperiment, type PlanItem, type Progress, type ResultStore} from "../lib/experiment/run.js";
import {SCHEMA_VERSION, parseResults, validateRecord, type ResultRecord, type SessionRecord, type TaskKind} from "../lib/experiment/schema.js";

const HELP = `Capacity experiment: Switch Net 4 and its variants against dense layers at equal budgets.

Usage: npm run experiment -- [options]

  --preset NAME         full (default; hours), small (the page loader's sweep), tiny (seconds),
                        repeat (the WHT contenders with --placement repeat on image and smooth)
  --out FILE            results file, JSON lines (default data/capacity/results.jsonl);
                        runs already in it are skipped, so rerunning the same command resumes
  --ref-widths LIST     reference Switch Net 4 widths setting the budgets (e.g. 256,1024,65536)
  --min-ref-width N     only runs whose smallest budget point is at least N
  --max-ref-width N     only runs whose smallest budget point is at most N
  --tasks LIST          memorise, smooth, image, classify (default: the preset's)
  --budgets LIST        params, edges, macs (default: all three)
  --contenders LIST     switchnet4-m4, switchnet4-m8, butterfly, filterbank, dense
  --seeds LIST          e.g. 1,2,3
  --placement NAME      how WHT kinds place the input in the width: pad (default, zero-fill) or
                        repeat (tiled copies, each under other sign flips); a separate --out is wise
  --isolate             run every plan item in a child process of its own (runs dispose of their
                        models either way; this also keeps a crash or leak to one run)
  --only KEY            run just the plan item with this key (what --isolate hands a child)
  --dry-run             print the plan (widths, budget points, relative cost) and exit
  --help                this text

Run long sweeps in the background, e.g.
  nohup nice -n 19 npm run experiment -- --max-ref-width 16384 > data/capacity/run-a.log 2>&1 &
`;

interface Args {
  preset: string;
  out: string;
  dryRun: boolean;
  isolate: boolean;
  only: string | null;
  minRefWidth: number;
  maxRefWidth: number;
  overrides: Partial<ExperimentConfig>;
}

function list(value: string): string[] {
  return value.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
}

function numbers(name: string, value: string): number[] {
  return list(value).map((s) => {
    const n = Number(s);
    if (!Number.isFinite(n)) throw new Error(`${name} must be a comma-separated list of numbers, got ${JSON.stringify(value)}`);
    return n;
  });
}

function parseArgs(argv: string[]): Args {
  const args: Args = {preset: "full", out: "data/capacity/results.jsonl", dryRun: false, isolate: false, only: null, minRefWidth: 0, maxRefWidth: Infinity, overrides: {}};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value (see --help)`);
      return v;
    };
    switch (flag) {
      case "--help": case "-h": process.stdout.write(HELP); process.exit(0);
      case "--preset": args.preset = value(); break;
      case "--out": args.out = value(); break;
      case "--dry-run": args.dryRun = true; break;
      case "--isolate": args.isolate = true; break;
      case "--only": args.only = value(); break;
      case "--ref-widths": args.overrides.refWidths = numbers(flag, value()); break;
      case "--min-ref-width": args.minRefWidth = Number(value()); break;
      case "--max-ref-width": args.maxRefWidth = Number(value()); break;
      case "--tasks": args.overrides.tasks = list(value()) as TaskKind[]; break;
      case "--budgets": args.overrides.budgets = list(value()) as BudgetKind[]; break;
      case "--contenders": args.overrides.contenders = list(value()); break;
      case "--seeds": args.overrides.seeds = numbers(flag, value()); break;
      case "--placement": {
        const v = value();
        if (v !== "pad" && v !== "repeat") throw new Error(`--placement must be pad or repeat, got ${JSON.stringify(v)}`);
        args.overrides.placement = v;
        break;
      }
      default: throw new Error(`unknown option ${JSON.stringify(flag)} (see --help)`);
    }
  }
  if (!(args.preset in PRESETS)) throw new Error(`--preset must be one of ${Object.keys(PRESETS).join(", ")}, got ${JSON.stringify(args.preset)}`);
  if (!(args.minRefWidth >= 0) || !(args.maxRefWidth >= args.minRefWidth)) throw new Error("--min-ref-width and --max-ref-width must be numbers with min ≤ max");
  return args;
}

function fileStore(path: string): ResultStore {
  let records: ResultRecord[] = [];
  const read = (): ResultRecord[] => {
    if (!existsSync(path)) return [];
    const parsed = parseResults(readFileSync(path, "utf8"));
    if (parsed.truncated > 0) process.stderr.write(`note: ignored a cut-off last line in ${path}\n`);
    return parsed.records;
  };
  if (existsSync(path)) records = read();
  else mkdirSync(dirname(path), {recursive: true});
  return {
    records: () => records,
    // Other sweeps may append to the same file: see what they finished.
    reload: () => (records = read()),
    append(record) {
      validateRecord(record);
      // One write per line (O_APPEND): two sweeps may share a file.
      appendFileSync(path, JSON.stringify(record) + "\n");
      records.push(record);
    }
  };
}

function duration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, "0")}m` : `${m}m${String(s % 60).padStart(2, "0")}s`;
}

function progressBar(p: Progress): string {
  const fraction = p.totalCost > 0 ? p.doneCost / p.totalCost : 1;
  const cells = 24;
  const filled = Math.round(fraction * cells);
  return `[${"#".repeat(filled)}${".".repeat(cells - filled)}] ${(fraction * 100).toFixed(1).padStart(5)}%  ` +
    `runs ${p.done}/${p.total}  elapsed ${duration(p.elapsedSeconds)}  ETA ${duration(p.etaSeconds)}  ${p.label}`;
}

function gitCommit(): string | null {
  try {
    return execSync("git rev-parse HEAD", {stdio: ["ignore", "pipe", "ignore"]}).toString().trim();
  } catch {
    return null;
  }
}

/** lib/ files that differ from the recorded commit (results then reflect uncommitted code). */
function uncommittedLib(): string[] {
  try {
    return execSync("git status --porcelain -- lib", {stdio: ["ignore", "pipe", "ignore"]}).toString()
      .split("\n").filter((l) => l.trim().length > 0).map((l) => l.trim());
  } catch {
    return [];
  }
}

function describePlan(plan: PlanItem[]): string {
  const lines = plan.map((p) => {
    const points = p.memberships.map((m) => `${m.budget}@${m.refWidth}(×${m.ratio.toFixed(2)})`).join(" ");
    return `${p.task.padEnd(8)} ${p.contender.id.padEnd(14)} W=${String(p.width).padEnd(7)} seed ${p.seed}  cost ${(p.cost / 1e9).toFixed(2)}  ${points}`;
  });
  const total = plan.reduce((s, p) => s + p.cost, 0);
  return `${lines.join("\n")}\n${plan.length} runs, total cost ${(total / 1e9).toFixed(1)} (units of 10^9 multiply-adds)\n`;
}

/**
 * --isolate: one child process per plan item not yet done (the child gets the same options plus
 * --only KEY), so all of a run's memory is released when it ends. Runs dispose() of their models
 * in one process too (lib/experiment), which keeps a synchronous sweep's WebAssembly kernel
 * memory flat; the child processes add isolation from crashes and anything else that leaks.
 */
function isolated(args: Args, config: ExperimentConfig, inRange: (p: PlanItem) => boolean, store: ResultStore): void {
  const plan = planExperiment(config).filter(inRange);
  const passOn = process.argv.slice(2).filter((a) => a !== "--isolate");
  const started = Date.now();
  let failures = 0;
  let stop = false;
  process.once("SIGINT", () => (stop = true));
  process.once("SIGTERM", () => (stop = true));
  for (const [i, item] of plan.entries()) {
    if (stop) break;
    const done = new Set(store.reload!().filter((r) => r.type === "run").map((r) => r.key));
    if (done.has(item.key)) continue;
    process.stderr.write(`${new Date().toISOString().slice(11, 19)} isolate: item ${i + 1}/${plan.length} (${duration((Date.now() - started) / 1000)} so far): ${item.key}\n`);
    const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1], ...passOn, "--only", item.key], {stdio: ["ignore", "inherit", "inherit"]});
    if (child.status !== 0) {
      failures++;
      process.stderr.write(`isolate: ${item.key} failed (exit ${child.status ?? child.signal}); it stays undone and a rerun retries it\n`);
    }
  }
  process.stderr.write(`isolate: ${stop ? "stopped" : "finished"} after ${duration((Date.now() - started) / 1000)}, ${failures} failed\n`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const config = checkConfig({...PRESETS[args.preset], ...args.overrides});
  const inRange = (p: PlanItem) => {
    if (args.only !== null) return p.key === args.only;
    const smallest = Math.min(...p.memberships.map((m) => m.refWidth));
    return smallest >= args.minRefWidth && smallest <= args.maxRefWidth;
  };
  if (args.dryRun) {
    process.stdout.write(describePlan(planExperiment(config).filter(inRange)));
    return;
  }
  const backend = await ready();
  const store = fileStore(args.out);
  const session: SessionRecord = {
    type: "session", schema: SCHEMA_VERSION,
    command: `npm run experiment -- ${process.argv.slice(2).join(" ")}`.trim(),
    date: new Date().toISOString(),
    machine: {cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, node: process.version, platform: `${platform()} ${release()} (WHT backend ${backend})`},
    libVersion: JSON.parse(readFileSync("package.json", "utf8")).version,
    gitCommit: gitCommit(),
    config: {...config, libUncommitted: uncommittedLib(), minRefWidth: args.minRefWidth, maxRefWidth: Number.isFinite(args.maxRefWidth) ? args.maxRefWidth : null}
  };
  // A child of --isolate runs one item and leaves the session record to its parent.
  if (args.only === null) store.append(session);
  if (args.isolate) {
    isolated(args, config, inRange, store);
    return;
  }
  let stop = false;
  const onSignal = () => {
    stop = true;
    process.stderr.write("\nstopping after the current run (send again to quit now)\n");
    process.once("SIGINT", () => process.exit(130));
    process.once("SIGTERM", () => process.exit(143));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const tty = process.stderr.isTTY;
  let lastLine = 0;
  const result = runExperiment(config, {
    store,
    createModel,
    filter: inRange,
    shouldStop: () => stop,
    onProgress: (p) => {
      const line = progressBar(p);
      if (tty) process.stderr.write(`\r${line.slice(0, (process.stderr.columns ?? 120) - 1).padEnd(lastLine)}`);
      else process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
      lastLine = Math.min(line.length, (process.stderr.columns ?? 120) - 1);
    }
  });
  process.stderr.write(`\n${result.stopped ? "stopped" : "finished"}: ${result.ran} runs done now, ${result.skipped} found already in ${args.out}\n`);
  if (result.diverged.length > 0) {
    process.stderr.write(`${result.diverged.length} of them diverged (their records say fit.diverged: true; the learning rate was too high for them):\n${result.diverged.map((k) => `  ${k}\n`).join("")}`);
  }
}

main().catch((e) => {
  process.stderr.write(`experiment: ${(e as Error).message}\n`);
  process.exit(1);
});

