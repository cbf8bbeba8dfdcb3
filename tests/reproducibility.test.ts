// Whole seeded training runs must not change: the experiment's fit (and the tiny experiment end to
// end), the trainer over whole epochs and the playground's session are compared bit for bit (by
// SHA-256 digests) with tests/fixtures/reproducibility.json, recorded before the batching core was
// shared (a long capacity experiment resumes across such changes). See tests/helpers/reproducibility.ts.
import {beforeAll, describe, expect, it} from "vitest";
import {readFileSync} from "node:fs";
import {ready} from "../lib/wht.js";
import {REPRODUCIBILITY_CASES, type Digests} from "./helpers/reproducibility.js";

const fixtureFile = new URL("./fixtures/reproducibility.json", import.meta.url);
const fixture = JSON.parse(readFileSync(fixtureFile, "utf8")) as Record<string, Digests>;

beforeAll(async () => {
  expect(await ready()).toBe("wasm-simd");
});

describe("seeded runs give the numbers recorded at ee62bbc", () => {
  it("the fixture holds every case", () => {
    expect(Object.keys(fixture).sort()).toEqual(Object.keys(REPRODUCIBILITY_CASES).sort());
  });
  it.each(Object.keys(REPRODUCIBILITY_CASES))("%s", (name) => {
    expect(REPRODUCIBILITY_CASES[name]()).toEqual(fixture[name]);
  });
});
