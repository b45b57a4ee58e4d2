// The operator's HTTP server (DESIGN.md "server/"): health, readiness, metrics and receivers.
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { err, ok, systemClock, type Clock, type Result } from '../core/index.ts';
import {
  ReceiverErrorCodes,
  ServerAddressError,
  type ReceiverError,
  type ReceiverErrorCode,
} from './errors.ts';
import { DEFAULT_SERVER_LIMITS, serverOptionsFor, type ServerLimits } from './limits.ts';
import type { Metrics } from './metrics.ts';
import { verifyDelivery, WEBHOOK_PATH_PREFIX } from './receivers.ts';
import {
  createReplayGuard,
  DEFAULT_REPLAY_MAX_ENTRIES,
  DEFAULT_REPLAY_WINDOW_MS,
  type ReplayGuard,
} from './replay.ts';
import type { Logger, ReceivedDelivery, ReceiverResource, ReceiverTarget } from './types.ts';
import { mountDashboard, type Dashboard } from './dashboard/index.ts';

/** Largest webhook body accepted (GitHub caps its payloads at 25 MB; pushes are far smaller). */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

export type ServerDeps = {
  readonly logger: Logger;
  readonly metrics: Pick<Metrics, 'render' | 'contentType'>;
  /** Whether the operator is ready to serve (caches synced, leader known). */
  ready(): boolean | Promise<boolean>;
  /** Why the operator cannot work now although it started (the API server does not answer), if so. */
  notReadyBecause?(): string | undefined;
  /** The receiver listening on `path` (`/hook/<digest>`), if any. */
  findReceiver(path: string): ReceiverTarget | undefined | Promise<ReceiverTarget | undefined>;
  /** A verified push arrived: fetch these resources now. */
  onReceive(
    receiver: ReceiverTarget,
    resources: readonly ReceiverResource[],
    delivery: ReceivedDelivery,
  ): void | Promise<void>;
  /** The operator's version, served at `/version` (for `moor version` and `moor check`). */
  readonly version?: string;
  /** Defaults to MAX_WEBHOOK_BODY_BYTES. */
  readonly maxBodyBytes?: number;
  /** Refuses repeated deliveries; defaults to a 5-minute window of 10,000 ids on the wall clock. */
  readonly replay?: ReplayGuard;
  /** The wall clock the default replay guard checks signed timestamps against; default: the system's. */
  readonly clock?: Pick<Clock, 'now'>;
  /** The dashboard (`/ui/`, `/api/v1/`); omitted: not served. */
  readonly dashboard?: Dashboard | undefined;
};

const refusalStatus: Readonly<Record<ReceiverErrorCode, 400 | 401 | 409>> = {
  [ReceiverErrorCodes.unsupported]: 400,
  [ReceiverErrorCodes.invalidSignature]: 401,
  [ReceiverErrorCodes.stale]: 401,
  [ReceiverErrorCodes.replayed]: 409,
};

type Env = { Variables: { receiver: ReceiverTarget } };

export type ServerApp = Hono<Env>;

/** Liveness, readiness (with why not), the version and the metrics. */
function mountProbes(app: ServerApp, deps: ServerDeps): void {
  app.get('/healthz', (c) => c.text('ok'));
  app.get('/version', (c) => c.json({ version: deps.version ?? 'unknown' }));
  app.get('/readyz', async (c) => {
    if (!(await deps.ready())) return c.text('not ready', 503);
    const because = deps.notReadyBecause?.();
    return because === undefined ? c.text('ok') : c.text(`not ready: ${because}`, 503);
  });
  app.get('/metrics', async (c) =>
    c.body(await deps.metrics.render(), 200, { 'Content-Type': deps.metrics.contentType }),
  );
}

export function createServerApp(deps: ServerDeps): ServerApp {
  const app = new Hono<Env>();
  const log = deps.logger;
  const replay =
    deps.replay ??
    createReplayGuard({
      windowMs: DEFAULT_REPLAY_WINDOW_MS,
      maxEntries: DEFAULT_REPLAY_MAX_ENTRIES,
      now: () => (deps.clock ?? systemClock).now().getTime(),
    });

  mountProbes(app, deps);

  app.post(
    `${WEBHOOK_PATH_PREFIX}:id`,
    async (c, next) => {
      const receiver = await deps.findReceiver(c.req.path);
      if (receiver === undefined) return c.json({ error: 'no receiver at this path' }, 404);
      c.set('receiver', receiver);
      await next();
    },
    bodyLimit({
      maxSize: deps.maxBodyBytes ?? MAX_WEBHOOK_BODY_BYTES,
      onError: (c) => {
        const receiver = (c as Context<Env>).get('receiver');
        log.warn({ receiver: receiverName(receiver) }, 'webhook body too large');
        return c.json({ error: 'payload too large' }, 413);
      },
    }),
    async (c) => {
      const receiver = c.get('receiver');
      const rlog = log.child({ receiver: receiverName(receiver), type: receiver.type });
      const body = Buffer.from(await c.req.arrayBuffer());
      const verdict = verifyDelivery(
        receiver.type,
        c.req.raw.headers,
        body,
        receiver.token,
        receiver.events,
      );
      const refuse = (refusal: ReceiverError) => {
        rlog.warn({ reason: refusal.message, code: refusal.code }, 'webhook refused');
        return c.json({ error: refusal.message }, refusalStatus[refusal.code]);
      };
      if (!verdict.ok) return refuse(verdict.error);
      const stamp = { type: receiver.type, ...verdict.value };
      const admitted = replay.admit(receiverName(receiver), stamp);
      if (!admitted.ok) return refuse(admitted.error);
      const { event, trigger } = verdict.value;
      if (!trigger) {
        rlog.info({ event }, 'webhook accepted; event does not trigger');
        return c.json({ triggered: 0 });
      }
      const resources = resolveResources(receiver);
      try {
        await deps.onReceive(receiver, resources, { event, body });
      } catch (error) {
        replay.forget(receiverName(receiver), stamp); // the host's redelivery must get through
        throw error;
      }
      rlog.info({ event, triggered: resources.length }, 'webhook triggered a fetch');
      return c.json({ triggered: resources.length });
    },
  );

  if (deps.dashboard) mountDashboard(app, deps.dashboard);
  app.notFound((c) => c.json({ error: 'not found' }, 404));
  app.onError((error, c) => {
    log.error({ err: error, path: c.req.path }, 'http handler failed');
    return c.json({ error: 'internal error' }, 500);
  });
  return app;
}

export type RunningServer = {
  /** `host:port` actually bound (the port chosen when 0 was asked for). */
  readonly address: string;
  close(): Promise<void>;
};

/** How long close() waits for requests in flight before cutting their connections. */
const CLOSE_GRACE_MS = 5_000;

/** A server listening on its address, answering 503 until it is given the app to serve. */
export type BoundServer = RunningServer & {
  serve(app: ServerApp): RunningServer;
};

/**
 * Listens on `addr` (`host:port`, `[::1]:port`, or `:port` for every interface; port 0 picks a
 * free one). A bad address or one that cannot be listened on (in use, not ours) is a
 * ServerAddressError naming it, before anything else has started.
 */
export async function bindServer(
  addr: string,
  limits: ServerLimits = DEFAULT_SERVER_LIMITS,
): Promise<BoundServer> {
  const parsed = parseListenAddress(addr);
  if (!parsed.ok) throw parsed.error;
  const { host, port } = parsed.value;
  let app: ServerApp | undefined;
  const server = createAdaptorServer({
    fetch: (request: Request, env: unknown) =>
      app ? app.fetch(request, env) : new Response('starting', { status: 503 }),
    ...(host === undefined ? {} : { hostname: host }),
    serverOptions: serverOptionsFor(limits),
  }) as Server;
  await new Promise<void>((resolve, reject) => {
    const refuse = (error: NodeJS.ErrnoException): void => reject(listenError(addr, error));
    server.once('error', refuse);
    server.listen(port, host, () => {
      server.off('error', refuse);
      resolve();
    });
  });
  const bound = server.address();
  const address =
    bound !== null && typeof bound === 'object' ? formatHostPort(bound.address, bound.port) : addr;
  const running = runningServer(server, address);
  return {
    ...running,
    serve(served) {
      app = served;
      return running;
    },
  };
}

/** Listens on `addr` (as bindServer) and serves `app`. */
export async function startServer(
  addr: string,
  app: ServerApp,
  limits: ServerLimits = DEFAULT_SERVER_LIMITS,
): Promise<RunningServer> {
  return (await bindServer(addr, limits)).serve(app);
}

const LISTEN_REASONS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'address already in use',
  EACCES: 'permission denied',
  EADDRNOTAVAIL: 'address not available on this machine',
};

function listenError(addr: string, error: NodeJS.ErrnoException): ServerAddressError {
  const code = error.code ?? 'unknown error';
  const reason = LISTEN_REASONS[code] ?? error.message;
  return new ServerAddressError(
    'ListenFailed',
    `cannot listen on HTTP address ${addr}: ${reason} (${code})`,
    { address: addr },
    { cause: error },
  );
}

function runningServer(server: Server, address: string): RunningServer {
  return {
    address,
    close: () =>
      new Promise<void>((resolve) => {
        const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        cut.unref();
        server.close(() => {
          clearTimeout(cut);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

/** Parses `host:port`, `[v6]:port` or `:port` (host undefined: every interface). */
export function parseListenAddress(
  addr: string,
): Result<{ host: string | undefined; port: number }, ServerAddressError> {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(addr);
  const port = Number(match?.[3]);
  if (match === null || port > 65535) {
    return err(
      new ServerAddressError(
        'InvalidAddress',
        `HTTP address "${addr}" is not host:port (port 0-65535)`,
        { address: addr },
      ),
    );
  }
  const host = match[1] ?? match[2];
  return ok({ host: host === '' ? undefined : host, port });
}

function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function resolveResources(receiver: ReceiverTarget): ReceiverResource[] {
  return receiver.resources.map((r) => ({
    kind: r.kind,
    name: r.name,
    namespace: r.namespace ?? receiver.namespace,
  }));
}

function receiverName(receiver: ReceiverTarget): string {
  return `Receiver/${receiver.namespace}/${receiver.name}`;
}
