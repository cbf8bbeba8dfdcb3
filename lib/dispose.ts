/**
 * Giving kernel memory back: the symbols `using` and `await using` look for, and the error every
 * use of a disposed object throws.
 */
import {fail} from "./check.js";

/**
 * Symbol.dispose where the engine has it, else the registered symbol that transpiled `using`
 * (esbuild, TypeScript) falls back to, so `using model = createModel(…)` works in both.
 */
export const DISPOSE: typeof Symbol.dispose = ((Symbol as {dispose?: symbol}).dispose ??
  Symbol.for("Symbol.dispose")) as typeof Symbol.dispose;

/** Symbol.asyncDispose, with the same fallback (for `await using pool = await createPool()`). */
export const ASYNC_DISPOSE: typeof Symbol.asyncDispose = ((Symbol as {asyncDispose?: symbol}).asyncDispose ??
  Symbol.for("Symbol.asyncDispose")) as typeof Symbol.asyncDispose;

/** Throws the SwitchNetError for using `what` after its dispose(), saying what to do instead. */
export function failDisposed(what: string, remedy: string): never {
  fail(`${what} was disposed (dispose() freed its memory), so it cannot be used any more; ${remedy}`);
}

const disposeHooks = new WeakMap<object, Set<() => void>>();

/** Marks `owner` (a model from createModel) as one whose dispose() runs the hooks added with `onDispose`. */
export function acceptDisposeHooks(owner: object): void {
  if (!disposeHooks.has(owner)) disposeHooks.set(owner, new Set());
}

/**
 * Runs `hook` when `owner` is disposed (once); returns false, doing nothing, for an object that does
 * not take hooks. The returned `remove` forgets the hook (for the hook's owner's own dispose).
 */
export function onDispose(owner: object, hook: () => void): {added: boolean; remove(): void} {
  const hooks = disposeHooks.get(owner);
  if (!hooks) return {added: false, remove: () => {}};
  hooks.add(hook);
  return {added: true, remove: () => void hooks.delete(hook)};
}

/** Runs and forgets the hooks of `owner` (its dispose() calls this). */
export function runDisposeHooks(owner: object): void {
  const hooks = disposeHooks.get(owner);
  if (!hooks) return;
  const all = [...hooks];
  hooks.clear();
  for (const hook of all) hook();
}
