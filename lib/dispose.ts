/**
 * Giving kernel memory back: the symbols `using` and `await using` look for, and the error every
 * use of a disposed object throws.
 */
import {fail} from "./check.js";

/**
 * Symbol.dispose where the engine has it, else the registered symbol that transpiled `using`
 * (esbuild, TypeScript) falls back to, so `using model = createModel(…)` works in both.
 */
export const DISPOSE: typeof Symbol.dispose =
  ((Symbol as {dispose?: symbol}).dispose ?? Symbol.for("Symbol.dispose")) as typeof Symbol.dispose;

/** Symbol.asyncDispose, with the same fallback (for `await using pool = await createPool()`). */
export const ASYNC_DISPOSE: typeof Symbol.asyncDispose =
  ((Symbol as {asyncDispose?: symbol}).asyncDispose ?? Symbol.for("Symbol.asyncDispose")) as typeof Symbol.asyncDispose;

/** Throws the SwitchNetError for using `what` after its dispose(), saying what to do instead. */
export function failDisposed(what: string, remedy: string): never {
  fail(`${what} was disposed (dispose() freed its memory), so it cannot be used any more; ${remedy}`);
}
