// In-cluster credentials (ADR 0026): the pod's service account token and CA, in the
// `/var/run/secrets/kubernetes.io/serviceaccount` layout (or a directory given for tests), and the
// API server from KUBERNETES_SERVICE_HOST/PORT. The token file is read again whenever it changes,
// so a projected token the kubelet rotates is picked up without a restart.
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Agent } from 'undici';
import { KubeError } from './errors.ts';
import { PING_INTERVAL_MS, type ApiAccess, type Auth } from './auth.ts';

export type InClusterOptions = {
  /** Holds `token` and `ca.crt` (and `namespace`). */
  readonly dir: string;
  /** KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT. */
  readonly host: string;
  readonly port: string;
};

const failed = (dir: string, why: string): KubeError =>
  new KubeError('Failed', `in-cluster credentials in ${dir}: ${why}`, {
    verb: 'load',
    subject: dir,
  });

/** The server URL; an IPv6 address gets its brackets. */
export function inClusterServer(host: string, port: string): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `https://${h}:${port}`;
}

/** A token read once per change of the file (its modification time and size). */
function tokenReader(path: string, dir: string): () => Promise<string> {
  let seen: { key: string; token: string } | undefined;
  return async () => {
    const s = await stat(path).catch(() => undefined);
    if (!s) throw failed(dir, 'token is missing');
    const key = `${s.mtimeMs}:${s.size}`;
    if (seen?.key !== key) seen = { key, token: (await readFile(path, 'utf8')).trim() };
    if (!seen.token) throw failed(dir, 'token is empty');
    return seen.token;
  };
}

export function inClusterApiAccess(opts: InClusterOptions): ApiAccess {
  if (!opts.host || !opts.port)
    throw failed(opts.dir, 'KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set');
  let ca: Buffer;
  try {
    ca = readFileSync(join(opts.dir, 'ca.crt'));
  } catch {
    throw failed(opts.dir, 'ca.crt cannot be read');
  }
  const token = tokenReader(join(opts.dir, 'token'), opts.dir);
  const auth: Auth = {
    headers: async () => ({ Authorization: `Bearer ${await token()}` }),
    dispatcher: new Agent({ h2Options: { pingInterval: PING_INTERVAL_MS }, connect: { ca } }),
  };
  return { server: inClusterServer(opts.host, opts.port), prepare: () => Promise.resolve(auth) };
}
