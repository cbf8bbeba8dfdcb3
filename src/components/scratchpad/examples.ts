/**
 * Scratchpad: the worked examples a reader sees first (and gets back with the Examples button).
 * Each string is one cell. They use only names from the Scratchpad scope (scope.ts).
 */

export const EXAMPLE_CELLS: readonly string[] = [
  `// Transform a vector and plot it. Cells are JavaScript; the last expression is shown.
// Two spikes go in; the Walsh–Hadamard transform spreads each over every output.
const n = 64;
const x = new Float32Array(n);
x[3] = 1;
x[40] = -0.5;
const y = wht(x.slice(), {normalize: true}); // wht works in place, so transform a copy
const rows = [
  ...Array.from(x, (value, i) => ({i, value, series: "input"})),
  ...Array.from(y, (value, i) => ({i, value, series: "WHT(input) / √n"}))
];
Plot.plot({
  width, height: 240, grid: true, color: {legend: true},
  marks: [Plot.ruleY([0]), Plot.lineY(rows, {x: "i", y: "value", stroke: "series", curve: "step"})]
})`,

  `// Check the fast transform against the O(n²) product with the Hadamard matrix, on a
// seeded random vector: the largest difference is float32 rounding.
const rng = createRng(7);
const z = Float32Array.from({length: 1024}, () => rng.normal());
const fast = wht(z.slice());
const slow = whtReference(z);
d3.max(fast, (v, i) => Math.abs(v - slow[i]))`,

  `// Train a small Switch Net 4 on xor. \`await tick()\` lets the page breathe between epochs,
// so Stop works while it trains.
const data = datasets.xor({seed: 1});
const model = createModel({kind: "switchnet4", inputSize: 2, outputSize: 2, width: 16, depth: 2, seed: 1});
const trainer = createTrainer(model, data, {learningRate: 0.02, batchSize: 16, seed: 1});
const records = [];
for (let epoch = 0; epoch < 60; epoch++) {
  records.push(trainer.epoch());
  if (epoch % 10 === 9) await tick();
}
records.at(-1)`,

  `// Draw the loss per epoch (an array of objects is also shown as a table: try \`records\`).
Plot.plot({
  width, height: 240, grid: true, y: {type: "log", label: "loss"}, color: {legend: true},
  marks: [
    Plot.lineY(records, {x: "epoch", y: "trainLoss", stroke: () => "train"}),
    Plot.lineY(records, {x: "epoch", y: "testLoss", stroke: () => "test"})
  ]
})`,

  `// What the trained model says over the whole square: class 1 probability on a grid,
// with the test points on top.
const side = 48;
const grid = new Float32Array(side * side * 2);
for (let r = 0; r < side; r++) for (let c = 0; c < side; c++) {
  grid[2 * (r * side + c)] = -1 + (2 * c + 1) / side;
  grid[2 * (r * side + c) + 1] = 1 - (2 * r + 1) / side;
}
const logits = model.forward(grid, side * side);
const p1 = Array.from({length: side * side}, (_, k) => 1 / (1 + Math.exp(logits[2 * k] - logits[2 * k + 1])));
const points = Array.from(data.test.labels, (label, k) => ({x: data.test.x[2 * k], y: data.test.x[2 * k + 1], label}));
Plot.plot({
  width: Math.min(width, 420), aspectRatio: 1, color: {type: "linear", scheme: "RdBu", domain: [0, 1], legend: true, label: "p(class 1)"},
  marks: [
    Plot.raster(p1, {width: side, height: side, x1: -1, x2: 1, y1: 1, y2: -1, fill: (d) => d}),
    Plot.dot(points.filter((d) => d.label === 0), {x: "x", y: "y", fill: "#b2182b", stroke: "white", r: 3}),
    Plot.dot(points.filter((d) => d.label === 1), {x: "x", y: "y", fill: "#2166ac", stroke: "white", r: 3})
  ]
})`,

  `// Compare the weight counts of two widths, one layer each. Stored weights are what training
// learns, active ones are used per sample; the WHT's fixed ±1 edges are connections, not
// parameters. The last column is the dense layer with as many edges (≈ 1448 at 65,536).
[1024, 65536].map((w) => {
  const sn4 = counts("switchnet4", w);
  return {
    width: w, stored: sn4.stored, active: sn4.active, edges: sn4.edges,
    "dense weights": counts("dense", w).stored, "dense of equal edges": equalDenseWidth(w)
  };
})`,

  `// Why two projection rounds: one round gives an input of 2 values and a constant only 4
// distinct features at any width, so every group of the first layer sees the same few values.
// Two rounds give almost one feature per unit (createModel({..., projectionRounds: 2})).
[1024, 16384].flatMap((w) => [1, 2].map((projectionRounds) => ({
  width: w, projectionRounds,
  ...projectionDiversity({width: w, inputSize: 3, projectionRounds, projection: "random"})
})))`
];
