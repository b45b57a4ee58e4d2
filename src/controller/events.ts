/** Kubernetes Events about Moor's resources (core/v1), written without blocking reconciles. */
import { randomBytes } from 'node:crypto';
import type { KubeObject } from '../core/index.ts';
import type { KubeClient } from '../kube/index.ts';
import type { Clock, Logger } from './types.ts';

export type EventType = 'Normal' | 'Warning';

export type EventRecorder = {
  record(
    about: {
      apiVersion: string;
      kind: string;
      namespace: string;
      name: string;
      uid?: string | undefined;
    },
    type: EventType,
    reason: string,
    message: string,
    annotations?: Record<string, string>,
  ): void;
  /** Resolves when every event recorded so far has been sent. */
  flush(): Promise<void>;
};

export function createEventRecorder(deps: {
  kube: KubeClient;
  clock: Clock;
  logger: Logger;
  component: string;
  signal: AbortSignal;
}): EventRecorder {
  const inflight = new Set<Promise<void>>();
  return {
    record(about, type, reason, message, annotations) {
      const now = deps.clock.now().toISOString();
      const event: KubeObject = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: {
          name: `${about.name}.${Date.now().toString(16)}${randomBytes(2).toString('hex')}`,
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
        type,
        reason,
        message: message.length > 1000 ? `${message.slice(0, 997)}...` : message,
        source: { component: deps.component },
        reportingComponent: deps.component,
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      };
      const sent = deps.kube.create(event, deps.signal).then((res) => {
        if (!res.ok) deps.logger.warn({ err: res.error.message, reason }, 'event not recorded');
      });
      inflight.add(sent);
      void sent.finally(() => inflight.delete(sent));
    },
    async flush() {
      await Promise.all([...inflight]);
    },
  };
}
