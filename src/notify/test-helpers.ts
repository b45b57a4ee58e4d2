// Shared by this part's tests (not part of the public API): resources, a recording HTTP
// receiver, a recording logger and a Notifier wired to fakes through its interfaces.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import {
  API_GROUP_VERSION,
  parseAlert,
  parseProvider,
  type Alert,
  type AlertSpecInput,
  type Provider,
  type ProviderSpecInput,
} from '../api/index.ts';
import { systemClock } from '../core/index.ts';
import { createGitClient } from '../git/index.ts';
import {
  createNotifier,
  type DeliveryResult,
  type Logger,
  type Notifier,
  type NotifierDeps,
  type NotifierOptions,
  type ProviderRef,
} from './dispatcher.ts';
import type { MoorEvent } from './events.ts';
import type { GitRepositoryTarget } from './gittag.ts';

export const SHA = '0123456789abcdef0123456789abcdef01234567';

export function makeProvider(namespace: string, name: string, spec: ProviderSpecInput): Provider {
  const parsed = parseProvider({
    apiVersion: API_GROUP_VERSION,
    kind: 'Provider',
    metadata: { name, namespace },
    spec,
  });
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

export function makeAlert(namespace: string, name: string, spec: AlertSpecInput): Alert {
  const parsed = parseAlert({
    apiVersion: API_GROUP_VERSION,
    kind: 'Alert',
    metadata: { name, namespace },
    spec,
  });
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

export function makeEvent(overrides: Partial<MoorEvent> = {}): MoorEvent {
  return {
    event: 'Converged',
    severity: 'info',
    source: { kind: 'Sync', namespace: 'apps', name: 'web' },
    revision: `main@sha1:${SHA}`,
    message: 'applied 3 objects, all healthy',
    objects: ['Deployment/apps/web', 'Service/apps/web'],
    timestamp: '2024-05-01T12:03:00Z',
    ...overrides,
  };
}

// ---------------------------------------------------------------------------------------------

export type ReceivedRequest = {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
};

export type Reply = { status: number; body?: string; delayMs?: number };

export type Receiver = {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
};

/** An HTTP server on 127.0.0.1 that records each request and answers with `reply(request, n)`. */
export async function startReceiver(
  reply: (request: ReceivedRequest, n: number) => Reply = () => ({ status: 200 }),
): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      const answer = reply(request, requests.length);
      const send = (): void => {
        res
          .writeHead(answer.status, { 'Content-Type': 'application/json' })
          .end(answer.body ?? '{}');
      };
      if (!answer.delayMs) return send();
      const timer = setTimeout(() => {
        timers.delete(timer);
        send();
      }, answer.delayMs);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('receiver has no port');
  const close = async (): Promise<void> => {
    for (const timer of timers) clearTimeout(timer);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    close,
    [Symbol.asyncDispose]: close,
  };
}

// ---------------------------------------------------------------------------------------------

export type LogEntry = { level: string; bindings: Record<string, unknown>; msg: string };

/** A pino-compatible logger that keeps every entry (with its bindings) for assertions. */
export function createRecordingLogger(
  entries: LogEntry[] = [],
  bindings: Record<string, unknown> = {},
): Logger & { entries: LogEntry[] } {
  const at =
    (level: string) =>
    (objOrMsg: object | string, msg?: string): void => {
      if (typeof objOrMsg === 'string') entries.push({ level, bindings, msg: objOrMsg });
      else
        entries.push({
          level,
          bindings: { ...bindings, ...(objOrMsg as Record<string, unknown>) },
          msg: msg ?? '',
        });
    };
  return {
    entries,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => createRecordingLogger(entries, { ...bindings, ...more }),
  };
}

// ---------------------------------------------------------------------------------------------

export type Delivery = { provider: ProviderRef; result: DeliveryResult; error?: string };

export type World = {
  alerts: Alert[];
  providers: Provider[];
  repositories: Map<string, GitRepositoryTarget>;
  secrets: Map<string, Record<string, string>>;
};

export type TestNotifier = {
  notifier: Notifier;
  deliveries: Delivery[];
  logger: ReturnType<typeof createRecordingLogger>;
  world: World;
  abort(): void;
};

/** Fast retries so failure tests finish in milliseconds. */
export const fastRetries: NotifierOptions = { initialBackoffMs: 5, maxBackoffMs: 20 };

/** A Notifier over in-memory Alerts, Providers, GitRepositories and Secrets (`ns/name` keys). */
export function createTestNotifier(
  world: Partial<World>,
  options: NotifierOptions = fastRetries,
  overrides: Partial<NotifierDeps> = {},
): TestNotifier {
  const full: World = {
    alerts: world.alerts ?? [],
    providers: world.providers ?? [],
    repositories: world.repositories ?? new Map<string, GitRepositoryTarget>(),
    secrets: world.secrets ?? new Map<string, Record<string, string>>(),
  };
  const deliveries: Delivery[] = [];
  const logger = createRecordingLogger();
  const controller = new AbortController();
  const notifier = createNotifier(
    {
      listAlerts: (namespace) => full.alerts.filter((a) => a.metadata.namespace === namespace),
      getProvider: (namespace, name) =>
        full.providers.find((p) => p.metadata.namespace === namespace && p.metadata.name === name),
      getGitRepository: (namespace, name) => full.repositories.get(`${namespace}/${name}`),
      readSecret: (namespace, name) => Promise.resolve(full.secrets.get(`${namespace}/${name}`)),
      git: createGitClient({ env: process.env, timeoutMs: 20_000 }),
      clusterName: 'prod-eu',
      clock: { ...systemClock, now: () => new Date('2024-05-01T12:03:00.500Z') },
      logger,
      signal: controller.signal,
      onDelivery: (provider, result, error) =>
        deliveries.push(error === undefined ? { provider, result } : { provider, result, error }),
      ...overrides,
    },
    options,
  );
  return { notifier, deliveries, logger, world: full, abort: () => controller.abort() };
}
