import {ready} from "../lib/index.js";
import {whtBatch} from "../lib/wht.js";
import {switchNetForward, switchNetBackward, switchNetWeightBackward} from "../lib/switchnet.js";
import {kernelArrays} from "../lib/wasm/memory.js";
import {createOptimizer} from "../lib/optim.js";
await ready();
const m = 4, W = 4096, B = 8;
const [x, y, w, gy, gx, gw] = kernelArrays([B * W, B * W, 2 * m * W, B * W, B * W, 2 * m * W]);
for (let i = 0; i < x.length; i++) { x[i] = Math.sin(i); gy[i] = Math.cos(i); }
for (let i = 0; i < w.length; i++) w[i] = Math.sin(i * 7);
const t = (name: string, f: () => void, per = B * W) => {
  for (let i = 0; i < 30; i++) f();
  const ts: number[] = [];
  for (let r = 0; r < 11; r++) { const s = performance.now(); for (let i = 0; i < 30; i++) f(); ts.push((performance.now() - s) / 30); }
  ts.sort((a, b) => a - b); console.log(name, "ns/elem med", (ts[5] * 1e6 / per).toFixed(3), "min", (ts[0] * 1e6 / per).toFixed(3));
};
t("wht from4", () => whtBatch(x, {size: W, from: 4, normalize: true}));
t("fwd", () => switchNetForward(x, y, w, W, m, B));
t("bwd", () => switchNetBackward(x, gy, gx, w, gw, W, m, B));
t("bwd w", () => switchNetWeightBackward(x, gy, w, gw, W, m, B));
const [p, g] = kernelArrays([1 << 20, 1 << 20]);
const opt = createOptimizer("adam", 1 << 20, {learningRate: 1e-4}, {kernelMemory: true});
t("adam per param", () => opt.step(p, g), 1 << 20);
t("fill per float", () => p.fill(0), 1 << 20);
