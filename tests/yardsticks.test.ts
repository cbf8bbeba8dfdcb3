import {describe, expect, it} from "vitest";
import {chmodSync, mkdtempSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {buildYardsticks, numpyEnv, runNativeWht} from "../scripts/yardsticks.js";

describe("yardsticks helpers", () => {
  it("runs numpy with one BLAS thread and without OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, leaving this process's environment alone", () => {
    process.env.OPENBLAS_CORETYPE = "Haswell";
    process.env.OPENBLAS_L2_SIZE = "1048576";
    try {
      const env = numpyEnv();
      expect(env.OPENBLAS_NUM_THREADS).toBe("1");
      expect("OPENBLAS_CORETYPE" in env).toBe(false);
      expect("OPENBLAS_L2_SIZE" in env).toBe(false);
      expect(process.env.OPENBLAS_CORETYPE).toBe("Haswell");
    } finally {
      delete process.env.OPENBLAS_CORETYPE;
      delete process.env.OPENBLAS_L2_SIZE;
    }
  });
  it("parses a yardstick's output and refuses output it does not understand", () => {
    const dir = mkdtempSync(join(tmpdir(), "ys-test-"));
    const good = join(dir, "good"),
      bad = join(dir, "bad");
    writeFileSync(good, '#!/bin/sh\nfor a in "$@"; do echo "$a 1000.5 0.25"; done\n');
    writeFileSync(bad, "#!/bin/sh\necho oops\n");
    chmodSync(good, 0o755);
    chmodSync(bad, 0o755);
    expect(runNativeWht(good, [10, 16])).toEqual([
      {log2n: 10, transformsPerSecond: 1000.5, nsPerElement: 0.25},
      {log2n: 16, transformsPerSecond: 1000.5, nsPerElement: 0.25}
    ]);
    expect(() => runNativeWht(bad, [10])).toThrow(/unexpected output line "oops"/);
  });
  it("says which folder lacks build.sh", () => {
    const dir = mkdtempSync(join(tmpdir(), "ys-empty-"));
    expect(() => buildYardsticks(dir)).toThrow(/no build\.sh in/);
  });
});
