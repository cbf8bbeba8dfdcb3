/**
 * Merges the result files of a sharded capacity experiment (`npm run experiment -- --shard K/N`)
 * into one: every session record, each run and learning-rate search once (by key, first file
 * first), a cut-off last line of a shard left out. See docs/SHARDING.md.
 *
 *   npx tsx scripts/merge-results.ts --out data/capacity/results.jsonl shard-1.jsonl shard-2.jsonl …
 *
 * Runs already in --out are kept (it is read first), so merging again after more shards finish is safe.
 */
import {existsSync, readFileSync, renameSync, writeFileSync} from "node:fs";
import {mergeResults} from "../lib/experiment/shard.js";

const USAGE = "Usage: npx tsx scripts/merge-results.ts --out FILE SHARD.jsonl [SHARD.jsonl …]\n";
const argv = process.argv.slice(2);
if (argv.includes("--help") || argv.includes("-h")) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const at = argv.indexOf("--out");
const out = at >= 0 ? argv[at + 1] : undefined;
const inputs = argv.filter((_, i) => i !== at && i !== at + 1);
if (!out || inputs.length === 0 || inputs.some((a) => a.startsWith("--"))) {
  process.stderr.write(`merge-results: give --out FILE and at least one shard file\n${USAGE}`);
  process.exit(2);
}
try {
  const files = [...(existsSync(out) ? [out] : []), ...inputs].map((name) => {
    if (!existsSync(name)) throw new Error(`${name}: no such file`);
    return {name, text: readFileSync(name, "utf8")};
  });
  const {records, duplicates, truncated} = mergeResults(files);
  const tmp = `${out}.merging`;
  writeFileSync(tmp, records.map((r) => JSON.stringify(r) + "\n").join(""));
  renameSync(tmp, out);
  const runs = records.filter((r) => r.type === "run").length;
  process.stderr.write(
    `merge-results: ${out}: ${records.length} records (${runs} runs) from ${files.length} file(s); ` +
      `${duplicates} duplicate(s) dropped${truncated ? `, ${truncated} cut-off last line(s) left out` : ""}\n`
  );
} catch (e) {
  process.stderr.write(`merge-results: ${(e as Error).message}\n`);
  process.exit(1);
}
