import {ready} from "../lib/index.js";
import {whtBatch} from "../lib/wht.js";
import {switchNetForward, switchNetBackward} from "../lib/switchnet.js";
import {kernelArrays} from "../lib/wasm/memory.js";
await ready();
const m = 4, W = 65536, B = 64;
const [a0, a1, a2, g0, g1, w0, w1, gw0, gw1] = kernelArrays([B * W, B * W, B * W, B * W, B * W, 2 * m * W, 2 * m * W, 2 * m * W, 2 * m * W]);
for (let i = 0; i < a0.length; i++) { a0[i] = Math.sin(i); }
for (let i = 0; i < w0.length; i++) { w0[i] = Math.sin(i * 7); w1[i] = Math.cos(i * 3); }
const run = (R: number) => {
  for (let r0 = 0; r0 < B; r0 += R) {
    const v = (a: Float32Array) => a.subarray(r0 * W, (r0 + R) * W);
    whtBatch(v(a0), {size: W, normalize: true});
    switchNetForward(v(a0), v(a1), w0, W, m, R);
    switchNetForward(v(a1), v(a2), w1, W, m, R);
  }
  for (let r0 = 0; r0 < B; r0 += R) {
    const v = (a: Float32Array) => a.subarray(r0 * W, (r0 + R) * W);
    v(g0).set(v(a2));
    switchNetBackward(v(a1), v(g0), v(g1), w1, gw1, W, m, R);
    switchNetBackward(v(a0), v(g1), v(g0), w0, gw0, W, m, R);
    whtBatch(v(g0), {size: W, normalize: true});
  }
};
const Rs = [64, 16, 8, 4, 2, 1];
const res: Record<number, number[]> = {};
for (const R of Rs) { run(R); res[R] = []; }
for (let rep = 0; rep < 7; rep++) for (const R of Rs) { const s = performance.now(); run(R); res[R].push(performance.now() - s); }
for (const R of Rs) { const ts = res[R].sort((a, b) => a - b); console.log("R", R, (ts[3] / B).toFixed(4), "ms/sample min", (ts[0] / B).toFixed(4)); }
