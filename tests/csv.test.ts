import {describe, expect, it} from "vitest";
import {parseCsv} from "../lib/csv.js";
import {SwitchNetError} from "../lib/check.js";
import type {Split} from "../lib/types.js";

/** Rows of a split as plain arrays, sorted, so tests do not depend on the shuffle. */
function rows(s: Split, inputSize: number, outputSize: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < s.n; i++) {
    out.push([
      ...s.x.subarray(i * inputSize, (i + 1) * inputSize),
      ...s.y.subarray(i * outputSize, (i + 1) * outputSize)
    ]);
  }
  return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

describe("parseCsv: good input", () => {
  it("reads a headed regression table, last column the target, inputs scaled to [−1, 1]", () => {
    const d = parseCsv("a,b,y\n0,10,1.5\n1,20,2.5\n2,30,-3e-1\n4,50,7\n", {testFraction: 0});
    expect(d.task).toBe("regression");
    expect([d.inputSize, d.outputSize, d.train.n, d.test.n]).toEqual([2, 1, 4, 0]);
    expect(d.meta).toMatchObject({
      header: true,
      inputColumns: ["a", "b"],
      targetColumns: ["y"],
      inputRanges: [
        [0, 4],
        [10, 50]
      ]
    });
    expect(rows(d.train, 2, 1).map((r) => r.map((v) => +v.toFixed(6)))).toEqual([
      [-1, -1, 1.5],
      [-0.5, -0.5, 2.5],
      [0, 0, -0.3],
      [1, 1, 7]
    ]);
  });

  it("reads class labels (text) as a classification task with one-hot targets and labels", () => {
    const text = "x1,x2,species\n1,2,cat\n3,4,dog\n5,6,cat\n7,8,bird\n";
    const d = parseCsv(text, {testFraction: 0, scaleInputs: false});
    expect(d.task).toBe("classification");
    expect(d.classes).toBe(3);
    expect(d.meta!.classNames).toEqual(["bird", "cat", "dog"]);
    const byX = new Map<number, number>();
    for (let i = 0; i < d.train.n; i++) {
      byX.set(d.train.x[2 * i], d.train.labels![i]);
      expect(d.train.y[i * 3 + d.train.labels![i]]).toBe(1);
      expect(d.train.y.subarray(i * 3, i * 3 + 3).reduce((s, v) => s + v, 0)).toBe(1);
    }
    expect(Object.fromEntries(byX)).toEqual({1: 1, 3: 2, 5: 1, 7: 0});
  });

  it("detects no header, takes numeric labels as classes when asked, and splits train/test by seed", () => {
    const lines = Array.from({length: 20}, (_, i) => `${i},${i % 2}`).join("\n");
    const d = parseCsv(lines, {task: "classification", testFraction: 0.25, seed: 3});
    expect(d.meta!.header).toBe(false);
    expect(d.meta!.classNames).toEqual(["0", "1"]);
    expect([d.train.n, d.test.n]).toEqual([15, 5]);
    const again = parseCsv(lines, {task: "classification", testFraction: 0.25, seed: 3});
    expect([...again.test.x]).toEqual([...d.test.x]);
    const other = parseCsv(lines, {task: "classification", testFraction: 0.25, seed: 4});
    expect([...other.test.x]).not.toEqual([...d.test.x]);
    // every row lands in exactly one split
    const xs = [...d.train.x, ...d.test.x].map((v) => Math.round((v + 1) * 9.5)).sort((a, b) => a - b);
    expect(xs).toEqual(Array.from({length: 20}, (_, i) => i));
  });

  it("honours targetColumns by name or index (several targets → regression), quotes, CRLF, blank lines, ; and tabs", () => {
    const text = 'p;"q; quoted";r\r\n1;2;3\r\n\r\n4;5;6\r\n';
    const d = parseCsv(text, {targetColumns: ["p", "r"], testFraction: 0, scaleInputs: false});
    expect(d.meta).toMatchObject({delimiter: ";", inputColumns: ["q; quoted"], targetColumns: ["p", "r"]});
    expect(rows(d.train, 1, 2)).toEqual([
      [2, 1, 3],
      [5, 4, 6]
    ]);
    const first = parseCsv("1\t2\t3\n4\t5\t6", {targetColumns: 0, testFraction: 0, scaleInputs: false});
    expect(rows(first.train, 2, 1)).toEqual([
      [2, 3, 1],
      [5, 6, 4]
    ]);
    const neg = parseCsv("1,2,3\n4,5,6", {targetColumns: -2, testFraction: 0, scaleInputs: false});
    expect(rows(neg.train, 2, 1)).toEqual([
      [1, 3, 2],
      [4, 6, 5]
    ]);
    const quoted = parseCsv('x,label\n1,"a ""big"" one"\n2,plain\n', {testFraction: 0});
    expect(quoted.meta!.classNames).toEqual(['a "big" one', "plain"]);
  });

  it("maps a constant input column to 0", () => {
    const d = parseCsv("5,1\n5,2\n5,3", {testFraction: 0});
    expect([...d.train.x]).toEqual([0, 0, 0]);
  });
});

describe("parseCsv: bad input", () => {
  const bad = (text: string, re: RegExp, options = {}) => {
    expect(() => parseCsv(text, options)).toThrow(SwitchNetError);
    expect(() => parseCsv(text, options)).toThrow(re);
  };
  it("names the line, column and value of a bad cell", () => {
    bad("a,b,c\n1,2,3\n4,5,6\n1,2,3\n1,2,3\n1,2,3\n1,2,abc\n", /line 7, column 3: "abc" is not a number/, {
      task: "regression"
    });
    bad("a,b,c\n1,2,3\n4,x,6\n", /line 3, column 2: "x" is not a number/);
    bad("1,2,3\n4,,6\n", /line 2, column 2: empty cell \(expected a number\)/);
    bad("1,2\n0x10,3\n", /line 2, column 1: "0x10" is not a number/);
  });
  it("rejects NaN, Infinity and values too large for float32", () => {
    bad("1,2\nNaN,3\n", /line 2, column 1: "NaN" is not a finite number/);
    bad("1,2\n3,-Infinity\n", /line 2, column 2: "-Infinity" is not a finite number/);
    bad("1,2\n3,inf\n", /line 2, column 2: "inf" is not a finite number/);
    bad("1,2\n1e39,3\n", /line 2, column 1: "1e39" is too large for a 32-bit float/);
    bad("1,cat\n2,dog\n3,NaN\n", /line 3, column 2: "NaN" is not a finite number or a class label/);
  });
  it("rejects ragged rows, empty files, header-only files and one-column files", () => {
    bad("a,b,c\n1,2,3\n4,5\n", /line 3 has 2 columns, expected 3 \(like line 1\)/);
    bad("", /CSV text is empty/);
    bad("\n  \n\n", /CSV text is empty/);
    bad("a,b,c\n", /CSV has a header row but no data rows/);
    bad("1\n2\n", /CSV needs at least 2 columns/);
    bad('1,"open\n', /line 1, column 2: a quoted field is not closed/);
  });
  it("rejects bad options", () => {
    bad("a,b\n1,2\n", /targetColumns names column "z", which is not in the header \("a", "b"\)/, {targetColumns: "z"});
    bad("1,2\n3,4\n", /targetColumns index must be between -2 and 1, got 5/, {targetColumns: 5});
    bad("1,2,3\n3,4,5\n", /classification needs exactly one target column/, {
      task: "classification",
      targetColumns: [1, 2]
    });
    bad("1,2\n3,2\n", /classification needs at least 2 classes, but column 2 only holds "2"/, {task: "classification"});
    bad("1,2\n3,4\n", /CSV needs at least one input column/, {targetColumns: [0, 1]});
    bad("1,2\n3,4\n", /unknown CSV option "target"/, {target: 1});
    bad("1,2\n3,4\n", /testFraction must be less than 1, got 1/, {testFraction: 1});
    expect(() => parseCsv(42 as never)).toThrow(/CSV text must be a string, got 42/);
  });
});

describe("parseCsv: RFC 4180 quoting and header names", () => {
  it("reads quoted fields holding line breaks (LF, CRLF), delimiters and quotes, and counts lines right after them", () => {
    const text = 'x,y,label\n1,10,"black\ncat"\r\n2,20,"dog, ""rex""\r\nthe second"\n3,30,"black\ncat"\n\n4,40,dog\n';
    const d = parseCsv(text, {testFraction: 0, scaleInputs: false});
    expect(d.task).toBe("classification");
    expect(d.meta!.classNames).toEqual(["black\ncat", 'dog, "rex"\r\nthe second', "dog"].sort());
    expect(d.train.n).toBe(4);
    const byX = new Map(
      Array.from({length: 4}, (_, i) => [d.train.x[2 * i], (d.meta!.classNames as string[])[d.train.labels![i]]])
    );
    expect(byX.get(1)).toBe("black\ncat");
    expect(byX.get(2)).toBe('dog, "rex"\r\nthe second');
    expect(byX.get(4)).toBe("dog");
    // A bad cell after a multi-line field is reported on its real line (the file's 7th).
    expect(() => parseCsv('x,label\n1,"a\nb"\n2,"c\r\nd"\n\nfoo,e\n')).toThrow(
      'line 7, column 1: "foo" is not a number'
    );
    // A field still open at the end of the text names the line it started on.
    expect(() => parseCsv('x,label\n1,a\n2,"b\n\n3,c\n')).toThrow("line 3, column 2: a quoted field is not closed");
  });

  it("refuses a header that names a column twice, by name and columns", () => {
    const text = "a,b,a\n1,2,3\n4,5,6\n7,8,9\n";
    expect(() => parseCsv(text, {targetColumns: "a"})).toThrow(SwitchNetError);
    expect(() => parseCsv(text, {targetColumns: "a"})).toThrow(
      'the header names column "a" twice (columns 1 and 3); give every column its own name'
    );
    expect(() => parseCsv(text, {header: true})).toThrow('column "a" twice');
    expect(() => parseCsv("a,b,c\n1,2,3\n4,5,6\n", {targetColumns: "a"})).not.toThrow();
  });
});
