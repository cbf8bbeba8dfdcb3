/**
 * One run of the capacity experiment's plan with settings changed, printed and not stored: for
 * checking an artefact of the method (say, whether a contender's rate choice is bounded by a
 * divergence a warm-up would avoid) without touching data/capacity/results.jsonl.
 *
 *   npx tsx scripts/capacity-check.ts --task smooth --contender dense --width 724 --rate 0.01 \
 *     [--seed 1] [--warmup-steps 500] [--min-steps 2000] [--max-steps 8000] [--patience 3] [--eval-growth 1.1] \
 *     [--lr-decays 2] [--decay-factor 0.1]   (on a plateau, lower the rate and go on, up to N times)
 */
import {FULL, type ExperimentConfig} from "../lib/experiment/config.js";
import {fitRun} from "../lib/experiment/run.js";
import {parseNameValues, plannedGroup} from "./planned-model.js";
import {createModel} from "../lib/model.js";
import {ready} from "../lib/wht.js";

function number(args: Record<string, string>, name: string, fallback?: number): number {
  if (args[name] === undefined) {
    if (fallback === undefined) throw new Error(`--${name} is required`);
    return fallback;
  }
  const v = Number(args[name]);
  if (!Number.isFinite(v)) throw new Error(`--${name} must be a number, got ${JSON.stringify(args[name])}`);
  return v;
}

async function main(): Promise<void> {
  const args = parseNameValues(process.argv.slice(2));
  const t = FULL.train;
  const maxSteps = number(args, "max-steps", t.maxSteps);
  const config: ExperimentConfig = {
    ...FULL,
    train: {
      ...t,
      warmupSteps: number(args, "warmup-steps", 0),
      minSteps: number(args, "min-steps", 0),
      maxSteps,
      fixedSteps: Math.min(t.fixedSteps, maxSteps),
      patience: number(args, "patience", t.patience),
      evalGrowth: number(args, "eval-growth", t.evalGrowth),
      lrDecays: number(args, "lr-decays", t.lrDecays),
      decayFactor: number(args, "decay-factor", t.decayFactor)
    }
  };
  const width = number(args, "width");
  const g = plannedGroup(config, args.task, args.contender, width);
  await ready();
  const r = fitRun(g, config, number(args, "seed", 1), number(args, "rate"), createModel, undefined, (p) =>
    process.stderr.write(
      `step ${p.step}: validation ${p.validation.toPrecision(3)}, test ${p.test.toPrecision(3)}, rate ${p.learningRate}\n`
    )
  );
  const f = r.fit!;
  process.stdout.write(
    JSON.stringify({
      task: g.task,
      contender: g.contender.id,
      width,
      seed: r.seed,
      learningRate: r.learningRate,
      train: config.train,
      steps: f.optimizerSteps,
      converged: f.plateauReached,
      diverged: f.diverged,
      best: f.atBest,
      seconds: r.seconds
    }) + "\n"
  );
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
