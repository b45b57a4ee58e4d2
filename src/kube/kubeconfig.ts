// The common kubeconfig, read without client-node: one file, the current context's server, CA
// and static credentials (client certificate and key, bearer token, basic auth), as kubectl
// writes them. Anything else (exec plugins, auth providers, token files, proxies, impersonation,
// a KUBECONFIG list of several files, in-cluster) is client-node's to read: `undefined` says so.
// client-node costs ~0.4 s of CPU and ~90 MiB to import, more than a whole `moor get`.
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import { isRecord } from '../core/index.ts';

/** What a request needs: where the server is, how to trust it, who we are. */
export type StaticAccess = {
  readonly server: string;
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly insecureSkipTlsVerify: boolean;
  readonly tlsServerName?: string;
  /** `Authorization` and friends, the same for every request. */
  readonly headers: Readonly<Record<string, string>>;
};

const CLUSTER_KEYS: ReadonlySet<string> = new Set([
  'server',
  'certificate-authority',
  'certificate-authority-data',
  'insecure-skip-tls-verify',
  'tls-server-name',
  'extensions',
]);
const USER_KEYS: ReadonlySet<string> = new Set([
  'client-certificate',
  'client-certificate-data',
  'client-key',
  'client-key-data',
  'token',
  'username',
  'password',
  'extensions',
]);

type Env = Readonly<Record<string, string | undefined>>;

/** The one kubeconfig file `explicit`, `KUBECONFIG` or `~/.kube/config` names, if it is one file. */
export function kubeconfigPathOf(explicit: string | undefined, env: Env): string | undefined {
  if (explicit !== undefined) return explicit;
  const fromEnv = env.KUBECONFIG?.split(delimiter).filter(Boolean) ?? [];
  if (fromEnv.length > 1) return undefined;
  if (fromEnv[0] !== undefined) return fromEnv[0];
  const home = env.HOME;
  const fallback = home ? join(home, '.kube', 'config') : undefined;
  return fallback && existsSync(fallback) ? fallback : undefined;
}

type Entry = Readonly<Record<string, unknown>>;

function asRecord(value: unknown): Entry | undefined {
  return isRecord(value) ? value : undefined;
}

/** `{ name, <field>: {...} }` entry of a kubeconfig list by name. */
function named(doc: Entry, list: string, field: string, name: unknown): Entry | undefined {
  const items = Array.isArray(doc[list]) ? (doc[list] as unknown[]) : [];
  const found = items.map(asRecord).find((item) => item?.name === name);
  return found ? (asRecord(found[field]) ?? {}) : undefined;
}

const onlyKnown = (entry: Entry, known: ReadonlySet<string>): boolean =>
  Object.keys(entry).every((key) => known.has(key));

function fileOrData(entry: Entry, fileKey: string, base: string): Buffer | undefined {
  const data = entry[`${fileKey}-data`];
  if (typeof data === 'string' && data) return Buffer.from(data, 'base64');
  const file = entry[fileKey];
  if (typeof file !== 'string' || !file) return undefined;
  return readFileSync(isAbsolute(file) ? file : join(base, file));
}

function headersOf(user: Entry): Record<string, string> {
  if (typeof user.token === 'string' && user.token)
    return { Authorization: `Bearer ${user.token}` };
  if (typeof user.username === 'string' && user.username) {
    const password = typeof user.password === 'string' ? user.password : '';
    const basic = Buffer.from(`${user.username}:${password}`).toString('base64');
    return { Authorization: `Basic ${basic}` };
  }
  return {};
}

/** The cluster and user of `context`, when this reader knows every field of both. */
function staticParts(
  text: string,
  context: string | undefined,
): { cluster: Entry; user: Entry; server: string } | undefined {
  const doc = asRecord(parse(text));
  if (!doc) return undefined;
  const current = named(doc, 'contexts', 'context', context ?? doc['current-context']);
  if (!current) return undefined;
  const cluster = named(doc, 'clusters', 'cluster', current.cluster);
  const user = current.user === undefined ? {} : named(doc, 'users', 'user', current.user);
  if (!cluster || !user || !onlyKnown(cluster, CLUSTER_KEYS) || !onlyKnown(user, USER_KEYS)) {
    return undefined;
  }
  if (typeof cluster.server !== 'string' || !cluster.server) return undefined;
  return { cluster, user, server: cluster.server };
}

/**
 * The static access the kubeconfig text gives for `context` (default: its current context), or
 * `undefined` when it needs more than this reader knows. Throws on text that is not YAML and on
 * files it names that cannot be read; relative paths are relative to `path`'s directory.
 */
export function readStaticAccess(
  text: string,
  path: string,
  context?: string,
): StaticAccess | undefined {
  const parts = staticParts(text, context);
  if (!parts) return undefined;
  const { cluster, user, server } = parts;
  const base = dirname(path);
  const ca = fileOrData(cluster, 'certificate-authority', base);
  const cert = fileOrData(user, 'client-certificate', base);
  const key = fileOrData(user, 'client-key', base);
  const serverName = cluster['tls-server-name'];
  return {
    server,
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
    ...(typeof serverName === 'string' && serverName ? { tlsServerName: serverName } : {}),
    headers: headersOf(user),
  };
}
