/**
 * Build-time data loader for the Throughput page: the newest benchmark run committed to
 * data/bench/ that measured FFHT, plain C and numpy side by side (`npm run bench -- --yardsticks
 * DIR`), reduced by components/bench-measured.ts. Prints `null` when no such run is committed.
 */
import {readdirSync, readFileSync} from "node:fs";
import {fileURLToPath} from "node:url";
import {newestMeasuredRun} from "../components/bench-measured.js";

const dir = fileURLToPath(new URL("../../data/bench/", import.meta.url));
const files = readdirSync(dir)
  .filter((name) => name.endsWith(".json"))
  .map((name) => ({name, json: JSON.parse(readFileSync(dir + name, "utf8"))}));
process.stdout.write(JSON.stringify(newestMeasuredRun(files)));
