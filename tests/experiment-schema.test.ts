// The capacity result schema: real records from a tiny sweep pass; each broken field is named;
// the JSON-lines parser skips only a cut-off last line.
import {describe, expect, it} from "vitest";
import {SwitchNetError} from "../lib/check.js";
import {createModel} from "../lib/model.js";
import {TINY} from "../lib/experiment/config.js";
import {memoryStore, runExperiment} from "../lib/experiment/run.js";
import {parseResults, validateRecord} from "../lib/experiment/schema.js";
import {backend} from "../lib/wht.js";
import {readFileSync} from "node:fs";

const store = memoryStore();
runExperiment(
  {...TINY, seeds: [1], refWidths: [16], contenders: ["switchnet4-m4", "dense"], tasks: ["smooth", "memorise"]},
  {store, createModel}
);
const trendStore = memoryStore();
runExperiment(
  {...TINY, seeds: [1], refWidths: [16, 32], contenders: ["switchnet4-m4"], tasks: ["memorise"]},
  {store: trendStore, createModel}
);
const copy = <T>(v: T): any => JSON.parse(JSON.stringify(v));
const trendProbe = () => copy(trendStore.all.find((r) => r.type === "trend-probe"));
const fitRun = () => copy(store.all.find((r) => r.type === "run" && r.task === "smooth" && r.kind === "switchnet4"));
const memRun = () => copy(store.all.find((r) => r.type === "run" && r.task === "memorise"));
const tune = () => copy(store.all.find((r) => r.type === "tune"));
const memProbe = () => copy(store.all.find((r) => r.type === "memorise-probe"));
const session = {
  type: "session",
  schema: 2,
  command: "npm run experiment -- --preset tiny",
  date: "2026-11-27T19:00:00.000Z",
  machine: {cpu: "test cpu", cores: 2, node: "v20", platform: "linux"},
  libVersion: "0.1.0",
  gitCommit: null,
  config: {name: "tiny"}
};

describe("validateRecord", () => {
  it("accepts the records a real sweep writes", () => {
    expect(store.all.length).toBeGreaterThan(4);
    for (const r of [...store.all, ...trendStore.all]) expect(validateRecord(copy(r))).toEqual(copy(r));
    expect(trendStore.all.filter((r) => r.type === "trend-probe").length).toBe(TINY.memorise.probeFactors.length);
    expect(validateRecord(copy(session)).type).toBe("session");
    expect(store.all.filter((r) => r.type === "memorise-probe").length).toBeGreaterThan(0);
  });

  it("names the broken field", () => {
    const cases: [() => any, (r: any) => void, RegExp][] = [
      [fitRun, (r) => delete r.layer.params, /layer\.params must be a finite number/],
      [fitRun, (r) => (r.backend = 3), /backend must be a non-empty string, got 3/],
      [memRun, (r) => (r.backend = ""), /backend must be a non-empty string, got ""/],
      [fitRun, (r) => (r.kind = "cnn"), /kind must be one of switchnet4, butterfly, filterbank, dense, got "cnn"/],
      [fitRun, (r) => (r.metric = "error-rate"), /metric must be nmse for task smooth/],
      [fitRun, (r) => (r.fit.atPlateau.step = 3), /fit\.atPlateau\.step must equal fit\.optimizerSteps/],
      [fitRun, (r) => (r.fit.curve = []), /fit\.curve must hold at least/],
      [fitRun, (r) => (r.fit.curve[1].test = "0.1"), /fit\.curve\[1\]\.test must be a finite number/],
      [fitRun, (r) => (r.capacity = {threshold: 1}), /capacity must be null for task smooth/],
      [fitRun, (r) => (r.width = 2), /width must be at least inputSize 5 and outputSize 2 for switchnet4, got 2/],
      [
        memRun,
        (r) => (r.capacity.largestFitted = 99999),
        /largestFitted 99999 must be a probe that fitted|smallestFailed must exceed/
      ],
      [
        memRun,
        (r) => ((r.capacity.probes[0].fitted = true), (r.capacity.probes[0].error = 5)),
        /is marked fitted but its error 5 is above the threshold/
      ],
      [memRun, (r) => (r.fit = {}), /fit must be null for task memorise/],
      [tune, (r) => (r.chosen = 0.5), /chosen must be one of the candidates' learning rates, got 0\.5/],
      [
        trendProbe,
        (r) => (r.trend.points = r.trend.points.slice(1)),
        /trend\.points must hold at least 2 searched widths, got 1/
      ],
      [
        trendProbe,
        (r) => (r.trend.points[1].seeds = [2.5]),
        /trend\.points\[1\]\.seeds\[0\] must be a whole number of pairs, got 2\.5/
      ],
      [
        trendProbe,
        (r) => ((r.probe.fitted = true), (r.probe.error = 5)),
        /probe is marked fitted but its error 5 is above the threshold/
      ],
      [trendProbe, (r) => delete r.factor, /factor must be a finite number/],
      [memProbe, (r) => (r.probe.n = 7), /key must be ".*\|n7" \(run, rate and pairs\), got ".*"/],
      [memProbe, (r) => (r.learningRate = -1), /learningRate must be at least 0, got -1/],
      [
        memProbe,
        (r) => ((r.probe.fitted = true), (r.probe.error = 5)),
        /probe is marked fitted but its error 5 is above the threshold/
      ],
      [() => copy(session), (r) => (r.date = "yesterday"), /date must be an ISO date/],
      [() => copy(session), (r) => (r.schema = 3), /schema must be 2 \(or 1, the first method's\), got 3/],
      [
        () => copy(session),
        (r) => (r.type = "note"),
        /type must be one of session, tune, run, trend-probe, memorise-probe/
      ]
    ];
    for (const [make, breakIt, message] of cases) {
      const r = make();
      breakIt(r);
      expect(() => validateRecord(r)).toThrow(SwitchNetError);
      expect(() => validateRecord(r)).toThrow(message);
    }
  });
});

describe("the backend a run trained with", () => {
  it("is in every run record the runner writes", () => {
    const runs = store.all.filter((r) => r.type === "run");
    expect(runs.length).toBeGreaterThan(1);
    for (const r of runs) expect(r.backend).toBe(backend());
  });

  it("is optional: the committed records written before it still validate", () => {
    for (const file of ["superseded.jsonl"]) {
      const {records} = parseResults(readFileSync(`data/capacity/${file}`, "utf8"));
      const runs = records.filter((r) => r.type === "run");
      expect(runs.length).toBeGreaterThan(0);
      expect(runs.some((r) => r.backend === undefined)).toBe(true);
    }
  });
});

describe("parseResults", () => {
  const lines = store.all.map((r) => JSON.stringify(r));

  it("reads JSON lines back to the same records", () => {
    const {records, truncated} = parseResults(lines.join("\n") + "\n");
    expect(truncated).toBe(0);
    expect(records).toEqual(copy(store.all));
  });

  it("skips a cut-off last line (a killed run) and counts it", () => {
    const text = lines.join("\n") + "\n" + lines[1].slice(0, 40);
    const {records, truncated} = parseResults(text);
    expect(truncated).toBe(1);
    expect(records.length).toBe(lines.length);
  });

  it("throws on a bad line in the middle, naming its number", () => {
    const text = [lines[0], "{not json", lines[1]].join("\n");
    expect(() => parseResults(text)).toThrow(/line 2 is not valid JSON/);
    const bad = copy(store.all[1]);
    bad.schema = 7;
    expect(() => parseResults([lines[0], JSON.stringify(bad)].join("\n"))).toThrow(
      /line 2: schema must be 2 \(or 1, the first method's\), got 7/
    );
  });
});
