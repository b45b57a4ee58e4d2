// A pull request's preview on its Git host: a commit status on the head commit (the summary in
// its description) and the Markdown body as a comment on the pull request.
import type { Provider } from '../api/index.ts';
import { err, ok, type Result, type SecretReader } from '../core/index.ts';
import { parseRepoAddress, type AddressPolicy, type GitHostType } from './address.ts';
import { DESCRIPTION_LIMIT } from './commit-status.ts';
import { providerIdOf, timeoutOf } from './deliver.ts';
import { NotifyErrorCodes, notifyError, type NotifyError } from './errors.ts';
import { createGuardedFetch } from './guarded-fetch.ts';
import { judgeAnswer, sendRequest } from './http.ts';
import type { HttpRequest } from './request.ts';
import { readSecretData, secretValuesOf } from './secrets.ts';

export type PreviewPublication = {
  /** The pull request's head commit. */
  readonly sha: string;
  /** `moor/preview/<cluster>/<namespace>/<sync>`. */
  readonly context: string;
  /** `success` when computed (changes or not), `failure` when the API server refused objects, `error` when it could not be computed. */
  readonly state: 'success' | 'failure' | 'error';
  readonly description: string;
  /** The pull (merge) request number, for the comment; none: status only. */
  readonly pullRequest?: number | undefined;
  readonly markdown: string;
};

const HOST_STATES = {
  github: { success: 'success', failure: 'failure', error: 'error' },
  gitea: { success: 'success', failure: 'failure', error: 'error' },
  gitlab: { success: 'success', failure: 'failed', error: 'failed' },
} as const;

const path = (segments: readonly string[]) => segments.map(encodeURIComponent).join('/');

function cut(text: string): string {
  const chars = [...text];
  return chars.length <= DESCRIPTION_LIMIT
    ? text
    : `${chars.slice(0, DESCRIPTION_LIMIT - 1).join('')}…`;
}

/** The status request, then (with a pull request number) the comment request. */
export function buildPreviewRequests(
  type: GitHostType,
  address: string,
  token: string,
  pub: PreviewPublication,
): Result<HttpRequest[], string> {
  const repo = parseRepoAddress(type, address);
  if (!repo.ok) return repo;
  const { apiBase, segments } = repo.value;
  const state = HOST_STATES[type][pub.state];
  const description = cut(pub.description);
  const json = { 'Content-Type': 'application/json' };
  const auth =
    type === 'gitlab'
      ? { 'PRIVATE-TOKEN': token }
      : type === 'github'
        ? { Accept: 'application/vnd.github+json', Authorization: `Bearer ${token}` }
        : { Accept: 'application/json', Authorization: `token ${token}` };
  const headers = { ...json, ...auth };
  const project = `${apiBase}/projects/${encodeURIComponent(segments.join('/'))}`;
  const status: HttpRequest =
    type === 'gitlab'
      ? {
          method: 'POST',
          url: `${project}/statuses/${pub.sha}`,
          headers,
          body: JSON.stringify({ state, name: pub.context, description }),
        }
      : {
          method: 'POST',
          url: `${apiBase}/repos/${path(segments)}/statuses/${pub.sha}`,
          headers,
          body: JSON.stringify({ state, context: pub.context, description }),
        };
  if (pub.pullRequest === undefined) return ok([status]);
  const commentUrl =
    type === 'gitlab'
      ? `${project}/merge_requests/${pub.pullRequest}/notes`
      : `${apiBase}/repos/${path(segments)}/issues/${pub.pullRequest}/comments`;
  const comment: HttpRequest = {
    method: 'POST',
    url: commentUrl,
    headers,
    body: JSON.stringify({ body: pub.markdown }),
  };
  return ok([status, comment]);
}

export type PublishDeps = {
  readonly readSecret: SecretReader;
  readonly addressPolicy: AddressPolicy;
};

const GIT_HOSTS: readonly string[] = ['github', 'gitlab', 'gitea'];

/** Sets the status and posts the comment through a github, gitlab or gitea Provider. */
export async function publishPreview(
  deps: PublishDeps,
  provider: Provider,
  pub: PreviewPublication,
  signal: AbortSignal,
): Promise<Result<void, NotifyError>> {
  const providerId = providerIdOf(provider);
  const data = { provider: providerId, retryable: false };
  const type = provider.spec.type;
  if (!GIT_HOSTS.includes(type)) {
    const detail = `a preview needs a github, gitlab or gitea Provider, not ${type}`;
    return err(notifyError(NotifyErrorCodes.InvalidAddress, data, detail));
  }
  const ref = provider.spec.secretRef;
  if (!ref) {
    const detail = 'a preview needs an API token: set spec.secretRef to a Secret with key `token`';
    return err(notifyError(NotifyErrorCodes.SecretKeyMissing, data, detail));
  }
  const place = { namespace: provider.metadata.namespace ?? '', name: ref.name };
  const secret = await readSecretData(deps.readSecret, place, providerId, signal);
  if (!secret.ok) return secret;
  const token = secret.value.token;
  if (!token) {
    const detail = `Secret ${place.namespace}/${place.name} has no key token`;
    return err(notifyError(NotifyErrorCodes.SecretKeyMissing, data, detail));
  }
  const address = secret.value.address || provider.spec.address || '';
  const built = buildPreviewRequests(type as GitHostType, address, token, pub);
  if (!built.ok) return err(notifyError(NotifyErrorCodes.InvalidAddress, data, built.error));
  const guarded = createGuardedFetch(deps.addressPolicy);
  try {
    for (const request of built.value) {
      const checked = deps.addressPolicy.checkUrl(request.url);
      if (!checked.ok)
        return err(notifyError(NotifyErrorCodes.AddressRefused, data, checked.error.message));
      const options = { providerId, timeoutMs: timeoutOf(provider), signal };
      const answer = await sendRequest(guarded.fetch, request, options);
      if (!answer.ok) return answer;
      const context = { providerId, url: request.url, secrets: secretValuesOf(secret.value) };
      const judged = judgeAnswer(answer.value, context);
      if (!judged.ok) return judged;
    }
    return ok(undefined);
  } finally {
    await guarded.close();
  }
}
