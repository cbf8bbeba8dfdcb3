// lib/ must run in Node, pages and web workers: no DOM globals, no Framework or browser-only imports,
// and Node built-ins only through dynamic imports guarded by feature detection.
import {describe, expect, it} from "vitest";
import {readdirSync, readFileSync, statSync} from "node:fs";
import {join} from "node:path";

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith(".ts") ? [p] : [];
  });
}

const files = tsFiles("lib");

describe("lib/ purity", () => {
  it("has source files to check", () => {
    expect(files.length).toBeGreaterThan(3);
  });

  for (const file of files) {
    it(`${file} imports only relative modules statically`, () => {
      const src = readFileSync(file, "utf8");
      const staticImports = [...src.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']/gm)].map(
        (m) => m[1]
      );
      const bad = staticImports.filter((s) => !s.startsWith("./") && !s.startsWith("../"));
      expect(bad, `${file} statically imports ${bad.join(", ")}`).toEqual([]);
      for (const s of staticImports) expect(s, `${file}: local imports need a .js suffix`).toMatch(/\.js$/);
    });

    it(`${file} uses no DOM globals`, () => {
      const code = readFileSync(file, "utf8")
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/\/\/.*$/gm, "")
        .replace(/(["'`])(?:\\.|(?!\1).)*\1/g, '""');
      const dom = code.match(/\b(document|window|HTMLElement|localStorage|navigator\.(?!hardwareConcurrency))\b/);
      expect(dom?.[0], `${file} mentions ${dom?.[0]}`).toBeUndefined();
    });
  }
});
