/**
 * Where the playground evaluates a model to draw it: the input box around the data, a grid of
 * points over the plane, evenly spaced points along a line. Pure; used by the worker and pages.
 */

/** Axis-aligned input box [x0, x1] × [y0, y1] shown by a plane or curve panel. */
export interface Box {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** Points to overlay: x is n × 2 (plane) or n × 1 (curve); labels (classes) or values (targets). */
export interface PointSet {
  x: Float32Array;
  n: number;
  labels?: Int32Array;
  values?: Float32Array;
}

/** A box around points with a margin (fraction of the span), for planes and curves. */
export function boundingBox(x: Float32Array, n: number, stride: number, margin = 0.08): Box {
  let x0 = Infinity,
    x1 = -Infinity,
    y0 = Infinity,
    y1 = -Infinity;
  for (let i = 0; i < n; i++) {
    const a = x[i * stride];
    const b = stride > 1 ? x[i * stride + 1] : 0;
    if (a < x0) x0 = a;
    if (a > x1) x1 = a;
    if (b < y0) y0 = b;
    if (b > y1) y1 = b;
  }
  if (!(x1 > x0)) [x0, x1] = [x0 - 1, x0 + 1];
  if (!(y1 > y0)) [y0, y1] = [y0 - 1, y0 + 1];
  const mx = (x1 - x0) * margin,
    my = (y1 - y0) * margin;
  return {x0: x0 - mx, x1: x1 + mx, y0: y0 - my, y1: y1 + my};
}

/** Row-major grid of inputs covering a box: grid × grid points, row 0 at the top (largest y). */
export function planeGrid(box: Box, grid: number): Float32Array {
  const out = new Float32Array(grid * grid * 2);
  for (let row = 0; row < grid; row++) {
    const y = box.y1 - ((row + 0.5) / grid) * (box.y1 - box.y0);
    for (let col = 0; col < grid; col++) {
      const x = box.x0 + ((col + 0.5) / grid) * (box.x1 - box.x0);
      out[2 * (row * grid + col)] = x;
      out[2 * (row * grid + col) + 1] = y;
    }
  }
  return out;
}

/** Evenly spaced positions across [x0, x1] for a curve. */
export function lineGrid(x0: number, x1: number, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = x0 + (n === 1 ? 0.5 : i / (n - 1)) * (x1 - x0);
  return out;
}

/** The smallest box holding both boxes. */
export function unionBox(a: Box, b: Box): Box {
  return {x0: Math.min(a.x0, b.x0), x1: Math.max(a.x1, b.x1), y0: Math.min(a.y0, b.y0), y1: Math.max(a.y1, b.y1)};
}

/** A box around 1-D data: x from the inputs, y from the targets (first channel), with a margin. */
export function curveBox(x: Float32Array, y: Float32Array, n: number, channels: number, margin = 0.08): Box {
  const pairs = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    pairs[2 * i] = x[i];
    pairs[2 * i + 1] = y[i * channels];
  }
  return boundingBox(pairs, n, 2, margin);
}
