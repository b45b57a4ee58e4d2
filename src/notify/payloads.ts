// One request builder per HTTP provider type (pure): webhook (signed JSON), Slack, commit status.
import { createHmac } from 'node:crypto';
import { ok, type Result } from '../core/index.ts';
import type { ProviderType } from '../api/index.ts';
import { buildCommitStatusRequest, commitOf, setsCommitStatus } from './commit-status.ts';
import type { NotifyError } from './errors.ts';
import { NotificationEvents, type MoorEvent } from './events.ts';
import type { HttpRequest, PayloadInput } from './request.ts';

export const SIGNATURE_HEADER = 'X-Moor-Signature';

/** The JSON a `webhook` Provider receives (DESIGN.md "Alert"); every key is always present. */
export type WebhookBody = {
  event: string;
  severity: string;
  cluster: string;
  source: { kind: string; namespace: string; name: string };
  revision: string;
  message: string;
  objects: string[];
  timestamp: string;
};

/** `sha256=<hex HMAC-SHA256 of body>`, the value of `X-Moor-Signature`. */
export function signBody(body: string, hmacKey: string): string {
  return `sha256=${createHmac('sha256', hmacKey).update(body, 'utf8').digest('hex')}`;
}

export function webhookBodyOf(event: MoorEvent, cluster: string): WebhookBody {
  return {
    event: event.event,
    severity: event.severity,
    cluster,
    source: {
      kind: event.source.kind,
      namespace: event.source.namespace,
      name: event.source.name,
    },
    revision: event.revision ?? '',
    message: event.message,
    objects: [...(event.objects ?? [])],
    timestamp: event.timestamp,
  };
}

/** POST of the JSON body; signed when the Secret has `hmacKey`, bearer auth when it has `token`. */
export function buildWebhookRequest(input: PayloadInput, event: MoorEvent): HttpRequest {
  const body = JSON.stringify(webhookBodyOf(event, input.cluster));
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  const hmacKey = input.secret?.hmacKey;
  if (hmacKey) headers[SIGNATURE_HEADER] = signBody(body, hmacKey);
  const token = input.secret?.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  return { method: 'POST', url: input.address, headers, body };
}

const SLACK_COLORS = { info: 'good', error: 'danger' } as const;
const SLACK_OBJECTS_SHOWN = 10;

type SlackField = { title: string; value: string; short: boolean };

function slackFields(event: MoorEvent, cluster: string): SlackField[] {
  const { kind, namespace, name } = event.source;
  const fields: SlackField[] = [{ title: kind, value: `${namespace}/${name}`, short: true }];
  if (event.revision) fields.push({ title: 'Revision', value: event.revision, short: true });
  fields.push({ title: 'Cluster', value: cluster, short: true });
  const objects = event.objects ?? [];
  if (objects.length > 0) {
    const shown = objects.slice(0, SLACK_OBJECTS_SHOWN).join('\n');
    const more = objects.length - SLACK_OBJECTS_SHOWN;
    fields.push({
      title: 'Objects',
      value: more > 0 ? `${shown}\n… and ${more} more` : shown,
      short: false,
    });
  }
  return fields;
}

/** A Slack-compatible incoming-webhook body: a text line and one coloured attachment. */
export function buildSlackRequest(input: PayloadInput, event: MoorEvent): HttpRequest {
  const subject = `${event.source.kind}/${event.source.namespace}/${event.source.name}`;
  const headline = `${event.event} ${subject} on ${input.cluster}`;
  const body = {
    text: event.message ? `${headline}: ${event.message}` : headline,
    attachments: [
      {
        color: SLACK_COLORS[event.severity],
        title: headline,
        text: event.message,
        fields: slackFields(event, input.cluster),
        footer: 'moor',
        ts: Math.floor(Date.parse(event.timestamp) / 1000),
      },
    ],
  };
  return {
    method: 'POST',
    url: input.address,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  };
}

/**
 * Whether a provider of this type does anything for the event: webhook and Slack send every
 * event; commit statuses need a Sync event with a state and a revision; gittag moves its tag on
 * a Sync's `Converged` with a revision.
 */
export function isDeliverable(type: ProviderType, event: MoorEvent): boolean {
  switch (type) {
    case 'webhook':
    case 'slack':
      return true;
    case 'github':
    case 'gitlab':
    case 'gitea':
      return setsCommitStatus(event);
    case 'gittag':
      return (
        event.event === NotificationEvents.Converged &&
        event.source.kind === 'Sync' &&
        commitOf(event) !== undefined
      );
  }
}

/** The request for an HTTP provider type; `undefined` when the event sends nothing there. */
export function buildRequest(
  type: Exclude<ProviderType, 'gittag'>,
  input: PayloadInput,
  event: MoorEvent,
): Result<HttpRequest | undefined, NotifyError> {
  switch (type) {
    case 'webhook':
      return ok(buildWebhookRequest(input, event));
    case 'slack':
      return ok(buildSlackRequest(input, event));
    case 'github':
    case 'gitlab':
    case 'gitea':
      return buildCommitStatusRequest(type, input, event);
  }
}
