/**
 * A tiny static file server for the built site (dist/): 127.0.0.1 on a random port, Framework's
 * clean URLs (`/wiring` → `wiring.html`, `/` → `index.html`) and the MIME types the site needs.
 * Like a plain static host it sends no cross-origin isolation headers, unless given the rules of a
 * `_headers` file (as Netlify and Cloudflare Pages send them); with `prefix` it serves the site
 * under a sub-path (as GitHub Pages serves /<repo>/) and answers 404 outside it.
 */
import {createServer, type Server} from "node:http";
import {readFile, stat} from "node:fs/promises";
import {extname, join, normalize, resolve, sep} from "node:path";
import {headersFor, type HeaderRule} from "../../scripts/headers-file.js";

export const MIME_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".woff2": "font/woff2",
  ".map": "application/json; charset=utf-8"
};

export interface StaticServer {
  /** The site's address, ending in the prefix without its trailing slash ("http://127.0.0.1:PORT/switchnet4"). */
  url: string;
  /** Every path requested, in order (with the prefix). */
  requests: string[];
  close(): Promise<void>;
}

export interface ServeOptions {
  /** Serve the site under this sub-path, e.g. "/switchnet4/" (default "/"). */
  prefix?: string;
  /** Response header rules, e.g. from dist/_headers (default: none, like GitHub Pages). */
  headers?: HeaderRule[];
  /** Port on 127.0.0.1 (default 0: a free port). */
  port?: number;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Maps a URL path to a file under root, or null when none exists (or the path escapes root). */
export async function resolveFile(root: string, urlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const base = resolve(root);
  const target = normalize(join(base, decoded));
  if (target !== base && !target.startsWith(base + sep)) return null;
  const candidates = decoded.endsWith("/")
    ? [join(target, "index.html")]
    : [target, `${target}.html`, join(target, "index.html")];
  for (const candidate of candidates) if (await isFile(candidate)) return candidate;
  return null;
}

export function serveStatic(root: string, options: ServeOptions = {}): Promise<StaticServer> {
  const prefix = options.prefix ?? "/";
  if (!prefix.startsWith("/") || !prefix.endsWith("/"))
    throw new Error(`prefix must start and end with "/" (got ${JSON.stringify(prefix)})`);
  const requests: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    requests.push(url.pathname);
    // GitHub Pages redirects /<repo> to /<repo>/.
    if (prefix !== "/" && url.pathname === prefix.slice(0, -1)) {
      res.writeHead(301, {location: prefix + url.search});
      res.end();
      return;
    }
    const inside = url.pathname.startsWith(prefix);
    const sitePath = "/" + url.pathname.slice(prefix.length);
    const file = inside ? await resolveFile(root, sitePath) : null;
    if (options.headers) {
      for (const [name, value] of Object.entries(headersFor(options.headers, sitePath))) res.setHeader(name, value);
    }
    if (!file) {
      res.writeHead(404, {"content-type": "text/plain; charset=utf-8"});
      res.end(`not found: ${url.pathname}`);
      return;
    }
    const body = await readFile(file);
    res.writeHead(200, {
      "content-type": MIME_TYPES[extname(file).toLowerCase()] ?? "application/octet-stream",
      "cache-control": "no-store"
    });
    res.end(req.method === "HEAD" ? undefined : body);
  });
  return new Promise((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      const address = server.address();
      if (!address || typeof address === "string") return reject(new Error("server has no port"));
      resolvePromise({
        url: `http://127.0.0.1:${address.port}${prefix.slice(0, -1)}`,
        requests,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          })
      });
    });
  });
}
