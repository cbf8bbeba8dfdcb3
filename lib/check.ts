/**
 * Argument checks shared by every entry point. Each throws an error that names the value
 * and the rule it broke, before anything has been changed.
 *
 * The rule for numbers at the public API: every function refuses NaN and ±Infinity in what it is
 * given (naming the index), and a result that would leave the float32 range raises a
 * NonFiniteError (lib/divergence.ts) instead of coming back as NaN or ±Infinity. The exceptions
 * are the raw transforms `wht`, `whtBatch` and a pool's `wht`/`whtBatch`, which check shapes but
 * not values, for speed; `whtChecked` and `whtBatchChecked` are their checked twins.
 */

/** Error thrown for bad input to the library: says what was wrong and what to do. */
export class SwitchNetError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = "SwitchNetError";
  }
}

export function fail(message: string): never {
  throw new SwitchNetError(message);
}

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0 && n <= 2 ** 30;
}

export function checkInteger(name: string, value: unknown, min = -Infinity, max = Infinity): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    fail(`${name} must be an integer, got ${describe(value)}`);
  }
  if (value < min || value > max) {
    const range =
      max === Infinity ? `at least ${min}` : min === -Infinity ? `at most ${max}` : `between ${min} and ${max}`;
    fail(`${name} must be ${range}, got ${value}`);
  }
  return value;
}

export function checkNumber(name: string, value: unknown, min = -Infinity, max = Infinity): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    fail(`${name} must be a finite number, got ${describe(value)}`);
  }
  if (value < min || value > max) {
    fail(`${name} must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

export function checkPowerOfTwo(name: string, value: unknown): number {
  if (typeof value !== "number" || !isPowerOfTwo(value)) {
    const hint =
      typeof value === "number" && Number.isFinite(value) && value > 0
        ? ` (nearest: ${2 ** Math.max(0, Math.round(Math.log2(value)))})`
        : "";
    fail(`${name} must be a power of two (1, 2, 4, 8, …, 2^30), got ${describe(value)}${hint}`);
  }
  return value;
}

export function checkOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    fail(`${name} must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}, got ${describe(value)}`);
  }
  return value as T;
}

export function checkFloat32Array(name: string, value: unknown, length?: number): Float32Array {
  if (!(value instanceof Float32Array)) {
    fail(`${name} must be a Float32Array, got ${describe(value)}`);
  }
  if (length !== undefined && value.length !== length) {
    fail(`${name} must have length ${length}, got length ${value.length}`);
  }
  return value;
}

/**
 * An options argument: undefined means "all defaults" ({}); anything else must be a plain object
 * (null, a number, a string or an array is refused by name).
 */
export function checkOptions<T extends object>(name: string, value: T | null | undefined): T {
  if (value === undefined) return {} as T;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    fail(`${name} must be an object (or left out for the defaults), got ${describe(value)}`);
  }
  return value;
}

/** Throws if any element is NaN or infinite, naming the first bad index. */
export function checkFinite(name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) fail(`${name} must hold finite numbers, but ${name}[${i}] is ${v}`);
  }
}

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return typeof value;
}
