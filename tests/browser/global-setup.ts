/**
 * Vitest global setup for the browser tests: builds the site (`npm run build`) unless
 * SKIP_BUILD=1 says a fresh build exists, serves it on 127.0.0.1 and provides its URL to the
 * tests as `inject("siteUrl")`. The site goes to dist/, or to SITE_OUTPUT (a directory under
 * the project) when set — useful while other people build dist/ on the same checkout.
 */
import {spawn} from "node:child_process";
import {existsSync} from "node:fs";
import {resolve} from "node:path";
import {fileURLToPath} from "node:url";
import type {TestProject} from "vitest/node";
import {serveStatic} from "./static-server.js";

declare module "vitest" {
  export interface ProvidedContext {
    siteUrl: string;
    /** The built site's folder (dist/ or SITE_OUTPUT), for tests that serve it their own way. */
    siteDir: string;
  }
}

/** The command that builds the site: the same in CI (npm test runs this setup) and in the deploy workflow. */
export const BUILD_COMMAND = ["npm", "run", "build"] as const;

const root = fileURLToPath(new URL("../../", import.meta.url));
const dist = resolve(root, process.env.SITE_OUTPUT || "dist");

/**
 * Runs `npm run build`, echoing each page and data loader as Framework reports it (one short line
 * each, with the seconds since the start), so the minute it takes is not silent.
 */
function buildWithProgress(): Promise<{status: number | null; lines: string[]}> {
  const start = Date.now();
  const lines: string[] = [];
  return new Promise((done, fail) => {
    const child = spawn(BUILD_COMMAND[0], BUILD_COMMAND.slice(1), {
      cwd: root,
      env: {...process.env, OBSERVABLE_TELEMETRY_DISABLE: "true"},
      stdio: ["ignore", "pipe", "pipe"]
    });
    let pending = "";
    const onData = (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      const parts = pending.split(/\r?\n/);
      pending = parts.pop() ?? "";
      for (const raw of parts) {
        // Framework colours its output; strip the escapes for the echo and the error message.
        // biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the colour codes stripped here
        const line = raw.replace(/\x1b\[[0-9;]*m/g, "").trimEnd();
        if (!line) continue;
        lines.push(line);
        if (lines.length > 400) lines.shift();
        process.stderr.write(
          `  build ${String(Math.round((Date.now() - start) / 1000)).padStart(3)} s │ ${line.length > 110 ? line.slice(0, 109) + "…" : line}\n`
        );
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", fail);
    child.on("close", (status) => {
      if (pending.trim()) lines.push(pending.trim());
      process.stderr.write(`browser tests: build finished in ${Math.round((Date.now() - start) / 1000)} s\n`);
      done({status, lines});
    });
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Fail before the build, not after it, when the browser is missing.
  const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(chromium)) {
    throw new Error(
      `chromium not found at ${chromium}: install it with \`apt-get install -y chromium\` (as root), or set CHROMIUM_PATH`
    );
  }
  if (process.env.SKIP_BUILD === "1") {
    process.stderr.write(`browser tests: SKIP_BUILD=1, using the existing ${dist}\n`);
  } else {
    process.stderr.write(`browser tests: building the site with ${BUILD_COMMAND.join(" ")} (about a minute) …\n`);
    const result = await buildWithProgress();
    if (result.status !== 0) {
      throw new Error(
        `${BUILD_COMMAND.join(" ")} failed (exit ${result.status}); the last lines:\n${result.lines.slice(-40).join("\n")}`
      );
    }
  }
  if (!existsSync(`${dist}/index.html`)) {
    throw new Error(`${dist}/index.html is missing: run npm run build (or unset SKIP_BUILD)`);
  }
  const server = await serveStatic(dist);
  project.provide("siteUrl", server.url);
  project.provide("siteDir", dist);
  return () => server.close();
}
