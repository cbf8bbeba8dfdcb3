/**
 * Scratchpad: the cells' text in a URL hash and in a downloadable file.
 *
 * URL form: `#cells=z.<base64url of deflate-raw(JSON)>` when CompressionStream is available,
 * else `#cells=b.<base64url of UTF-8 JSON>`. Decoding accepts both forms everywhere it can.
 * File form: JSON `{"format": "switchnet4-scratchpad", "version": 1, "cells": [...]}`; loading
 * also accepts plain JavaScript, split into cells at lines starting with `// %%`.
 */
import {fail} from "../../lib/check.js";

export const FILE_FORMAT = "switchnet4-scratchpad";
export const HASH_KEY = "cells";

function checkCells(cells: unknown, what: string): string[] {
  if (!Array.isArray(cells) || !cells.every((c) => typeof c === "string")) {
    fail(`${what} must be an array of strings (one per cell), got ${describeShort(cells)}`);
  }
  return cells as string[];
}

function describeShort(value: unknown): string {
  if (Array.isArray(value))
    return `an array containing ${
      value
        .map((v) => typeof v)
        .filter((t, i, a) => a.indexOf(t) === i)
        .join(" and ") || "nothing"
    }`;
  return value === null ? "null" : typeof value;
}

/** Base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text))
    fail(`encoded cells must be base64url (A–Z a–z 0–9 - _), got ${JSON.stringify(text.slice(0, 40))}`);
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function pipe(bytes: Uint8Array, stream: GenericTransformStream): Promise<Uint8Array> {
  const output = new Blob([bytes as BlobPart])
    .stream()
    .pipeThrough(stream as unknown as ReadableWritablePair<Uint8Array, Uint8Array>);
  return new Uint8Array(await new Response(output).arrayBuffer());
}

export function compressionAvailable(): boolean {
  return typeof CompressionStream === "function" && typeof DecompressionStream === "function";
}

export interface EncodeOptions {
  /** Use deflate (default: when CompressionStream exists). */
  compress?: boolean;
}

/** Encodes cells for a URL hash (without the `cells=` key). */
export async function encodeCells(cells: readonly string[], options: EncodeOptions = {}): Promise<string> {
  checkCells(cells, "cells");
  const bytes = new TextEncoder().encode(JSON.stringify(cells));
  const compress = options.compress ?? compressionAvailable();
  if (compress) {
    if (!compressionAvailable()) fail("compress is true, but this browser has no CompressionStream");
    return "z." + toBase64Url(await pipe(bytes, new CompressionStream("deflate-raw")));
  }
  return "b." + toBase64Url(bytes);
}

/** Decodes the output of encodeCells. Throws a SwitchNetError for text it cannot read. */
export async function decodeCells(encoded: string): Promise<string[]> {
  if (typeof encoded !== "string") fail(`encoded cells must be a string, got ${typeof encoded}`);
  const prefix = encoded.slice(0, 2);
  if (prefix !== "z." && prefix !== "b.")
    fail(`encoded cells must start with "z." or "b.", got ${JSON.stringify(encoded.slice(0, 8))}`);
  let bytes = fromBase64Url(encoded.slice(2));
  if (prefix === "z.") {
    if (!compressionAvailable()) fail("these cells are compressed, but this browser has no DecompressionStream");
    try {
      bytes = await pipe(bytes, new DecompressionStream("deflate-raw"));
    } catch {
      fail("encoded cells are not valid deflate data (the link may be cut short)");
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", {fatal: true}).decode(bytes));
  } catch {
    fail("encoded cells are not valid UTF-8 JSON (the link may be cut short)");
  }
  return checkCells(parsed, "decoded cells");
}

/** The hash fragment (with `#`) that holds the cells. */
export async function hashForCells(cells: readonly string[], options: EncodeOptions = {}): Promise<string> {
  return `#${HASH_KEY}=${await encodeCells(cells, options)}`;
}

/** Reads cells from a hash like `#cells=…`; null when the hash holds none. */
export async function cellsFromHash(hash: string): Promise<string[] | null> {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const encoded = params.get(HASH_KEY);
  return encoded ? decodeCells(encoded) : null;
}

/** The downloadable file's text. */
export function cellsToFile(cells: readonly string[]): string {
  checkCells(cells, "cells");
  return JSON.stringify({format: FILE_FORMAT, version: 1, cells}, null, 2) + "\n";
}

/** Reads a file written by cellsToFile, or plain JavaScript split at `// %%` lines. */
export function cellsFromFile(text: string): string[] {
  if (typeof text !== "string") fail(`file text must be a string, got ${typeof text}`);
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) {
    let parsed: {format?: unknown; cells?: unknown};
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      fail(`the file looks like JSON but does not parse: ${(error as Error).message}`);
    }
    if (parsed.format !== FILE_FORMAT)
      fail(`the file's format must be "${FILE_FORMAT}", got ${JSON.stringify(parsed.format)}`);
    return checkCells(parsed.cells, "the file's cells");
  }
  const cells: string[] = [];
  let current: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (/^\/\/ ?%%/.test(line)) {
      cells.push(current.join("\n"));
      current = [];
    } else {
      current.push(line);
    }
  }
  cells.push(current.join("\n"));
  const kept = cells.map((c) => c.replace(/^\n+|\s+$/g, "")).filter((c) => c.length > 0);
  if (kept.length === 0) fail("the file holds no cells (it is empty)");
  return kept;
}
