/**
 * Persistent bare mirrors: one per source, fetched at depth 1 into `refs/moor/head`, so a new
 * commit transfers only the objects the mirror lacks. A mirror holds objects, that one ref and a
 * shallow file: never a remote URL (it is passed on each run), a FETCH_HEAD or a reflog, so no
 * credential reaches the disk. A mirror git cannot use is removed and fetched again from scratch.
 */
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { err, ok, type Result } from '../core/index.ts';
import { GitErrorCode, gitFailure, type GitError } from './errors.ts';
import { isFullSha } from './refs.ts';
import type { LocalSession, Session } from './session.ts';
import type { CommitInfo, MirrorCheckout, MirrorFetch, MirrorFetchTarget } from './types.ts';

const MIRROR_REF = 'refs/moor/head';
/** Fan-out dirs of loose objects (of 256) and packs beyond which a mirror is compacted. */
const LOOSE_DIRS_SOFT = 64;
const PACKS_SOFT = 8;
/** Beyond these, compaction runs even on a fetch that brought a new commit. */
const LOOSE_DIRS_HARD = 200;
const PACKS_HARD = 32;

const exists = (path: string, kind: 'file' | 'dir'): Promise<boolean> =>
  stat(path).then(
    (s) => (kind === 'file' ? s.isFile() : s.isDirectory()),
    () => false,
  );

/** A bare repository's skeleton with a sane HEAD; git finds deeper damage, and then we retry. */
async function looksLikeMirror(dir: string): Promise<boolean> {
  const parts = await Promise.all([
    exists(join(dir, 'HEAD'), 'file'),
    exists(join(dir, 'config'), 'file'),
    exists(join(dir, 'objects'), 'dir'),
    exists(join(dir, 'refs'), 'dir'),
  ]);
  if (!parts.every(Boolean)) return false;
  const head = await readFile(join(dir, 'HEAD'), 'utf8').catch(() => '');
  return /^(ref: refs\/\S+|[0-9a-f]{40})\n?$/.test(head);
}

/** Makes sure a usable mirror is at `dir`; true when it was (re)created just now. */
async function openMirror(
  session: Session,
  dir: string,
  fresh: boolean,
): Promise<Result<boolean, GitError>> {
  if (!fresh && (await looksLikeMirror(dir))) return ok(false);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dirname(dir), { recursive: true });
  const init = await session.run(['init', '-q', '--bare', dir], { op: 'init' });
  return init.ok ? ok(true) : init;
}

function fetchRef(
  session: Session,
  ref: string,
  gitDir: string,
): Promise<Result<string, GitError>> {
  return session.run(
    [
      'fetch',
      '-q',
      '--depth=1',
      '--no-tags',
      '--no-recurse-submodules',
      '--no-write-fetch-head',
      '--no-show-forced-updates',
      '--end-of-options',
      session.url.url,
      `+${ref}:${MIRROR_REF}`,
    ],
    { op: 'fetch', ref, gitDir },
  );
}

type Described = {
  readonly sha: string | undefined;
  readonly tree: string | undefined;
  readonly previousSha: string | undefined;
  readonly previousTree: string | undefined;
};

/** Commit and tree of the mirror's ref and of `previous`, in one git run; missing ones undefined. */
async function describeCommits(
  session: Session,
  gitDir: string,
  previous: string | undefined,
): Promise<Result<Described, GitError>> {
  const names = [`${MIRROR_REF}^{commit}`, `${MIRROR_REF}^{tree}`];
  if (previous !== undefined) names.push(`${previous}^{commit}`, `${previous}^{tree}`);
  const listed = await session.run(['cat-file', '--batch-check=%(objectname) %(objecttype)'], {
    op: 'cat-file',
    gitDir,
    input: `${names.join('\n')}\n`,
  });
  if (!listed.ok) return listed;
  const ids = listed.value
    .split('\n')
    .slice(0, names.length)
    .map((line) => {
      const [id = '', type = ''] = line.split(' ');
      return isFullSha(id) && (type === 'commit' || type === 'tree') ? id : undefined;
    });
  const [sha, tree, previousSha, previousTree] = ids;
  return ok({ sha, tree, previousSha, previousTree });
}

type TreeDiff = { readonly changedPaths: string[]; readonly deletedPaths: string[] };

/** Paths that differ between two tree-ishes (recursive, no renames), sorted; undefined if unknown. */
async function diffTrees(
  session: Session,
  gitDir: string,
  from: string,
  to: string,
): Promise<TreeDiff | undefined> {
  if (from === to) return { changedPaths: [], deletedPaths: [] };
  const diff = await session.run(
    ['diff-tree', '-r', '-z', '--name-status', '--no-renames', from, to],
    { op: 'diff-tree', gitDir },
  );
  // A tree pruned from the mirror, in part: the change is unknown, the fetch still good.
  if (!diff.ok) return undefined;
  // `<status>\0<path>\0` per change.
  const fields = diff.value.split('\0');
  const changedPaths: string[] = [];
  const deletedPaths: string[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [status = '', path = ''] = [fields[i], fields[i + 1]];
    if (!path) continue;
    changedPaths.push(path);
    if (status === 'D') deletedPaths.push(path);
  }
  return { changedPaths: changedPaths.sort(), deletedPaths: deletedPaths.sort() };
}

/** Author, date and subject of a commit in the mirror; undefined when git cannot say. */
async function commitInfo(
  session: Session,
  gitDir: string,
  commit: string,
): Promise<CommitInfo | undefined> {
  const shown = await session.run(['show', '-s', '--format=%an <%ae>%x00%aI%x00%s', commit], {
    op: 'show',
    gitDir,
  });
  if (!shown.ok) return undefined;
  const [author = '', time = '', subject = ''] = shown.value.replace(/\n$/, '').split('\0');
  return author ? { author, time, subject } : undefined;
}

async function countEntries(dir: string, pattern: RegExp): Promise<number> {
  const entries = await readdir(dir).catch(() => []);
  return entries.filter((e) => pattern.test(e)).length;
}

/**
 * Keeps a mirror small: once loose objects or packs pile up, repack what the ref reaches and drop
 * the rest. Done when a fetch brought nothing new (off the path of a new revision) unless the
 * pile is large. A failure leaves a working mirror; the next fetch tries again.
 */
async function compactMirror(session: Session, gitDir: string, idle: boolean): Promise<void> {
  const looseDirs = await countEntries(join(gitDir, 'objects'), /^[0-9a-f]{2}$/);
  const packs = await countEntries(join(gitDir, 'objects', 'pack'), /\.pack$/);
  const soft = looseDirs > LOOSE_DIRS_SOFT || packs > PACKS_SOFT;
  const hard = looseDirs > LOOSE_DIRS_HARD || packs > PACKS_HARD;
  if (hard || (idle && soft)) {
    await session.run(['gc', '--quiet', '--prune=now'], { op: 'gc', gitDir });
  }
}

/** The commit fetched before, with its diff to the new one, when all three are known. */
function previousOf(
  sha: string | undefined,
  tree: string | undefined,
  diff: Omit<NonNullable<MirrorFetch['previous']>, 'sha' | 'tree'> | undefined,
): MirrorFetch['previous'] {
  return sha !== undefined && tree !== undefined && diff ? { sha, tree, ...diff } : undefined;
}

async function fetchOnce(
  session: Session,
  target: MirrorFetchTarget,
  fresh: boolean,
): Promise<{ result: Result<MirrorFetch, GitError>; created: boolean }> {
  const gitDir = target.mirrorDir;
  const opened = await openMirror(session, gitDir, fresh);
  if (!opened.ok) return { result: opened, created: true };
  const created = opened.value;
  const fail = (result: Result<never, GitError>) => ({ result, created });
  const fetched = await fetchRef(session, target.ref, gitDir);
  if (!fetched.ok) return fail(fetched);
  const previous =
    target.previous !== undefined && isFullSha(target.previous) ? target.previous : undefined;
  // All three read the mirror only: run side by side (the diff names the commits, not their
  // trees; the commit's author and subject are read through the ref the fetch just moved).
  const [described, diff, commit] = await Promise.all([
    describeCommits(session, gitDir, previous),
    previous === undefined ? undefined : diffTrees(session, gitDir, previous, MIRROR_REF),
    commitInfo(session, gitDir, `${MIRROR_REF}^{commit}`),
  ]);
  if (!described.ok) return fail(described);
  const { sha, tree, previousSha, previousTree } = described.value;
  const context = { op: 'fetch', url: session.url.redacted, ref: target.ref };
  if (sha === undefined || tree === undefined) {
    const detail = `${MIRROR_REF} names no commit after the fetch`;
    return fail(err(gitFailure(GitErrorCode.Failed, context, { detail })));
  }
  const expected = target.sha?.toLowerCase();
  if (expected !== undefined && sha !== expected) {
    const detail = `expected commit ${expected}, the remote has ${sha}`;
    return fail(err(gitFailure(GitErrorCode.RefNotFound, context, { detail })));
  }
  const before = previousOf(previousSha, previousTree, diff);
  await compactMirror(session, gitDir, sha === previousSha);
  return {
    result: ok({
      sha,
      tree,
      created,
      ...(before ? { previous: before } : {}),
      ...(commit ? { commit } : {}),
    }),
    created,
  };
}

/**
 * Fetches into the mirror; when git fails for a reason that is not the remote's (Failed: a
 * corrupt object, a stale lock, a broken ref), the mirror is recreated and the fetch tried once
 * more from scratch.
 */
export async function fetchToMirror(
  session: Session,
  target: MirrorFetchTarget,
): Promise<Result<MirrorFetch, GitError>> {
  const first = await fetchOnce(session, target, target.fresh ?? false);
  if (first.result.ok || first.created || first.result.error.code !== GitErrorCode.Failed) {
    return first.result;
  }
  return (await fetchOnce(session, target, true)).result;
}

/**
 * Writes the tree of `sha` into `destDir` through a private index: all of it into an empty dir,
 * or only `paths` into a dir that already holds the rest (as a full checkout would write them:
 * the whole tree is in the index, so its `.gitattributes` apply).
 */
export async function checkoutFromMirror(
  session: LocalSession,
  target: MirrorCheckout,
): Promise<Result<void, GitError>> {
  const { mirrorDir, sha, destDir, paths } = target;
  if (!isFullSha(sha)) throw new Error(`checkoutFromMirror: ${sha} is not a full sha`);
  await mkdir(destDir, { recursive: true });
  if (paths === undefined && (await readdir(destDir)).length > 0) {
    throw new Error(`checkoutFromMirror: destination ${destDir} is not empty`);
  }
  const context = {
    op: 'checkout',
    ref: sha,
    gitDir: mirrorDir,
    env: { GIT_INDEX_FILE: join(session.scratchDir, 'index') },
  };
  const workTree = ['--work-tree', destDir];
  if (paths === undefined) {
    const all = await session.run([...workTree, 'read-tree', '-u', '--reset', sha], context);
    return all.ok ? ok(undefined) : all;
  }
  const index = await session.run(['read-tree', sha], context);
  if (!index.ok) return index;
  if (paths.length === 0) return ok(undefined);
  const some = await session.run([...workTree, 'checkout-index', '-f', '-z', '--stdin'], {
    ...context,
    input: paths.map((p) => `${p}\0`).join(''),
  });
  return some.ok ? ok(undefined) : some;
}
