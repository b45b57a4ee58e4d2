/**
 * The SyncHistories this operator wrote last, so the next record of a Sync is one update instead
 * of a read and an update (ADR 0036). What is kept is what the write returned: its metadata
 * (without managedFields) and the encoded ring, bounded in bytes, the least recently written
 * evicted first. An entry is only a guess: the update carries its resourceVersion, so a
 * SyncHistory changed or deleted since fails the update, and the record is written after a read
 * as before.
 */
import type { KubeObject } from '../../core/index.ts';

/** Bytes of encoded rings kept across all Syncs; beyond it the oldest entries go. */
export const HISTORY_MEMO_BYTES = 4 * 1024 * 1024;
/** What an entry costs besides its ring: metadata and the map's own share, roughly. */
const ENTRY_OVERHEAD = 512;

export type HistoryMemo = {
  /** The SyncHistory last written for the Sync `key` (`namespace/name`), forgotten as taken. */
  take(key: string): KubeObject | undefined;
  /** Remembers the SyncHistory a write returned. */
  keep(key: string, history: KubeObject): void;
  forget(key: string): void;
  readonly size: number;
};

const costOf = (history: KubeObject): number => {
  const ring = (history.spec as { ring?: unknown } | undefined)?.ring;
  return ENTRY_OVERHEAD + (typeof ring === 'string' ? ring.length : 0);
};

export function createHistoryMemo(limitBytes = HISTORY_MEMO_BYTES): HistoryMemo {
  const entries = new Map<string, { history: KubeObject; cost: number }>();
  let bytes = 0;
  const forget = (key: string): void => {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    bytes -= entry.cost;
  };
  return {
    take(key) {
      const entry = entries.get(key);
      forget(key);
      return entry?.history;
    },
    keep(key, history) {
      forget(key);
      const { managedFields: _managed, ...metadata } = history.metadata;
      const kept = { ...history, metadata };
      const cost = costOf(kept);
      if (cost > limitBytes) return;
      entries.set(key, { history: kept, cost });
      bytes += cost;
      for (const [oldest] of entries) {
        if (bytes <= limitBytes) break;
        forget(oldest);
      }
    },
    forget,
    get size() {
      return entries.size;
    },
  };
}
