/**
 * Describing the machine a benchmark ran on: CPU model, cores and cache sizes. `parseCacheSize`
 * and `cacheLevels` read Linux's /sys/devices/system/cpu/cpu0/cache/index<i>/ entries (passed in
 * as plain strings, so this file has no Node imports and can be tested anywhere).
 */
import type {CacheLevel} from "./throughput-chart.js";

/** "48K" → 49152, "1024K" → 1048576, "32M" → 33554432, "512" → 512; null if unreadable. */
export function parseCacheSize(text: string): number | null {
  const match = /^\s*(\d+)\s*([KMG]?)i?B?\s*$/i.exec(text);
  if (!match) return null;
  const unit = match[2].toUpperCase();
  const scale = unit === "K" ? 2 ** 10 : unit === "M" ? 2 ** 20 : unit === "G" ? 2 ** 30 : 1;
  return Number(match[1]) * scale;
}

export interface RawCacheEntry {
  level: string;
  type: string;
  size: string;
}

/** Cache levels from raw /sys entries, unreadable ones dropped, sorted by level then type. */
export function cacheLevels(entries: RawCacheEntry[]): CacheLevel[] {
  const levels: CacheLevel[] = [];
  for (const e of entries) {
    const level = Number(e.level.trim());
    const size = parseCacheSize(e.size);
    if (!Number.isInteger(level) || size === null) continue;
    levels.push({level, type: e.type.trim(), size});
  }
  return levels.sort((a, b) => a.level - b.level || a.type.localeCompare(b.type));
}
