// How requests authenticate: the server, a keep-alive pool with the kubeconfig's TLS settings, and
// the headers of each request. From a static kubeconfig (kubeconfig.ts) without client-node, or
// from client-node's KubeConfig for everything else (exec plugins, auth providers, in-cluster).
import type { RequestOptions } from 'node:https';
import type * as ClientNode from '@kubernetes/client-node';
import { Agent, type Dispatcher } from 'undici';
import { KubeError } from './errors.ts';
import type { StaticAccess } from './kubeconfig.ts';

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

/**
 * Reads TLS and credentials once through client-node. The dispatcher (a keep-alive pool) is
 * shared by every request; users whose credentials can change (exec plugins, auth providers,
 * in-cluster token files) get fresh headers per request.
 */
export function clientNodeApiAccess(
  kc: ClientNode.KubeConfig,
  lib: Pick<typeof ClientNode, 'RequestContext'>,
): ApiAccess {
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) {
    const context = kc.getCurrentContext();
    const message = `kubeconfig context "${context}" names no cluster server`;
    throw new KubeError('Failed', message, { verb: 'connect', subject: context });
  }
  const server = cluster.server;
  const prepare = async (): Promise<Auth> => {
    const probe = new lib.RequestContext(server, 'GET');
    await kc.applySecurityAuthentication(probe);
    const dispatcher = probe.getDispatcher();
    const user = kc.getCurrentUser();
    if (!user?.exec && !user?.authProvider) {
      const fixed = { ...probe.getHeaders() };
      return { headers: () => Promise.resolve(fixed), dispatcher };
    }
    const headers = async (): Promise<Record<string, string>> => {
      const opts: RequestOptions = {};
      await kc.applyToHTTPSOptions(opts);
      const out: Record<string, string> = {};
      for (const [key, value] of Object.entries(opts.headers ?? {})) {
        if (value !== undefined) out[key] = Array.isArray(value) ? value.join(', ') : String(value);
      }
      if (opts.auth) out.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
      return out;
    };
    return { headers, dispatcher };
  };
  return { server, prepare };
}
