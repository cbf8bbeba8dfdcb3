// Site configuration for Observable Framework: page list, theme, and no third-party hosts
// (globalStylesheets replaces Framework's default Google Fonts link with local stylesheets).

/** Every page of the site, in reading order. `file` is the Markdown source under src/. */
export const SITE_PAGES = [
  {name: "Overview", path: "/", file: "index.md"},
  {name: "Wiring", path: "/wiring", file: "wiring.md"},
  {name: "Weights per input point", path: "/weights", file: "weights.md"},
  {name: "Learned functions", path: "/playground", file: "playground.md"},
  {name: "Throughput", path: "/throughput", file: "throughput.md"},
  {name: "Capacity", path: "/capacity", file: "capacity.md"},
  {name: "Scratchpad", path: "/scratchpad", file: "scratchpad.md"}
];

/** The navigation: every page but the overview, which is the site's home. */
const pages = SITE_PAGES.filter((page) => page.path !== "/").map(({name, path}) => ({name, path}));

/**
 * Every page loads public/coi-serviceworker.js (copied to the site's root by `npm run build`; served
 * by `npm run dev`) as a classic script before anything else: on hosts that cannot send the
 * cross-origin isolation headers it installs the service worker that adds them, so pages get
 * threads after their first load. The path is relative to the page, so the site works under any
 * sub-path (/<repo>/ on GitHub Pages); rel="external" tells Framework to leave the file alone.
 */
export function isolationScript(pagePath: string): string {
  const depth = pagePath.split("/").length - 2;
  return `<script rel="external" src="${depth > 0 ? "../".repeat(depth) : "./"}coi-serviceworker.js"></script>`;
}

export default {
  root: "src",
  // SITE_OUTPUT lets a test run build into its own directory while someone else builds dist/.
  output: process.env.SITE_OUTPUT || "dist",
  title: "Switch Net 4 Explorer",
  pages,
  pager: true,
  toc: true,
  search: false,
  // style.css imports the air theme (near-midnight in dark mode) and adds our rules after it.
  style: "style.css",
  // Local only: the Inputs stylesheet shipped with Framework (replaces the Google Fonts default).
  globalStylesheets: ["observablehq:stdlib/inputs.css"],
  // An empty icon: no favicon.ico request (and no 404) on any page. Then the isolation script.
  head: ({path}: {path: string}) =>
    `<meta name="color-scheme" content="light dark"><link rel="icon" href="data:,">${isolationScript(path)}`,
  footer: `Switch Net 4 Explorer — every figure is computed by the project's own library, in the page or at build time.`
};
