// The GitHub Pages workflow (.github/workflows/deploy.yml) cannot run here, so it is checked:
// against the GitHub workflow schema by action-validator (a linter shipped as WebAssembly in its
// npm package), which must also reject broken copies of it; and by its structure: it builds with
// the same commands as CI (.ci/run → npm ci, npm test → the browser tests' global setup → the
// build command) and uploads the folder the build writes. The _headers file parses and isolates.
import {readFileSync} from "node:fs";
import {validateWorkflow} from "@action-validator/core";
import {describe, expect, it} from "vitest";
import {parse, stringify} from "yaml";
import {BUILD_COMMAND} from "./browser/global-setup.js";
import {headersFor, ISOLATION_HEADERS, parseHeadersFile, readHeadersFile} from "../scripts/headers-file.js";
import config, {isolationScript} from "../observablehq.config.js";

const WORKFLOW = ".github/workflows/deploy.yml";
const text = readFileSync(WORKFLOW, "utf8");

interface Step {
  uses?: string;
  run?: string;
  id?: string;
  with?: Record<string, unknown>;
}
interface Job {
  "runs-on": string;
  needs?: string | string[];
  steps: Step[];
  environment?: {name: string; url?: string};
  env?: Record<string, string>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
}

const workflow = parse(text) as Workflow;
const action = (step: Step) => step.uses?.split("@")[0];

/** A deep copy of the workflow with one change, as YAML text. */
function mutate(change: (w: Workflow) => void): string {
  const copy = structuredClone(workflow);
  change(copy);
  return stringify(copy);
}

describe("deploy workflow: schema", () => {
  it("passes action-validator with no errors", () => {
    const result = validateWorkflow(text);
    expect(result.actionType).toBe("workflow");
    expect(result.errors).toEqual([]);
  });

  it("the validator rejects broken copies (so the check above can fail)", () => {
    const broken: Record<string, string> = {
      "a job without runs-on": mutate((w) => void delete (w.jobs.build as Partial<Job>)["runs-on"]),
      "a misspelt step key": mutate((w) => {
        const step = w.jobs.deploy.steps[0] as Record<string, unknown>;
        step.usess = step.uses;
        delete step.uses;
      }),
      "an unknown permission level": mutate((w) => void (w.permissions.pages = "publish")),
      "steps that are not a list": mutate(
        (w) => void ((w.jobs.build as unknown as Record<string, unknown>).steps = "npm ci")
      ),
      "YAML that does not parse": text.replace("jobs:", "jobs: [")
    };
    for (const [what, yaml] of Object.entries(broken)) {
      expect(validateWorkflow(yaml).errors.length, what).toBeGreaterThan(0);
    }
  });
});

describe("deploy workflow: what it does", () => {
  const build = workflow.jobs.build;
  const deploy = workflow.jobs.deploy;

  it("runs on pushes to main and by hand, with the permissions Pages needs", () => {
    expect(workflow.on.push).toEqual({branches: ["main"]});
    expect(workflow.on).toHaveProperty("workflow_dispatch");
    expect(workflow.permissions).toEqual({contents: "read", pages: "write", "id-token": "write"});
  });

  it("builds with the commands CI runs: npm ci, then the browser tests' build command", () => {
    const runs = build.steps.filter((s) => s.run).map((s) => s.run!.trim());
    expect(runs).toEqual(["npm ci", BUILD_COMMAND.join(" ")]);
    // CI: .ci/run installs with npm ci and runs npm test, whose browser project builds with BUILD_COMMAND.
    const ci = readFileSync(".ci/run", "utf8")
      .split("\n")
      .map((l) => l.trim());
    expect(ci).toContain("npm ci");
    expect(ci).toContain("npm test");
    const pkg = JSON.parse(readFileSync("package.json", "utf8"));
    expect(pkg.scripts.test).toMatch(/\bvitest run\b/);
    expect(readFileSync("vitest.config.ts", "utf8")).toContain(`globalSetup: ["tests/browser/global-setup.ts"]`);
    // The build copies public/ (service worker, _headers) into the output folder.
    expect(pkg.scripts.build).toContain("observable build");
    expect(pkg.scripts.build).toContain(`cp -R public/. "\${SITE_OUTPUT:-dist}/"`);
  });

  it("uses a Node version that package.json's engines accept, and no telemetry", () => {
    const setup = build.steps.find((s) => action(s) === "actions/setup-node");
    expect(setup?.with?.["node-version"]).toBe(20);
    const pkg = JSON.parse(readFileSync("package.json", "utf8"));
    const minimum = Number(/^>=(\d+)$/.exec(pkg.engines.node)?.[1]);
    expect(Number(setup?.with?.["node-version"])).toBeGreaterThanOrEqual(minimum);
    expect(build.env?.OBSERVABLE_TELEMETRY_DISABLE).toBe("true");
  });

  it("checks out first, uploads the build's output folder after building, and deploys it", () => {
    expect(action(build.steps[0])).toBe("actions/checkout");
    const names = build.steps.map((s) => action(s) ?? s.run);
    const upload = build.steps.find((s) => action(s) === "actions/upload-pages-artifact");
    expect(names.indexOf("actions/upload-pages-artifact")).toBeGreaterThan(names.indexOf(BUILD_COMMAND.join(" ")));
    // Framework writes to config.output: "dist" unless a test run sets SITE_OUTPUT.
    expect(upload?.with?.path).toBe("dist");
    if (!process.env.SITE_OUTPUT) expect(config.output).toBe("dist");
    expect(deploy.needs).toBe("build");
    expect(deploy.environment?.name).toBe("github-pages");
    expect(deploy.steps.map(action)).toEqual(["actions/deploy-pages"]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JS template
    expect(deploy.environment?.url).toBe("${{ steps.deployment.outputs.page_url }}");
    expect(deploy.steps[0].id).toBe("deployment");
    // Every action is pinned to a major version.
    for (const step of [...build.steps, ...deploy.steps]) {
      if (step.uses) expect(step.uses, step.uses).toMatch(/^actions\/[a-z-]+@v\d+$/);
    }
  });
});

describe("_headers (Netlify, Cloudflare Pages)", () => {
  it("sends the cross-origin isolation headers on every path, pages and files alike", () => {
    const rules = readHeadersFile("public/_headers");
    for (const path of [
      "/",
      "/playground",
      "/_import/train-worker.abc123.js",
      "/coi-serviceworker.js",
      "/_file/data/throughput.json"
    ]) {
      const headers = headersFor(rules, path);
      for (const [name, value] of Object.entries(ISOLATION_HEADERS))
        expect(headers[name], `${name} on ${path}`).toBe(value);
      expect(headers["cross-origin-resource-policy"]).toBe("cross-origin");
    }
  });

  it("the parser matches patterns and rejects malformed files, naming the line", () => {
    const rules = parseHeadersFile("# c\n/a/*\n  X-One: 1\n/a/b.js\n  X-Two: 2\n  X-One: 3\n");
    expect(headersFor(rules, "/a/b.js")).toEqual({"x-one": "3", "x-two": "2"});
    expect(headersFor(rules, "/a/c")).toEqual({"x-one": "1"});
    expect(headersFor(rules, "/b")).toEqual({});
    expect(() => parseHeadersFile("  X-One: 1\n")).toThrow(/line 1: a header comes before any path pattern/);
    expect(() => parseHeadersFile("/*\nX-One: 1\n")).toThrow(/line 2: a path pattern must start with "\/"/);
    expect(() => parseHeadersFile("/*\n  X-One 1\n")).toThrow(/line 2: expected an indented "Name: value" header/);
    expect(() => parseHeadersFile("/*\n")).toThrow(/"\/\*" has no headers under it/);
  });
});

describe("isolation script in every page's head", () => {
  it("points at the site's root from any page depth, so sub-paths work", () => {
    expect(isolationScript("/index")).toContain(`src="./coi-serviceworker.js"`);
    expect(isolationScript("/playground")).toContain(`src="./coi-serviceworker.js"`);
    expect(isolationScript("/notes/idea")).toContain(`src="../coi-serviceworker.js"`);
    expect(isolationScript("/a/b/c")).toContain(`src="../../coi-serviceworker.js"`);
    // rel="external" keeps Framework from trying to bundle it; a classic script runs before the page's modules.
    expect(isolationScript("/index")).toMatch(/^<script rel="external" src="[^"]+"><\/script>$/);
    const head = (config.head as (page: {path: string}) => string)({path: "/wiring"});
    expect(head).toContain(isolationScript("/wiring"));
  });
});
