/**
 * Page state kept in the URL query string, so a view can be shared. Each parameter has a
 * rule; `readUrlState` never throws: a bad value becomes a clear message (naming the parameter,
 * the value and the rule) and falls back to its default, so the page keeps working.
 */
import {SwitchNetError} from "../lib/check.js";

export interface ParamRule<T> {
  default: T;
  /** Turns the raw string into a value, or throws a SwitchNetError saying what is allowed. */
  parse(raw: string): T;
  format?(value: T): string;
}

export type Rules = Record<string, ParamRule<any>>;
export type StateOf<R extends Rules> = {[K in keyof R]: R[K]["default"]};

export interface UrlState<R extends Rules> {
  values: StateOf<R>;
  /** One message per rejected parameter. */
  errors: string[];
}

function rejected(name: string, raw: string, rule: string): never {
  throw new SwitchNetError(`URL parameter ${name}=${JSON.stringify(raw)} was ignored: ${rule}`);
}

/** An integer in [min, max]; `powerOfTwo` also requires 1, 2, 4, 8, …. */
export function intParam(
  name: string,
  fallback: number,
  min: number,
  max: number,
  powerOfTwo = false
): ParamRule<number> {
  return {
    default: fallback,
    parse(raw) {
      const v = Number(raw);
      const kind = powerOfTwo ? "a power of two" : "an integer";
      if (raw.trim() === "" || !Number.isInteger(v) || v < min || v > max || (powerOfTwo && (v & (v - 1)) !== 0)) {
        rejected(name, raw, `${name} must be ${kind} from ${min} to ${max}; using ${fallback}`);
      }
      return v;
    }
  };
}

/** A finite number in [min, max]. */
export function numberParam(name: string, fallback: number, min: number, max: number): ParamRule<number> {
  return {
    default: fallback,
    parse(raw) {
      const v = Number(raw);
      if (raw.trim() === "" || !Number.isFinite(v) || v < min || v > max) {
        rejected(name, raw, `${name} must be a number from ${min} to ${max}; using ${fallback}`);
      }
      return v;
    }
  };
}

/** One of a fixed set of strings. */
export function choiceParam<T extends string>(name: string, fallback: T, allowed: readonly T[]): ParamRule<T> {
  return {
    default: fallback,
    parse(raw) {
      if (!(allowed as readonly string[]).includes(raw)) {
        rejected(name, raw, `${name} must be one of ${allowed.join(", ")}; using ${fallback}`);
      }
      return raw as T;
    }
  };
}

/** A comma-separated list of finite numbers, at most `maxLength` long. */
export function numberListParam(name: string, fallback: number[], maxLength: number): ParamRule<number[]> {
  return {
    default: fallback,
    parse(raw) {
      const v = parseNumberList(raw);
      if (typeof v === "string") rejected(name, raw, `${v}; using the default`);
      if (v.length > maxLength)
        rejected(name, raw, `${name} holds at most ${maxLength} numbers, got ${v.length}; using the default`);
      return v;
    },
    format: (value) => value.map((x) => String(+x.toPrecision(4))).join(",")
  };
}

/** Parses "1, -0.5, 2" (commas and/or spaces) into numbers, or returns a message saying what is wrong. */
export function parseNumberList(text: string): number[] | string {
  const parts = text.split(/[\s,;]+/).filter((p) => p !== "");
  if (parts.length === 0) return "enter at least one number";
  const out: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const v = Number(parts[i]);
    if (!Number.isFinite(v)) return `entry ${i + 1} (${JSON.stringify(parts[i])}) is not a finite number`;
    out.push(v);
  }
  return out;
}

/** Reads the rules' parameters; a parameter without a rule is named in `errors` (and ignored). */
export function readUrlState<R extends Rules>(search: string, rules: R): UrlState<R> {
  const params = new URLSearchParams(search);
  const values = {} as Record<string, unknown>;
  const errors: string[] = [];
  const names = Object.keys(rules);
  for (const key of new Set(params.keys())) {
    if (!names.includes(key)) {
      errors.push(
        `URL parameter ${key}=${JSON.stringify(params.get(key))} was ignored: this page has no parameter ${JSON.stringify(key)}; its parameters are ${names.join(", ")}`
      );
    }
  }
  for (const [name, rule] of Object.entries(rules)) {
    const raw = params.get(name);
    values[name] = rule.default;
    if (raw === null) continue;
    try {
      values[name] = rule.parse(raw);
    } catch (error) {
      if (!(error instanceof SwitchNetError)) throw error;
      errors.push(error.message);
    }
  }
  return {values: values as StateOf<R>, errors};
}

/** The query string ("?a=1&b=x") for `values`, leaving out values equal to their default. */
export function writeUrlState<R extends Rules>(values: StateOf<R>, rules: R): string {
  const params = new URLSearchParams();
  for (const [name, rule] of Object.entries(rules)) {
    const value = (values as Record<string, unknown>)[name];
    const format = rule.format ?? String;
    const text = format(value);
    if (text !== format(rule.default)) params.set(name, text);
  }
  const query = params.toString();
  return query ? `?${query}` : "";
}
