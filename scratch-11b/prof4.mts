import {ready} from "../lib/index.js";
import {whtBatch} from "../lib/wht.js";
import {switchNetForward, switchNetBackward} from "../lib/switchnet.js";
import {kernelArrays} from "../lib/wasm/memory.js";
await ready();
const m = 4, W = 4096, B = 8;
const [x, y, w, gy, gx, gw] = kernelArrays([B * W, B * W, 2 * m * W, B * W, B * W, 2 * m * W]);
for (let i = 0; i < x.length; i++) { x[i] = Math.sin(i); gy[i] = Math.cos(i); }
for (let i = 0; i < w.length; i++) w[i] = Math.sin(i * 7);
const t = (name: string, f: () => void) => {
  for (let i = 0; i < 50; i++) f();
  const ts: number[] = [];
  for (let r = 0; r < 15; r++) { const s = performance.now(); for (let i = 0; i < 50; i++) f(); ts.push((performance.now() - s) / 50); }
  ts.sort((a, b) => a - b); console.log(name, "ns/elem med", (ts[7] * 1e6 / (B * W)).toFixed(3), "min", (ts[0] * 1e6 / (B * W)).toFixed(3));
};
t("wht from4", () => whtBatch(x, {size: W, from: 4, normalize: true}));
t("fwd", () => switchNetForward(x, y, w, W, m, B));
t("bwd", () => switchNetBackward(x, gy, gx, w, gw, W, m, B));
