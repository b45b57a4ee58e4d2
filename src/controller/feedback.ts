/**
 * Feedback out and in: Providers and Alerts (watched) feed the notifier; Receivers (watched) get
 * their webhook path in status and map incoming pushes to sources to fetch now.
 */
import {
  API_GROUP_VERSION,
  Kinds,
  parseAlert,
  parseProvider,
  parseReceiver,
  type Alert,
} from '../api/index.ts';
import {
  ConditionStatuses,
  ConditionTypes,
  setCondition,
  type Condition,
  type KubeObject,
  type SecretReader,
  nameKeyOf,
} from '../core/index.ts';
import type { GitClient } from '../git/index.ts';
import type { KubeClient } from '../kube/index.ts';
import { createNotifier, type AddressPolicy, type Notifier } from '../notify/index.ts';
import { webhookPathFor, type Metrics, type ReceiverTarget } from '../server/index.ts';
import { startInformer, type Informer } from './informer.ts';
import { writeStatus } from './status.ts';
import type { Clock, Logger } from './types.ts';

export type FeedbackDeps = {
  readonly kube: KubeClient;
  readonly git: GitClient;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly clusterName: string;
  /** Where Providers may send; checked before each HTTP delivery and at connect time. */
  readonly addressPolicy: AddressPolicy;
  readonly namespace: string | undefined;
  readonly signal: AbortSignal;
  readonly readSecret: SecretReader;
  readonly sources: Informer;
  /** Resolves true once this process leads (at once without leader election). */
  readonly whenLeading: (signal: AbortSignal) => Promise<boolean>;
};

export type Feedback = {
  readonly notifier: Notifier;
  readonly findReceiver: (path: string) => ReceiverTarget | undefined;
  readonly synced: Promise<void>;
  readonly done: Promise<void>;
};

function parsedList<T>(
  objs: KubeObject[],
  parse: (o: unknown) => { ok: true; value: T } | { ok: false },
): T[] {
  return objs.flatMap((o) => {
    const r = parse(o);
    return r.ok ? [r.value] : [];
  });
}

export function startFeedback(deps: FeedbackDeps): Feedback {
  const scope = deps.namespace ? { namespace: deps.namespace } : {};
  const common = {
    kube: deps.kube,
    apiVersion: API_GROUP_VERSION,
    ...scope,
    signal: deps.signal,
    logger: deps.logger,
  };
  const providers = startInformer({ ...common, kind: Kinds.Provider, onChange: () => undefined });
  const alerts = startInformer({ ...common, kind: Kinds.Alert, onChange: () => undefined });
  const byPath = new Map<string, ReceiverTarget>();
  const paths: ReceiverPaths = { byPath, byKey: new Map<string, string>() };
  const receivers = startInformer({
    ...common,
    kind: Kinds.Receiver,
    onChange: (type, obj, old) => {
      if (type === 'modified' && old && old.metadata.generation === obj.metadata.generation) return;
      void reconcileReceiver(deps, paths, obj, type === 'deleted').catch((error: unknown) =>
        deps.logger.warn({ err: String(error) }, 'receiver not reconciled'),
      );
    },
  });

  const notifier = createNotifier({
    listAlerts: (namespace) =>
      parsedList<Alert>(
        alerts.list().filter((a) => a.metadata.namespace === namespace),
        parseAlert,
      ),
    getProvider: (namespace, name) => {
      const obj = providers.get(namespace, name);
      const parsed = obj ? parseProvider(obj) : undefined;
      return parsed?.ok ? parsed.value : undefined;
    },
    getGitRepository: (namespace, name) => {
      const spec = deps.sources.get(namespace, name)?.spec as
        { url?: string; secretRef?: { name: string } } | undefined;
      return spec?.url
        ? { url: spec.url, ...(spec.secretRef ? { secretRef: spec.secretRef } : {}) }
        : undefined;
    },
    readSecret: deps.readSecret,
    git: deps.git,
    clusterName: deps.clusterName,
    addressPolicy: deps.addressPolicy,
    clock: deps.clock,
    logger: deps.logger.child({ part: 'notify' }),
    signal: deps.signal,
    onDelivery: (provider, result, error, code) => {
      deps.metrics.recordAlertDelivery({
        provider: `${provider.namespace}/${provider.name}`,
        result,
      });
      void providerStatus(deps, providers, provider, {
        ok: result === 'success',
        error,
        code,
      }).catch(() => undefined);
    },
  });
  return {
    notifier,
    findReceiver: (path) => byPath.get(path),
    synced: Promise.all([providers.synced, alerts.synced, receivers.synced]).then(() => undefined),
    done: Promise.all([providers.done, alerts.done, receivers.done]).then(() => undefined),
  };
}

type ReceiverPaths = {
  readonly byPath: Map<string, ReceiverTarget>;
  /** Receiver (namespace/name) → its current path. */
  readonly byKey: Map<string, string>;
};

// A standby serves its receivers' paths but leaves their status to the leader (or to itself,
// once it leads).
async function writeReceiverStatus(
  deps: FeedbackDeps,
  obj: KubeObject,
  status: Record<string, unknown>,
): Promise<void> {
  if (await deps.whenLeading(deps.signal)) await writeStatus(deps.kube, obj, status, deps.signal);
}

async function reconcileReceiver(
  deps: FeedbackDeps,
  paths: ReceiverPaths,
  obj: KubeObject,
  deleted: boolean,
): Promise<void> {
  const { byPath, byKey: receiverPaths } = paths;
  const key = nameKeyOf(obj);
  const old = receiverPaths.get(key);
  if (old) byPath.delete(old);
  receiverPaths.delete(key);
  if (deleted) return;
  const parsed = parseReceiver(obj);
  const now = deps.clock.now();
  const conditions = (obj.status as { conditions?: Condition[] } | undefined)?.conditions;
  const notReady = (reason: string, message: string) =>
    writeReceiverStatus(deps, obj, {
      ...(obj.status as object),
      conditions: setCondition(
        conditions,
        { type: ConditionTypes.Ready, status: ConditionStatuses.False, reason, message },
        now,
      ),
    });
  if (!parsed.ok) return void (await notReady('InvalidSpec', parsed.error.message));
  const r = parsed.value;
  const namespace = r.metadata.namespace ?? '';
  const secret = await deps.readSecret(namespace, r.spec.secretRef.name, deps.signal);
  const token = secret?.token;
  if (!token)
    return void (await notReady(
      'SecretNotFound',
      `Secret ${namespace}/${r.spec.secretRef.name} has no key token`,
    ));
  if (r.spec.suspend) return;
  const path = webhookPathFor({ namespace, name: r.metadata.name }, token);
  byPath.set(path, {
    namespace,
    name: r.metadata.name,
    type: r.spec.type,
    token,
    resources: r.spec.resources,
    events: r.spec.events,
    preview: r.spec.preview,
  });
  receiverPaths.set(key, path);
  const ready = setCondition(
    conditions,
    {
      type: ConditionTypes.Ready,
      status: ConditionStatuses.True,
      reason: 'Succeeded',
      message: `receiving at ${path}`,
    },
    now,
  );
  await writeReceiverStatus(deps, obj, {
    ...(obj.status as object),
    webhookPath: path,
    conditions: ready,
    observedGeneration: obj.metadata.generation,
  });
}

async function providerStatus(
  deps: FeedbackDeps,
  providers: Informer,
  ref: { namespace: string; name: string },
  outcome: {
    readonly ok: boolean;
    readonly error?: string | undefined;
    readonly code?: string | undefined;
  },
): Promise<void> {
  const { ok, error, code } = outcome;
  const obj = providers.get(ref.namespace, ref.name);
  if (!obj) return;
  const conditions = (obj.status as { conditions?: Condition[] } | undefined)?.conditions;
  const update = ok
    ? {
        type: ConditionTypes.Ready,
        status: ConditionStatuses.True,
        reason: 'Delivered',
        message: 'the last delivery succeeded',
      }
    : {
        type: ConditionTypes.Ready,
        status: ConditionStatuses.False,
        reason: code === 'AddressRefused' ? 'AddressRefused' : 'DeliveryFailed',
        message: error ?? 'delivery failed',
      };
  await writeStatus(
    deps.kube,
    obj,
    { ...(obj.status as object), conditions: setCondition(conditions, update, deps.clock.now()) },
    deps.signal,
  );
}
