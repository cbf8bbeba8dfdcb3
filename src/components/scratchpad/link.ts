/**
 * The Scratchpad's link: the cells' text lives in the URL's hash (codec.ts), rewritten a moment
 * after each change, and a link to other cells opened in the same tab (only the hash changes)
 * loads those cells.
 */
import {cellsFromHash, hashForCells} from "./codec.js";

/** Milliseconds after the last change before the hash is rewritten. */
export const HASH_DELAY_MS = 300;

export interface CellLink {
  /** Rewrites the hash now (after any write under way); resolves when it is written. */
  write(): Promise<void>;
  /** Rewrites the hash HASH_DELAY_MS after the last call. */
  schedule(): void;
  destroy(): void;
}

export interface LinkOptions {
  /** The cells' text now. */
  sources(): string[];
  /** The hash could not be written (the error's message). */
  onWriteError(message: string): void;
  /** The hash now holds other cells than these (a link opened in this tab). */
  onOtherCells(texts: string[]): Promise<void>;
  /** A changed hash could not be read (the error's message). */
  onReadError(message: string): void;
}

export function createCellLink(win: Window, options: LinkOptions): CellLink {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writing = Promise.resolve();
  const write = () => {
    const current = options.sources();
    writing = writing
      .then(async () => {
        const hash = await hashForCells(current);
        if (win.location.hash !== hash) {
          win.history.replaceState(win.history.state, "", `${win.location.pathname}${win.location.search}${hash}`);
        }
      })
      .catch((error) => options.onWriteError((error as Error).message));
    return writing;
  };
  const onHashChange = async () => {
    try {
      const fromUrl = await cellsFromHash(win.location.hash);
      if (!fromUrl || fromUrl.join("\u0000") === options.sources().join("\u0000")) return;
      await options.onOtherCells(fromUrl);
    } catch (error) {
      options.onReadError((error as Error).message);
    }
  };
  win.addEventListener("hashchange", onHashChange);
  return {
    write,
    schedule() {
      clearTimeout(timer);
      timer = setTimeout(write, HASH_DELAY_MS);
    },
    destroy() {
      win.removeEventListener("hashchange", onHashChange);
      clearTimeout(timer);
    }
  };
}
