// The Notifier: events in, deliveries out. publish() never blocks; each Provider has its own
// bounded queue, rate limit and retry loop, so a slow or broken receiver delays only itself.
import type { Alert, Provider, ProviderType } from '../api/index.ts';
import {
  backoffDelay,
  type Clock,
  type Logger,
  type SecretReader,
  nameKey,
} from '../core/index.ts';
import type { GitClient } from '../git/index.ts';
import { deliverOnce, providerIdOf, type DeliveryDeps } from './deliver.ts';
import { NotifyErrorCodes, notifyError, type NotifyError } from './errors.ts';
import { createEvent, type EventInput, type MoorEvent } from './events.ts';
import type { GitRepositoryTarget } from './gittag.ts';
import type { FetchFn } from './http.ts';
import { selectAlerts } from './match.ts';
import { isDeliverable } from './payloads.ts';
import { createTokenBucket, type TokenBucket } from './timers.ts';

export type { LogFn, Logger } from '../core/index.ts';

export type ProviderRef = {
  readonly namespace: string;
  readonly name: string;
  readonly type: ProviderType;
};

export type DeliveryResult = 'success' | 'failure';

export type NotifierDeps = {
  /** Alerts to match (typically those in `namespace`; Alerts elsewhere are matched correctly too). */
  listAlerts(namespace: string): readonly Alert[];
  getProvider(namespace: string, name: string): Provider | undefined;
  getGitRepository(namespace: string, name: string): GitRepositoryTarget | undefined;
  readonly readSecret: SecretReader;
  readonly git: GitClient;
  readonly fetch?: FetchFn;
  /** The operator's `--cluster-name`: used when neither the Provider nor the event names one. */
  readonly clusterName: string;
  /** Stamps events (`now`), paces deliveries and waits between retries (`monotonic`, `sleep`). */
  readonly clock: Clock;
  readonly logger: Logger;
  /** Aborting drops every queued event and cancels deliveries in flight. */
  readonly signal: AbortSignal;
  /** After each delivery's last attempt (not for deliveries cut short by `signal`). */
  onDelivery?(provider: ProviderRef, result: DeliveryResult, error?: string): void;
};

export type NotifierOptions = {
  /** Events queued per Provider; beyond it the oldest is dropped. Default 100. */
  readonly queueLimit?: number;
  /** Deliveries per second per Provider, on average. Default 5. */
  readonly ratePerSecond?: number;
  /** Deliveries per Provider allowed at once before the rate applies. Default 5. */
  readonly burst?: number;
  /** Attempts per delivery, the first included. Default 5. */
  readonly maxAttempts?: number;
  /** Wait before the first retry; doubles each time. Default 1000. */
  readonly initialBackoffMs?: number;
  /** Longest wait between attempts (also caps `Retry-After`). Default 30000. */
  readonly maxBackoffMs?: number;
};

export type ProviderStats = {
  readonly namespace: string;
  readonly name: string;
  /** Events waiting now. */
  readonly queued: number;
  /** Events dropped because the queue was full. */
  readonly dropped: number;
  readonly delivered: number;
  readonly failed: number;
};

export type Notifier = {
  /**
   * Queues `event` for every Provider whose Alerts select it and returns at once. An event
   * without `timestamp`/`severity` gets now and its default severity.
   */
  publish(event: MoorEvent | EventInput): void;
  /** Resolves when every queue is empty and no delivery is in flight. */
  idle(): Promise<void>;
  stats(): ProviderStats[];
};

type Channel = {
  readonly namespace: string;
  readonly name: string;
  readonly queue: MoorEvent[];
  readonly bucket: TokenBucket;
  running: boolean;
  dropped: number;
  delivered: number;
  failed: number;
};

type Settings = Required<NotifierOptions>;

function settingsOf(options: NotifierOptions): Settings {
  return {
    queueLimit: Math.max(1, options.queueLimit ?? 100),
    ratePerSecond: options.ratePerSecond ?? 5,
    burst: Math.max(1, options.burst ?? 5),
    maxAttempts: Math.max(1, options.maxAttempts ?? 5),
    initialBackoffMs: options.initialBackoffMs ?? 1000,
    maxBackoffMs: options.maxBackoffMs ?? 30_000,
  };
}

function completeEvent(event: MoorEvent | EventInput, now: () => Date): MoorEvent {
  const timestamp = 'timestamp' in event ? event.timestamp : undefined;
  const stamped = createEvent(event, now());
  return timestamp ? { ...stamped, timestamp } : stamped;
}

/** Providers named by the Alerts that select `event`, once each. */
function providersFor(deps: NotifierDeps, event: MoorEvent, log: Logger): Provider[] {
  const alerts = selectAlerts(deps.listAlerts(event.source.namespace), event);
  const seen = new Map<string, Provider>();
  for (const alert of alerts) {
    const namespace = alert.metadata.namespace ?? '';
    const name = alert.spec.providerRef.name;
    const key = nameKey(namespace, name);
    if (seen.has(key)) continue;
    const provider = deps.getProvider(namespace, name);
    if (!provider) {
      log.warn(
        { alert: `Alert/${namespace}/${alert.metadata.name}`, provider: `Provider/${key}` },
        'alert names a provider that does not exist',
      );
      continue;
    }
    seen.set(key, provider);
  }
  return [...seen.values()].filter((p) => !p.spec.suspend && isDeliverable(p.spec.type, event));
}

export function createNotifier(deps: NotifierDeps, options: NotifierOptions = {}): Notifier {
  const settings = settingsOf(options);
  const log = deps.logger.child({ component: 'notify' });
  const channels = new Map<string, Channel>();
  const waiters: Array<() => void> = [];
  let active = 0;
  const delivery: DeliveryDeps = {
    fetch: deps.fetch ?? fetch,
    git: deps.git,
    getGitRepository: (namespace, name) => deps.getGitRepository(namespace, name),
    readSecret: deps.readSecret,
    clusterName: deps.clusterName,
  };

  const settle = (): void => {
    if (active > 0) return;
    for (const resolve of waiters.splice(0)) resolve();
  };

  const report = (provider: Provider, result: DeliveryResult, error?: NotifyError): void => {
    if (!deps.onDelivery) return;
    const ref = {
      namespace: provider.metadata.namespace ?? '',
      name: provider.metadata.name,
      type: provider.spec.type,
    };
    try {
      if (error) deps.onDelivery(ref, result, error.message);
      else deps.onDelivery(ref, result);
    } catch (thrown) {
      log.error({ err: thrown }, 'onDelivery callback threw');
    }
  };

  const attempt = async (provider: Provider, event: MoorEvent) => {
    try {
      return await deliverOnce(delivery, provider, event, deps.signal);
    } catch (thrown) {
      const data = { provider: providerIdOf(provider), retryable: false };
      const detail = `delivery threw: ${thrown instanceof Error ? thrown.message : String(thrown)}`;
      return { ok: false as const, error: notifyError(NotifyErrorCodes.Internal, data, detail) };
    }
  };

  /** Delivers with retries; true when delivered, false when failed, undefined when aborted. */
  const deliverWithRetries = async (
    provider: Provider,
    event: MoorEvent,
    plog: Logger,
  ): Promise<boolean | undefined> => {
    for (let n = 1; n <= settings.maxAttempts; n++) {
      const result = await attempt(provider, event);
      if (result.ok) {
        plog.debug({ attempts: n }, 'notification delivered');
        report(provider, 'success');
        return true;
      }
      if (deps.signal.aborted) return undefined;
      const error = result.error;
      if (!error.retryable || n === settings.maxAttempts) {
        plog.warn(
          { attempts: n, code: error.code, error: error.message },
          'notification delivery failed',
        );
        report(provider, 'failure', error);
        return false;
      }
      const backoff = backoffDelay(n, settings.initialBackoffMs, settings.maxBackoffMs);
      const delay = Math.min(
        settings.maxBackoffMs,
        Math.max(backoff, error.data.retryAfterMs ?? 0),
      );
      plog.debug(
        { attempt: n, delayMs: delay, error: error.message },
        'notification delivery will be retried',
      );
      await deps.clock.sleep(delay, deps.signal);
    }
    return undefined;
  };

  const deliverNext = async (channel: Channel, event: MoorEvent): Promise<void> => {
    await channel.bucket.take(deps.signal);
    // Read the Provider again: it may have been suspended, changed or deleted meanwhile.
    const provider = deps.getProvider(channel.namespace, channel.name);
    if (!provider || provider.spec.suspend || deps.signal.aborted) return;
    const plog = log.child({
      provider: providerIdOf(provider),
      type: provider.spec.type,
      event: event.event,
      source: `${event.source.kind}/${event.source.namespace}/${event.source.name}`,
    });
    const delivered = await deliverWithRetries(provider, event, plog);
    if (delivered === true) channel.delivered++;
    if (delivered === false) channel.failed++;
  };

  const drain = async (channel: Channel): Promise<void> => {
    // One pass handles at most queueLimit events; events published meanwhile start another pass.
    for (let i = 0; i < settings.queueLimit && !deps.signal.aborted; i++) {
      const event = channel.queue.shift();
      if (!event) break;
      await deliverNext(channel, event);
    }
    if (deps.signal.aborted) channel.queue.length = 0;
  };

  const start = (channel: Channel): void => {
    if (channel.running) return;
    channel.running = true;
    active++;
    void drain(channel)
      .catch((thrown: unknown) => log.error({ err: thrown }, 'notification queue failed'))
      .finally(() => {
        channel.running = false;
        active--;
        if (channel.queue.length > 0 && !deps.signal.aborted) start(channel);
        else settle();
      });
  };

  const channelOf = (provider: Provider): Channel => {
    const namespace = provider.metadata.namespace ?? '';
    const name = provider.metadata.name;
    const key = nameKey(namespace, name);
    let channel = channels.get(key);
    if (!channel) {
      const bucket = createTokenBucket(settings.ratePerSecond, settings.burst, deps.clock);
      channel = {
        namespace,
        name,
        queue: [],
        bucket,
        running: false,
        dropped: 0,
        delivered: 0,
        failed: 0,
      };
      channels.set(key, channel);
    }
    return channel;
  };

  const enqueue = (provider: Provider, event: MoorEvent): void => {
    const channel = channelOf(provider);
    if (channel.queue.length >= settings.queueLimit) {
      const dropped = channel.queue.shift();
      channel.dropped++;
      log.warn(
        {
          provider: providerIdOf(provider),
          droppedEvent: dropped?.event,
          droppedTotal: channel.dropped,
        },
        'notification queue full: dropped the oldest event',
      );
    }
    channel.queue.push(event);
    start(channel);
  };

  return {
    publish(input) {
      if (deps.signal.aborted) return;
      const event = completeEvent(input, () => deps.clock.now());
      try {
        for (const provider of providersFor(deps, event, log)) enqueue(provider, event);
      } catch (thrown) {
        log.error({ err: thrown, event: event.event }, 'matching alerts failed');
      }
    },
    idle() {
      if (active === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    stats() {
      return [...channels.values()].map((c) => ({
        namespace: c.namespace,
        name: c.name,
        queued: c.queue.length,
        dropped: c.dropped,
        delivered: c.delivered,
        failed: c.failed,
      }));
    },
  };
}
