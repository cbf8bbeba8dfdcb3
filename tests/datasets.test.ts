import {describe, expect, it} from "vitest";
import {
  circle,
  curve,
  datasets,
  gaussians,
  image,
  memorisation,
  pictures,
  polynomial,
  sawtooth,
  sine,
  sinusoids,
  spiral,
  step,
  withBiasInput,
  xor
} from "../lib/datasets.js";
import {SwitchNetError} from "../lib/check.js";
import type {Dataset, Split} from "../lib/types.js";

const classifiers = {circle, xor, gaussians, spiral} as const;
const curves = {sine, step, sawtooth, polynomial} as const;

function same(a: Dataset, b: Dataset): boolean {
  const eq = (x: ArrayLike<number>, y: ArrayLike<number>) =>
    x.length === y.length && Array.prototype.every.call(x, (v: number, i: number) => Object.is(v, y[i]));
  return eq(a.train.x, b.train.x) && eq(a.train.y, b.train.y) && eq(a.test.x, b.test.x) && eq(a.test.y, b.test.y);
}

function checkShapes(d: Dataset): void {
  for (const s of [d.train, d.test]) {
    expect(s.x).toBeInstanceOf(Float32Array);
    expect(s.y).toBeInstanceOf(Float32Array);
    expect(s.x.length).toBe(s.n * d.inputSize);
    expect(s.y.length).toBe(s.n * d.outputSize);
    for (const v of s.x) expect(Number.isFinite(v)).toBe(true);
    for (const v of s.y) expect(Number.isFinite(v)).toBe(true);
  }
}

function classCounts(s: Split, k: number): number[] {
  const counts = new Array(k).fill(0);
  for (const l of s.labels!) counts[l]++;
  return counts;
}

describe("2-D classification generators", () => {
  for (const [name, gen] of Object.entries(classifiers)) {
    it(`${name}: seeded, right shapes, balanced labels matching one-hot targets, inputs near [−1, 1]`, () => {
      const d = gen({n: 301, testFraction: 0.25, seed: 7});
      expect(same(d, gen({n: 301, testFraction: 0.25, seed: 7}))).toBe(true);
      expect(same(d, gen({n: 301, testFraction: 0.25, seed: 8}))).toBe(false);
      expect(d.name).toBe(name);
      expect(d.task).toBe("classification");
      expect(d.inputSize).toBe(2);
      expect(d.outputSize).toBe(d.classes);
      expect(d.train.n + d.test.n).toBe(301);
      expect(d.test.n).toBe(75);
      checkShapes(d);
      for (const s of [d.train, d.test]) {
        const counts = classCounts(s, d.classes!);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        for (let i = 0; i < s.n; i++) {
          for (let c = 0; c < d.classes!; c++) expect(s.y[i * d.classes! + c]).toBe(c === s.labels![i] ? 1 : 0);
        }
        for (const v of s.x) expect(Math.abs(v)).toBeLessThan(1.5);
      }
    });
  }

  it("circle: class 0 inside radius 0.5, class 1 in the ring 0.7–1 (no noise)", () => {
    const d = circle({n: 400, noise: 0, seed: 3});
    for (let i = 0; i < d.train.n; i++) {
      const r = Math.hypot(d.train.x[2 * i], d.train.x[2 * i + 1]);
      if (d.train.labels![i] === 0) expect(r).toBeLessThanOrEqual(0.5 + 1e-6);
      else {
        expect(r).toBeGreaterThanOrEqual(0.7 - 1e-6);
        expect(r).toBeLessThanOrEqual(1 + 1e-6);
      }
    }
  });

  it("xor: class 0 where x·y > 0, class 1 where x·y < 0 (no noise), all four quadrants used", () => {
    const d = xor({n: 400, noise: 0, seed: 3});
    const quadrants = new Set<string>();
    for (let i = 0; i < d.train.n; i++) {
      const x = d.train.x[2 * i],
        y = d.train.x[2 * i + 1];
      expect(Math.min(Math.abs(x), Math.abs(y))).toBeGreaterThanOrEqual(0.05 - 1e-6);
      expect(d.train.labels![i]).toBe(x * y > 0 ? 0 : 1);
      quadrants.add(`${Math.sign(x)},${Math.sign(y)}`);
    }
    expect(quadrants.size).toBe(4);
  });

  it("gaussians: k classes whose means sit near the centres on radius 0.6", () => {
    const d = gaussians({n: 3000, classes: 5, noise: 0.1, seed: 2});
    expect(d.classes).toBe(5);
    const centres = d.meta!.centres as number[][];
    for (let c = 0; c < 5; c++) {
      let mx = 0,
        my = 0,
        count = 0;
      for (let i = 0; i < d.train.n; i++) {
        if (d.train.labels![i] !== c) continue;
        mx += d.train.x[2 * i];
        my += d.train.x[2 * i + 1];
        count++;
      }
      expect(Math.hypot(mx / count - centres[c][0], my / count - centres[c][1])).toBeLessThan(0.03);
      expect(Math.hypot(...centres[c])).toBeCloseTo(0.6, 10);
    }
  });

  it("spiral: arms are the classes; each point lies on its arm (no noise)", () => {
    const d = spiral({n: 300, arms: 3, turns: 1.5, noise: 0, seed: 4});
    expect(d.classes).toBe(3);
    for (let i = 0; i < d.train.n; i++) {
      const x = d.train.x[2 * i],
        y = d.train.x[2 * i + 1];
      const t = (Math.hypot(x, y) - 0.05) / 0.95;
      const expected = 2 * Math.PI * (1.5 * t + d.train.labels![i] / 3);
      const diff = Math.atan2(y, x) - expected;
      // same angle modulo 2π
      expect(Math.abs(Math.atan2(Math.sin(diff), Math.cos(diff)))).toBeLessThan(1e-4);
    }
  });
});

describe("1-D regression curves", () => {
  const fns: Record<string, (x: number) => number> = {
    sine: (x) => Math.sin(Math.PI * x),
    step: (x) => (x < 0 ? -1 : 1),
    sawtooth: (x) => {
      const p = x + 1;
      return 2 * (p - Math.floor(p)) - 1;
    },
    polynomial: (x) => 1.5 * x ** 3 - x
  };
  for (const [name, gen] of Object.entries(curves)) {
    it(`${name}: seeded, clean test targets on the curve, noisy train targets`, () => {
      const d = gen({n: 2000, noise: 0.1, seed: 5});
      expect(same(d, gen({n: 2000, noise: 0.1, seed: 5}))).toBe(true);
      expect(same(d, gen({n: 2000, noise: 0.1, seed: 6}))).toBe(false);
      expect(d.task).toBe("regression");
      expect([d.inputSize, d.outputSize, d.train.n, d.test.n]).toEqual([1, 1, 1600, 400]);
      checkShapes(d);
      for (let i = 0; i < d.test.n; i++) {
        expect(Math.abs(d.test.x[i])).toBeLessThanOrEqual(1);
        expect(d.test.y[i]).toBeCloseTo(fns[name](d.test.x[i]), 5);
      }
      let sq = 0;
      for (let i = 0; i < d.train.n; i++) sq += (d.train.y[i] - fns[name](d.train.x[i])) ** 2;
      expect(Math.sqrt(sq / d.train.n)).toBeGreaterThan(0.09);
      expect(Math.sqrt(sq / d.train.n)).toBeLessThan(0.11);
    });
  }

  it("take their own shape options", () => {
    const s = sine({frequency: 3, noise: 0, n: 50});
    for (let i = 0; i < s.train.n; i++) expect(s.train.y[i]).toBeCloseTo(Math.sin(3 * Math.PI * s.train.x[i]), 5);
    const st = step({steps: 2, noise: 0, n: 200});
    for (let i = 0; i < st.train.n; i++) {
      const x = st.train.x[i];
      expect(st.train.y[i]).toBe(x < -1 / 3 ? -1 : x < 1 / 3 ? 0 : 1);
    }
    const p = polynomial({coefficients: [1, 2], noise: 0, n: 20});
    for (let i = 0; i < p.train.n; i++) expect(p.train.y[i]).toBeCloseTo(1 + 2 * p.train.x[i], 5);
    const c = curve("abs", Math.abs, {noise: 0, n: 20});
    for (let i = 0; i < c.train.n; i++) expect(c.train.y[i]).toBeCloseTo(Math.abs(c.train.x[i]), 6);
  });
});

describe("image", () => {
  // 2×2 RGBA: red, green / blue, white
  const rgba = new Uint8ClampedArray([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 128]);

  it("maps pixel centres (x right, y up) to colours in [0, 1]; test is the raster grid", () => {
    const d = image(rgba, 2, 2);
    expect([d.inputSize, d.outputSize, d.train.n, d.test.n]).toEqual([2, 3, 4, 4]);
    expect(d.meta).toMatchObject({width: 2, height: 2, channels: 3});
    expect([...d.test.x]).toEqual([-0.5, 0.5, 0.5, 0.5, -0.5, -0.5, 0.5, -0.5]);
    expect([...d.test.y]).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1]);
    expect([...d.train.y]).toEqual([...d.test.y]);
  });

  it("converts to gray with Rec. 601 weights and reads gray sources", () => {
    const g = image(rgba, 2, 2, {channels: 1});
    expect(g.outputSize).toBe(1);
    expect(g.test.y[0]).toBeCloseTo(0.299, 6);
    expect(g.test.y[1]).toBeCloseTo(0.587, 6);
    const fromGray = image([0, 51, 102, 255], 2, 2);
    expect(fromGray.outputSize).toBe(1);
    expect([...fromGray.test.y].map((v) => +v.toFixed(6))).toEqual([0, 0.2, 0.4, 1]);
    const floats = image(new Float32Array([0, 0.5, 0.25, 1]), 2, 2, {channels: 3});
    expect(floats.test.y[3]).toBe(0.5);
  });

  it("samples n distinct pixels for training, seeded", () => {
    const pic = pictures.rings(16);
    const d = image(pic.pixels, 16, 16, {n: 50, seed: 3});
    expect(d.train.n).toBe(50);
    expect(d.test.n).toBe(256);
    const keys = new Set<string>();
    for (let i = 0; i < 50; i++) keys.add(`${d.train.x[2 * i]},${d.train.x[2 * i + 1]}`);
    expect(keys.size).toBe(50);
    expect(same(d, image(pic.pixels, 16, 16, {n: 50, seed: 3}))).toBe(true);
    expect(same(d, image(pic.pixels, 16, 16, {n: 50, seed: 4}))).toBe(false);
  });

  it("rejects bad pixel arrays and options", () => {
    expect(() => image(new Uint8Array(10), 2, 2)).toThrow(SwitchNetError);
    expect(() => image(new Uint8Array(10), 2, 2)).toThrow(
      /pixels must hold 1, 3 or 4 values per pixel \(4, 12 or 16 for 2×2\), got length 10/
    );
    expect(() => image([0, 1, 300, 4], 2, 2)).toThrow(/pixels\[2\] must be a number between 0 and 255, got 300/);
    expect(() => image([0, 1, NaN, 4], 2, 2)).toThrow(/pixels\[2\]/);
    expect(() => image(rgba, 2, 2, {channels: 2 as never})).toThrow(/channels must be 1 or 3, got 2/);
    expect(() => image(rgba, 2, 2, {n: 5})).toThrow(/n must be between 1 and 4, got 5/);
    expect(() => image(rgba, 0, 2)).toThrow(/width must be between 1 and 32768, got 0/);
  });
});

describe("pictures", () => {
  it("are opaque RGBA arrays of the asked size", () => {
    for (const pic of [pictures.checkerboard(20), pictures.rings(20), pictures.smiley(20)]) {
      expect([pic.width, pic.height, pic.pixels.length]).toEqual([20, 20, 1600]);
      for (let i = 3; i < pic.pixels.length; i += 4) expect(pic.pixels[i]).toBe(255);
    }
  });
  it("checkerboard alternates squares; smiley is yellow in the middle, dark eyes", () => {
    const board = pictures.checkerboard(8, 4); // 2×2-pixel squares
    const px = (p: {pixels: Uint8ClampedArray; width: number}, col: number, row: number) => [
      ...p.pixels.subarray((row * p.width + col) * 4, (row * p.width + col) * 4 + 3)
    ];
    expect(px(board, 0, 0)).toEqual(px(board, 1, 1));
    expect(px(board, 0, 0)).not.toEqual(px(board, 2, 0));
    expect(px(board, 2, 0)).toEqual(px(board, 0, 2));
    const face = pictures.smiley(40);
    expect(px(face, 20, 20)).toEqual([255, 217, 51]); // (1, 0.85, 0.2) × 255
    // left eye centre at (−0.3, 0.25): column (−0.3 + 1)/2·40 = 14, row (1 − 0.25)/2·40 = 15
    expect(Math.max(...px(face, 14, 15))).toBeLessThan(40);
  });
});

describe("memorisation", () => {
  it("random regression pairs in [−1, 1], seeded, empty test split", () => {
    const d = memorisation({n: 100, inputSize: 8, outputSize: 3, seed: 9});
    expect([d.inputSize, d.outputSize, d.train.n, d.test.n]).toEqual([8, 3, 100, 0]);
    checkShapes(d);
    for (const v of [...d.train.x, ...d.train.y]) expect(Math.abs(v)).toBeLessThanOrEqual(1);
    expect(same(d, memorisation({n: 100, inputSize: 8, outputSize: 3, seed: 9}))).toBe(true);
    expect(same(d, memorisation({n: 100, inputSize: 8, outputSize: 3, seed: 10}))).toBe(false);
  });
  it("random balanced labels for classification", () => {
    const d = memorisation({n: 99, inputSize: 4, outputSize: 3, task: "classification", seed: 1});
    expect(d.classes).toBe(3);
    expect(classCounts(d.train, 3)).toEqual([33, 33, 33]);
    expect(() => memorisation({task: "classification", outputSize: 1})).toThrow(/outputSize must be at least 2, got 1/);
  });
});

describe("sinusoids", () => {
  it("is seeded, shaped, with target spread about 0.7 and clean test targets", () => {
    const d = sinusoids({n: 2000, inputSize: 6, outputSize: 2, seed: 3});
    expect(same(d, sinusoids({n: 2000, inputSize: 6, outputSize: 2, seed: 3}))).toBe(true);
    expect(same(d, sinusoids({n: 2000, inputSize: 6, outputSize: 2, seed: 4}))).toBe(false);
    expect([d.inputSize, d.outputSize, d.train.n, d.test.n]).toEqual([6, 2, 1600, 400]);
    checkShapes(d);
    for (const v of d.train.x) expect(Math.abs(v)).toBeLessThanOrEqual(1);
    let sum = 0,
      sq = 0;
    for (const v of d.train.y) {
      sum += v;
      sq += v * v;
    }
    const std = Math.sqrt(sq / d.train.y.length - (sum / d.train.y.length) ** 2);
    expect(std).toBeGreaterThan(0.35);
    expect(std).toBeLessThan(1.2);
  });

  it("is a fixed smooth function of the seed: identical inputs give identical targets across n", () => {
    const a = sinusoids({n: 10, inputSize: 3, seed: 5, testFraction: 0});
    const b = sinusoids({n: 20, inputSize: 3, seed: 5, testFraction: 0});
    // same sample stream: the first 10 inputs (and so targets) coincide
    expect([...b.train.x.subarray(0, 30)]).toEqual([...a.train.x]);
    expect([...b.train.y.subarray(0, 10)]).toEqual([...a.train.y]);
    // smoothness: frequency 0 gives a constant function
    const flat = sinusoids({n: 50, inputSize: 3, frequency: 0, seed: 5});
    for (const v of flat.train.y) expect(v).toBeCloseTo(flat.train.y[0], 5);
  });
});

describe("withBiasInput", () => {
  it("appends a constant input to every sample and copies the rest", () => {
    const d = xor({n: 20, seed: 2});
    const b = withBiasInput(d, 0.5);
    expect([b.inputSize, b.outputSize, b.train.n, b.test.n]).toEqual([3, 2, d.train.n, d.test.n]);
    for (const [s, t] of [
      [d.train, b.train],
      [d.test, b.test]
    ] as const) {
      for (let i = 0; i < s.n; i++) {
        expect([...t.x.subarray(3 * i, 3 * i + 3)]).toEqual([s.x[2 * i], s.x[2 * i + 1], 0.5]);
      }
      expect([...t.y]).toEqual([...s.y]);
      expect([...t.labels!]).toEqual([...s.labels!]);
      expect(t.y).not.toBe(s.y);
    }
    expect(b.meta!.biasInput).toBe(0.5);
    expect(d.inputSize).toBe(2);
    expect(withBiasInput(sine({n: 10})).train.x[1]).toBe(1);
    expect(() => withBiasInput(d, NaN)).toThrow(/value must be a finite number, got NaN/);
  });
});

describe("option checks", () => {
  it("throw SwitchNetErrors naming the value", () => {
    expect(() => circle({n: 1})).toThrow(/n must be at least 2, got 1/);
    expect(() => xor({noise: -0.1})).toThrow(/noise must be at least 0, got -0.1/);
    expect(() => spiral({testFraction: 1})).toThrow(/testFraction must be less than 1, got 1/);
    expect(() => spiral({arms: 1})).toThrow(/arms must be between 2 and 64, got 1/);
    expect(() => gaussians({classes: 2.5})).toThrow(/classes must be an integer, got 2.5/);
    expect(() => sine({seed: 0.5})).toThrow(/seed must be an integer, got 0.5/);
    expect(() => circle({size: 3} as never)).toThrow(/unknown circle option "size"/);
    expect(() => polynomial({coefficients: [1, NaN]})).toThrow(/coefficients\[1\] must be a finite number, got NaN/);
    expect(() => curve("bad", (x) => 1 / (x - x))).toThrow(/curve "bad" gave (Infinity|NaN) at x = /);
  });

  it("the datasets object lists every generator", () => {
    expect(Object.keys(datasets).sort()).toEqual([
      "circle",
      "curve",
      "gaussians",
      "image",
      "memorisation",
      "polynomial",
      "sawtooth",
      "sine",
      "sinusoids",
      "spiral",
      "step",
      "xor"
    ]);
  });
});
