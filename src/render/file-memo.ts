/**
 * Manifest files read by the last load of the same Sync, so that a commit changing one file
 * reads one file (ADR 0037). An artifact made from the previous one shares its unchanged files
 * as hard links, and a stored artifact is never written again, so a file that `stat` finds with
 * the same device, inode, size and modification time (nanoseconds) as a file read before holds
 * the same bytes. The change time cannot count: linking a file into the next artifact, and
 * removing an old artifact, change it. Only sub-second modification times are trusted: with
 * whole seconds, a freed inode written again within the same second could pass for the old file.
 */
/** A file's text (decoded, as read) by its path relative to the artifact root. */
export type FileMemo = Map<string, { readonly identity: string; readonly content: string }>;

/** Below this many files reading them all is cheap, and artifacts share no files anyway. */
export const FILE_MEMO_MIN_FILES = 64;
/** A Sync's memo keeps no more text than this; a larger load is read whole each time. */
export const FILE_MEMO_MAX_BYTES = 8 * 1024 * 1024;

const NS_PER_SECOND = 1_000_000_000n;

/** What `stat(path, { bigint: true })` says of a file, as far as its identity goes. */
export type FileStats = {
  readonly dev: bigint;
  readonly ino: bigint;
  readonly size: bigint;
  readonly mtimeNs: bigint;
};

/** What identifies a file's bytes, or undefined when its times cannot (whole seconds). */
export function identityOf(info: FileStats): string | undefined {
  const { dev, ino, size, mtimeNs } = info;
  if (mtimeNs % NS_PER_SECOND === 0n) return undefined;
  return `${dev}:${ino}:${size}:${mtimeNs}`;
}

/** One load's use of the memo: what it recalls and reads replaces the memo when it is done. */
export type FileMemoRound = {
  /** The text of a file seen before with the same identity, or undefined: read it. */
  recall(path: string, identity: string | undefined): string | undefined;
  /** A file read now. */
  keep(path: string, identity: string | undefined, content: string): void;
  /** The load succeeded: the memo becomes this load's files (deleted files leave it). */
  finish(): void;
};

export function fileMemoRound(memo: FileMemo | undefined): FileMemoRound {
  const next: FileMemo = new Map();
  let bytes = 0;
  let complete = true;
  const add = (path: string, identity: string | undefined, content: string) => {
    if (identity === undefined) complete = false;
    else {
      next.set(path, { identity, content });
      bytes += content.length;
    }
  };
  return {
    recall(path, identity) {
      const known = memo?.get(path);
      if (!known || identity === undefined || known.identity !== identity) return undefined;
      add(path, identity, known.content);
      return known.content;
    },
    keep: add,
    finish() {
      if (!memo) return;
      memo.clear();
      const worth = complete && next.size >= FILE_MEMO_MIN_FILES && bytes <= FILE_MEMO_MAX_BYTES;
      if (worth) for (const [path, entry] of next) memo.set(path, entry);
    },
  };
}
