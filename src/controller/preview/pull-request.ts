/**
 * Pull-request previews: a verified `pull_request` delivery (GitHub, Gitea) or `Merge Request
 * Hook` (GitLab) to a Receiver with `spec.preview` makes the operator preview each listed Sync at
 * the pull request's head commit and publish it as a commit status (and a comment) on the host.
 */
import { parseProvider } from '../../api/index.ts';
import { API_GROUP_VERSION, isRecord, Kinds, type SecretReader } from '../../core/index.ts';
import type { GitClient } from '../../git/index.ts';
import type { KubeClient } from '../../kube/index.ts';
import { publishPreview, type AddressPolicy, type PreviewPublication } from '../../notify/index.ts';
import type { KustomizeSettings } from '../../render/index.ts';
import type { ReceivedDelivery, ReceiverTarget } from '../../server/index.ts';
import type { Logger } from '../types.ts';
import { summarizePreview } from './compare.ts';
import { formatPreviewMarkdown } from './format.ts';
import { previewSync } from './run.ts';

/** The pull request a delivery is about, when it opened or updated one. */
export type PullRequest = { readonly number: number; readonly sha: string; readonly ref: string };

const PULL_REQUEST_EVENTS: ReadonlySet<string> = new Set(['pull_request', 'Merge Request Hook']);
const GITHUB_ACTIONS: ReadonlySet<string> = new Set(['opened', 'synchronize', 'reopened']);
const GITLAB_ACTIONS: ReadonlySet<string> = new Set(['open', 'update', 'reopen']);
const SHA = /^[0-9a-f]{40}$/;

function pick(obj: unknown, ...path: string[]): unknown {
  let cur = obj;
  for (const key of path) cur = isRecord(cur) ? cur[key] : undefined;
  return cur;
}

function parseBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Where each host puts the action, number, head commit and head branch. */
const FIELDS = {
  github: {
    actions: GITHUB_ACTIONS,
    action: ['action'],
    number: ['number'],
    sha: ['pull_request', 'head', 'sha'],
    ref: ['pull_request', 'head', 'ref'],
  },
  gitlab: {
    actions: GITLAB_ACTIONS,
    action: ['object_attributes', 'action'],
    number: ['object_attributes', 'iid'],
    sha: ['object_attributes', 'last_commit', 'id'],
    ref: ['object_attributes', 'source_branch'],
  },
} as const;

/** Reads the pull request of a delivery (pure); undefined for other events and actions. */
export function parsePullRequest(delivery: ReceivedDelivery): PullRequest | undefined {
  if (!PULL_REQUEST_EVENTS.has(delivery.event)) return undefined;
  const body = parseBody(delivery.body);
  const f = delivery.event === 'Merge Request Hook' ? FIELDS.gitlab : FIELDS.github;
  const action = pick(body, ...f.action);
  if (typeof action !== 'string' || !f.actions.has(action)) return undefined;
  const number = pick(body, ...f.number);
  const sha = pick(body, ...f.sha);
  const ref = pick(body, ...f.ref);
  if (typeof number !== 'number' || !Number.isInteger(number) || number <= 0) return undefined;
  if (typeof sha !== 'string' || !SHA.test(sha) || typeof ref !== 'string' || !ref)
    return undefined;
  return { number, sha, ref };
}

export type PreviewsDeps = {
  readonly kube: KubeClient;
  readonly git: GitClient;
  readonly kustomize: KustomizeSettings;
  readonly allowFileUrls: boolean;
  readonly readSecret: SecretReader;
  readonly addressPolicy: AddressPolicy;
  readonly clusterName: string;
  readonly logger: Logger;
  readonly signal: AbortSignal;
};

export type Previews = {
  /** Starts the previews a delivery asks for (in the background); true when it asked for any. */
  onDelivery(receiver: ReceiverTarget, delivery: ReceivedDelivery): boolean;
  /** Resolves when the previews started so far have finished. */
  idle(): Promise<void>;
};

async function previewOne(
  deps: PreviewsDeps,
  receiver: ReceiverTarget,
  target: { namespace: string; name: string },
  pr: PullRequest,
): Promise<PreviewPublication> {
  const context = `moor/preview/${deps.clusterName}/${target.namespace}/${target.name}`;
  const base = { sha: pr.sha, context, pullRequest: pr.number };
  const comment = receiver.preview?.comment !== false;
  const request = { ...target, state: { ref: pr.ref, sha: pr.sha } };
  const preview = await previewSync(deps, request);
  if (!preview.ok) {
    const message = preview.error.message;
    const markdown = `## Moor preview: Sync \`${target.namespace}/${target.name}\`\n\nNo preview: ${message}\n`;
    return { ...base, state: 'error', description: `no preview: ${message}`, markdown };
  }
  const p = preview.value;
  const description = `${summarizePreview(p)} (${p.unchanged} unchanged)`;
  const state = p.failed.length > 0 ? 'failure' : 'success';
  return {
    ...base,
    ...(comment ? {} : { pullRequest: undefined }),
    state,
    description,
    markdown: formatPreviewMarkdown(p),
  };
}

async function runPreviews(deps: PreviewsDeps, receiver: ReceiverTarget, pr: PullRequest) {
  const spec = receiver.preview;
  if (!spec) return;
  const log = deps.logger;
  const providerRef = {
    apiVersion: API_GROUP_VERSION,
    kind: Kinds.Provider,
    namespace: receiver.namespace,
    name: spec.providerRef.name,
  };
  const got = await deps.kube.get(providerRef, deps.signal);
  const parsed = got.ok && got.value ? parseProvider(got.value) : undefined;
  if (!parsed?.ok) {
    const where = `Provider ${receiver.namespace}/${spec.providerRef.name}`;
    log.warn(
      { receiver: `${receiver.namespace}/${receiver.name}` },
      `${where} not usable: no preview published`,
    );
    return;
  }
  for (const s of spec.syncs) {
    const target = { namespace: s.namespace ?? receiver.namespace, name: s.name };
    const publication = await previewOne(deps, receiver, target, pr);
    const published = await publishPreview(deps, parsed.value, publication, deps.signal);
    const fields = {
      sync: `${target.namespace}/${target.name}`,
      pr: pr.number,
      sha: pr.sha,
      state: publication.state,
    };
    if (published.ok)
      log.info({ ...fields, description: publication.description }, 'preview published');
    else log.warn({ ...fields, err: published.error.message }, 'preview not published');
  }
}

export function startPreviews(deps: PreviewsDeps): Previews {
  const running = new Set<Promise<void>>();
  return {
    onDelivery(receiver, delivery) {
      if (!receiver.preview) return false;
      const pr = parsePullRequest(delivery);
      if (!pr) return false;
      const job = runPreviews(deps, receiver, pr)
        .catch((error: unknown) => deps.logger.warn({ err: String(error) }, 'preview failed'))
        .finally(() => running.delete(job));
      running.add(job);
      return true;
    },
    idle: async () => {
      await Promise.all([...running]);
    },
  };
}
