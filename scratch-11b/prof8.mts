import {ready, createModel} from "../lib/index.js";
import {setBatchTileRows} from "../lib/model.js";
import {createTrainer} from "../lib/train.js";
import {createRng} from "../lib/random.js";
await ready();
const B = 64, inputSize = 16, outputSize = 4, n = 4 * B;
const rng = createRng(11);
const data = {name: "random", task: "regression" as const, inputSize, outputSize,
  train: {x: Float32Array.from({length: n * inputSize}, () => rng.normal()), y: Float32Array.from({length: n * outputSize}, () => rng.normal()), n},
  test: {x: new Float32Array(0), y: new Float32Array(0), n: 0}};
const combos = (process.argv[2] ?? "2:2,2:4,4:2").split(",").map((c) => c.split(":").map(Number));
const setups = combos.map(([tf, tb]) => {
  const model = createModel({kind: "switchnet4", inputSize, outputSize, width: 65536, depth: 2, seed: 1});
  const f = model.forward, bw = model.backward;
  (model as any).forward = (x: Float32Array, b: number) => { setBatchTileRows(tf); return f(x, b); };
  (model as any).backward = (g: Float32Array, o: any) => { setBatchTileRows(tb); return bw(g, o); };
  const trainer = createTrainer(model, data, {batchSize: B, learningRate: 1e-4, optimizer: "adam"});
  trainer.step();
  return {c: `${tf}:${tb}`, trainer, ts: [] as number[]};
});
for (let r = 0; r < 7; r++) for (const s of setups) { const a = performance.now(); s.trainer.step(); s.ts.push(performance.now() - a); }
for (const s of setups) { const ts = s.ts.sort((a, b) => a - b); console.log("fwd:bwd tiles", s.c, "ms/sample med", (ts[3] / B).toFixed(4), "min", (ts[0] / B).toFixed(4)); }
