/**
 * Scratchpad: the names every cell sees without importing anything: each export of the library
 * (`wht`, `createModel`, `train`, …, and the whole namespace as `lib`), Plot, d3, `tick` and
 * `width`. The page adds Inputs (it has no type declarations, so it is imported in the page).
 */
import * as lib from "../../lib/index.js";
import * as Plot from "@observablehq/plot";
import * as d3 from "d3";

/** Resolves after the event loop has had a turn: keeps long loops responsive and stoppable. */
export function tick(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** The base scope; `width` is the cells' current width in pixels (for Plot's `width` option). */
export function scratchpadScope(width: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {...lib, lib, Plot, d3, tick, width, ...extra};
}

/** Names listed in the page's help: the scope without the library's individual exports. */
export const HELPER_NAMES = ["lib", "Plot", "d3", "Inputs", "tick", "width"] as const;
