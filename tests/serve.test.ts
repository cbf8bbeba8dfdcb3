// `npm run serve` (scripts/serve.ts) serves a built site with clean URLs, and package.json approves
// every install script in the lockfile (npm 11's allowScripts), so `npm install` prints no warning.
import {spawn} from "node:child_process";
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";

describe("npm run serve", () => {
  it("answers clean URLs from the page's .html file, / from index.html, and 404 for a missing page", async () => {
    const dir = mkdtempSync(join(tmpdir(), "serve-test-"));
    writeFileSync(join(dir, "index.html"), "<p>home</p>");
    writeFileSync(join(dir, "wiring.html"), "<p>wiring</p>");
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/serve.ts", "--port", "0", "--dir", dir], {
      stdio: ["ignore", "pipe", "pipe"]
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (chunk) => {
          out += chunk;
          const found = out.match(/at (http:\/\/127\.0\.0\.1:\d+)\//);
          if (found) resolve(found[1]);
        });
        child.stderr.on("data", (chunk) => reject(new Error(String(chunk))));
        child.on("exit", (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
      });
      const wiring = await fetch(`${url}/wiring`);
      expect([wiring.status, wiring.headers.get("content-type"), await wiring.text()]).toEqual([
        200,
        "text/html; charset=utf-8",
        "<p>wiring</p>"
      ]);
      expect(await (await fetch(`${url}/`)).text()).toBe("<p>home</p>");
      expect((await fetch(`${url}/nowhere`)).status).toBe(404);
    } finally {
      child.kill();
      rmSync(dir, {recursive: true, force: true});
    }
  });

  it("refuses a directory with no built site, saying how to build one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "serve-empty-"));
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/serve.ts", "--port", "0", "--dir", dir], {
      stdio: ["ignore", "pipe", "pipe"]
    });
    let err = "";
    child.stderr.on("data", (chunk) => (err += chunk));
    const code = await new Promise((resolve) => child.on("exit", resolve));
    rmSync(dir, {recursive: true, force: true});
    expect(code).toBe(1);
    expect(err).toContain(`serve: ${dir}/index.html is missing: build the site first with npm run build`);
  });
});

describe("install scripts", () => {
  it("every package in the lockfile with an install script is approved in package.json's allowScripts", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8"));
    const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
    const withScripts = Object.entries(lock.packages as Record<string, {hasInstallScript?: boolean; version: string}>)
      .filter(([, entry]) => entry.hasInstallScript)
      .map(([path, entry]) => ({
        name: path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length),
        version: entry.version
      }));
    expect(withScripts.length).toBeGreaterThan(0);
    for (const {name, version} of withScripts) {
      expect(
        pkg.allowScripts?.[name] === true || pkg.allowScripts?.[`${name}@${version}`] === true,
        `${name}@${version}`
      ).toBe(true);
    }
  });
});
