import {ready} from "../lib/index.js";
import {whtBatch} from "../lib/wht.js";
import {switchNetForward} from "../lib/switchnet.js";
import {kernelArrays} from "../lib/wasm/memory.js";
await ready();
const m = 4, W = 65536, B = 64, R = 2;
const [a0, a1, a2, w0, w1] = kernelArrays([B * W, B * W, B * W, 2 * m * W, 2 * m * W]);
const zeros = new Float32Array(W).map((_, i) => (i % 3 ? 1 : -1) * 0);
for (let i = 0; i < w0.length; i++) { w0[i] = Math.sin(i * 7); w1[i] = Math.cos(i * 3); }
const v = (a: Float32Array, r0: number) => a.subarray(r0 * W, (r0 + R) * W);
const parts: Record<string, (r0: number) => void> = {
  place: (r0) => { for (let b = 0; b < R; b++) { a0.set(zeros, (r0 + b) * W); for (let j = 0; j < 16; j++) a0[(r0 + b) * W + j] = Math.sin(j); } },
  wht: (r0) => whtBatch(v(a0, r0), {size: W, normalize: true}),
  l0: (r0) => switchNetForward(v(a0, r0), v(a1, r0), w0, W, m, R),
  l1: (r0) => switchNetForward(v(a1, r0), v(a2, r0), w1, W, m, R),
};
const time = (f: () => void) => { f(); const ts: number[] = []; for (let i = 0; i < 9; i++) { const s = performance.now(); f(); ts.push(performance.now() - s); } ts.sort((a, b) => a - b); return (ts[4] / B * 1000).toFixed(1); };
console.log("all", time(() => { for (let r0 = 0; r0 < B; r0 += R) for (const p of Object.values(parts)) p(r0); }), "us/sample");
for (const [k, p] of Object.entries(parts)) console.log(k, time(() => { for (let r0 = 0; r0 < B; r0 += R) p(r0); }));
