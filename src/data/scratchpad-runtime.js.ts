/**
 * Data loader: the Scratchpad's sandbox runtime as one script. Bundles
 * src/components/scratchpad/frame.ts with the library, Plot, d3 and Inputs (and Inputs'
 * stylesheet) from node_modules into a single classic script, printed on stdout. The Scratchpad
 * page fetches it from the site and posts its text into its sandboxed frame: a frame with an
 * opaque origin could not load the site's modules itself without CORS headers, and nothing may
 * come from another host. esbuild is the bundler Framework itself uses.
 */
import {build} from "esbuild";
import {readFileSync} from "node:fs";
import {createRequire} from "node:module";
import {dirname, resolve} from "node:path";
import {fileURLToPath} from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const inputsCss = readFileSync(require.resolve("@observablehq/inputs/dist/index.css"), "utf8");

const result = await build({
  stdin: {
    contents: [
      `import * as Inputs from "@observablehq/inputs";`,
      `import {startFrameRuntime} from "./frame.ts";`,
      `startFrameRuntime(window, {Inputs});`
    ].join("\n"),
    resolveDir: resolve(here, "../components/scratchpad"),
    sourcefile: "scratchpad-runtime-entry.js",
    loader: "js"
  },
  bundle: true,
  format: "iife",
  platform: "browser",
  target: "es2022",
  minify: true,
  write: false,
  legalComments: "none",
  // Node-only branches of the library (worker threads) are never taken in a browser.
  external: ["node:*"],
  define: {__INPUTS_CSS__: JSON.stringify(inputsCss)},
  logLevel: "error"
});
process.stdout.write(result.outputFiles[0].text);
