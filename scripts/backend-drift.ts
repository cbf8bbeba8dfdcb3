/**
 * How far the scalar and WebAssembly SIMD backends drift apart in training: trains each model kind
 * on the spiral (width 64, depth 2, Adam, the same seeds) once per backend and prints the relative
 * difference of the parameters, ‖p_scalar − p_wasm‖ / ‖p_scalar‖, and both test losses.
 * Usage: npx tsx scripts/backend-drift.ts
 */
import {backend, createModel, createTrainer, datasets, ready, setBackend} from "../lib/index.js";

const SETTINGS = [
  {learningRate: 0.01, steps: 100},
  {learningRate: 0.1, steps: 1000}
];

async function main(): Promise<void> {
  await ready();
  for (const {learningRate, steps} of SETTINGS) {
    for (const kind of ["switchnet4", "butterfly", "filterbank", "dense"] as const) {
      const run = (name: string) => {
        setBackend(name);
        const data = datasets.spiral({seed: 1});
        const model = createModel({
          kind,
          inputSize: data.inputSize,
          outputSize: data.outputSize,
          width: 64,
          depth: 2,
          seed: 1
        });
        const trainer = createTrainer(model, data, {optimizer: "adam", learningRate, batchSize: 32, seed: 1});
        for (let i = 0; i < steps; i++) trainer.step();
        const result = {
          params: Float32Array.from(model.params),
          loss: trainer.evaluate("test").loss,
          backend: backend()
        };
        model.dispose();
        return result;
      };
      const a = run("scalar");
      const b = run("auto");
      let num = 0;
      let den = 0;
      for (let i = 0; i < a.params.length; i++) {
        num += (a.params[i] - b.params[i]) ** 2;
        den += a.params[i] ** 2;
      }
      console.log(
        JSON.stringify({
          kind,
          learningRate,
          steps,
          backends: [a.backend, b.backend],
          relativeDifference: Number(Math.sqrt(num / den).toPrecision(3)),
          testLoss: [Number(a.loss.toPrecision(4)), Number(b.loss.toPrecision(4))]
        })
      );
    }
  }
  setBackend("auto");
}

void main();
