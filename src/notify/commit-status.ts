// Commit statuses on GitHub, GitLab and Gitea (pure): which state an event means, and the request.
import { err, ok, type Result } from '../core/index.ts';
import { parseRevision } from '../git/index.ts';
import { parseRepoAddress, type GitHostType } from './address.ts';
import { NotifyErrorCodes, notifyError, type NotifyError } from './errors.ts';
import type { MoorEvent, NotificationEvent } from './events.ts';
import type { HttpRequest, PayloadInput } from './request.ts';

export const DESCRIPTION_LIMIT = 140;

type HostStates = { readonly github: string; readonly gitlab: string; readonly gitea: string };

/**
 * The commit status each event sets on its revision. Events not listed set none:
 * `DriftCorrected` and `Pruned` say nothing new about the commit, and `RolledBack` is already
 * marked by the `HealthFailed` before it (the commit rolled back to gets its own `Converged`).
 *
 * | event           | github  | gitlab  | gitea   |
 * |-----------------|---------|---------|---------|
 * | ChangeCommitted | pending | running | pending |
 * | Converged       | success | success | success |
 * | ApplyFailed     | failure | failed  | failure |
 * | HealthFailed    | failure | failed  | failure |
 * | Diverged        | error   | failed  | error   |
 */
export const CommitStates: Readonly<Partial<Record<NotificationEvent, HostStates>>> = {
  ChangeCommitted: { github: 'pending', gitlab: 'running', gitea: 'pending' },
  Converged: { github: 'success', gitlab: 'success', gitea: 'success' },
  ApplyFailed: { github: 'failure', gitlab: 'failed', gitea: 'failure' },
  HealthFailed: { github: 'failure', gitlab: 'failed', gitea: 'failure' },
  Diverged: { github: 'error', gitlab: 'failed', gitea: 'error' },
};

/** `moor/<cluster>/<namespace>/<name>`: one status per cluster and Sync on each commit. */
export function statusContextOf(cluster: string, event: MoorEvent): string {
  return `moor/${cluster}/${event.source.namespace}/${event.source.name}`;
}

/** The commit an event is about, when its revision names one. */
export function commitOf(event: MoorEvent): string | undefined {
  return event.revision === undefined ? undefined : parseRevision(event.revision)?.sha;
}

/** Whether the event sets a commit status: a Sync event with a state and a revision. */
export function setsCommitStatus(event: MoorEvent): boolean {
  return (
    event.source.kind === 'Sync' &&
    CommitStates[event.event] !== undefined &&
    commitOf(event) !== undefined
  );
}

export function describeEvent(event: MoorEvent): string {
  const text = event.message ? `${event.event}: ${event.message}` : event.event;
  const chars = [...text];
  return chars.length <= DESCRIPTION_LIMIT
    ? text
    : `${chars.slice(0, DESCRIPTION_LIMIT - 1).join('')}…`;
}

function requireToken(input: PayloadInput): Result<string, NotifyError> {
  const token = input.secret?.token;
  if (token) return ok(token);
  return err(
    notifyError(
      NotifyErrorCodes.SecretKeyMissing,
      { provider: input.providerId, retryable: false },
      'commit statuses need an API token: set spec.secretRef to a Secret with the key `token`',
    ),
  );
}

function pathOf(segments: readonly string[]): string {
  return segments.map((s) => encodeURIComponent(s)).join('/');
}

/**
 * The request that sets the event's commit status, or `undefined` when the event sets none
 * (see `CommitStates`).
 */
export function buildCommitStatusRequest(
  type: GitHostType,
  input: PayloadInput,
  event: MoorEvent,
): Result<HttpRequest | undefined, NotifyError> {
  const states = CommitStates[event.event];
  const sha = commitOf(event);
  if (event.source.kind !== 'Sync' || !states || !sha) return ok(undefined);
  const repo = parseRepoAddress(type, input.address);
  if (!repo.ok) {
    const data = { provider: input.providerId, retryable: false };
    return err(notifyError(NotifyErrorCodes.InvalidAddress, data, repo.error));
  }
  const token = requireToken(input);
  if (!token.ok) return token;
  const { apiBase, segments } = repo.value;
  const context = statusContextOf(input.cluster, event);
  const description = describeEvent(event);
  const json = { 'Content-Type': 'application/json' };
  switch (type) {
    case 'github':
      return ok({
        method: 'POST',
        url: `${apiBase}/repos/${pathOf(segments)}/statuses/${sha}`,
        headers: {
          ...json,
          Accept: 'application/vnd.github+json',
          Authorization: `Bearer ${token.value}`,
        },
        body: JSON.stringify({ state: states.github, context, description }),
      });
    case 'gitlab':
      return ok({
        method: 'POST',
        url: `${apiBase}/projects/${encodeURIComponent(segments.join('/'))}/statuses/${sha}`,
        headers: { ...json, 'PRIVATE-TOKEN': token.value },
        body: JSON.stringify({ state: states.gitlab, name: context, description }),
      });
    case 'gitea':
      return ok({
        method: 'POST',
        url: `${apiBase}/repos/${pathOf(segments)}/statuses/${sha}`,
        headers: { ...json, Accept: 'application/json', Authorization: `token ${token.value}` },
        body: JSON.stringify({ state: states.gitea, context, description }),
      });
  }
}
