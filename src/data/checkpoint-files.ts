/**
 * The capacity sweep's checkpoint files on disk, read header first (Node only: the sweep script and
 * the Capacity page's loader share it). A checkpoint is about 12 MB at the seed's point; its tag,
 * step and cap flag sit in the first few hundred bytes (lib/experiment/checkpoint.ts), so listing a
 * folder reads only those.
 */
import {closeSync, existsSync, openSync, readdirSync, readSync, statSync} from "node:fs";
import {checkpointSummaryOf} from "../lib/experiment/checkpoint.js";

export type CheckpointHeader = ReturnType<typeof checkpointSummaryOf>;

/** The tag, step and cap flag of the checkpoint in FILE, from its header alone; throws (naming what is wrong) when unreadable. */
export function checkpointHeaderOf(file: string): CheckpointHeader {
  const fd = openSync(file, "r");
  try {
    return checkpointSummaryOf((length) => {
      const bytes = new Uint8Array(length);
      return bytes.subarray(0, readSync(fd, bytes, 0, length, 0));
    });
  } finally {
    closeSync(fd);
  }
}

/** One `.ckpt` file of a checkpoint folder: its header, or why it could not be read. */
export interface CheckpointFile {
  /** The path (DIR/NAME). */
  file: string;
  bytes: number;
  header: CheckpointHeader | undefined;
  /** Set when the header could not be read. */
  error?: string;
}

/** Every `.ckpt` file in DIR, sorted by name, with its size and header ([] when DIR does not exist). */
export function checkpointFiles(dir: string): CheckpointFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(".ckpt"))
    .sort()
    .map((name) => {
      const file = `${dir}/${name}`;
      const bytes = statSync(file).size;
      try {
        return {file, bytes, header: checkpointHeaderOf(file)};
      } catch (e) {
        return {file, bytes, header: undefined, error: (e as Error).message};
      }
    });
}
