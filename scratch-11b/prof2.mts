import {ready} from "../lib/index.js";
import {whtBatch} from "../lib/wht.js";
import {switchNetForward, switchNetBackward} from "../lib/switchnet.js";
import {kernelArrays} from "../lib/wasm/memory.js";
await ready();
const m = 4;
for (const [W, B] of [[65536, 64], [4096, 1024], [1024, 4096]]) {
const t = (name: string, f: () => void, reps = 7) => {
  f(); const ts: number[] = [];
  for (let i = 0; i < reps; i++) { const s = performance.now(); f(); ts.push(performance.now() - s); }
  ts.sort((a, b) => a - b); console.log(W, name, (ts[reps >> 1] / B * 65536 / W).toFixed(4), "ms per 65536 elems");
};
const [x, y, w, gy, gx, gw] = kernelArrays([B * W, B * W, 2 * m * W, B * W, B * W, 2 * m * W]);
for (let i = 0; i < x.length; i++) { x[i] = Math.sin(i); gy[i] = Math.cos(i); }
for (let i = 0; i < w.length; i++) w[i] = Math.sin(i * 7);
t("wht from4", () => whtBatch(x, {size: W, from: 4, normalize: true}));
t("layer fwd", () => switchNetForward(x, y, w, W, m, B));
t("layer bwd", () => switchNetBackward(x, gy, gx, w, gw, W, m, B));
}
