/**
 * The measured anchors of ANCHORS.md (another machine: 2-vCPU AMD EPYC Zen 5, node 20, one core),
 * and a comparison that carries FFHT's figures over to this machine through the one column we
 * can re-measure here: the naive JS loop (our "radix2" kernel). Estimated FFHT on this machine =
 * FFHT(anchor) × naive(here) / naive(anchor); an estimate, not a measurement (±20 % or worse).
 */

export interface AnchorRow {
  log2n: number;
  /** Transforms per second on the anchor machine. */
  ffht: number;
  naiveJs: number;
  goodScalarJs: number;
  wasmSimdPrototype: number;
}

export const ANCHORS: AnchorRow[] = [
  {log2n: 4, ffht: 89.6e6, naiveJs: 17.9e6, goodScalarJs: 42.5e6, wasmSimdPrototype: 67.9e6},
  {log2n: 8, ffht: 16.4e6, naiveJs: 471e3, goodScalarJs: 2.02e6, wasmSimdPrototype: 8.30e6},
  {log2n: 10, ffht: 3.62e6, naiveJs: 148e3, goodScalarJs: 378e3, wasmSimdPrototype: 2.03e6},
  {log2n: 12, ffht: 799e3, naiveJs: 27.2e3, goodScalarJs: 88.1e3, wasmSimdPrototype: 454e3},
  {log2n: 14, ffht: 179e3, naiveJs: 6.2e3, goodScalarJs: 17.2e3, wasmSimdPrototype: 101e3},
  {log2n: 16, ffht: 39.3e3, naiveJs: 1.5e3, goodScalarJs: 3.1e3, wasmSimdPrototype: 20.6e3},
  {log2n: 18, ffht: 9.2e3, naiveJs: 289, goodScalarJs: 740, wasmSimdPrototype: 4.9e3},
  {log2n: 20, ffht: 2.1e3, naiveJs: 74, goodScalarJs: 154, wasmSimdPrototype: 1.1e3},
  {log2n: 22, ffht: 431, naiveJs: 16, goodScalarJs: 31, wasmSimdPrototype: 222},
  {log2n: 24, ffht: 81, naiveJs: 3.1, goodScalarJs: 7.9, wasmSimdPrototype: 52}
];

export interface AnchorComparison {
  log2n: number;
  /** naive(here) / naive(anchor): this machine's speed relative to the anchor machine. */
  machineFactor: number;
  /** FFHT's transforms per second carried over to this machine. */
  ffhtEquivalent: number;
  /** Our SIMD kernel's transforms per second here. */
  simd: number;
  /** simd / ffhtEquivalent (the goal: at least 0.6 from 2^10 to 2^20). */
  ratio: number;
  /** Our scalar kernel against the anchor's good scalar JS, carried over the same way. */
  scalarRatio: number | null;
}

/** Rows of a WHT benchmark (kernel, log2n, transformsPerSecond) → the comparison per anchor size. */
export function anchorComparison(rows: Array<{kernel: string; log2n: number; transformsPerSecond: number}>): AnchorComparison[] {
  const out: AnchorComparison[] = [];
  for (const a of ANCHORS) {
    const naive = rows.find((r) => r.kernel === "radix2" && r.log2n === a.log2n);
    const simd = rows.find((r) => r.kernel === "wasm-simd" && r.log2n === a.log2n);
    const scalar = rows.find((r) => r.kernel === "scalar" && r.log2n === a.log2n);
    if (!naive || !simd) continue;
    const machineFactor = naive.transformsPerSecond / a.naiveJs;
    const ffhtEquivalent = a.ffht * machineFactor;
    out.push({
      log2n: a.log2n, machineFactor, ffhtEquivalent, simd: simd.transformsPerSecond,
      ratio: simd.transformsPerSecond / ffhtEquivalent,
      scalarRatio: scalar ? scalar.transformsPerSecond / (a.goodScalarJs * machineFactor) : null
    });
  }
  return out;
}
