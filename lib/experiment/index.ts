/**
 * The capacity experiment: budget matching, the memorisation-capacity search, training
 * runs, the result schema, the resumable sweep and its summaries. Re-exports only; meant to be
 * exposed from lib/index.ts as a namespace (`export * as experiment from "./experiment/index.js"`),
 * because names such as `fit` and `evaluate` are generic.
 */
export * from "./budget.js";
export * from "./config.js";
export * from "./fit.js";
export * from "./memorise.js";
export * from "./run.js";
export * from "./schema.js";
export * from "./search.js";
export * from "./shard.js";
export * from "./summary.js";
export * from "./tasks.js";
export * from "./timing.js";
export * from "./checkpoint.js";
