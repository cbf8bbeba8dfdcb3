/**
 * Build-time data loader for the Throughput page: runs the library's WHT and layer benchmarks in
 * quick mode on the build machine and prints one JSON document on stdout (progress on stderr):
 * the machine (CPU model, cores, cache sizes from /sys where Linux exposes them), the date, the
 * Node version, transforms per second for each kernel and size, and samples per second through a
 * whole Switch Net 4 layer (W = 65,536) and a dense layer of equal connections (W = 1448).
 */
import {cpus, totalmem, platform, arch} from "node:os";
import {existsSync, readFileSync, readdirSync} from "node:fs";
import {cacheLevels, type RawCacheEntry} from "../components/machine-info.js";
import {toLayerPoints, toThroughputPoints} from "../components/bench-results.js";
import {runLayerBenchmark, runWhtBenchmark} from "../lib/bench.js";

function readCaches(): RawCacheEntry[] {
  const dir = "/sys/devices/system/cpu/cpu0/cache";
  if (!existsSync(dir)) return [];
  const entries: RawCacheEntry[] = [];
  for (const name of readdirSync(dir).filter((n) => /^index\d+$/.test(n))) {
    try {
      const read = (f: string) => readFileSync(`${dir}/${name}/${f}`, "utf8");
      entries.push({level: read("level"), type: read("type"), size: read("size")});
    } catch {
      // An unreadable entry is left out; the page marks only the caches it knows.
    }
  }
  return entries;
}

const log = (message: string) => process.stderr.write(`throughput: ${message}\n`);
const started = Date.now();

const machine = {
  cpu: cpus()[0]?.model.trim() ?? "unknown",
  cores: cpus().length,
  caches: cacheLevels(readCaches()),
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  platform: platform(),
  arch: arch(),
  node: process.version
};
log(`${machine.cpu}, ${machine.cores} cores, node ${machine.node}`);

const progress = (what: string) => (done: number, total: number, label: string) =>
  log(`${what} ${done}/${total} ${label}`);
const wht = await runWhtBenchmark({quick: true, onProgress: progress("WHT")});
const layer = await runLayerBenchmark({quick: true, onProgress: progress("layer")});

const result = {
  date: new Date().toISOString(),
  machine,
  quick: true,
  seconds: (Date.now() - started) / 1000,
  wht: toThroughputPoints(wht, "build"),
  layer: toLayerPoints(layer, "build")
};
log(`done in ${result.seconds.toFixed(1)} s`);
process.stdout.write(JSON.stringify(result));
