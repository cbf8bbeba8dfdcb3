/**
 * `npm run dev`: Observable Framework's preview server (live reload, data loaders), plus what a
 * published site gets from its host: the response headers of public/_headers (cross-origin
 * isolation, so the pages run the library on several threads) and the files of public/ at the
 * site's root (the isolation service worker). Options as `observable preview`'s:
 *   --host ADDRESS   (default 127.0.0.1)   --port N (default: 3000, or the next free one)
 *   --no-open        (do not open a browser)
 */
import {existsSync, readFileSync} from "node:fs";
import type {IncomingMessage, Server, ServerResponse} from "node:http";
import {extname, join, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {parseArgs} from "node:util";
import {headersFor, readHeadersFile} from "./headers-file.js";

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

const root = fileURLToPath(new URL("../", import.meta.url));
const publicDir = resolve(root, "public");

const PUBLIC_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".txt": "text/plain; charset=utf-8"
};

/** The public/ file a URL path names (only files directly in public/, never _headers), or null. */
export function publicFile(urlPath: string): string | null {
  const name = decodeURIComponent(urlPath).replace(/^\/+/, "");
  if (!name || name.includes("/") || name.includes("\\") || name.startsWith(".") || name === "_headers") return null;
  const path = join(publicDir, name);
  return existsSync(path) ? path : null;
}

/**
 * Wraps the preview server's request handler: every response gets the headers of _headers, and
 * the files of public/ are served as a static host would serve them from dist/.
 */
export function addHostBehaviour(server: Server): void {
  const rules = readHeadersFile(join(publicDir, "_headers"));
  const handlers = server.listeners("request") as Listener[];
  server.removeAllListeners("request");
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    for (const [name, value] of Object.entries(headersFor(rules, path))) res.setHeader(name, value);
    const file = publicFile(path);
    if (file && (req.method === "GET" || req.method === "HEAD")) {
      res.writeHead(200, {
        "content-type": PUBLIC_TYPES[extname(file)] ?? "application/octet-stream",
        "cache-control": "no-cache"
      });
      res.end(req.method === "HEAD" ? undefined : readFileSync(file));
      return;
    }
    for (const handler of handlers) handler.call(server, req, res);
  });
}

export async function startDevServer(options: {hostname?: string; port?: number; open?: boolean} = {}) {
  const {preview} = await import("@observablehq/framework/dist/preview.js");
  const server = await preview({
    hostname: options.hostname ?? "127.0.0.1",
    port: options.port,
    open: options.open ?? false
  });
  addHostBehaviour(server.server);
  return server;
}

async function main() {
  const {values} = parseArgs({
    options: {
      host: {type: "string", default: "127.0.0.1"},
      port: {type: "string"},
      open: {type: "boolean", default: true},
      "no-open": {type: "boolean", default: false}
    }
  });
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      console.error(`--port must be a whole number from 0 to 65535 (got ${JSON.stringify(values.port)})`);
      process.exit(2);
    }
  }
  const server = await startDevServer({hostname: values.host, port, open: values.open && !values["no-open"]});
  const address = server.server.address();
  const actual = typeof address === "object" && address ? address.port : port;
  console.log(
    `Serving http://${values.host}:${actual}/ with the headers of public/_headers (cross-origin isolated: pages use several threads)`
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
