// The generic, discovery-driven client: every kind goes through the same REST calls.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as ClientNode from '@kubernetes/client-node';
import { err, ok, type Clock } from '../core/index.ts';
import { clientNodeApiAccess, staticApiAccess, type ApiAccess } from './auth.ts';
import { createDiscovery } from './discovery.ts';
import { KubeError } from './errors.ts';
import type { ContactListener } from './reachability.ts';
import { inClusterApiAccess, type InClusterOptions } from './in-cluster.ts';
import { createTransport, type KubeLogger } from './transport.ts';
import type { KubeClient } from './types.ts';
import { kubeconfigPathOf, readStaticAccess } from './kubeconfig.ts';
import {
  applyObject,
  collectionSubject,
  createObject,
  deleteObject,
  getObject,
  listObjects,
  mergePatch,
  patchStatus,
  updateObject,
  watchObjects,
  type Ctx,
  type Shared,
} from './verbs.ts';

export type KubeClientOptions = {
  /** Path of a kubeconfig; default: `KUBECONFIG`, `~/.kube/config`, or in-cluster (as `kubectl`). */
  readonly kubeconfig?: string;
  /** An already loaded configuration (wins over `kubeconfig`). */
  readonly kubeConfig?: ClientNode.KubeConfig;
  /** Context to use instead of the kubeconfig's current one. */
  readonly context?: string;
  readonly logger?: KubeLogger;
  /** Per request (for watches: until the response starts); default 30 s. */
  readonly timeoutMs?: number;
  /** Requests in flight at once, watches excepted; default 32. */
  readonly maxConcurrent?: number;
  /** Where `KUBECONFIG` and `HOME` are read when `kubeconfig` is not given; default: neither is set. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Times requests and waits between retries; default: the system clock. */
  readonly clock?: Pick<Clock, 'monotonic' | 'sleep'>;
  /** Told after every request whether the API server answered (see reachability.ts). */
  readonly onContact?: ContactListener;
  /** The pod's service account token and CA (wins over every kubeconfig). */
  readonly inCluster?: InClusterOptions;
};

function buildClient(shared: Shared, identity: Readonly<Record<string, string>>): KubeClient {
  const c: Ctx = { shared, identity };
  const { transport, discovery } = shared;
  return {
    requestCounts: transport.counts,
    apply: (obj, opts, signal) => applyObject(c, obj, opts, signal),
    get: (ref, signal) => getObject(c, ref, signal),
    list: (apiVersion, kind, opts, signal) => listObjects(c, apiVersion, kind, opts, signal),
    delete: (ref, opts, signal) => deleteObject(c, ref, opts, signal),
    watch: (apiVersion, kind, opts, onEvent, signal) =>
      watchObjects(c, { apiVersion, kind, opts }, onEvent, signal),
    patchStatus: (ref, status, opts, signal) => patchStatus(c, ref, status, opts, signal),
    mergePatch: (ref, patch, signal) => mergePatch(c, ref, patch, signal),
    create: (obj, signal) => createObject(c, obj, signal),
    update: (obj, signal) => updateObject(c, obj, signal),
    async serverVersion(signal) {
      const req = {
        method: 'GET' as const,
        path: '/version',
        verb: 'get',
        subject: 'the server version',
      };
      const res = await transport.requestJson({ ...req, headers: identity }, signal);
      if (!res.ok) return res;
      const gitVersion = (res.value.body as { gitVersion?: unknown } | null)?.gitVersion;
      return ok({ gitVersion: typeof gitVersion === 'string' ? gitVersion : 'unknown' });
    },

    async resolveKind(apiVersion, kind, signal) {
      if (signal.aborted) {
        const subject = collectionSubject(apiVersion, kind, undefined);
        return err(
          new KubeError('Aborted', `resolve ${subject}: aborted`, { verb: 'discovery', subject }),
        );
      }
      return discovery.resolveKind(apiVersion, kind);
    },

    impersonate(user, groups = []) {
      if (groups.length > 1) {
        // fetch joins repeated headers into one line, which the API server reads as one group.
        throw new TypeError(
          `impersonate ${user}: at most one group is supported, got ${groups.length}`,
        );
      }
      const [group] = groups;
      return buildClient(shared, {
        'Impersonate-User': user,
        ...(group ? { 'Impersonate-Group': group } : {}),
      });
    },
  };
}

function loadFailed(source: string, error: unknown): KubeError {
  const why = error instanceof Error ? error.message : String(error);
  const data = { verb: 'load', subject: source };
  return new KubeError('Failed', `kubeconfig ${source}: cannot be loaded: ${why}`, data, {
    cause: error,
  });
}

/** client-node, loaded (synchronously) only for the kubeconfigs kubeconfig.ts leaves to it. */
function loadClientNode(): typeof ClientNode {
  return createRequire(import.meta.url)('@kubernetes/client-node') as typeof ClientNode;
}

function loadWithClientNode(opts: KubeClientOptions): ApiAccess {
  const lib = loadClientNode();
  if (opts.kubeConfig) return clientNodeApiAccess(opts.kubeConfig);
  const kc = new lib.KubeConfig();
  const source =
    opts.kubeconfig ?? 'the default kubeconfig ($KUBECONFIG, ~/.kube/config or in-cluster)';
  try {
    if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
    else kc.loadFromDefault();
  } catch (error) {
    throw loadFailed(source, error);
  }
  if (opts.context) kc.setCurrentContext(opts.context);
  return clientNodeApiAccess(kc);
}

/** The server and credentials the options name: read here when static, else by client-node. */
function loadApiAccess(opts: KubeClientOptions): ApiAccess {
  if (opts.inCluster) return inClusterApiAccess(opts.inCluster);
  const path = opts.kubeConfig ? undefined : kubeconfigPathOf(opts.kubeconfig, opts.env ?? {});
  if (path === undefined) return loadWithClientNode(opts);
  let access;
  try {
    access = readStaticAccess(readFileSync(path, 'utf8'), path, opts.context);
  } catch (error) {
    throw loadFailed(path, error);
  }
  return access ? staticApiAccess(access) : loadWithClientNode(opts);
}

/** The real client; throws `KubeError` (`Failed`) when the kubeconfig names no server. */
export function createKubeClient(opts: KubeClientOptions = {}): KubeClient {
  const transport = createTransport(loadApiAccess(opts), {
    timeoutMs: opts.timeoutMs ?? 30_000,
    maxConcurrent: opts.maxConcurrent ?? 32,
    logger: opts.logger,
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.onContact ? { onContact: opts.onContact } : {}),
  });
  return buildClient({ transport, discovery: createDiscovery(transport) }, {});
}
