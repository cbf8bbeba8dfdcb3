// The README's library example, run as written there, with the figures it quotes.
import {describe, expect, it} from "vitest";
import {readFileSync} from "node:fs";
import {wht, createModel, train, datasets, withBiasInput} from "../lib/index.js";
import {readmeAnswer, replaceReadmeAnswer} from "../src/components/capacity/readme.js";

describe("README example", () => {
  const readme = readFileSync("README.md", "utf8");

  it("quotes the WHT of its vector correctly", () => {
    const x = wht(Float32Array.from([1, 0, 1, 0, 0, 1, 1, 0]));
    expect(Array.from(x)).toEqual([4, 2, 0, -2, 0, 2, 0, 2]);
    expect(readme).toContain("[4, 2, 0, -2, 0, 2, 0, 2]");
  });

  it("trains Switch Net 4 on the spiral to the accuracy it quotes", () => {
    const data = withBiasInput(datasets.spiral({n: 400, noise: 0.1, seed: 1}));
    const model = createModel({
      kind: "switchnet4",
      inputSize: data.inputSize,
      outputSize: data.outputSize,
      width: 32,
      depth: 3,
      seed: 1
    });
    const history = train(model, data, {
      epochs: 60,
      batchSize: 32,
      optimizer: "adam",
      learningRate: 0.03,
      loss: "softmax-cross-entropy",
      seed: 1
    });
    const acc = history.at(-1)!.testAccuracy!;
    expect(readme).toContain(`testAccuracy;         // ${acc.toFixed(2)}`);
    expect(acc).toBeGreaterThan(0.9);
  });
});

describe("README capacity answer", () => {
  it("is exactly what the committed results give (regenerate with scripts/capacity-table.ts --write-readme)", () => {
    const readme = readFileSync("README.md", "utf8");
    const block = readmeAnswer(readFileSync("data/capacity/results.jsonl", "utf8"));
    expect(block).toMatch(/^<!-- capacity-answer[\s\S]*\| task \| budget \|[\s\S]*<!-- \/capacity-answer -->$/);
    expect(replaceReadmeAnswer(readme, block)).toBe(readme);
  });
});
