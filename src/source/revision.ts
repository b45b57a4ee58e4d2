/**
 * The artifact of an earlier commit of a GitRepository, for a Sync pinned to it or rolled back to
 * it (ADR 0019): checked out from the source's mirror when it still has the commit, else fetched
 * from the remote by sha. Kept beside the published artifacts under `.revisions/` (no namespace is
 * named so), a few per source.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { err, ok, type Result } from '../core/index.ts';
import type { GitRepositorySpec } from '../api/index.ts';
import { formatRevision } from '../git/index.ts';
import { removeIgnored } from './digest.ts';
import { SourceError } from './errors.ts';
import { authOf, type FetchDeps, type StoredArtifact } from './fetch.ts';

/** Revision artifacts kept per source. */
export const REVISIONS_KEPT = 4;

export type RevisionInput = {
  readonly namespace: string;
  readonly name: string;
  readonly spec: GitRepositorySpec;
  /** The full commit sha. */
  readonly sha: string;
  /** The ref name its revision is written with (`main` in `main@sha1:…`). */
  readonly refName: string;
};

/** One commit and one set of ignore rules give one digest. */
export function revisionDigest(sha: string, ignoreRules: string | undefined): string {
  const hash = createHash('sha256')
    .update('moor-artifact-v1\0commit\0')
    .update(sha)
    .update('\0ignore\0')
    .update(ignoreRules?.trim() ? ignoreRules : '');
  return `sha256:${hash.digest('hex')}`;
}

const exists = (dir: string) =>
  stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );

/** Removes all but the REVISIONS_KEPT newest revision artifacts of a source (not `keep`). */
async function prune(parent: string, keep: string): Promise<void> {
  const names = (await readdir(parent).catch(() => [])).filter((n) => !n.startsWith('.tmp-'));
  const dated = await Promise.all(
    names.map(async (n) => ({
      n,
      t: (await stat(join(parent, n)).catch(() => undefined))?.mtimeMs ?? 0,
    })),
  );
  const doomed = dated
    .filter((d) => d.n !== keep)
    .sort((a, b) => b.t - a.t)
    .slice(REVISIONS_KEPT - 1);
  await Promise.all(doomed.map((d) => rm(join(parent, d.n), { recursive: true, force: true })));
}

async function writeCommit(input: RevisionInput, deps: FetchDeps, scratch: string) {
  const mirrorDir = deps.store.mirrorDir(input.namespace, input.name);
  const fromMirror = await deps.git.checkoutFromMirror(
    { mirrorDir, sha: input.sha, destDir: scratch },
    deps.signal,
  );
  if (fromMirror.ok) return fromMirror;
  await rm(scratch, { recursive: true, force: true });
  const source = `GitRepository/${input.namespace}/${input.name}`;
  const auth = await authOf(input, deps, source);
  if (!auth.ok) return auth;
  const fetched = await deps.git.fetchCommit(
    input.spec.url,
    auth.value,
    { ref: input.sha, sha: input.sha },
    scratch,
    deps.signal,
  );
  if (!fetched.ok) {
    const message = `${source}: commit ${input.sha} cannot be fetched: ${fetched.error.message}`;
    return err(new SourceError(fetched.error.code, message, { source }, { cause: fetched.error }));
  }
  return ok(undefined);
}

export async function fetchRevisionArtifact(
  input: RevisionInput,
  deps: FetchDeps,
): Promise<Result<StoredArtifact, SourceError>> {
  const digest = revisionDigest(input.sha, input.spec.ignore);
  const parent = join(deps.store.root, '.revisions', input.namespace, input.name);
  const dirName = digest.replace(':', '-');
  const dir = join(parent, dirName);
  const artifact = {
    revision: formatRevision(input.refName, input.sha),
    digest,
    sha: input.sha,
    dir,
  };
  if (await exists(dir)) return ok(artifact);
  await mkdir(parent, { recursive: true });
  const scratch = await mkdtemp(join(parent, '.tmp-'));
  try {
    const written = await writeCommit(input, deps, scratch);
    if (!written.ok) return written;
    await removeIgnored(scratch, input.spec.ignore);
    if (!(await exists(dir))) await rename(scratch, dir);
    await prune(parent, dirName);
    return ok(artifact);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
