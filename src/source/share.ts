/**
 * A new artifact that shares the unchanged files of the previous one: hard links (symlinks are
 * recreated), so a one-file commit writes one file instead of the whole tree. Artifacts are never
 * written after they are stored, so a file shared by two of them never changes under either; an
 * artifact's removal only drops its names.
 */
import { link, mkdir, readdir, readlink, symlink } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import pLimit from 'p-limit';

const PARALLEL = 32;
/** Below this many files a full checkout (one git run) is cheaper than linking plus writing. */
export const MIN_SHARED_FILES = 64;

/**
 * Links every file of `fromDir` whose relative path is not in `skip` into the empty `toDir`.
 * Directories are made for the files only, so one that held only skipped files does not appear.
 * Returns how many files were shared: 0, with nothing done, when fewer than `minFiles` would be.
 */
export async function shareUnchanged(
  fromDir: string,
  toDir: string,
  skip: ReadonlySet<string>,
  minFiles = 0,
): Promise<number> {
  const entries = await readdir(fromDir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => !e.isDirectory())
    .map((e) => ({ entry: e, rel: relative(fromDir, join(e.parentPath, e.name)) }))
    .filter(({ rel }) => !skip.has(rel.split(sep).join('/')));
  if (files.length < minFiles) return 0;
  const dirs = new Set(files.map(({ rel }) => dirname(rel)).filter((d) => d !== '.'));
  const limit = pLimit(PARALLEL);
  // `recursive` makes a parent made by a sibling's call no error.
  await Promise.all(
    [...dirs].map((dir) => limit(() => mkdir(join(toDir, dir), { recursive: true }))),
  );
  await Promise.all(
    files.map(({ entry, rel }) =>
      limit(async () => {
        const from = join(fromDir, rel);
        const to = join(toDir, rel);
        if (entry.isSymbolicLink()) await symlink(await readlink(from), to);
        else await link(from, to);
      }),
    ),
  );
  return files.length;
}
