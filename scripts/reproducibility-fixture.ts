/**
 * Writes tests/fixtures/reproducibility.json: the digests of tests/helpers/reproducibility.ts for
 * every case, on the WebAssembly SIMD kernels. Run it only to record the numerics of the code as
 * it stands (the committed fixture was made at commit ee62bbc, before the batching core was shared;
 * "tiny-experiment" was recorded again on 2026-12-01 when memorisation searches began to save each
 * probe as a record and the memorisation settings gained guessFromFirstSeed: its other records, with
 * the old settings hash in their keys, still digested to the old value).
 *   npx tsx scripts/reproducibility-fixture.ts
 */
import {writeFileSync} from "node:fs";
import {ready} from "../lib/wht.js";
import {REPRODUCIBILITY_CASES, type Digests} from "../tests/helpers/reproducibility.js";

async function main(): Promise<void> {
  if ((await ready()) !== "wasm-simd") throw new Error("the fixture is recorded on the WebAssembly SIMD kernels");
  const out: Record<string, Digests> = {};
  for (const [name, run] of Object.entries(REPRODUCIBILITY_CASES)) out[name] = run();
  const file = new URL("../tests/fixtures/reproducibility.json", import.meta.url);
  writeFileSync(file, JSON.stringify(out, null, 2) + "\n");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
