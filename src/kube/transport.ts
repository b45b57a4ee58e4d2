// HTTP to the API server over undici: authentication and TLS from the kubeconfig (auth.ts), one
// keep-alive connection pool, a concurrency limit, a timeout per request, and request counts by verb.
import pLimit, { type LimitFunction } from 'p-limit';
import type { Logger } from 'pino';
import { fetch, type Response } from 'undici';
import { err, ok, systemClock, type Clock, type Result } from '../core/index.ts';
import type { ApiAccess } from './auth.ts';
import { KubeError, errorFromException, errorFromResponse } from './errors.ts';
import type { ContactListener } from './reachability.ts';

export type KubeLogger = Pick<Logger, 'debug' | 'warn'>;

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type HttpRequest = {
  readonly method: Method;
  /** Path and query, e.g. `/api/v1/namespaces/x/configmaps?limit=500`. */
  readonly path: string;
  readonly contentType?: string;
  readonly body?: string;
  /** Counted in `requestCounts`: `get`, `list`, `watch`, `patch`, `create`, `update`, `delete`, `discovery`. */
  readonly verb: string;
  /** Named in error messages when more precise than `verb` (`apply`, `apply status`). */
  readonly action?: string;
  /** The object or collection, for error messages. */
  readonly subject: string;
  /** Extra headers, e.g. `Impersonate-User`. */
  readonly headers?: Readonly<Record<string, string>>;
};

export type JsonResponse = { readonly status: number; readonly body: unknown };

export type StreamResponse = {
  readonly body: ReadableStream<Uint8Array>;
  /** Ends the request and releases the caller's signal. */
  readonly close: () => void;
};

export type Transport = {
  /** A request within the concurrency limit and timeout; non-2xx answers become typed errors. */
  readonly requestJson: (
    req: HttpRequest,
    signal: AbortSignal,
  ) => Promise<Result<JsonResponse, KubeError>>;
  /** A streaming GET (watch): outside the concurrency limit, the timeout covers only the headers. */
  readonly openStream: (
    req: HttpRequest,
    signal: AbortSignal,
  ) => Promise<Result<StreamResponse, KubeError>>;
  readonly counts: Map<string, number>;
};

export type TransportOptions = {
  readonly timeoutMs: number;
  readonly maxConcurrent: number;
  readonly logger?: KubeLogger | undefined;
  /** Times requests and waits between retries; default: the system clock. */
  readonly clock?: Pick<Clock, 'monotonic' | 'sleep'>;
  /** Told after every request whether the server answered (any HTTP status) or not. */
  readonly onContact?: ContactListener | undefined;
};

/** Links the caller's signal and a timer to one controller; `done` releases both. */
function linkSignal(signal: AbortSignal, timeoutMs: number) {
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = (): void => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`timed out after ${timeoutMs}ms`));
  }, timeoutMs);
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    stopTimer: () => clearTimeout(timer),
    done: () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    },
    abort: () => controller.abort(),
  };
}

const actionOf = (req: HttpRequest): string => req.action ?? req.verb;

function parseBody(
  req: HttpRequest,
  status: number,
  text: string,
): Result<JsonResponse, KubeError> {
  try {
    return ok({ status, body: text ? (JSON.parse(text) as unknown) : undefined });
  } catch (e) {
    const verb = actionOf(req);
    const message = `${verb} ${req.subject}: the server answered ${status} with a body that is not JSON`;
    const data = { verb, subject: req.subject, status };
    return err(new KubeError('Failed', message, data, { cause: e }));
  }
}

const MAX_RETRIES = 5;
const MAX_RETRY_AFTER_S = 10;

/**
 * How long to wait before sending again, or undefined: like client-go, a 429 (or a 5xx carrying
 * `Retry-After`) means the server did not act on the request, so it is safe to repeat.
 */
function retryDelayMs(res: Response, attempt: number): number | undefined {
  const status = res.status;
  const header = res.headers.get('retry-after') ?? undefined;
  if (attempt >= MAX_RETRIES || !(status === 429 || (status >= 500 && header))) return undefined;
  const seconds = Number.parseInt(header ?? '', 10);
  return Math.min(Number.isFinite(seconds) && seconds > 0 ? seconds : 1, MAX_RETRY_AFTER_S) * 1000;
}

/** What every request of one transport shares: the server, its credentials, the counts. */
type Conn = {
  readonly server: string;
  readonly access: ApiAccess;
  readonly opts: TransportOptions;
  readonly counts: Map<string, number>;
  readonly clock: Pick<Clock, 'monotonic' | 'sleep'>;
  auth: ReturnType<ApiAccess['prepare']> | undefined;
};

export function createTransport(access: ApiAccess, opts: TransportOptions): Transport {
  const limit: LimitFunction = pLimit(opts.maxConcurrent);
  const conn: Conn = {
    server: access.server.replace(/\/+$/, ''),
    access,
    opts,
    counts: new Map<string, number>(),
    clock: opts.clock ?? systemClock,
    auth: undefined,
  };

  const requestJson = (
    req: HttpRequest,
    signal: AbortSignal,
  ): Promise<Result<JsonResponse, KubeError>> =>
    limit(async () => {
      if (signal.aborted) return failed(conn, req, signal.reason, signal, false);
      const link = linkSignal(signal, opts.timeoutMs);
      try {
        const res = await send(conn, req, link.signal);
        opts.onContact?.({ answered: true });
        const text = await res.text();
        if (res.status < 200 || res.status > 299) {
          return err(errorFromResponse(actionOf(req), req.subject, res.status, text));
        }
        return parseBody(req, res.status, text);
      } catch (e) {
        return failed(conn, req, e, signal, link.timedOut());
      } finally {
        link.done();
      }
    });

  return {
    requestJson,
    openStream: (req, signal) => openStream(conn, req, signal),
    counts: conn.counts,
  };
}

async function sendOnce(conn: Conn, req: HttpRequest, signal: AbortSignal): Promise<Response> {
  const { counts } = conn;
  counts.set(req.verb, (counts.get(req.verb) ?? 0) + 1);
  conn.auth ??= conn.access.prepare().catch((e: unknown) => {
    conn.auth = undefined;
    throw e;
  });
  const { headers, dispatcher } = await conn.auth;
  return fetch(`${conn.server}${req.path}`, {
    method: req.method,
    headers: {
      ...(await headers()),
      Accept: 'application/json',
      ...(req.contentType ? { 'Content-Type': req.contentType } : {}),
      ...req.headers,
    },
    ...(req.body === undefined ? {} : { body: req.body }),
    ...(dispatcher ? { dispatcher } : {}),
    signal,
  });
}

async function send(conn: Conn, req: HttpRequest, signal: AbortSignal): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const started = conn.clock.monotonic();
    const res = await sendOnce(conn, req, signal);
    const status = res.status;
    const ms = Math.round(conn.clock.monotonic() - started);
    conn.opts.logger?.debug(
      { verb: req.verb, method: req.method, path: req.path, status, ms },
      'kube request',
    );
    const delay = retryDelayMs(res, attempt);
    if (delay === undefined) return res;
    await res.text();
    await conn.clock.sleep(delay, signal);
    if (signal.aborted) throw signal.reason;
  }
}

function failed(
  conn: Conn,
  req: HttpRequest,
  e: unknown,
  signal: AbortSignal,
  timedOut: boolean,
): Result<never, KubeError> {
  const error = errorFromException(actionOf(req), req.subject, e, {
    aborted: signal.aborted,
    timedOutMs: timedOut ? conn.opts.timeoutMs : undefined,
  });
  // The caller giving up says nothing about the server; a refused, reset or silent one does.
  if (error.code === 'Unavailable' || error.code === 'Timeout')
    conn.opts.onContact?.({ answered: false, error });
  return err(error);
}

async function openStream(
  conn: Conn,
  req: HttpRequest,
  signal: AbortSignal,
): Promise<Result<StreamResponse, KubeError>> {
  if (signal.aborted) return failed(conn, req, signal.reason, signal, false);
  const link = linkSignal(signal, conn.opts.timeoutMs);
  try {
    const res = await send(conn, req, link.signal);
    conn.opts.onContact?.({ answered: true });
    link.stopTimer();
    const body = res.body;
    if (res.status !== 200 || !body) {
      const text = await res.text();
      link.done();
      return err(errorFromResponse(actionOf(req), req.subject, res.status, text));
    }
    const close = (): void => {
      link.abort();
      link.done();
    };
    return ok({ body, close });
  } catch (e) {
    link.done();
    return failed(conn, req, e, signal, link.timedOut());
  }
}
