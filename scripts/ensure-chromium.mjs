#!/usr/bin/env node
// Makes sure Debian's chromium is present for the browser tests (run before `npm test`).
// Installs it with apt-get when missing and we are root; otherwise says exactly what to run.
// Never downloads a browser of its own (`npx playwright install` fails on these machines).
import {existsSync} from "node:fs";
import {spawnSync} from "node:child_process";

const path = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
if (existsSync(path)) process.exit(0);

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
const hasSudo = spawnSync("sh", ["-c", "command -v sudo"], {stdio: "ignore"}).status === 0;
if (!isRoot && !hasSudo) {
  console.error(
    `Browser tests need Debian's chromium at ${path}. Install it with:\n  sudo apt-get install -y chromium\n(or set CHROMIUM_PATH to a Chromium binary).`
  );
  process.exit(1);
}
const prefix = isRoot ? [] : ["sudo"];
console.error(`chromium not found at ${path}: installing Debian's chromium with apt-get (once)…`);
const run = (args) =>
  spawnSync(prefix.length ? prefix[0] : args[0], prefix.length ? args : args.slice(1), {
    stdio: "inherit",
    env: {...process.env, DEBIAN_FRONTEND: "noninteractive"}
  });
let r = run(["apt-get", "install", "-y", "--no-install-recommends", "chromium"]);
if (r.status !== 0) {
  run(["apt-get", "update"]);
  r = run(["apt-get", "install", "-y", "--no-install-recommends", "chromium"]);
}
if (r.status !== 0 || !existsSync(path)) {
  console.error(`Could not install chromium. Run: apt-get update && apt-get install -y chromium`);
  process.exit(1);
}
