/**
 * The `_headers` file that Netlify and Cloudflare Pages read (public/_headers, copied to dist/):
 * a path pattern on its own line, then the headers for it, indented, as `Name: value`; `#` starts a
 * comment line. `*` in a pattern matches any run of characters (`/*` is every path). Every rule
 * whose pattern matches a path adds its headers. The dev server (scripts/dev.ts) and the browser
 * tests' static server send headers from this file, so all three agree with the hosts.
 */
import {readFileSync} from "node:fs";

export interface HeaderRule {
  /** The pattern as written, e.g. "/*". */
  pattern: string;
  /** The pattern as a regular expression over URL paths (relative to the site's root). */
  matcher: RegExp;
  headers: Array<[name: string, value: string]>;
}

/** The headers that make a page cross-origin isolated (and so able to share memory between threads). */
export const ISOLATION_HEADERS: Record<string, string> = {
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp"
};

/** Parses `_headers` text; throws an Error naming the line and what is wrong with it. */
export function parseHeadersFile(text: string, name = "_headers"): HeaderRule[] {
  const rules: HeaderRule[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    const where = `${name} line ${index + 1}`;
    if (line.trim() === "" || line.trim().startsWith("#")) return;
    if (!/^\s/.test(line)) {
      const pattern = line.trim();
      if (!pattern.startsWith("/") && !/^https?:\/\//.test(pattern)) {
        throw new Error(
          `${where}: a path pattern must start with "/" (got ${JSON.stringify(pattern)}); header lines must be indented`
        );
      }
      const path = pattern.replace(/^https?:\/\/[^/]+/, "");
      const source = path
        .split("*")
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*");
      rules.push({pattern, matcher: new RegExp(`^${source}$`), headers: []});
      return;
    }
    const rule = rules.at(-1);
    if (!rule) throw new Error(`${where}: a header comes before any path pattern (${JSON.stringify(line.trim())})`);
    const match = /^\s+([A-Za-z0-9!#$%&'*+.^_`|~-]+):\s*(.*?)\s*$/.exec(line);
    if (!match || match[2] === "") {
      throw new Error(`${where}: expected an indented "Name: value" header (got ${JSON.stringify(line.trim())})`);
    }
    rule.headers.push([match[1], match[2]]);
  });
  for (const rule of rules) {
    if (rule.headers.length === 0)
      throw new Error(`${name}: the path pattern ${JSON.stringify(rule.pattern)} has no headers under it`);
  }
  return rules;
}

export function readHeadersFile(path: string): HeaderRule[] {
  return parseHeadersFile(readFileSync(path, "utf8"), path);
}

/** The headers for a URL path (relative to the site's root), names in lower case; later rules win. */
export function headersFor(rules: HeaderRule[], path: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const rule of rules) {
    if (!rule.matcher.test(path)) continue;
    for (const [name, value] of rule.headers) result[name.toLowerCase()] = value;
  }
  return result;
}
