/**
 * GitRepository → artifact: fetch the ref into the source's persistent mirror (only what it
 * lacks), name the artifact by the commit's tree (treeDigest), and check the tree out only when no
 * artifact of that digest is stored yet. A failure keeps the last good artifact; the caller
 * reports it.
 */
import { rm } from 'node:fs/promises';
import { err, ok, type Result, type SecretReader } from '../core/index.ts';
import type { GitRepositorySpec } from '../api/index.ts';
import {
  authFromSecret,
  classifyUrl,
  formatRevision,
  GitErrorCode,
  parseRevision,
  redactUrl,
  type GitAuth,
  type CommitInfo,
  type GitClient,
  type GitError,
  type MirrorFetch,
} from '../git/index.ts';
import { ignoreMatcher, removeIgnored, treeDigest } from './digest.ts';
import { SourceError, SourceErrorCodes } from './errors.ts';
import type { ArtifactStore } from './store.ts';
import { MIN_SHARED_FILES, shareUnchanged } from './share.ts';
import { resolveTarget, type FetchTarget } from './target.ts';

/** What changed between the artifact published before and this one. */
export type ArtifactChanges = {
  /** The revision the change is counted from. */
  readonly since: string;
  /** Paths relative to the artifact root (`/`-separated, sorted) whose file differs: added,
   * modified, deleted or retyped; `spec.ignore` applied. Empty when only the commit changed. */
  readonly paths: readonly string[];
};

export type StoredArtifact = {
  readonly revision: string;
  readonly digest: string;
  readonly sha: string;
  readonly dir: string;
  /**
   * Absent when unknown: the first fetch, the previous commit no longer in the mirror, or a
   * previous artifact made with other `spec.ignore` rules (or by an older Moor).
   */
  readonly changes?: ArtifactChanges;
  /** The commit's author and message (absent for an artifact found again on disk). */
  readonly commit?: CommitInfo;
};

export type FetchDeps = {
  readonly git: GitClient;
  readonly store: ArtifactStore;
  readonly allowFileUrls: boolean;
  /** Reads a Secret's data (decoded) in the source's namespace; undefined when missing. */
  readonly readSecret: SecretReader;
  readonly signal: AbortSignal;
};

export type FetchInput = {
  readonly namespace: string;
  readonly name: string;
  readonly spec: GitRepositorySpec;
  /** The artifact currently published in status, if any. */
  readonly current?: { readonly revision: string; readonly digest: string } | undefined;
};

export type FetchOutcome = { readonly artifact: StoredArtifact; readonly changed: boolean };

type Subject = { readonly source: string; readonly url: string };

/** A Git failure as the source's: the message names the GitRepository, the code stays git's. */
const gitFail = (subject: Subject, error: GitError) =>
  err(
    new SourceError(
      error.code,
      `${subject.source}: ${error.message}`,
      { source: subject.source, url: redactUrl(subject.url) },
      { cause: error },
    ),
  );

/** A failure whose message names the GitRepository already (a refused URL or Secret). */
const specFail = (source: string, error: GitError) =>
  err(
    new SourceError(error.code, error.message, { source, url: error.data.url }, { cause: error }),
  );

export async function authOf(
  input: FetchInput,
  deps: FetchDeps,
  source: string,
): Promise<Result<GitAuth, SourceError>> {
  const url = input.spec.url;
  const kind = classifyUrl(url, source, deps.allowFileUrls);
  if (!kind.ok) return specFail(source, kind.error);
  const secretName = input.spec.secretRef?.name;
  if (!secretName) return ok({ kind: 'none' });
  const secret = `${input.namespace}/${secretName}`;
  const data = await deps.readSecret(input.namespace, secretName, deps.signal);
  if (!data) {
    const message = `${source}: Secret ${secret} not found`;
    return err(new SourceError(SourceErrorCodes.secretNotFound, message, { source }));
  }
  const auth = authFromSecret(data, kind.value, { source, secret, url });
  return auth.ok ? auth : specFail(source, auth.error);
}

/** The changed paths, when the previous artifact is the one the mirror's previous tree gives. */
function changesOf(
  fetched: MirrorFetch,
  current: FetchInput['current'],
  ignoreRules: string | undefined,
): ArtifactChanges | undefined {
  const previous = fetched.previous;
  if (!current || !previous || treeDigest(previous.tree, ignoreRules) !== current.digest) {
    return undefined;
  }
  const ignores = ignoreMatcher(ignoreRules);
  return { since: current.revision, paths: previous.changedPaths.filter((p) => !ignores(p)) };
}

/** How to build the new artifact from the previous one: share these, write only those. */
type SharePlan = {
  readonly fromDir: string;
  /** Paths not to take from the previous artifact (all changed paths). */
  readonly skip: ReadonlySet<string>;
  /** Paths to write from the new tree (changed, still there, not ignored). */
  readonly write: readonly string[];
};

const ATTRIBUTES = /(^|\/)\.gitattributes$/;

/**
 * Sharing is exact when the previous artifact is the filtered previous tree (changes known) and
 * no `.gitattributes` changed (which could change how unchanged files are written).
 */
async function planSharing(
  fetched: MirrorFetch,
  input: FetchInput,
  deps: FetchDeps,
): Promise<SharePlan | undefined> {
  const known = changesOf(fetched, input.current, input.spec.ignore);
  const previous = fetched.previous;
  if (!known || !previous || !input.current) return undefined;
  if (previous.changedPaths.some((p) => ATTRIBUTES.test(p))) return undefined;
  const fromDir = await deps.store.find(input.namespace, input.name, input.current.digest);
  if (!fromDir) return undefined;
  const deleted = new Set(previous.deletedPaths);
  const write = known.paths.filter((p) => !deleted.has(p));
  return { fromDir, skip: new Set(previous.changedPaths), write };
}

type Placing = {
  readonly input: FetchInput;
  readonly deps: FetchDeps;
  readonly subject: Subject;
  readonly auth: GitAuth;
  readonly target: FetchTarget;
  readonly sha: string;
  readonly digest: string;
  readonly share: SharePlan | undefined;
};

/** Fills `scratch`: shared from the previous artifact plus the changed files, or all of it. */
async function writeTree(p: Placing, scratch: string, mirrorDir: string) {
  const { input, deps } = p;
  const target = { mirrorDir, sha: p.sha, destDir: scratch };
  if (p.share) {
    const { fromDir, skip, write } = p.share;
    // Too few files to be worth it, or a link failed: a full checkout into a fresh dir instead.
    const shared = await shareUnchanged(fromDir, scratch, skip, MIN_SHARED_FILES).catch(() => 0);
    if (shared > 0) return deps.git.checkoutFromMirror({ ...target, paths: write }, deps.signal);
    await rm(scratch, { recursive: true, force: true });
  }
  const checkout = await deps.git.checkoutFromMirror(target, deps.signal);
  if (checkout.ok) await removeIgnored(scratch, input.spec.ignore);
  return checkout;
}

/** Writes the artifact and stores it; when the mirror proves corrupt, one retry on a fresh one. */
async function placeArtifact(p: Placing): Promise<Result<string, SourceError>> {
  const { input, deps, subject } = p;
  const mirrorDir = deps.store.mirrorDir(input.namespace, input.name);
  for (let attempt = 0; ; attempt++) {
    const scratch = await deps.store.scratchDir(input.namespace, input.name);
    const written = await writeTree(p, scratch, mirrorDir);
    if (written.ok) {
      const stored = await deps.store.commit(input.namespace, input.name, scratch, p.digest);
      return ok(stored.dir);
    }
    await rm(scratch, { recursive: true, force: true });
    // The mirror lost objects git needs (Failed, not a network error): fetch it again, once.
    if (attempt > 0 || written.error.code !== GitErrorCode.Failed) {
      return gitFail(subject, written.error);
    }
    const again = await deps.git.fetchToMirror(
      input.spec.url,
      p.auth,
      { ref: p.target.ref, sha: p.sha, mirrorDir, fresh: true },
      deps.signal,
    );
    if (!again.ok) return gitFail(subject, again.error);
  }
}

export async function fetchArtifact(
  input: FetchInput,
  deps: FetchDeps,
): Promise<Result<FetchOutcome, SourceError>> {
  const source = `GitRepository/${input.namespace}/${input.name}`;
  const subject = { source, url: input.spec.url };
  const auth = await authOf(input, deps, source);
  if (!auth.ok) return auth;
  const target = await resolveTarget(input.spec, auth.value, deps.git, deps.signal);
  if (!target.ok) return gitFail(subject, target.error);
  const mirrorDir = deps.store.mirrorDir(input.namespace, input.name);
  const previous = input.current && parseRevision(input.current.revision)?.sha;
  const fetched = await deps.git.fetchToMirror(
    input.spec.url,
    auth.value,
    {
      ref: target.value.ref,
      ...(target.value.sha === undefined ? {} : { sha: target.value.sha }),
      mirrorDir,
      previous,
    },
    deps.signal,
  );
  if (!fetched.ok) return gitFail(subject, fetched.error);
  const { sha, tree } = fetched.value;
  const revision = formatRevision(target.value.name, sha);
  const digest = treeDigest(tree, input.spec.ignore);
  try {
    let dir = await deps.store.find(input.namespace, input.name, digest);
    if (!dir) {
      const placed = await placeArtifact({
        input,
        deps,
        subject,
        auth: auth.value,
        target: target.value,
        sha,
        digest,
        share: await planSharing(fetched.value, input, deps),
      });
      if (!placed.ok) return placed;
      dir = placed.value;
    }
    const changes = changesOf(fetched.value, input.current, input.spec.ignore);
    const changed = input.current?.digest !== digest || input.current.revision !== revision;
    return ok({
      artifact: {
        revision,
        digest,
        sha,
        dir,
        ...(changes ? { changes } : {}),
        ...(fetched.value.commit ? { commit: fetched.value.commit } : {}),
      },
      changed,
    });
  } catch (error) {
    return err(
      new SourceError(
        SourceErrorCodes.storage,
        `${source}: storing the artifact failed: ${(error as Error).message}`,
        { source },
        { cause: error },
      ),
    );
  }
}
