/**
 * Vitest global setup for the browser tests: builds the site (`npm run build`) unless
 * SKIP_BUILD=1 says a fresh build exists, serves it on 127.0.0.1 and provides its URL to the
 * tests as `inject("siteUrl")`. The site goes to dist/, or to SITE_OUTPUT (a directory under
 * the project) when set — useful while other people build dist/ on the same checkout.
 */
import {spawnSync} from "node:child_process";
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

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Fail before the build, not after it, when the browser is missing.
  const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(chromium)) {
    throw new Error(`chromium not found at ${chromium}: install it with \`apt-get install -y chromium\` (as root), or set CHROMIUM_PATH`);
  }
  if (process.env.SKIP_BUILD === "1") {
    process.stderr.write(`browser tests: SKIP_BUILD=1, using the existing ${dist}\n`);
  } else {
    process.stderr.write(`browser tests: building the site with ${BUILD_COMMAND.join(" ")} …\n`);
    const result = spawnSync(BUILD_COMMAND[0], BUILD_COMMAND.slice(1), {
      cwd: root,
      env: {...process.env, OBSERVABLE_TELEMETRY_DISABLE: "true"},
      stdio: ["ignore", "pipe", "pipe"],
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024
    });
    if (result.status !== 0) {
      const tail = `${result.stdout ?? ""}\n${result.stderr ?? ""}`.split("\n").slice(-40).join("\n");
      throw new Error(`${BUILD_COMMAND.join(" ")} failed (exit ${result.status}); the last lines:\n${tail}`);
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
