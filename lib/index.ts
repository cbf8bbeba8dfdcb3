/** Switch Net 4: the public API. This file only re-exports. */
export * from "./check.js";
export * from "./random.js";
export * from "./types.js";
export * from "./wht.js";
