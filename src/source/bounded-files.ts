// A least-recently-used set of files on disk, bounded by count and total bytes: adding one past a
// bound removes the least recently used (from the set and from disk). Chart packages are kept so.
import { rm } from 'node:fs/promises';

export type BoundedFiles<T> = {
  /** The entry for `key`, now the most recently used; undefined when there is none. */
  get(key: string): T | undefined;
  /** Keeps `entry` (its file at `path`, `bytes` long); evicts beyond the bounds. */
  set(
    key: string,
    entry: T,
    file: { readonly path: string; readonly bytes: number },
  ): Promise<void>;
  readonly size: number;
  readonly bytes: number;
};

export type FileBounds = { readonly maxFiles: number; readonly maxBytes: number };

export function createBoundedFiles<T>(bounds: FileBounds): BoundedFiles<T> {
  const entries = new Map<string, { entry: T; path: string; bytes: number }>();
  let total = 0;
  const drop = async (key: string): Promise<void> => {
    const known = entries.get(key);
    if (!known) return;
    entries.delete(key);
    total -= known.bytes;
    await rm(known.path, { force: true, recursive: true }).catch(() => undefined);
  };
  return {
    get(key) {
      const known = entries.get(key);
      if (!known) return undefined;
      entries.delete(key);
      entries.set(key, known);
      return known.entry;
    },
    async set(key, entry, file) {
      const old = entries.get(key);
      if (old) {
        entries.delete(key);
        total -= old.bytes;
        if (old.path !== file.path) await rm(old.path, { force: true }).catch(() => undefined);
      }
      entries.set(key, { entry, ...file });
      total += file.bytes;
      // The newest stays even when it alone is over the bytes bound: it is in use.
      while (entries.size > 1 && (entries.size > bounds.maxFiles || total > bounds.maxBytes)) {
        const [oldest] = entries.keys();
        if (oldest === undefined || oldest === key) break;
        await drop(oldest);
      }
    },
    get size() {
      return entries.size;
    },
    get bytes() {
      return total;
    },
  };
}

/** A map in memory bounded by count: setting one past `max` forgets the least recently used. */
export type LruMap<T> = {
  get(key: string): T | undefined;
  set(key: string, value: T): void;
  readonly size: number;
};

export function createLruMap<T>(max: number): LruMap<T> {
  const map = new Map<string, T>();
  return {
    get(key) {
      const value = map.get(key);
      if (value === undefined) return undefined;
      map.delete(key);
      map.set(key, value);
      return value;
    },
    set(key, value) {
      map.delete(key);
      map.set(key, value);
      for (const oldest of map.keys()) {
        if (map.size <= max) break;
        map.delete(oldest);
      }
    },
    get size() {
      return map.size;
    },
  };
}
