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
import type { AddressPolicy } from './address.ts';
import { deliverOnce, providerIdOf, type DeliveryDeps } from './deliver.ts';
import { NotifyErrorCodes, notifyError, type NotifyError } from './errors.ts';
import { createEvent, type EventInput, type MoorEvent } from './events.ts';
import type { GitRepositoryTarget } from './gittag.ts';
import { createGuardedFetch } from './guarded-fetch.ts';
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
  /**
   * Where HTTP deliveries may go (`--allow-provider-hosts`, denied ranges): every request URL is
   * checked, and without `fetch` the connection is made only through the policy's lookup.
   */
  readonly addressPolicy?: AddressPolicy;
  /** The operator's `--cluster-name`: used when neither the Provider nor the event names one. */
  readonly clusterName: string;
  /** Stamps events (`now`), paces deliveries and waits between retries (`monotonic`, `sleep`). */
  readonly clock: Clock;
  readonly logger: Logger;
  /** Aborting drops every queued event and cancels deliveries in flight. */
  readonly signal: AbortSignal;
  /** After each delivery's last attempt (not for deliveries cut short by `signal`). */
  onDelivery?(provider: ProviderRef, result: DeliveryResult, error?: string, code?: string): void;
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

/** The policy's guarded fetch, closed when `signal` aborts; the global fetch without a policy. */
function guardedFetchOf(policy: AddressPolicy | undefined, signal: AbortSignal): FetchFn {
  if (!policy) return fetch;
  const guarded = createGuardedFetch(policy);
  signal.addEventListener('abort', () => void guarded.close().catch(() => undefined), {
    once: true,
  });
  return guarded.fetch;
}

/** What publishing, the channels' queues and `idle` share. */
type NotifierState = {
  readonly deps: NotifierDeps;
  readonly settings: Settings;
  readonly log: Logger;
  readonly channels: Map<string, Channel>;
  readonly waiters: Array<() => void>;
  readonly delivery: DeliveryDeps;
  active: number;
};

export function createNotifier(deps: NotifierDeps, options: NotifierOptions = {}): Notifier {
  const n: NotifierState = {
    deps,
    settings: settingsOf(options),
    log: deps.logger.child({ component: 'notify' }),
    channels: new Map<string, Channel>(),
    waiters: [],
    delivery: {
      fetch: deps.fetch ?? guardedFetchOf(deps.addressPolicy, deps.signal),
      addressPolicy: deps.addressPolicy,
      git: deps.git,
      getGitRepository: (namespace, name) => deps.getGitRepository(namespace, name),
      readSecret: deps.readSecret,
      clusterName: deps.clusterName,
    },
    active: 0,
  };
  const { log, channels, waiters } = n;

  return {
    publish(input) {
      if (deps.signal.aborted) return;
      const event = completeEvent(input, () => deps.clock.now());
      try {
        for (const provider of providersFor(deps, event, log)) enqueue(n, provider, event);
      } catch (thrown) {
        log.error({ err: thrown, event: event.event }, 'matching alerts failed');
      }
    },
    idle() {
      if (n.active === 0) return Promise.resolve();
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

function settle(n: NotifierState): void {
  if (n.active > 0) return;
  for (const resolve of n.waiters.splice(0)) resolve();
}

function report(
  n: NotifierState,
  provider: Provider,
  result: DeliveryResult,
  error?: NotifyError,
): void {
  if (!n.deps.onDelivery) return;
  const ref = {
    namespace: provider.metadata.namespace ?? '',
    name: provider.metadata.name,
    type: provider.spec.type,
  };
  try {
    if (error) n.deps.onDelivery(ref, result, error.message, error.code);
    else n.deps.onDelivery(ref, result);
  } catch (thrown) {
    n.log.error({ err: thrown }, 'onDelivery callback threw');
  }
}

async function attempt(n: NotifierState, provider: Provider, event: MoorEvent) {
  try {
    return await deliverOnce(n.delivery, provider, event, n.deps.signal);
  } catch (thrown) {
    const data = { provider: providerIdOf(provider), retryable: false };
    const detail = `delivery threw: ${thrown instanceof Error ? thrown.message : String(thrown)}`;
    return { ok: false as const, error: notifyError(NotifyErrorCodes.Internal, data, detail) };
  }
}

/** Delivers with retries; true when delivered, false when failed, undefined when aborted. */
async function deliverWithRetries(
  state: NotifierState,
  provider: Provider,
  event: MoorEvent,
  plog: Logger,
): Promise<boolean | undefined> {
  const { deps, settings } = state;
  for (let n = 1; n <= settings.maxAttempts; n++) {
    const result = await attempt(state, provider, event);
    if (result.ok) {
      plog.debug({ attempts: n }, 'notification delivered');
      report(state, provider, 'success');
      return true;
    }
    if (deps.signal.aborted) return undefined;
    const error = result.error;
    if (!error.retryable || n === settings.maxAttempts) {
      plog.warn(
        { attempts: n, code: error.code, error: error.message },
        'notification delivery failed',
      );
      report(state, provider, 'failure', error);
      return false;
    }
    const backoff = backoffDelay(n, settings.initialBackoffMs, settings.maxBackoffMs);
    const delay = Math.min(settings.maxBackoffMs, Math.max(backoff, error.data.retryAfterMs ?? 0));
    plog.debug(
      { attempt: n, delayMs: delay, error: error.message },
      'notification delivery will be retried',
    );
    await deps.clock.sleep(delay, deps.signal);
  }
  return undefined;
}

async function deliverNext(n: NotifierState, channel: Channel, event: MoorEvent): Promise<void> {
  await channel.bucket.take(n.deps.signal);
  // Read the Provider again: it may have been suspended, changed or deleted meanwhile.
  const provider = n.deps.getProvider(channel.namespace, channel.name);
  if (!provider || provider.spec.suspend || n.deps.signal.aborted) return;
  const plog = n.log.child({
    provider: providerIdOf(provider),
    type: provider.spec.type,
    event: event.event,
    source: `${event.source.kind}/${event.source.namespace}/${event.source.name}`,
  });
  const delivered = await deliverWithRetries(n, provider, event, plog);
  if (delivered === true) channel.delivered++;
  if (delivered === false) channel.failed++;
}

async function drain(n: NotifierState, channel: Channel): Promise<void> {
  // One pass handles at most queueLimit events; events published meanwhile start another pass.
  for (let i = 0; i < n.settings.queueLimit && !n.deps.signal.aborted; i++) {
    const event = channel.queue.shift();
    if (!event) break;
    await deliverNext(n, channel, event);
  }
  if (n.deps.signal.aborted) channel.queue.length = 0;
}

function start(n: NotifierState, channel: Channel): void {
  if (channel.running) return;
  channel.running = true;
  n.active++;
  void drain(n, channel)
    .catch((thrown: unknown) => n.log.error({ err: thrown }, 'notification queue failed'))
    .finally(() => {
      channel.running = false;
      n.active--;
      if (channel.queue.length > 0 && !n.deps.signal.aborted) start(n, channel);
      else settle(n);
    });
}

function channelOf(n: NotifierState, provider: Provider): Channel {
  const namespace = provider.metadata.namespace ?? '';
  const name = provider.metadata.name;
  const key = nameKey(namespace, name);
  let channel = n.channels.get(key);
  if (!channel) {
    const bucket = createTokenBucket(n.settings.ratePerSecond, n.settings.burst, n.deps.clock);
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
    n.channels.set(key, channel);
  }
  return channel;
}

function enqueue(n: NotifierState, provider: Provider, event: MoorEvent): void {
  const channel = channelOf(n, provider);
  if (channel.queue.length >= n.settings.queueLimit) {
    const dropped = channel.queue.shift();
    channel.dropped++;
    n.log.warn(
      {
        provider: providerIdOf(provider),
        droppedEvent: dropped?.event,
        droppedTotal: channel.dropped,
      },
      'notification queue full: dropped the oldest event',
    );
  }
  channel.queue.push(event);
  start(n, channel);
}
