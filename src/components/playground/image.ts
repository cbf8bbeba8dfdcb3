/**
 * The reader's own picture: a File → an RGBA pixel array small enough to fit in the page
 * (the longer side scaled down to `maxSide`), via an offscreen canvas. Only the size rule is
 * pure; decoding needs the browser.
 */
import {fail} from "../../lib/check.js";

export interface PixelImage {
  width: number;
  height: number;
  /** RGBA, row-major from the top-left. */
  pixels: Uint8ClampedArray;
  name: string;
}

/** The size a picture is drawn at: the longer side becomes `maxSide` (never enlarged), at least 1. */
export function fitSize(width: number, height: number, maxSide: number): {width: number; height: number} {
  if (!(width > 0 && height > 0)) fail(`the picture must have a positive size, got ${width}×${height}`);
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return {width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale))};
}

/** Decodes an image file and scales it down. Throws a SwitchNetError for files that are not images. */
export async function loadImageFile(file: File, maxSide = 40): Promise<PixelImage> {
  if (file.type && !file.type.startsWith("image/")) {
    fail(`${JSON.stringify(file.name)} is not an image (type ${file.type}); choose a PNG, JPEG, GIF or WebP file`);
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    fail(`${JSON.stringify(file.name)} could not be decoded as an image; choose a PNG, JPEG, GIF or WebP file`);
  }
  const {width, height} = fitSize(bitmap.width, bitmap.height, maxSide);
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext("2d")!;
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  const pixels = ctx.getImageData(0, 0, width, height).data;
  return {width, height, pixels, name: file.name};
}
