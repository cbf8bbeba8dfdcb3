/**
 * What scripts/capacity-check.ts and scripts/capacity-speed.ts share: `--name value` arguments, and
 * the capacity plan's group of a task, contender and width (or an error naming what to look at).
 */
import type {ExperimentConfig} from "../lib/experiment/config.js";
import {type PlanGroup, planGroups} from "../lib/experiment/run.js";

/** `--name value` pairs as {name: value}; anything else is named in the error. */
export function parseNameValues(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith("--") || argv[i + 1] === undefined)
      throw new Error(`expected --name value pairs, got ${JSON.stringify(argv[i])}`);
    out[argv[i].slice(2)] = argv[i + 1];
  }
  return out;
}

/** The plan's group of `task`, `contender` and `width` under `config`. */
export function plannedGroup(config: ExperimentConfig, task: string, contender: string, width: number): PlanGroup {
  const g = planGroups(config).find((x) => x.task === task && x.contender.id === contender && x.width === width);
  if (!g)
    throw new Error(
      `the plan has no ${task} run of ${contender} at width ${width}; see npm run experiment -- --dry-run`
    );
  return g;
}
