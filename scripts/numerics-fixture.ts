/**
 * Writes tests/fixtures/numerics.json: the digests of tests/helpers/numerics.ts for every case, on
 * the WebAssembly SIMD kernels and on the scalar ones. Run it only to record the numerics of the
 * code as it stands (the committed fixture was made at commit e3fc95f).
 *   npx tsx scripts/numerics-fixture.ts
 */
import {writeFileSync} from "node:fs";
import {ready, setBackend} from "../lib/wht.js";
import {NUMERICS_CASES, numericsDigests, type Digests} from "../tests/helpers/numerics.js";

async function main(): Promise<void> {
  await ready();
  const out: Record<string, Record<string, Digests>> = {};
  for (const backend of ["wasm-simd", "scalar"]) {
    if (setBackend(backend) !== backend) throw new Error(`backend ${backend} is not available`);
    out[backend] = {};
    for (const c of NUMERICS_CASES) out[backend][c.name] = numericsDigests(c);
  }
  setBackend("auto");
  writeFileSync(new URL("../tests/fixtures/numerics.json", import.meta.url), JSON.stringify(out, null, 2) + "\n");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
