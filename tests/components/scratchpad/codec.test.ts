// Tests for the Scratchpad codec: URL hash and file round trips, both encodings, bad input.
import {describe, expect, it} from "vitest";
import {
  cellsFromFile,
  cellsFromHash,
  cellsToFile,
  decodeCells,
  encodeCells,
  fromBase64Url,
  hashForCells,
  toBase64Url
} from "../../../src/components/scratchpad/codec.js";
import {SwitchNetError} from "../../../lib/check.js";
import {createRng} from "../../../lib/random.js";

const cells = [
  "const x = Float32Array.of(1, -2, 3, 4);\nwht(x)",
  "// ünïcödé, emoji 🧪, CJK 漢字 and a line separator \u2028 inside\n'done'",
  "",
  "for (let i = 0; i < 3; i++) {\n  console.log(i) // %% not a separator mid-line\n}"
];

describe("base64url", () => {
  it("round-trips every byte value and lengths 0..5 (all padding cases)", () => {
    const all = Uint8Array.from({length: 256}, (_, i) => i);
    expect(Array.from(fromBase64Url(toBase64Url(all)))).toEqual(Array.from(all));
    for (let n = 0; n <= 5; n++) {
      const bytes = all.subarray(250 - n, 250);
      const text = toBase64Url(bytes);
      expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(Array.from(fromBase64Url(text))).toEqual(Array.from(bytes));
    }
  });
});

describe("encodeCells / decodeCells", () => {
  it("round-trips with compression", async () => {
    const encoded = await encodeCells(cells, {compress: true});
    expect(encoded.startsWith("z.")).toBe(true);
    expect(await decodeCells(encoded)).toEqual(cells);
  });

  it("round-trips without compression (the fallback)", async () => {
    const encoded = await encodeCells(cells, {compress: false});
    expect(encoded.startsWith("b.")).toBe(true);
    expect(await decodeCells(encoded)).toEqual(cells);
  });

  it("compression makes repetitive notebooks shorter", async () => {
    const long = Array.from(
      {length: 6},
      (_, i) => `const model${i} = createModel({kind: "switchnet4", inputSize: 2, outputSize: 1, width: 16});`
    );
    const z = await encodeCells(long, {compress: true});
    const b = await encodeCells(long, {compress: false});
    expect(z.length).toBeLessThan(b.length / 2);
  });

  it("round-trips random text (seeded)", async () => {
    const rng = createRng(6);
    for (let trial = 0; trial < 20; trial++) {
      const random = Array.from({length: rng.int(5) + 1}, () =>
        String.fromCodePoint(
          ...Array.from({length: rng.int(40)}, () => {
            const cp = rng.int(0x10ffff);
            return cp >= 0xd800 && cp <= 0xdfff ? 0x41 : cp;
          })
        )
      );
      expect(await decodeCells(await encodeCells(random, {compress: trial % 2 === 0}))).toEqual(random);
    }
  });

  it("rejects bad input with a SwitchNetError naming the rule", async () => {
    await expect(encodeCells([1, 2] as unknown as string[])).rejects.toThrow(
      /cells must be an array of strings .* got an array containing number/
    );
    await expect(decodeCells("x.abc")).rejects.toThrow(SwitchNetError);
    await expect(decodeCells("x.abc")).rejects.toThrow(/must start with "z." or "b."/);
    await expect(decodeCells("b.a+b")).rejects.toThrow(/base64url/);
    const good = await encodeCells(cells, {compress: true});
    await expect(decodeCells(good.slice(0, good.length - 10))).rejects.toThrow(/cut short/);
    await expect(decodeCells("b." + toBase64Url(new TextEncoder().encode('{"a":1}')))).rejects.toThrow(
      /decoded cells must be an array of strings/
    );
  });
});

describe("hash", () => {
  it("round-trips through a URL hash, including next to other parameters", async () => {
    const hash = await hashForCells(cells);
    expect(hash.startsWith("#cells=")).toBe(true);
    const url = new URL(`https://example.org/scratchpad${hash}`);
    expect(await cellsFromHash(url.hash)).toEqual(cells);
    expect(await cellsFromHash(`#theme=dark&${hash.slice(1)}`)).toEqual(cells);
    expect(await cellsFromHash("")).toBeNull();
    expect(await cellsFromHash("#other=1")).toBeNull();
  });
});

describe("file", () => {
  it("round-trips through the JSON file", () => {
    const text = cellsToFile(cells);
    expect(JSON.parse(text).format).toBe("switchnet4-scratchpad");
    expect(cellsFromFile(text)).toEqual(cells);
  });

  it("reads plain JavaScript split at // %% lines", () => {
    const js = "// %% first\nconst a = 1;\n\n// %%\na + 1\n//%% third\n'x'\n";
    expect(cellsFromFile(js)).toEqual(["const a = 1;", "a + 1", "'x'"]);
    expect(cellsFromFile("1 + 1")).toEqual(["1 + 1"]);
  });

  it("rejects files it cannot read", () => {
    expect(() => cellsFromFile("{not json")).toThrow(/looks like JSON but does not parse/);
    expect(() => cellsFromFile('{"format": "other", "cells": []}')).toThrow(
      /format must be "switchnet4-scratchpad", got "other"/
    );
    expect(() => cellsFromFile("   \n")).toThrow(/holds no cells/);
  });
});
