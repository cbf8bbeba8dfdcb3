// Run by tests/gemm.test.ts in a Node started with --experimental-wasm-relaxed-simd: the dense
// products with fused multiply-add against float64 references (within the rounding tolerance) and
// against the plain kernels (how many results differ). Prints one JSON object.
import {
  fusedMultiplyAdd,
  matmulAdd,
  matmulTransAAdd,
  matmulTransB,
  setFusedMultiplyAdd
} from "../../lib/kernels/gemm.js";
import {trainingKernels} from "../../lib/kernels/label.js";
import {createRng} from "../../lib/random.js";
import {relaxedSimdSupported} from "../../lib/wasm/runtime.js";
import {ready} from "../../lib/wht.js";

function randomArray(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = rng.normal();
  return x;
}

/** Float32 products summed in float64 are off by at most about K rounding steps of the |terms|. */
const REL = 2 ** -21;

await ready();
const relaxed = relaxedSimdSupported();
const fused = relaxed && setFusedMultiplyAdd("on");
const cases: Array<{label: string; worstOverTolerance: number; differsFromPlain: number}> = [];
const shapes: Array<[number, number, number]> = [
  [1, 1, 1],
  [3, 5, 7],
  [4, 8, 8],
  [5, 9, 13],
  [7, 4, 17],
  [8, 130, 20],
  [9, 257, 33],
  [64, 300, 40]
];

type Product = {label: string; out: number; run: (c: Float32Array) => void; exact: (i: number) => [number, number]};
for (const [M, K, N] of shapes) {
  const a = randomArray(M * K, 1),
    b = randomArray(K * N, 2),
    bt = randomArray(N * K, 3),
    gy = randomArray(M * N, 4);
  const c0 = randomArray(Math.max(M, K) * N, 5);
  const products: Product[] = [
    {
      label: `a·b ${M}×${K}×${N}`,
      out: M * N,
      run: (c) => matmulAdd(a, b, c, M, K, N),
      exact: (e) => {
        const i = Math.floor(e / N),
          j = e % N;
        let s = c0[e],
          abs = Math.abs(s);
        for (let t = 0; t < K; t++) {
          const p = a[i * K + t] * b[t * N + j];
          s += p;
          abs += Math.abs(p);
        }
        return [s, REL * (K + 1) * abs];
      }
    },
    {
      label: `aᵀ·b ${M}×${K}×${N}`,
      out: K * N,
      run: (c) => matmulTransAAdd(a, gy, c, M, K, N),
      exact: (e) => {
        const k = Math.floor(e / N),
          j = e % N;
        let s = c0[e],
          abs = Math.abs(s);
        for (let i = 0; i < M; i++) {
          const p = a[i * K + k] * gy[i * N + j];
          s += p;
          abs += Math.abs(p);
        }
        return [s, REL * (M + 1) * abs];
      }
    },
    {
      label: `a·bᵀ ${M}×${K}×${N}`,
      out: M * N,
      run: (c) => matmulTransB(a, bt, c, M, K, N, true),
      exact: (e) => {
        const i = Math.floor(e / N),
          j = e % N;
        let s = c0[e],
          abs = Math.abs(s);
        for (let t = 0; t < K; t++) {
          const p = a[i * K + t] * bt[j * K + t];
          s += p;
          abs += Math.abs(p);
        }
        return [s, REL * (K + 1) * abs];
      }
    }
  ];
  for (const p of products) {
    const withFma = c0.slice(0, p.out);
    setFusedMultiplyAdd(fused ? "on" : "off");
    p.run(withFma);
    const plain = c0.slice(0, p.out);
    setFusedMultiplyAdd("off");
    p.run(plain);
    let worst = 0,
      differs = 0;
    for (let e = 0; e < p.out; e++) {
      const [want, tol] = p.exact(e);
      worst = Math.max(worst, Math.abs(withFma[e] - want) / tol);
      if (!Object.is(withFma[e], plain[e])) differs++;
    }
    cases.push({label: p.label, worstOverTolerance: worst, differsFromPlain: differs});
  }
}
setFusedMultiplyAdd(fused ? "on" : "off");
// What weights files and experiment records say the models trained with, FMA on.
const kernels = {dense: trainingKernels("dense"), switchnet4: trainingKernels("switchnet4")};
console.log(JSON.stringify({relaxed, fused: fused && fusedMultiplyAdd(), cases, kernels}));
