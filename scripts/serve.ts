/**
 * Serves the built site (dist/, from `npm run build`) the way a static host does, with
 * Framework's clean URLs: /wiring → wiring.html, / → index.html. The browser tests use the same
 * server (tests/browser/static-server.ts). `python3 -m http.server` does not resolve clean URLs,
 * so every link between pages would 404 there.
 *
 *   npm run serve                 # http://127.0.0.1:3000
 *   npm run serve -- --port 8080 --dir dist
 */
import {existsSync} from "node:fs";
import {resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {readHeadersFile} from "./headers-file.js";
import {serveStatic} from "../tests/browser/static-server.js";

const HELP = `usage: npm run serve -- [--port N] [--dir DIR]
  --port N   port on 127.0.0.1 (default 3000; 0 picks a free one)
  --dir DIR  the built site (default dist, or SITE_OUTPUT when set)`;

function parseArgs(argv: string[]): {port: number; dir: string} {
  let port = 3000;
  let dir = process.env.SITE_OUTPUT || "dist";
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") {
      console.log(HELP);
      process.exit(0);
    } else if (arg === "--port") {
      const raw = argv[++i];
      port = Number(raw);
      if (raw === undefined || !Number.isInteger(port) || port < 0 || port > 65535) {
        throw new Error(`--port must be a whole number from 0 to 65535, got ${JSON.stringify(raw)}`);
      }
    } else if (arg === "--dir") {
      dir = argv[++i] ?? "";
      if (!dir) throw new Error("--dir needs a directory, e.g. --dir dist");
    } else {
      throw new Error(`unknown option ${JSON.stringify(arg)}\n${HELP}`);
    }
  }
  return {port, dir};
}

try {
  const {port, dir} = parseArgs(process.argv.slice(2));
  const root = resolve(fileURLToPath(new URL("../", import.meta.url)), dir);
  if (!existsSync(`${root}/index.html`)) {
    throw new Error(`${root}/index.html is missing: build the site first with npm run build`);
  }
  // The headers a static host reads from _headers (cross-origin isolation: the pages get threads).
  const headersFile = `${root}/_headers`;
  const headers = existsSync(headersFile) ? readHeadersFile(headersFile) : [];
  const server = await serveStatic(root, {port, headers});
  console.log(
    `serving ${root} at ${server.url}/${headers.length ? ", with the headers in _headers" : ""} (Ctrl-C stops)`
  );
} catch (error) {
  console.error(`serve: ${(error as Error).message}`);
  process.exit(1);
}
