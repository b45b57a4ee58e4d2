/**
 * GitRepository → artifact: resolve the ref on the remote, and only when it points to a commit not
 * already stored, fetch that one commit (shallow) into the store. A failure keeps the last good
 * artifact; the caller reports it.
 */
import { err, ok, type Result } from '../core/index.ts';
import type { GitRepositorySpec } from '../api/index.ts';
import { formatRevision, resolveRef, type GitAuth, type GitClient } from '../git/index.ts';
import { removeIgnored } from './digest.ts';
import { SourceError, SourceErrorCodes } from './errors.ts';
import type { ArtifactStore } from './store.ts';
import { classifyUrl, redactUrl } from './url.ts';
import { authFromSecret } from './auth.ts';

export type StoredArtifact = {
  readonly revision: string;
  readonly digest: string;
  readonly sha: string;
  readonly dir: string;
};

export type FetchDeps = {
  readonly git: GitClient;
  readonly store: ArtifactStore;
  readonly allowFileUrls: boolean;
  /** Reads a Secret's data (decoded) in the source's namespace; undefined when missing. */
  readonly readSecret: (
    namespace: string,
    name: string,
    signal: AbortSignal,
  ) => Promise<Record<string, string> | undefined>;
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

const shaOf = (revision: string): string => revision.slice(revision.lastIndexOf(':') + 1);

export async function fetchArtifact(
  input: FetchInput,
  deps: FetchDeps,
): Promise<Result<FetchOutcome, SourceError>> {
  const source = `GitRepository/${input.namespace}/${input.name}`;
  const url = input.spec.url;
  const kind = classifyUrl(url, source, deps.allowFileUrls);
  if (!kind.ok) return kind;
  let auth: GitAuth = { kind: 'none' };
  const secretName = input.spec.secretRef?.name;
  if (secretName) {
    const data = await deps.readSecret(input.namespace, secretName, deps.signal);
    if (!data) {
      return err(
        new SourceError(
          SourceErrorCodes.secret,
          `${source}: Secret ${input.namespace}/${secretName} not found`,
          { source },
        ),
      );
    }
    const parsed = authFromSecret(data, kind.value, {
      source,
      secret: `${input.namespace}/${secretName}`,
    });
    if (!parsed.ok) return parsed;
    auth = parsed.value;
  }
  const gitFail = (message: string, cause: unknown) =>
    err(
      new SourceError(
        SourceErrorCodes.git,
        `${source}: ${message}`,
        { source, url: redactUrl(url) },
        { cause },
      ),
    );

  const ref = input.spec.ref;
  let target: { name: string; sha: string };
  if (ref.commit && !ref.branch && !ref.tag && !ref.semver) {
    target = { name: '', sha: ref.commit };
  } else {
    const refs = await deps.git.listRemoteRefs(url, auth, deps.signal);
    if (!refs.ok) return gitFail(refs.error.message, refs.error);
    const resolved = resolveRef(refs.value, ref, redactUrl(url));
    if (!resolved.ok) return gitFail(resolved.error.message, resolved.error);
    target = resolved.value;
  }
  const revision = formatRevision(target.name, target.sha);

  if (input.current && shaOf(input.current.revision) === target.sha) {
    const dir = await deps.store.find(input.namespace, input.name, input.current.digest);
    if (dir) {
      return ok({
        artifact: { revision, digest: input.current.digest, sha: target.sha, dir },
        changed: revision !== input.current.revision,
      });
    }
  }
  const scratch = await deps.store.scratchDir(input.namespace, input.name);
  const fetched = await deps.git.fetchCommit(
    url,
    auth,
    { ref: target.name || target.sha, sha: target.sha },
    scratch,
    deps.signal,
  );
  if (!fetched.ok) return gitFail(fetched.error.message, fetched.error);
  try {
    await removeIgnored(scratch, input.spec.ignore);
    const stored = await deps.store.commit(input.namespace, input.name, scratch);
    const changed = input.current?.digest !== stored.digest || input.current.revision !== revision;
    return ok({
      artifact: { revision, digest: stored.digest, sha: fetched.value.sha, dir: stored.dir },
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
