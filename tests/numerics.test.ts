// The numerics of every model kind must not change: outputs, gradients and trained parameters for
// a given seed are compared bit for bit (by SHA-256 digests) with tests/fixtures/numerics.json,
// recorded with the code at commit e3fc95f. See tests/helpers/numerics.ts.
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {readFileSync} from "node:fs";
import {ready, setBackend} from "../lib/wht.js";
import {NUMERICS_CASES, numericsDigests, type Digests} from "./helpers/numerics.js";

const fixture = JSON.parse(readFileSync(new URL("./fixtures/numerics.json", import.meta.url), "utf8")) as Record<
  string,
  Record<string, Digests>
>;

beforeAll(async () => {
  expect(await ready()).toBe("wasm-simd");
});
afterAll(() => {
  setBackend("auto");
});

describe.each(["wasm-simd", "scalar"])("numerics on the %s kernels are those recorded at e3fc95f", (backend) => {
  it.each(NUMERICS_CASES.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    expect(setBackend(backend)).toBe(backend);
    expect(numericsDigests(c)).toEqual(fixture[backend][c.name]);
  });
});
