/**
 * The operator's HTTP server (metrics, health, receivers) on the address bound at start: ready
 * once every informer has listed; a push to a receiver fetches its GitRepositories at once.
 */
import { Kinds } from '../api/index.ts';
import {
  createServerApp,
  type BoundServer,
  type Dashboard,
  type Metrics,
} from '../server/index.ts';
import type { Feedback } from './feedback.ts';
import type { Previews } from './preview/index.ts';
import type { WorkQueue } from './queue.ts';
import type { Clock, Logger } from './types.ts';
import { nameKey } from '../core/index.ts';

export type Served = {
  readonly address: string | undefined;
  markReady(): void;
  close(): Promise<void>;
};

export function serveHttp(
  listener: BoundServer | undefined,
  parts: {
    readonly logger: Logger;
    readonly clock: Clock;
    readonly metrics: Metrics;
    readonly feedback: Pick<Feedback, 'findReceiver'>;
    readonly sourceQueue: Pick<WorkQueue, 'add'>;
    /** Why the operator cannot work now (the API server does not answer), if so. */
    readonly notReadyBecause?: () => string | undefined;
    /** Pull-request deliveries to Receivers with `spec.preview`. */
    readonly previews?: Pick<Previews, 'onDelivery'>;
    readonly version?: string | undefined;
    readonly dashboard?: Dashboard | undefined;
  },
): Served {
  const { logger, clock, metrics, feedback, sourceQueue } = parts;
  let ready = false;
  const http = listener?.serve(
    createServerApp({
      logger,
      clock,
      metrics,
      ready: () => ready,
      ...(parts.notReadyBecause ? { notReadyBecause: parts.notReadyBecause } : {}),
      ...(parts.version === undefined ? {} : { version: parts.version }),
      dashboard: parts.dashboard,
      findReceiver: (path) => feedback.findReceiver(path),
      onReceive: (receiver, resources, delivery) => {
        // A pull request changes no tracked branch: it is previewed, not fetched.
        if (parts.previews?.onDelivery(receiver, delivery)) return;
        for (const r of resources)
          if (r.kind === Kinds.GitRepository) sourceQueue.add(nameKey(r.namespace, r.name));
        logger.info(
          { receiver: `${receiver.namespace}/${receiver.name}`, resources: resources.length },
          'push received',
        );
      },
    }),
  );
  return {
    address: http?.address,
    markReady: () => (ready = true),
    close: async () => http?.close(),
  };
}

/** Resolves when the signal aborts. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
}
