/**
 * The name of the kernels a model trains with, as recorded in weights files and experiment
 * records: `backend()` ("scalar" or "wasm-simd"), with "+fma" for a dense model whose products use
 * relaxed-SIMD fused multiply-add (lib/kernels/gemm.ts): those round once per multiply-add, so the
 * same seed trains to other bits than on the plain kernels.
 */
import type {ModelKind} from "../types.js";
import {backend} from "../wht.js";
import {fusedMultiplyAdd} from "./gemm.js";

export function trainingKernels(kind: ModelKind): string {
  const b = backend();
  return kind === "dense" && b === "wasm-simd" && fusedMultiplyAdd() ? `${b}+fma` : b;
}
