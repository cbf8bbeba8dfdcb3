import {ready, createModel} from "../lib/index.js";
import {createOptimizer} from "../lib/optim.js";
await ready();
const B = 64;
const model = createModel({kind: "switchnet4", inputSize: 16, outputSize: 4, width: 65536, depth: 2, seed: 1});
const inp = new Float32Array(B * 16).map((_, i) => Math.sin(i));
const go = new Float32Array(B * 4).map((_, i) => Math.cos(i) * 1e-3);
const opt = createOptimizer("adam", model.params.length, {learningRate: 1e-6}, {kernelMemory: true});
const t = (name: string, f: () => void, reps = 9) => {
  f(); const ts: number[] = [];
  for (let i = 0; i < reps; i++) { const s = performance.now(); f(); ts.push(performance.now() - s); }
  ts.sort((a, b) => a - b); console.log(name, "med", (ts[reps >> 1] / B * 1000).toFixed(1), "min", (ts[0] / B * 1000).toFixed(1), "us/sample");
};
t("zeroGrad", () => model.zeroGrad());
t("fwd", () => model.forward(inp, B));
t("fwd+bwd(noinput)", () => { model.forward(inp, B); model.backward(go, {inputGradient: false}); });
t("fwd+bwd(input)", () => { model.forward(inp, B); model.backward(go); });
t("adam", () => opt.step(model.params, model.grads));
