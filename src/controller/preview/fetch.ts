/**
 * The state at a ref of a Sync's GitRepository, fetched into a directory of the caller's: the
 * source's URL and credentials (its Secret), one commit, depth 1, through git/.
 */
import { parseGitRepository, type Sync } from '../../api/index.ts';
import { err, ok, type Result, type SecretReader } from '../../core/index.ts';
import { authFromSecret, classifyUrl, formatRevision, type GitClient } from '../../git/index.ts';
import type { KubeClient } from '../../kube/index.ts';
import { PreviewError, PreviewErrorCodes } from './errors.ts';

export type FetchRefDeps = {
  readonly kube: Pick<KubeClient, 'get'>;
  readonly git: GitClient;
  readonly readSecret: SecretReader;
  /** Whether the GitRepository may name a file:// URL. */
  readonly allowFileUrls: boolean;
  readonly signal: AbortSignal;
};

export type FetchedRef = { readonly sha: string; readonly revision: string };

const fail = (
  code: (typeof PreviewErrorCodes)[keyof typeof PreviewErrorCodes],
  subject: string,
  message: string,
  cause?: unknown,
) => err(new PreviewError(code, message, { subject }, cause === undefined ? undefined : { cause }));

/** Fetches `ref` (a branch, tag or full commit sha) of the Sync's source into `dir` (empty or missing). */
export async function fetchSyncRef(
  deps: FetchRefDeps,
  sync: Sync,
  ref: string,
  dir: string,
  sha?: string,
): Promise<Result<FetchedRef, PreviewError>> {
  const namespace = sync.spec.sourceRef.namespace ?? sync.metadata.namespace ?? '';
  const name = sync.spec.sourceRef.name;
  const source = `GitRepository ${namespace}/${name}`;
  const got = await deps.kube.get(
    { apiVersion: 'moor.dev/v1alpha1', kind: 'GitRepository', namespace, name },
    deps.signal,
  );
  if (!got.ok) return fail(PreviewErrorCodes.apiFailed, source, got.error.message, got.error);
  if (!got.value) return fail(PreviewErrorCodes.notFound, source, `${source} not found`);
  const parsed = parseGitRepository(got.value);
  if (!parsed.ok)
    return fail(PreviewErrorCodes.invalid, source, parsed.error.message, parsed.error);
  const { url, secretRef } = parsed.value.spec;
  const kind = classifyUrl(url, source, deps.allowFileUrls);
  if (!kind.ok) return fail(PreviewErrorCodes.invalid, source, kind.error.message, kind.error);
  let data: Readonly<Record<string, string>> | undefined;
  if (secretRef) {
    data = await deps.readSecret(namespace, secretRef.name, deps.signal);
    if (!data)
      return fail(
        PreviewErrorCodes.notFound,
        source,
        `${source}: Secret ${namespace}/${secretRef.name} not found`,
      );
  }
  const auth = authFromSecret(data, kind.value, {
    source,
    secret: `${namespace}/${secretRef?.name ?? ''}`,
    url,
  });
  if (!auth.ok) return fail(PreviewErrorCodes.invalid, source, auth.error.message, auth.error);
  const fetched = await deps.git.fetchCommit(
    url,
    auth.value,
    sha ? { ref, sha } : { ref },
    dir,
    deps.signal,
  );
  if (!fetched.ok) {
    return fail(
      PreviewErrorCodes.fetchFailed,
      source,
      `${source}: ref ${ref}: ${fetched.error.message}`,
      fetched.error,
    );
  }
  return ok({ sha: fetched.value.sha, revision: formatRevision(ref, fetched.value.sha) });
}
