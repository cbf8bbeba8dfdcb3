/**
 * Canvas renderers for the learned function: a heatmap over the plane with the data points,
 * a curve for 1-D data, and the reconstructed picture. The pixel work is done by the pure
 * helpers in colors.ts; this file only draws.
 */
import {classColor, cssColor, DARK_BACKGROUND, fillHeatmap, LIGHT_BACKGROUND, type Rgb} from "./colors.js";
import type {Box, PointSet} from "./grid.js";

export function isDark(): boolean {
  return typeof matchMedia === "function" && matchMedia("(prefers-color-scheme: dark)").matches;
}

export function background(): Rgb {
  return isDark() ? DARK_BACKGROUND : LIGHT_BACKGROUND;
}

/** A canvas sized for `width × height` CSS pixels at the device's pixel ratio. */
export function createCanvas(width: number, height: number, label: string): HTMLCanvasElement {
  const canvas = document.createElement("canvas");
  resizeCanvas(canvas, width, height);
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", label);
  return canvas;
}

export function resizeCanvas(canvas: HTMLCanvasElement, width: number, height: number): void {
  const ratio = Math.min(2, globalThis.devicePixelRatio || 1);
  const w = Math.max(1, Math.round(width * ratio));
  const h = Math.max(1, Math.round(height * ratio));
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
}

/** Paints a gridW × gridH picture (row 0 at the top) into an offscreen image, then scales it up. */
function paintGrid(
  ctx: CanvasRenderingContext2D,
  gridW: number,
  gridH: number,
  fill: (rgba: Uint8ClampedArray) => void,
  smooth: boolean
): void {
  const image = new ImageData(gridW, gridH);
  fill(image.data);
  const off = document.createElement("canvas");
  off.width = gridW;
  off.height = gridH;
  off.getContext("2d")!.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = smooth;
  ctx.drawImage(off, 0, 0, ctx.canvas.width, ctx.canvas.height);
}

export interface PlaneOptions {
  grid: number;
  box: Box;
  /** "classes" with `channels` logits, or "value" (regression on the plane). */
  mode: "classes" | "value";
  channels: number;
  train?: PointSet;
  test?: PointSet;
  showTest?: boolean;
  domain?: [number, number];
}

/** Heatmap of the model over the plane plus the data points (train filled, test hollow). */
export function drawPlane(canvas: HTMLCanvasElement, outputs: Float32Array | null, options: PlaneOptions): void {
  const ctx = canvas.getContext("2d")!;
  const bg = background();
  ctx.fillStyle = cssColor(bg);
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  if (outputs) {
    paintGrid(
      ctx,
      options.grid,
      options.grid,
      (rgba) =>
        fillHeatmap(
          outputs,
          options.grid * options.grid,
          {mode: options.mode, channels: options.channels, background: bg, domain: options.domain, strength: 0.6},
          rgba
        ),
      true
    );
  }
  const {box} = options;
  const sx = (x: number) => ((x - box.x0) / (box.x1 - box.x0)) * canvas.width;
  const sy = (y: number) => ((box.y1 - y) / (box.y1 - box.y0)) * canvas.height;
  const r = Math.max(2, canvas.width / 110);
  const stroke = isDark() ? "rgba(0,0,0,0.8)" : "rgba(255,255,255,0.9)";
  const valueColor = (v: number) => {
    const [lo, hi] = options.domain ?? [-1, 1];
    return v >= (lo + hi) / 2 ? classColor(0) : classColor(1);
  };
  const drawSet = (set: PointSet | undefined, hollow: boolean) => {
    if (!set) return;
    ctx.lineWidth = Math.max(1, r / 2.5);
    for (let i = 0; i < set.n; i++) {
      const color = set.labels ? classColor(set.labels[i]) : valueColor(set.values ? set.values[i] : 0);
      ctx.beginPath();
      ctx.arc(sx(set.x[2 * i]), sy(set.x[2 * i + 1]), r, 0, 2 * Math.PI);
      if (hollow) {
        ctx.strokeStyle = cssColor(color);
        ctx.stroke();
      } else {
        ctx.fillStyle = cssColor(color);
        ctx.fill();
        ctx.strokeStyle = stroke;
        ctx.stroke();
      }
    }
  };
  drawSet(options.train, false);
  if (options.showTest) drawSet(options.test, true);
}

export interface CurveOptions {
  box: Box;
  /** x positions of `outputs` (one output per position, first channel used). */
  xs: Float32Array;
  channels: number;
  train?: PointSet;
  test?: PointSet;
  showTest?: boolean;
}

/** The learned curve over the data points for 1-D regression. */
export function drawCurve(canvas: HTMLCanvasElement, outputs: Float32Array | null, options: CurveOptions): void {
  const ctx = canvas.getContext("2d")!;
  const bg = background();
  const dark = isDark();
  ctx.fillStyle = cssColor(bg);
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const {box} = options;
  const sx = (x: number) => ((x - box.x0) / (box.x1 - box.x0)) * canvas.width;
  const sy = (y: number) => ((box.y1 - y) / (box.y1 - box.y0)) * canvas.height;
  // Axes through zero, when visible.
  ctx.strokeStyle = dark ? "#444" : "#ddd";
  ctx.lineWidth = 1;
  ctx.beginPath();
  if (box.y0 < 0 && box.y1 > 0) {
    ctx.moveTo(0, sy(0));
    ctx.lineTo(canvas.width, sy(0));
  }
  if (box.x0 < 0 && box.x1 > 0) {
    ctx.moveTo(sx(0), 0);
    ctx.lineTo(sx(0), canvas.height);
  }
  ctx.stroke();
  const r = Math.max(1.5, canvas.width / 200);
  const drawSet = (set: PointSet | undefined, color: string, hollow: boolean) => {
    if (!set?.values) return;
    ctx.fillStyle = color;
    ctx.strokeStyle = color;
    for (let i = 0; i < set.n; i++) {
      ctx.beginPath();
      ctx.arc(sx(set.x[i]), sy(set.values[i]), r, 0, 2 * Math.PI);
      if (hollow) ctx.stroke();
      else ctx.fill();
    }
  };
  drawSet(options.train, cssColor(classColor(1)), false);
  if (options.showTest) drawSet(options.test, dark ? "#aaa" : "#777", true);
  if (outputs) {
    ctx.strokeStyle = cssColor(classColor(0));
    ctx.lineWidth = Math.max(2, canvas.width / 160);
    ctx.beginPath();
    for (let i = 0; i < options.xs.length; i++) {
      const v = outputs[i * options.channels];
      const y = Number.isFinite(v) ? Math.max(-1e4, Math.min(1e4, sy(v))) : sy(0);
      if (i === 0) ctx.moveTo(sx(options.xs[i]), y);
      else ctx.lineTo(sx(options.xs[i]), y);
    }
    ctx.stroke();
  }
}

/** The reconstructed picture: outputs are width × height × channels colours in [0, 1]. */
export function drawPicture(
  canvas: HTMLCanvasElement,
  outputs: Float32Array | null,
  width: number,
  height: number,
  channels: number
): void {
  const ctx = canvas.getContext("2d")!;
  ctx.fillStyle = cssColor(background());
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  if (!outputs) return;
  paintGrid(ctx, width, height, (rgba) => fillHeatmap(outputs, width * height, {mode: "rgb", channels}, rgba), false);
}
