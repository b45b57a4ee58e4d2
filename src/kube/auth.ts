// How requests authenticate: the server, a keep-alive pool with the kubeconfig's TLS settings, and
// the headers of each request. From a static kubeconfig (kubeconfig.ts) without client-node, or
// from client-node's KubeConfig for everything else (exec plugins, auth providers, in-cluster).
import type { RequestOptions } from 'node:https';
import type * as ClientNode from '@kubernetes/client-node';
import { Agent, ProxyAgent, Socks5ProxyAgent, type Dispatcher } from 'undici';
import { KubeError } from './errors.ts';
import type { StaticAccess } from './kubeconfig.ts';

type ConnectOptions = NonNullable<ProxyAgent.Options['requestTls']>;

export type Auth = {
  readonly headers: () => Promise<Record<string, string>>;
  readonly dispatcher: Dispatcher | undefined;
};

export type ApiAccess = {
  readonly server: string;
  /** Called before the first request (again after it failed); its answer serves every request. */
  readonly prepare: () => Promise<Auth>;
};

/**
 * Every request to one server shares one HTTP/2 connection, so a connection that stops answering
 * without closing (a dropped NAT entry, a hung proxy) would hold every request. A PING this often,
 * and a connection whose last PING is still unanswered at the next is reset: a silent connection
 * is given up within 10 to 20 s, and the requests on it fail (they are retried on a new one).
 */
export const PING_INTERVAL_MS = 10_000;

export function staticApiAccess(access: StaticAccess): ApiAccess {
  const headers = { ...access.headers };
  const auth: Auth = {
    headers: () => Promise.resolve(headers),
    dispatcher: new Agent({
      h2Options: { pingInterval: PING_INTERVAL_MS },
      connect: {
        ...(access.ca ? { ca: access.ca } : {}),
        ...(access.cert ? { cert: access.cert } : {}),
        ...(access.key ? { key: access.key } : {}),
        ...(access.insecureSkipTlsVerify ? { rejectUnauthorized: false } : {}),
        ...(access.tlsServerName ? { servername: access.tlsServerName } : {}),
      },
    }),
  };
  return { server: access.server, prepare: () => Promise.resolve(auth) };
}

/** The TLS settings client-node read from the kubeconfig, as undici's connect options take them. */
function tlsOf(opts: RequestOptions): ConnectOptions {
  const tls: ConnectOptions = {};
  if (opts.ca !== undefined) tls.ca = opts.ca;
  if (opts.cert !== undefined) tls.cert = opts.cert;
  if (opts.key !== undefined) tls.key = opts.key;
  if (opts.pfx !== undefined) tls.pfx = opts.pfx;
  if (opts.passphrase !== undefined) tls.passphrase = opts.passphrase;
  if (opts.rejectUnauthorized !== undefined) tls.rejectUnauthorized = opts.rejectUnauthorized;
  if (opts.servername !== undefined) tls.servername = opts.servername;
  return tls;
}

/** The headers of one request: client-node's, and basic auth as an Authorization header. */
function headersOf(opts: RequestOptions): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(opts.headers ?? {})) {
    if (value !== undefined) out[key] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  if (opts.auth) out.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
  return out;
}

// As client-go and client-node: probe kept-alive connections after 30 s (below the 60 s idle
// timeout of common cloud load balancers).
const KEEP_ALIVE = { keepAlive: true, keepAliveInitialDelay: 30_000 } as const;

/** A keep-alive pool with the kubeconfig's TLS settings, through its proxy when it names one. */
function dispatcherOf(proxyUrl: string | undefined, tls: ConnectOptions): Dispatcher | undefined {
  if (proxyUrl?.startsWith('socks')) return new Socks5ProxyAgent(proxyUrl, { requestTls: tls });
  if (proxyUrl) return new ProxyAgent({ uri: proxyUrl, requestTls: tls, connect: KEEP_ALIVE });
  if (Object.keys(tls).length === 0) return undefined;
  return new Agent({ connect: { ...tls, ...KEEP_ALIVE } });
}

async function httpsOptionsOf(kc: ClientNode.KubeConfig): Promise<RequestOptions> {
  const opts: RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  return opts;
}

/**
 * Reads TLS and credentials through client-node's public `KubeConfig.applyToHTTPSOptions`; the
 * requests themselves go through an undici dispatcher (a keep-alive pool) built here and shared
 * by every request. Users whose credentials can change (exec plugins, auth providers, in-cluster
 * token files) get fresh headers per request.
 */
export function clientNodeApiAccess(kc: ClientNode.KubeConfig): ApiAccess {
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) {
    const context = kc.getCurrentContext();
    const message = `kubeconfig context "${context}" names no cluster server`;
    throw new KubeError('Failed', message, { verb: 'connect', subject: context });
  }
  const prepare = async (): Promise<Auth> => {
    const opts = await httpsOptionsOf(kc);
    const dispatcher = dispatcherOf(cluster.proxyUrl, tlsOf(opts));
    const user = kc.getCurrentUser();
    if (!user?.exec && !user?.authProvider) {
      const fixed = headersOf(opts);
      return { headers: () => Promise.resolve(fixed), dispatcher };
    }
    const headers = async (): Promise<Record<string, string>> =>
      headersOf(await httpsOptionsOf(kc));
    return { headers, dispatcher };
  };
  return { server: cluster.server, prepare };
}
