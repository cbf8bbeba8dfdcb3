/**
 * Splitting the capacity experiment across machines: `--shard K/N` runs the K-th of N
 * deterministic, cost-balanced shares of the plan, and `mergeResults` joins the shards' result
 * files by run key (docs/SHARDING.md has Slurm and Kubernetes examples).
 *
 * Every shard computes the same split from the same plan (the plan is a pure function of the
 * options), so N processes started with 1/N … N/N, on any machines, cover the plan exactly once
 * between them. Items that share a group (the runs of one learning-rate search: all seeds of one
 * contender at one width) stay in one shard, so the search runs once. Groups go to shards by
 * "largest first, to the least-loaded shard" on their relative cost, which keeps every shard
 * within one group's cost of the others.
 */
import {fail, describe} from "../check.js";
import {parseResults, type ResultRecord} from "./schema.js";

export interface Shard {
  /** 1-based index of this shard. */
  k: number;
  /** Number of shards. */
  n: number;
}

/** Parses "K/N" (1 ≤ K ≤ N, integers), throwing a SwitchNetError that names the rule. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(String(text));
  if (!m) fail(`--shard must be K/N with whole numbers, e.g. 1/4 (the first of four shares), got ${describe(text)}`);
  const k = Number(m[1]),
    n = Number(m[2]);
  if (!(n >= 1)) fail(`--shard K/N needs N ≥ 1 shares, got ${describe(text)}`);
  if (!(k >= 1 && k <= n)) fail(`--shard K/N needs 1 ≤ K ≤ N (shards count from 1), got ${describe(text)}`);
  return {k, n};
}

/** What the split needs from a plan item. */
export interface ShardItem {
  key: string;
  /** Relative cost (the dry run's figure); only ratios matter. */
  cost: number;
}

/**
 * The shard each group of items goes to: a map from group name to 0-based shard index. Groups
 * are ordered by total cost (largest first; ties by name), each placed on the shard with the
 * least cost so far (ties: the lowest index). Independent of the order of `items`.
 */
export function assignShards<T extends ShardItem>(
  items: readonly T[],
  n: number,
  groupOf: (item: T) => string = (i) => i.key
): Map<string, number> {
  if (!Number.isInteger(n) || n < 1) fail(`the number of shards must be a whole number ≥ 1, got ${describe(n)}`);
  const cost = new Map<string, number>();
  for (const item of items) {
    if (!(Number.isFinite(item.cost) && item.cost >= 0))
      fail(`plan item ${JSON.stringify(item.key)} has cost ${describe(item.cost)}; costs must be finite and ≥ 0`);
    const g = groupOf(item);
    cost.set(g, (cost.get(g) ?? 0) + item.cost);
  }
  const groups = [...cost.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const load = new Array<number>(n).fill(0);
  const out = new Map<string, number>();
  for (const [g, c] of groups) {
    let best = 0;
    for (let s = 1; s < n; s++) if (load[s] < load[best]) best = s;
    out.set(g, best);
    load[best] += c;
  }
  return out;
}

/**
 * The items of shard k of n (1-based), in their original order. `groupOf` names the items that
 * must stay together (default: each item alone). Pure: the same items give the same split.
 */
export function shardPlan<T extends ShardItem>(
  items: readonly T[],
  k: number,
  n: number,
  groupOf?: (item: T) => string
): T[] {
  parseShard(`${k}/${n}`);
  const assigned = assignShards(items, n, groupOf);
  const group = groupOf ?? ((i: T) => i.key);
  return items.filter((item) => assigned.get(group(item)) === k - 1);
}

/**
 * Joins result files (their texts, JSON lines) into one list of records: every session record
 * kept, each run and each learning-rate search once (the first seen, in file order), and a cut-off
 * last line of a file (a shard stopped mid-write) left out. Throws a SwitchNetError naming the
 * file and line of anything else that does not parse or validate.
 */
export function mergeResults(files: ReadonlyArray<{name: string; text: string}>): {
  records: ResultRecord[];
  duplicates: number;
  truncated: number;
} {
  const records: ResultRecord[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  let truncated = 0;
  for (const {name, text} of files) {
    let parsed: {records: ResultRecord[]; truncated: number};
    try {
      parsed = parseResults(text);
    } catch (e) {
      fail(`${name}: ${(e as Error).message}`);
    }
    truncated += parsed.truncated;
    for (const r of parsed.records) {
      if (r.type !== "session") {
        const id = `${r.type} ${(r as {key: string}).key}`;
        if (seen.has(id)) {
          duplicates++;
          continue;
        }
        seen.add(id);
      }
      records.push(r);
    }
  }
  return {records, duplicates, truncated};
}

/**
 * The membership test of one shard of a plan: runs of one learning-rate search (same `tuneKey`)
 * stay together. What `npm run experiment -- --shard K/N` applies through runExperiment's filter.
 */
export function shardFilter<T extends ShardItem & {tuneKey?: string}>(
  plan: readonly T[],
  shard: Shard
): (item: {key: string}) => boolean {
  const keys = new Set(shardPlan(plan, shard.k, shard.n, (p) => p.tuneKey ?? p.key).map((p) => p.key));
  return (item) => keys.has(item.key);
}
