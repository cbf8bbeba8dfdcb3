/**
 * The seed's point at a glance: the test error of every run of every contender at reference width
 * 65,536, one panel per task, one row per contender, one dot per seed (hollow when the run hit the
 * step cap instead of converging), a tick at the mean (the mean the answer table reports).
 */
import * as Plot from "@observablehq/plot";
import {contenderColor, label} from "./colors.js";
import {formatCount} from "../format.js";

export interface SeedPointRun {
  task: string;
  contender: string;
  width: number;
  seed: number;
  /** Test error where the validation error was best. */
  error: number;
  converged: boolean;
}

/** Rows for the figure: labels with widths, in the contenders' order. */
export function seedPointRows(runs: readonly SeedPointRun[], taskNames: Readonly<Record<string, string>>) {
  return runs.map((r) => ({
    ...r,
    taskName: taskNames[r.task] ?? r.task,
    name: `${label(r.contender)}\nW = ${formatCount(r.width)}`,
    group: label(r.contender)
  }));
}

/** One small panel per task, stacked, each headed by the task's name (facet labels would not fit a phone). */
export function seedPointChart(
  rows: ReturnType<typeof seedPointRows>,
  {width = 640}: {width?: number} = {}
): HTMLElement {
  const box = document.createElement("div");
  for (const task of [...new Set(rows.map((r) => r.taskName))]) {
    const own = rows.filter((r) => r.taskName === task);
    const percent = own[0]?.task === "classify";
    const heading = document.createElement("div");
    heading.className = "sn-caption";
    heading.textContent = task;
    box.append(
      heading,
      Plot.plot({
        width,
        height: 50 + 34 * new Set(own.map((r) => r.name)).size,
        marginLeft: Math.min(190, Math.round(width * 0.45)),
        marginRight: 20,
        // no legend: every row is labelled with its contender (three legends took 120 px of the first screens)
        color: {...contenderColor(), legend: false},
        // Plain decimals (or percent for the spiral): the log scale's default SI ticks read "20m" for 0.02.
        x: {
          type: "log",
          label: percent ? "test error, % wrong (log scale) →" : "test error, nmse (log scale) →",
          grid: true,
          tickFormat: (d: number) => (percent ? `${+(100 * d).toPrecision(2)}` : `${+d.toPrecision(2)}`)
        },
        y: {label: null},
        marks: [
          Plot.tickX(meanRows(own), {x: "mean", y: "name", stroke: "group", strokeWidth: 2}),
          // Two marks: a fill channel mixing contender names with "white" would send "white" through
          // the colour scale, which has no such contender, and Plot drops a dot whose fill is undefined.
          ...[true, false].map((converged) =>
            Plot.dot(
              own.filter((d) => d.converged === converged),
              {
                x: "error",
                y: "name",
                stroke: "group",
                fill: converged ? "group" : "white",
                strokeWidth: converged ? 1 : 1.5,
                r: 4,
                tip: true,
                title: (d) =>
                  `${d.name.replace("\n", ", ")}, seed ${d.seed}: ${d.error.toPrecision(3)}${d.converged ? "" : " (hit the step cap)"}`
              }
            )
          )
        ]
      })
    );
  }
  return box;
}

/** The mean error of each contender in each task (what the ticks mark). */
export function meanRows(rows: ReturnType<typeof seedPointRows>) {
  const groups = new Map<string, {name: string; taskName: string; group: string; sum: number; n: number}>();
  for (const r of rows) {
    const id = `${r.taskName}|${r.name}`;
    const g = groups.get(id) ?? {name: r.name, taskName: r.taskName, group: r.group, sum: 0, n: 0};
    g.sum += r.error;
    g.n++;
    groups.set(id, g);
  }
  return [...groups.values()].map((g) => ({...g, mean: g.sum / g.n}));
}
