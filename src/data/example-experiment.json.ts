/**
 * Data loader template: a precomputed experiment. Framework runs this file at build time (and in
 * `npm run dev` when a page asks for `data/example-experiment.json`) and serves whatever it
 * prints on stdout as that file. Print JSON and nothing else on stdout; progress goes to stderr.
 *
 * The experiment: train Switch Net 4 on xor at three widths with three seeds each and keep the
 * test loss after every epoch. Every random thing takes a seed, so the output is the same on
 * every build. Copy this file to src/data/<your-name>.json.ts to start your own.
 */
// Loaders run in Node (tsx); src/lib is a link to the library.
import {createModel, createTrainer, datasets} from "../lib/index.js";

const WIDTHS = [8, 16, 32];
const SEEDS = [1, 2, 3];
const EPOCHS = 40;

interface Row {
  width: number;
  seed: number;
  epoch: number;
  testLoss: number;
  testAccuracy: number;
}

function run(width: number, seed: number): Row[] {
  const data = datasets.xor({seed});
  const model = createModel({kind: "switchnet4", inputSize: 2, outputSize: 2, width, depth: 2, seed});
  const trainer = createTrainer(model, data, {learningRate: 0.02, batchSize: 16, seed, evaluateTrain: false});
  const rows: Row[] = [];
  for (let e = 0; e < EPOCHS; e++) {
    const record = trainer.epoch();
    rows.push({
      width,
      seed,
      epoch: record.epoch,
      testLoss: record.testLoss ?? NaN,
      testAccuracy: record.testAccuracy ?? NaN
    });
  }
  return rows;
}

const rows: Row[] = [];
for (const width of WIDTHS) {
  for (const seed of SEEDS) {
    process.stderr.write(`training width ${width}, seed ${seed}\n`);
    rows.push(...run(width, seed));
  }
}

process.stdout.write(
  JSON.stringify({
    experiment: "Switch Net 4 on xor: test loss per epoch",
    settings: {
      widths: WIDTHS,
      seeds: SEEDS,
      epochs: EPOCHS,
      depth: 2,
      learningRate: 0.02,
      batchSize: 16,
      optimizer: "adam"
    },
    rows
  })
);
