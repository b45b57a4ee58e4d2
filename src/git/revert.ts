/**
 * A rollback written to Git (ADR 0019): on top of the branch's head, a commit whose tree is the
 * head's with one path (or the whole tree) as it was at an earlier commit, pushed to the branch
 * without force (a branch that moved meanwhile refuses it). Plumbing only, in a scratch bare
 * repository: no work tree, no credentials on disk.
 */
import { join } from 'node:path';
import { err, ok, type Result } from '../core/index.ts';
import { identityEnv, pushCommit } from './commit-push.ts';
import { GitErrorCode, gitFailure, type GitError } from './errors.ts';
import type { Session } from './session.ts';
import type { RestoreCommitTarget } from './types.ts';

const lines = (text: string): string[] => text.split('\0').filter((l) => l !== '');

/** `./deploy/` → `deploy`; `./`, `.` and `` → `` (the whole tree). */
export function normalizeTreePath(path: string): string {
  return path
    .replace(/^(\.\/)+/, '')
    .replace(/\/+$/, '')
    .replace(/^\.$/, '');
}

const under = (prefix: string) => (entry: string) => {
  const path = entry.slice(entry.indexOf('\t') + 1);
  return prefix === '' || path === prefix || path.startsWith(`${prefix}/`);
};

/** The tree of `head` with `path` (all of it when empty) taken from `from`. */
async function restoredTree(
  session: Session,
  gitDir: string,
  head: string,
  from: string,
  path: string,
): Promise<Result<string, GitError>> {
  const env = { GIT_INDEX_FILE: join(session.scratchDir, 'restore-index') };
  const list = (commit: string) =>
    session.run(['ls-tree', '-r', '-z', '--full-tree', commit], { op: 'ls-tree', gitDir });
  const [now, then] = await Promise.all([list(head), list(from)]);
  if (!now.ok) return now;
  if (!then.ok) return then;
  const inPath = under(path);
  const entries = [
    ...lines(now.value).filter((e) => !inPath(e)),
    ...lines(then.value).filter(inPath),
  ];
  const indexed = await session.run(['update-index', '-z', '--index-info'], {
    op: 'update-index',
    gitDir,
    env,
    input: entries.map((e) => `${e}\0`).join(''),
  });
  if (!indexed.ok) return indexed;
  const tree = await session.run(['write-tree'], { op: 'write-tree', gitDir, env });
  return tree.ok ? ok(tree.value.trim()) : tree;
}

async function fetchBoth(session: Session, gitDir: string, t: RestoreCommitTarget) {
  const ref = `refs/heads/${t.branch}`;
  const fetch = (refspec: string) =>
    session.run(['fetch', '-q', '--no-tags', '--end-of-options', session.url.url, refspec], {
      op: 'fetch',
      ref: refspec,
      gitDir,
    });
  const branch = await fetch(`+${ref}:${ref}`);
  if (!branch.ok) return branch;
  const has = await session.run(['cat-file', '-e', `${t.sha}^{commit}`], {
    op: 'cat-file',
    gitDir,
  });
  if (!has.ok) {
    const commit = await fetch(t.sha);
    if (!commit.ok) return commit;
  }
  const head = await session.run(['rev-parse', '--verify', `${ref}^{commit}`], {
    op: 'rev-parse',
    gitDir,
  });
  return head.ok ? ok(head.value.trim()) : head;
}

/** Writes and pushes the restoring commit; returns it and the head it was written on. */
export async function pushRestoreCommit(
  session: Session,
  t: RestoreCommitTarget,
): Promise<Result<{ sha: string; parent: string }, GitError>> {
  const gitDir = join(session.scratchDir, 'repo.git');
  const init = await session.run(['init', '-q', '--bare', gitDir], { op: 'init' });
  if (!init.ok) return init;
  const head = await fetchBoth(session, gitDir, t);
  if (!head.ok) return head;
  const path = normalizeTreePath(t.path);
  const tree = await restoredTree(session, gitDir, head.value, t.sha, path);
  if (!tree.ok) return tree;
  const headTree = await session.run(['rev-parse', `${head.value}^{tree}`], {
    op: 'rev-parse',
    gitDir,
  });
  if (headTree.ok && headTree.value.trim() === tree.value) {
    const context = { op: 'commit-tree', url: session.url.redacted, ref: t.branch };
    const detail = `${path || 'the tree'} on ${t.branch} is already as it was at ${t.sha}`;
    return err(gitFailure(GitErrorCode.Failed, context, { detail }));
  }
  const commit = await session.run(['commit-tree', tree.value, '-p', head.value, '-F', '-'], {
    op: 'commit-tree',
    gitDir,
    env: identityEnv(t.author),
    input: t.message.endsWith('\n') ? t.message : `${t.message}\n`,
  });
  if (!commit.ok) return commit;
  const sha = commit.value.trim();
  // Pushed once, without force: a branch that moved since the restore was decided refuses it.
  const pushed = await pushCommit(session, { gitDir, sha, branch: t.branch, force: false });
  return pushed.ok ? ok({ sha, parent: head.value }) : pushed;
}
