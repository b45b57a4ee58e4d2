// The `gittag` provider: on a Sync's Converged, point the per-cluster tag at the applied commit.
import type { Provider } from '../api/index.ts';
import { err, ok, type Result, type SecretData, type SecretReader } from '../core/index.ts';
import {
  authFromSecret,
  classifyUrl,
  GitErrorCode,
  type GitAuth,
  type GitClient,
  type GitError,
} from '../git/index.ts';
import { commitOf } from './commit-status.ts';
import { NotifyErrorCodes, notifyError, type NotifyError } from './errors.ts';
import type { MoorEvent } from './events.ts';
import { readSecretData } from './secrets.ts';

/** What a gittag Provider needs of its GitRepository. */
export type GitRepositoryTarget = {
  readonly url: string;
  readonly secretRef?: { readonly name: string } | undefined;
};

export type GitTagDeps = {
  readonly git: GitClient;
  getGitRepository(namespace: string, name: string): GitRepositoryTarget | undefined;
  readonly readSecret: SecretReader;
};

/** `moor/<cluster>/<syncNamespace>/<syncName>`. */
export function clusterTagOf(cluster: string, event: MoorEvent): string {
  return `moor/${cluster}/${event.source.namespace}/${event.source.name}`;
}

const retryableGitCodes: ReadonlySet<string> = new Set([
  GitErrorCode.Unreachable,
  GitErrorCode.Timeout,
  GitErrorCode.Failed,
]);

function fromGitError(providerId: string, error: GitError): NotifyError {
  const aborted = error.code === GitErrorCode.Aborted;
  return notifyError(
    aborted ? NotifyErrorCodes.Aborted : NotifyErrorCodes.GitFailed,
    { provider: providerId, retryable: retryableGitCodes.has(error.code) },
    `pushing the tag failed: ${error.message}`,
    error,
  );
}

type SecretPlace = { namespace: string; name: string };

/** The Provider's own Secret (write credentials) wins over the GitRepository's. */
function secretPlaceOf(
  provider: Provider,
  repoNamespace: string,
  repo: GitRepositoryTarget,
): SecretPlace | undefined {
  const providerNamespace = provider.metadata.namespace ?? '';
  if (provider.spec.secretRef) {
    return { namespace: providerNamespace, name: provider.spec.secretRef.name };
  }
  return repo.secretRef ? { namespace: repoNamespace, name: repo.secretRef.name } : undefined;
}

async function authFor(
  deps: GitTagDeps,
  place: SecretPlace | undefined,
  url: string,
  context: { providerId: string; signal: AbortSignal },
): Promise<Result<GitAuth, NotifyError>> {
  const { providerId, signal } = context;
  const kind = classifyUrl(url, providerId, true);
  if (!kind.ok) {
    const data = { provider: providerId, retryable: false };
    return err(notifyError(NotifyErrorCodes.InvalidAddress, data, kind.error.message));
  }
  let data: SecretData | undefined;
  if (place) {
    const read = await readSecretData(deps.readSecret, place, providerId, signal);
    if (!read.ok) return read;
    data = read.value;
  }
  const secret = place ? `${place.namespace}/${place.name}` : '';
  const auth = authFromSecret(data, kind.value, { source: providerId, secret, url });
  if (auth.ok) return auth;
  const info = { provider: providerId, retryable: false };
  return err(notifyError(NotifyErrorCodes.SecretKeyMissing, info, auth.error.message));
}

/** Force-pushes the lightweight tag `clusterTagOf(cluster, event)` at the event's commit. */
export async function pushClusterTag(
  deps: GitTagDeps,
  target: { provider: Provider; providerId: string; cluster: string },
  event: MoorEvent,
  signal: AbortSignal,
): Promise<Result<{ tag: string; sha: string }, NotifyError>> {
  const { provider, providerId } = target;
  const sha = commitOf(event);
  const ref = provider.spec.sourceRef;
  if (!sha || !ref) return ok({ tag: '', sha: '' });
  const repoNamespace = ref.namespace ?? provider.metadata.namespace ?? '';
  const repo = deps.getGitRepository(repoNamespace, ref.name);
  if (!repo) {
    const data = { provider: providerId, retryable: false };
    const detail = `spec.sourceRef: GitRepository ${repoNamespace}/${ref.name} not found`;
    return err(notifyError(NotifyErrorCodes.SourceNotFound, data, detail));
  }
  const place = secretPlaceOf(provider, repoNamespace, repo);
  const auth = await authFor(deps, place, repo.url, { providerId, signal });
  if (!auth.ok) return auth;
  const tag = clusterTagOf(target.cluster, event);
  const pushed = await deps.git.pushTag(repo.url, auth.value, { sha, tag }, signal);
  return pushed.ok
    ? ok({ tag, sha: pushed.value.sha })
    : err(fromGitError(providerId, pushed.error));
}
