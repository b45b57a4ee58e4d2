/**
 * Kubernetes Events about Moor's resources (core/v1), written without blocking reconciles. Repeats
 * update one Event's count, and each object's new Events are rate-limited (event-correlator.ts).
 */
import { randomBytes } from 'node:crypto';
import type { KubeObject } from '../core/index.ts';
import type { KubeClient } from '../kube/index.ts';
import {
  createEventCorrelator,
  DEFAULT_EVENT_LIMITS,
  type EventLimits,
  type EventWrite,
} from './event-correlator.ts';
import type { Clock, Logger } from './types.ts';

export type EventType = 'Normal' | 'Warning';

export type EventSubject = {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  uid?: string | undefined;
};

export type EventRecorder = {
  record(
    about: EventSubject,
    type: EventType,
    reason: string,
    message: string,
    annotations?: Record<string, string>,
  ): void;
  /** Resolves when every event recorded so far has been sent. */
  flush(): Promise<void>;
};

/** What the recorder remembers of each object, to forget with it. */
export type EventMemory = {
  /** The object is gone: what was remembered to correlate its Events is forgotten. */
  forget(about: Omit<EventSubject, 'uid'>): void;
  /** Event series and objects remembered now. */
  remembered(): { readonly series: number; readonly objects: number };
};

const MAX_MESSAGE = 1000;

function eventOf(
  component: string,
  about: EventSubject,
  write: EventWrite,
  fields: { type: EventType; reason: string; message: string; now: string },
  annotations: Record<string, string> | undefined,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: write.name,
      namespace: about.namespace || 'default',
      ...(annotations ? { annotations } : {}),
    },
    involvedObject: {
      apiVersion: about.apiVersion,
      kind: about.kind,
      namespace: about.namespace,
      name: about.name,
      ...(about.uid ? { uid: about.uid } : {}),
    },
    type: fields.type,
    reason: fields.reason,
    message: fields.message,
    source: { component: component },
    reportingComponent: component,
    firstTimestamp: new Date(write.firstMs).toISOString(),
    lastTimestamp: fields.now,
    count: write.count,
  };
}

/** The Event's text (cut to its limit) and its keys: per object, and per object and event. */
function keysOf(about: EventSubject, type: EventType, reason: string, message: string) {
  const text = message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 3)}...` : message;
  const objectKey = JSON.stringify([
    about.apiVersion,
    about.kind,
    about.namespace,
    about.name,
    about.uid ?? '',
  ]);
  return { text, objectKey, eventKey: JSON.stringify([objectKey, type, reason, text]) };
}

type WriteResult = { ok: boolean; error?: { message: string } };

/** A failed Event write is logged, not retried: Events are best effort. */
function reportWrite(logger: Logger, res: WriteResult, event: KubeObject): void {
  if (res.ok) return;
  logger.warn(
    { err: res.error?.message, reason: event.reason, event: event.metadata.name },
    'event not recorded',
  );
}

export function createEventRecorder(deps: {
  kube: KubeClient;
  clock: Pick<Clock, 'now'>;
  logger: Logger;
  component: string;
  signal: AbortSignal;
  limits?: EventLimits;
}): EventRecorder & EventMemory {
  const correlator = createEventCorrelator(deps.limits ?? DEFAULT_EVENT_LIMITS);
  const inflight = new Set<Promise<void>>();
  // Writes of one Event go out one after another, so a count never goes back.
  const chains = new Map<string, Promise<void>>();

  const send = async (event: KubeObject, write: EventWrite): Promise<void> => {
    const ref = {
      apiVersion: 'v1',
      kind: 'Event',
      namespace: event.metadata.namespace ?? 'default',
      name: write.name,
    };
    if (write.kind === 'update') {
      const patch = { count: write.count, lastTimestamp: event.lastTimestamp };
      const res = await deps.kube.mergePatch(ref, patch, deps.signal);
      // An Event the server let expire is written anew, with the count so far.
      if (res.ok || res.error.code !== 'NotFound') return report(res, event);
    }
    report(await deps.kube.create(event, deps.signal), event);
  };
  const report = (res: WriteResult, event: KubeObject): void =>
    reportWrite(deps.logger, res, event);

  return {
    record(about, type, reason, message, annotations) {
      const now = deps.clock.now();
      const { text, objectKey, eventKey } = keysOf(about, type, reason, message);
      const write = correlator.observe(
        objectKey,
        eventKey,
        now.getTime(),
        () => `${about.name}.${now.getTime().toString(16)}${randomBytes(4).toString('hex')}`,
      );
      if (!write) {
        deps.logger.debug(
          { reason, object: `${about.kind}/${about.namespace}/${about.name}` },
          'event rate-limited',
        );
        return;
      }
      const event = eventOf(
        deps.component,
        about,
        write,
        { type, reason, message: text, now: now.toISOString() },
        annotations,
      );
      const sent = (chains.get(eventKey) ?? Promise.resolve())
        .then(() => send(event, write))
        .catch((error: unknown) => report({ ok: false, error: { message: String(error) } }, event));
      chains.set(eventKey, sent);
      inflight.add(sent);
      void sent.finally(() => {
        inflight.delete(sent);
        if (chains.get(eventKey) === sent) chains.delete(eventKey);
      });
    },
    async flush() {
      await Promise.all([...inflight]);
    },
    forget(about) {
      // Every uid of the object: `["apiVersion","kind","namespace","name",` starts its key.
      const prefix = `${JSON.stringify([about.apiVersion, about.kind, about.namespace, about.name]).slice(0, -1)},`;
      correlator.forget((objectKey) => objectKey.startsWith(prefix));
    },
    remembered: () => correlator.size(),
  };
}
