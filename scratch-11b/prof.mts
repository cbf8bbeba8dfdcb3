import {ready, createModel} from "../lib/index.js";
import {whtBatch} from "../lib/wht.js";
import {switchNetForward, switchNetBackward} from "../lib/switchnet.js";
import {kernelArrays} from "../lib/wasm/memory.js";
await ready();
const B = 64, W = 65536, m = 4;
const t = (name: string, f: () => void, reps = 7) => {
  f(); const ts: number[] = [];
  for (let i = 0; i < reps; i++) { const s = performance.now(); f(); ts.push(performance.now() - s); }
  ts.sort((a, b) => a - b); console.log(name, (ts[reps >> 1] / B).toFixed(4), "ms/sample");
};
const [x, y, w, gy, gx, gw] = kernelArrays([B * W, B * W, 2 * m * W, B * W, B * W, 2 * m * W]);
for (let i = 0; i < x.length; i++) { x[i] = Math.sin(i); gy[i] = Math.cos(i); }
for (let i = 0; i < w.length; i++) w[i] = Math.sin(i * 7);
t("wht full", () => whtBatch(x, {size: W, normalize: true}));
t("wht from4", () => whtBatch(x, {size: W, from: 4, normalize: true}));
t("layer fwd", () => switchNetForward(x, y, w, W, m, B));
t("layer bwd", () => switchNetBackward(x, gy, gx, w, gw, W, m, B));
t("fill", () => gy.fill(0));
const model = createModel({kind: "switchnet4", inputSize: 16, outputSize: 4, width: W, depth: 2, seed: 1});
const inp = new Float32Array(B * 16).map((_, i) => Math.sin(i));
const go = new Float32Array(B * 4).map((_, i) => Math.cos(i));
t("model fwd", () => model.forward(inp, B));
t("model fwd+bwd", () => { model.forward(inp, B); model.backward(go); });
