/**
 * The README's short capacity answer, made from the committed results by the same functions as the
 * Capacity page's table (answerCells), so the two cannot drift apart: `npx tsx
 * scripts/capacity-table.ts --write-readme` rewrites the block between the markers, and
 * tests/readme.test.ts checks that the README holds exactly what the results give.
 */
import {FULL, SEED_POINT} from "../../lib/experiment/config.js";
import {planExperiment} from "../../lib/experiment/run.js";
import {parseResults} from "../../lib/experiment/schema.js";
import {contendersPlannedAt, runsOf, summarise} from "../../lib/experiment/summary.js";
import {answerCells, answerRows} from "./answer.js";
import {TASK_NAMES} from "./tables.js";

export const README_START =
  "<!-- capacity-answer: made by `npx tsx scripts/capacity-table.ts --write-readme` from data/capacity/results.jsonl -->";
export const README_END = "<!-- /capacity-answer -->";

/** The Markdown block (markers included) for the results file's text. */
export function readmeAnswer(resultsText: string): string {
  const {records} = parseResults(resultsText);
  const finals = runsOf(records);
  const planned = contendersPlannedAt(FULL, SEED_POINT);
  const cells = answerCells(
    summarise(records, FULL),
    SEED_POINT,
    ["smooth", "classify", "image"],
    ["edges", "params", "macs"],
    planned,
    FULL.seeds.length
  );
  const rows = answerRows(cells, TASK_NAMES);
  const total = planExperiment(FULL).length;
  const lines = [
    README_START,
    `${finals.length} of ${total} planned runs finished (three seeds each; plus ${records.filter((r) => r.type === "run" && r.candidate).length} learning-rate candidate runs). ` +
      "At the seed's point (Switch Net 4 at W = 65,536 against dense 1448 / 724 / 512 for equal connections / stored weights / multiply-adds), " +
      "test error where the validation error was best, mean ± sd over seeds:",
    "",
    "| task | budget | best | test error | best of the other kind | test error | verdict | converged |",
    "|---|---|---|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.join(" | ")} |`),
    README_END
  ];
  return lines.join("\n");
}

/** The README text with its block replaced (throws when the markers are missing). */
export function replaceReadmeAnswer(readme: string, block: string): string {
  const a = readme.indexOf(README_START);
  const b = readme.indexOf(README_END);
  if (a < 0 || b < a) throw new Error(`README.md has no block between "${README_START}" and "${README_END}"`);
  return readme.slice(0, a) + block + readme.slice(b + README_END.length);
}
