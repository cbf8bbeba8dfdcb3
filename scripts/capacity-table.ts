/**
 * Prints the committed capacity results as plain tables (mean ± sd over seeds, min–max), one per
 * task and reference width: what the Capacity page's written answer quotes.
 * Usage: npx tsx scripts/capacity-table.ts [results.jsonl] [--preset full|small|tiny] [--ref-width N]
 *        npx tsx scripts/capacity-table.ts [results.jsonl] --readme         (the README's short answer, printed)
 *        npx tsx scripts/capacity-table.ts [results.jsonl] --write-readme   (... written into README.md)
 * (results.jsonl defaults to data/capacity/results.jsonl; a copy of it lets the README be written
 * from exactly the records committed while a sweep goes on appending to the file.)
 */
import {readFileSync, writeFileSync} from "node:fs";
import {readmeAnswer, replaceReadmeAnswer} from "../src/components/capacity/readme.js";
import {PRESETS} from "../lib/experiment/config.js";
import {parseResults} from "../lib/experiment/schema.js";
import {summarise} from "../lib/experiment/summary.js";

const argv = process.argv.slice(2);
if (argv.includes("--readme") || argv.includes("--write-readme")) {
  const file = argv.find((a) => a.endsWith(".jsonl")) ?? "data/capacity/results.jsonl";
  const block = readmeAnswer(readFileSync(file, "utf8"));
  if (argv.includes("--write-readme"))
    writeFileSync("README.md", replaceReadmeAnswer(readFileSync("README.md", "utf8"), block));
  else process.stdout.write(block + "\n");
  process.exit(0);
}
const flag = (name: string) => {
  const i = argv.indexOf(name);
  if (i < 0) return null;
  const v = argv[i + 1];
  argv.splice(i, 2);
  if (v === undefined) throw new Error(`${name} needs a value`);
  return v;
};
const preset = flag("--preset") ?? "full";
const onlyRef = flag("--ref-width");
if (!(preset in PRESETS))
  throw new Error(`--preset must be one of ${Object.keys(PRESETS).join(", ")}, got ${JSON.stringify(preset)}`);
const file = argv[0] ?? "data/capacity/results.jsonl";
const {records} = parseResults(readFileSync(file, "utf8"));
const rows = summarise(records, PRESETS[preset]).filter((r) => onlyRef === null || r.refWidth === Number(onlyRef));
const f = (x: number) => (x >= 100 ? x.toFixed(0) : x.toPrecision(3));
let last = "";
for (const r of rows) {
  const head = `${r.task} @ ${r.refWidth}`;
  if (head !== last) {
    process.stdout.write(`\n## ${head}\n`);
    last = head;
  }
  const s = r.task === "memorise" ? r.capacity : r.plateau;
  const converged = r.task === "memorise" ? "" : ` converged ${r.plateaus}/${r.seeds.length}`;
  const fx = r.fixed;
  process.stdout.write(
    `${r.budget.padEnd(7)} ${r.contender.padEnd(14)} W=${String(r.width).padEnd(7)} ` +
      (s ? `${f(s.mean)} ± ${f(s.sd)} (${f(s.min)}–${f(s.max)}, n=${s.n})` : "—") +
      (fx ? `   at ${PRESETS[preset].train.fixedSteps} steps ${f(fx.mean)}` : "") +
      converged +
      "\n"
  );
}
