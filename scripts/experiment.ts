/**
 * `npm run experiment -- [options]`: the capacity experiment from the command line.
 * Appends one JSON line per finished run to the results file and resumes where it stopped.
 * `--workers N` runs N processes that share the file, each claiming the work it does (claims are
 * files in FILE.claims/, named after the work, holding the claiming process id; a claim whose
 * process is gone is stale and taken over). Progress bar and ETA on stderr. `--help` lists the options.
 */
import {
  appendFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync
} from "node:fs";
import {execSync, spawn} from "node:child_process";
import {createHash} from "node:crypto";
import {cpus, platform, release} from "node:os";
import {dirname} from "node:path";
import {createModel} from "../lib/model.js";
import {ready} from "../lib/wht.js";
import {createTeamSync, withTeam} from "../lib/team.js";
import type {BudgetKind} from "../lib/experiment/budget.js";
import {PRESETS, checkConfig, type ExperimentConfig} from "../lib/experiment/config.js";
import {
  planGroups,
  planTrendProbes,
  type CheckpointStore,
  runExperiment,
  startRates,
  trendProbeAsGroup,
  type PlanGroup,
  type Progress,
  type ResultStore
} from "../lib/experiment/run.js";
import {checkpointFromBytes, checkpointToBytes} from "../lib/experiment/checkpoint.js";
import {estimateHours} from "../lib/experiment/estimate.js";
import {type CheckpointFile, checkpointFiles, checkpointHeaderOf} from "../src/data/checkpoint-files.js";
import {parseShard, shardFilter, type Shard} from "../lib/experiment/shard.js";
import {
  SCHEMA_VERSION,
  parseResults,
  validateRecord,
  type ResultRecord,
  type SessionRecord,
  type TaskKind
} from "../lib/experiment/schema.js";

const HELP = `Capacity experiment: Switch Net 4 and its variants against dense layers at equal budgets.

Usage: npm run experiment -- [options]

  --preset NAME         full (default; CPU days), small (the page loader's sweep), tiny (seconds)
  --out FILE            results file, JSON lines (default data/capacity/results.jsonl);
                        runs already in it are skipped, so rerunning the same command resumes
  --ref-widths LIST     reference Switch Net 4 widths setting the budgets (e.g. 256,1024,65536)
  --min-ref-width N     only runs whose smallest budget point is at least N (a model at two
                        points, such as the filter bank at 65,536, counts at the smaller; for the
                        runs of one reference width, plan only it: --ref-widths N)
  --max-ref-width N     only runs whose smallest budget point is at most N
  --tasks LIST          memorise, smooth, image, classify (default: the preset's)
  --budgets LIST        params, edges, macs (default: all three)
  --contenders LIST     switchnet4-m4, switchnet4-m4-r2, switchnet4-m8-r2, filterbank-r2,
                        butterfly-r2, dense (-r2: two input projection rounds, random flips)
  --seeds LIST          e.g. 1,2,3
  --placement NAME      how WHT kinds place the input in the width: pad (default, zero-fill) or
                        repeat (tiled copies, each under other sign flips); a separate --out is wise
  --workers N           run N processes side by side on the same file (default 1; 2 on two cores)
  --threads N           split each training step of a run across N threads sharing the parameters
                        (default 1); the results are bit-identical for any N. Workers × threads
                        should not exceed the cores: on two cores, --workers 2 (independent runs)
                        or --threads 2 (each run sooner, e.g. the seed's point first)
  --shard K/N           run only the K-th of N cost-balanced shares of the plan (1 ≤ K ≤ N), e.g.
                        one per machine or array task (each keeps whole rate searches); merge the
                        result files afterwards with npx tsx scripts/merge-results.ts (docs/SHARDING.md)
  --until TIME          end by TIME (HH:MM today, this machine's clock, or an ISO date): a training
                        run of a fitting task is suspended then (see checkpoints below); a memorisation
                        probe starts only if its worst case (its step cap at the group's recorded or
                        timed speed) ends by then, shorter work first; a memorisation search stops
                        between probes (each probe is saved); stop when nothing fits
  --dry-run             print the plan (groups, budget points, relative cost) and an estimate of the
                        CPU hours left per task (lib/experiment/estimate.ts), and exit
  --help                this text

To stop, create FILE.stop (touch data/capacity/results.jsonl.stop): a training run of a fitting task
is suspended within a few hundred steps, a memorisation search after its current probe; a start
removes a stale one. SIGTERM or Ctrl-C end the processes at once: every finished run is kept.

Checkpoints: a fitting run (smooth, image, classify) is saved to FILE.checkpoints/ every 10 minutes
and when it is suspended (--until, the stop file); the next sweep continues it from there, with the
same bits as an unbroken run, so a killed or suspended run loses at most 10 minutes. A checkpoint is
deleted when its run's record is written. A run that reaches its step cap leaves one (taken before the
cap's evaluation) that a sweep with a higher cap continues from, instead of training from step 0.
Memorisation probes are short and are not checkpointed. --dry-run lists the checkpoints; a machine that is
taken away passes them on by committing the folder (data/capacity/README.md).
With --until, a fitting run starts only if the worst case of the steps it has left ends in time or could
not end within the whole sweep anyway; only when no open work passes that does one start regardless.

Each (task, contender, width) first chooses its learning rate: full runs of seed 1 at each
candidate rate until the best has a tried neighbour on both sides; then every seed runs at it.
Run long sweeps in the background, e.g.
  nohup npm run experiment -- --workers 2 > data/capacity/run.log 2>&1 &
`;

interface Args {
  preset: string;
  out: string;
  dryRun: boolean;
  workers: number;
  threads: number;
  shard: Shard | null;
  minRefWidth: number;
  maxRefWidth: number;
  /** --until: the time (ms since the epoch) by which the sweep must end, or null. */
  until: number | null;
  overrides: Partial<ExperimentConfig>;
}

/** --until's value: "HH:MM" (today, local time; it must be ahead) or an ISO date, as ms since the epoch. */
function parseUntil(value: string, now = Date.now()): number {
  const hm = /^(\d{1,2}):(\d{2})$/.exec(value);
  let t: number;
  if (hm) {
    const [h, m] = [Number(hm[1]), Number(hm[2])];
    if (h > 23 || m > 59)
      throw new Error(`--until must be a time HH:MM (00:00 to 23:59) or an ISO date, got ${JSON.stringify(value)}`);
    const d = new Date(now);
    d.setHours(h, m, 0, 0);
    t = d.getTime();
  } else {
    t = Date.parse(value);
    if (Number.isNaN(t)) throw new Error(`--until must be a time HH:MM or an ISO date, got ${JSON.stringify(value)}`);
  }
  if (t <= now)
    throw new Error(`--until ${value} is already past (now ${new Date(now).toISOString()}): give a later time`);
  return t;
}

function list(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function numbers(name: string, value: string): number[] {
  return list(value).map((s) => {
    const n = Number(s);
    if (!Number.isFinite(n))
      throw new Error(`${name} must be a comma-separated list of numbers, got ${JSON.stringify(value)}`);
    return n;
  });
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    preset: "full",
    out: "data/capacity/results.jsonl",
    dryRun: false,
    workers: 1,
    threads: 1,
    shard: null,
    minRefWidth: 0,
    maxRefWidth: Infinity,
    until: null,
    overrides: {}
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value (see --help)`);
      return v;
    };
    switch (flag) {
      case "--help":
      case "-h":
        process.stdout.write(HELP);
        return process.exit(0);
      case "--preset":
        args.preset = value();
        break;
      case "--out":
        args.out = value();
        break;
      case "--dry-run":
        args.dryRun = true;
        break;
      case "--until":
        args.until = parseUntil(value());
        break;
      case "--shard":
        args.shard = parseShard(value());
        break;
      case "--workers": {
        const v = Number(value());
        if (!Number.isInteger(v) || v < 1 || v > 64)
          throw new Error(`--workers must be an integer from 1 to 64, got ${JSON.stringify(argv[i])}`);
        args.workers = v;
        break;
      }
      case "--threads": {
        const v = Number(value());
        if (!Number.isInteger(v) || v < 1 || v > 64) {
          throw new Error(`--threads must be an integer from 1 to 64, got ${JSON.stringify(argv[i])}`);
        }
        args.threads = v;
        break;
      }
      case "--ref-widths":
        args.overrides.refWidths = numbers(flag, value());
        break;
      case "--min-ref-width":
        args.minRefWidth = Number(value());
        break;
      case "--max-ref-width":
        args.maxRefWidth = Number(value());
        break;
      case "--tasks":
        args.overrides.tasks = list(value()) as TaskKind[];
        break;
      case "--budgets":
        args.overrides.budgets = list(value()) as BudgetKind[];
        break;
      case "--contenders":
        args.overrides.contenders = list(value());
        break;
      case "--seeds":
        args.overrides.seeds = numbers(flag, value());
        break;
      case "--placement": {
        const v = value();
        if (v !== "pad" && v !== "repeat")
          throw new Error(`--placement must be pad or repeat, got ${JSON.stringify(v)}`);
        args.overrides.placement = v;
        break;
      }
      default:
        throw new Error(`unknown option ${JSON.stringify(flag)} (see --help)`);
    }
  }
  if (!(args.preset in PRESETS))
    throw new Error(`--preset must be one of ${Object.keys(PRESETS).join(", ")}, got ${JSON.stringify(args.preset)}`);
  if (!(args.minRefWidth >= 0) || !(args.maxRefWidth >= args.minRefWidth))
    throw new Error("--min-ref-width and --max-ref-width must be numbers with min ≤ max");
  return args;
}

/** A file name for a work key (claims, checkpoints): the first 24 hex digits of its SHA-256. */
const keyFileName = (key: string) => createHash("sha256").update(key).digest("hex").slice(0, 24);

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
  const claims = `${path}.claims`;
  const claimFile = (key: string) => `${claims}/${keyFileName(key)}`;
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === "EPERM";
    }
  };
  return {
    records: () => records,
    // Other sweeps may append to the same file: see what they finished.
    reload: () => (records = read()),
    claim(key) {
      mkdirSync(claims, {recursive: true});
      const file = claimFile(key);
      // Written whole, then linked into place: link() fails if the claim exists, and a reader
      // never sees a claim without its process id.
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, `${process.pid}\n${key}\n`);
      try {
        for (let attempt = 0; attempt < 3; attempt++) {
          try {
            linkSync(tmp, file);
            return true;
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
          }
          let pid: number;
          try {
            pid = Number(readFileSync(file, "utf8").split("\n")[0]);
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code === "ENOENT") continue; // released meanwhile: try again
            throw e;
          }
          if (pid === process.pid || alive(pid)) return false;
          rmSync(file, {force: true}); // stale: its process is gone
        }
        return false;
      } finally {
        rmSync(tmp, {force: true});
      }
    },
    release(key) {
      rmSync(claimFile(key), {force: true});
    },
    append(record) {
      validateRecord(record);
      // One write per line (O_APPEND): two sweeps may share a file.
      appendFileSync(path, JSON.stringify(record) + "\n");
      records.push(record);
    }
  };
}

/**
 * Suspended runs in DIR (FILE.checkpoints/), one file per run named after its key's hash, written
 * to a temporary name and renamed into place (a reader never sees half a checkpoint).
 */
function fileCheckpoints(dir: string): CheckpointStore {
  const file = (key: string) => `${dir}/${keyFileName(key)}.ckpt`;
  return {
    load(key) {
      if (!existsSync(file(key))) return null;
      try {
        return checkpointFromBytes(new Uint8Array(readFileSync(file(key))));
      } catch (e) {
        process.stderr.write(
          `note: ignoring the unreadable checkpoint ${file(key)} of ${key}: ${(e as Error).message}\n`
        );
        return null;
      }
    },
    step(key) {
      if (!existsSync(file(key))) return null;
      try {
        return checkpointHeaderOf(file(key)).step;
      } catch {
        return null; // load() names an unreadable checkpoint when the run asks for it
      }
    },
    save(tag, checkpoint) {
      mkdirSync(dir, {recursive: true});
      const tmp = `${file(tag.key)}.${process.pid}.tmp`;
      writeFileSync(tmp, checkpointToBytes(tag, checkpoint));
      renameSync(tmp, file(tag.key));
    },
    remove(key) {
      rmSync(file(key), {force: true});
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
  return (
    `[${"#".repeat(filled)}${".".repeat(cells - filled)}] ${(fraction * 100).toFixed(1).padStart(5)}%  ` +
    `runs ${p.done}/${p.total}  elapsed ${duration(p.elapsedSeconds)}  ETA ${duration(p.etaSeconds)}  ${p.label}`
  );
}

function gitCommit(): string | null {
  try {
    return execSync("git rev-parse HEAD", {stdio: ["ignore", "pipe", "ignore"]})
      .toString()
      .trim();
  } catch {
    return null;
  }
}

/** lib/ files that differ from the recorded commit (results then reflect uncommitted code). */
function uncommittedLib(): string[] {
  try {
    return execSync("git status --porcelain -- lib", {stdio: ["ignore", "pipe", "ignore"]})
      .toString()
      .split("\n")
      .filter((l) => l.trim().length > 0)
      .map((l) => l.trim());
  } catch {
    return [];
  }
}

function describePlan(
  groups: PlanGroup[],
  config: ExperimentConfig,
  records: readonly ResultRecord[],
  checkpointSteps: ReadonlyMap<string, number>
): string {
  const lines = groups.map((g) => {
    const points = g.memberships.map((m) => `${m.budget}@${m.refWidth}(×${m.ratio.toFixed(2)})`).join(" ");
    const task = g.key.startsWith("trend|") ? "probe" : g.task;
    return `${task.padEnd(8)} ${g.contender.id.padEnd(16)} W=${String(g.width).padEnd(7)} cost/run ${(g.cost / 1e12).toFixed(2)}  ${points}`;
  });
  const runs = (g: PlanGroup) =>
    g.key.startsWith("trend|")
      ? config.memorise.probeFactors.length
      : startRates(g.contender, config).length + config.seeds.length - (g.task === "memorise" ? 0 : 1);
  const total = groups.reduce((s, g) => s + runs(g) * g.cost, 0);
  const count = groups.reduce((s, g) => s + runs(g), 0);
  let text =
    `${lines.join("\n")}\n${groups.length} groups, at least ${count} runs (start rates + seeds; more when a rate choice widens), ` +
    `relative cost ${(total / 1e12).toFixed(0)} (units of 10^12 multiply-adds, assuming runs stop halfway to the step cap)\n`;
  const hours = (h: number) => (h >= 10 ? h.toFixed(0) : h >= 1 ? h.toFixed(1) : h.toPrecision(2));
  let left = 0;
  let known = true;
  for (const e of estimateHours(config, groups, records, checkpointSteps)) {
    const name = e.task === "probe" ? "trend probes" : e.task;
    if (e.runsLeft === 0) {
      text += `${name}: done (${e.runsDone} runs, ${hours(e.hoursDone)} CPU hours)\n`;
      continue;
    }
    if (e.hoursLeft === null) known = false;
    else left += e.hoursLeft;
    const how =
      e.hoursLeft === null
        ? "no run timed yet"
        : `${e.timedGroups} group(s) timed by their own runs, ${e.scaledGroups} scaled from the nearest timed width` +
          (e.stepsDone > 0 ? `; ${e.stepsDone.toLocaleString("en-US")} steps of unfinished runs already done` : "");
    text +=
      `${name}: at least ${e.runsLeft} runs left, about ${e.hoursLeft === null ? "?" : hours(e.hoursLeft)} CPU hours (${how}); ` +
      `${e.runsDone} runs done, ${hours(e.hoursDone)} CPU hours\n`;
  }
  if (known && left > 0)
    text +=
      `in all about ${hours(left)} CPU hours left (an estimate: each run's steps and milliseconds per step as measured ` +
      `at its own group or the nearest one, lib/experiment/estimate.ts), about ${hours(left / 2)} hours on two cores\n`;
  return text;
}

/** Steps done by each checkpointed run, by checkpoint key (for the estimate); unreadable files are left out. */
function checkpointProgress(files: readonly CheckpointFile[]): Map<string, number> {
  return new Map(files.flatMap(({header}) => (header ? [[header.tag.key, header.step] as const] : [])));
}

/**
 * The checkpoints in DIR for the dry run: the suspended runs (what a session hands on to the next by
 * committing the folder, for it to continue them) and those kept at a step cap.
 */
function describeCheckpoints(dir: string, files: readonly CheckpointFile[]): string {
  if (!existsSync(dir)) return `checkpoints: none in ${dir}/\n`;
  const suspended: string[] = [];
  let capped = 0;
  let cappedBytes = 0;
  let suspendedBytes = 0;
  let unreadable = 0;
  for (const {file, bytes, header} of files) {
    if (!header) unreadable++;
    else if (header.atCap) {
      capped++;
      cappedBytes += bytes;
    } else {
      suspended.push(`  ${file}  step ${header.step.toLocaleString("en-US")}  ${header.tag.key}`);
      suspendedBytes += bytes;
    }
  }
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
  return (
    `checkpoints in ${dir}/: ${suspended.length} suspended run(s) (${mb(suspendedBytes)}), ` +
    `${capped} at a step cap (${mb(cappedBytes)}, for a higher cap)` +
    (unreadable > 0 ? `, ${unreadable} unreadable` : "") +
    "\n" +
    suspended.map((l) => `${l}\n`).join("")
  );
}

/** The file whose existence stops a sweep between runs (every worker on the same results file). */
const stopFileOf = (out: string) => `${out}.stop`;

/** --workers N: N child processes of this script on the same file (each without --workers). */
async function workers(args: Args): Promise<void> {
  const passOn: string[] = [];
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--workers") i++;
    else passOn.push(argv[i]);
  }
  rmSync(stopFileOf(args.out), {force: true}); // a stale request from an earlier sweep
  process.stderr.write(`to stop (running fits are suspended and saved): touch ${stopFileOf(args.out)}\n`);
  const children = Array.from({length: args.workers}, (_, k) =>
    spawn(process.execPath, [...process.execArgv, process.argv[1], ...passOn], {
      stdio: ["ignore", "inherit", "inherit"],
      env: {...process.env, EXPERIMENT_WORKER: String(k + 1), EXPERIMENT_WORKERS: String(args.workers)}
    })
  );
  const exits = children.map(
    (child) => new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? 1)))
  );
  // A signal goes on to every worker, which ends at once (see stopFileOf for a stop between runs).
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      process.stderr.write(`\nworkers: passing ${signal} on\n`);
      for (const child of children) child.kill(signal);
    });
  }
  const codes = await Promise.all(exits);
  process.stderr.write(`workers: all ${args.workers} finished (exit codes ${codes.join(", ")})\n`);
  if (codes.some((c) => c !== 0)) process.exit(1);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const config = checkConfig({...PRESETS[args.preset], ...args.overrides});
  const inRange = (g: PlanGroup) => {
    const smallest = Math.min(...g.memberships.map((m) => m.refWidth));
    return smallest >= args.minRefWidth && smallest <= args.maxRefWidth;
  };
  // --shard: this process's share of the plan in range (the same split in every shard; a group's
  // rate search and its seeds stay together).
  // The memorisation trend's probes (after the searches) are groups of their own here.
  const withProbes = [...planGroups(config), ...planTrendProbes(config).map(trendProbeAsGroup)];
  const inShard = args.shard ? shardFilter(withProbes.filter(inRange), args.shard) : null;
  const selected = (g: PlanGroup) => inRange(g) && (inShard === null || inShard(g));
  if (args.dryRun) {
    const records = existsSync(args.out) ? parseResults(readFileSync(args.out, "utf8")).records : [];
    const dir = `${args.out}.checkpoints`;
    const files = checkpointFiles(dir);
    process.stdout.write(
      describePlan(withProbes.filter(selected), config, records, checkpointProgress(files)) +
        describeCheckpoints(dir, files)
    );
    return;
  }
  if (args.workers > 1) {
    await workers(args);
    return;
  }
  const backend = await ready();
  // --threads: every kernel call of every run splits across the team (lib/team.ts: the same bits).
  const team = args.threads > 1 ? createTeamSync({threads: args.threads}) : null;
  if (team && team.threads < args.threads) {
    process.stderr.write(
      `threads: running on ${team.threads} thread(s), not ${args.threads}: ${team.fallbackReason}\n`
    );
  }
  const store = fileStore(args.out);
  const session: SessionRecord = {
    type: "session",
    schema: SCHEMA_VERSION,
    command: `npm run experiment -- ${process.argv.slice(2).join(" ")}`.trim(),
    date: new Date().toISOString(),
    machine: {
      cpu: cpus()[0]?.model ?? "unknown",
      cores: cpus().length,
      node: process.version,
      platform: `${platform()} ${release()} (WHT backend ${backend})`
    },
    libVersion: JSON.parse(readFileSync("package.json", "utf8")).version,
    gitCommit: gitCommit(),
    config: {
      ...config,
      libUncommitted: uncommittedLib(),
      minRefWidth: args.minRefWidth,
      maxRefWidth: Number.isFinite(args.maxRefWidth) ? args.maxRefWidth : null,
      // Runs' seconds are wall-clock time on this many threads.
      threads: team?.threads ?? 1
    }
  };
  store.append(session);
  // The sweep runs synchronously, so a signal handler would never get its turn: a signal ends the
  // process at once (the records written so far stay, and a fitting run's last checkpoint), and the
  // stop file asks for a stop: a fitting run is suspended (saved), a memorisation search stops between probes.
  const stopFile = stopFileOf(args.out);
  if (!process.env.EXPERIMENT_WORKER) {
    rmSync(stopFile, {force: true}); // a stale request from an earlier sweep
    process.stderr.write(`to stop (a running fit is suspended and saved): touch ${stopFile}\n`);
  }
  const tty = process.stderr.isTTY;
  const worker = process.env.EXPERIMENT_WORKER ? `[${process.env.EXPERIMENT_WORKER}] ` : "";
  let lastLine = 0;
  const result = withTeam(team, () =>
    runExperiment(config, {
      store,
      createModel,
      filter: selected,
      // --workers N: the other processes share the remaining work, so the ETA is theirs together.
      sharedBy: Number(process.env.EXPERIMENT_WORKERS ?? 1),
      // Inside a long run: a line every evaluation when the log is a file, so its progress shows.
      onEval: tty
        ? undefined
        : (label, p) => {
            process.stderr.write(
              `${new Date().toISOString().slice(11, 19)} ${worker}  ${label}: step ${p.step}, validation ${p.validation.toPrecision(3)}, ` +
                `test ${p.test.toPrecision(3)}, rate ${Number(p.learningRate.toPrecision(3))}\n`
            );
          },
      shouldStop: () => existsSync(stopFile),
      checkpoints: fileCheckpoints(`${args.out}.checkpoints`),
      timeLeft: args.until === null ? undefined : () => (args.until! - Date.now()) / 1000,
      onProgress: (p) => {
        const line = worker + progressBar(p);
        if (tty) process.stderr.write(`\r${line.slice(0, (process.stderr.columns ?? 120) - 1).padEnd(lastLine)}`);
        else process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
        lastLine = Math.min(line.length, (process.stderr.columns ?? 120) - 1);
      }
    })
  );
  team?.close();
  process.stderr.write(
    `\n${result.stopped ? "stopped" : "finished"}: ${result.ran} runs done now, ${result.skipped} found already in ${args.out}\n`
  );
  if (result.diverged.length > 0) {
    process.stderr.write(
      `${result.diverged.length} of them diverged (their records say fit.diverged: true; the learning rate was too high for them):\n${result.diverged.map((k) => `  ${k}\n`).join("")}`
    );
  }
}

main().catch((e) => {
  process.stderr.write(`experiment: ${(e as Error).message}\n`);
  process.exit(1);
});
