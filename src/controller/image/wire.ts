// The image automation side of the operator: an informer and a work queue for each of
// ImageRepository, ImagePolicy and ImageUpdateAutomation, wired so a scan wakes its policies, a
// new latest image wakes the automations of its namespace, and a push fetches the GitRepository.
import { API_GROUP_VERSION, Kinds } from '../../api/index.ts';
import { nameKeyOf, splitNameKey, type KubeObject } from '../../core/index.ts';
import type { GitClient } from '../../git/index.ts';
import type { RegistryClient } from '../../image/index.ts';
import type { ImageObservation, Metrics } from '../../server/index.ts';
import type { KubeClient, WatchTiming } from '../../kube/index.ts';
import type { EventMemory, EventRecorder } from '../events.ts';
import { startInformer, type Informer } from '../informer.ts';
import type { Leadership } from '../leader/elector.ts';
import { whileLeading } from '../leader/gate.ts';
import { createWorkQueue, type WorkQueue } from '../queue.ts';
import type { TimedRun } from '../reconcile-timer.ts';
import type { SecretReader } from '../secrets.ts';
import type { StatusMemory } from '../status-memory.ts';
import type { Clock, Logger } from '../types.ts';
import { needsReconcile } from '../watch-events.ts';
import { reconcileImageUpdateAutomation } from './automation.ts';
import type { ImageAnnouncement, TagStore } from './deps.ts';
import { reconcileImagePolicy } from './policy.ts';
import { reconcileImageRepository } from './repository.ts';

export type ImageWiring = {
  readonly kube: KubeClient;
  readonly memory: StatusMemory;
  readonly git: GitClient;
  readonly registry: RegistryClient;
  readonly events: EventRecorder & EventMemory;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly leadership: Leadership;
  readonly timed: TimedRun;
  readonly readSecret: SecretReader;
  readonly allowFileUrls: boolean;
  readonly concurrency: number;
  readonly namespace: string | undefined;
  readonly watch?: WatchTiming;
  readonly getGitRepository: (namespace: string, name: string) => KubeObject | undefined;
  readonly onPushed: (namespace: string, name: string) => void;
  readonly announce?: (event: ImageAnnouncement) => void;
  readonly metrics?: Pick<Metrics, 'observeImageScan' | 'observeImageUpdate' | 'forgetImage'>;
  readonly signal: AbortSignal;
};

export type Images = {
  readonly informers: readonly Informer[];
  readonly queues: readonly WorkQueue[];
  readonly synced: Promise<void>;
  readonly done: Promise<void>;
};

type Side = { informer: Informer; queue: WorkQueue };

function startSide(
  w: ImageWiring,
  kind: string,
  reconcile: (obj: KubeObject, signal: AbortSignal) => Promise<unknown>,
  forget: (key: string) => void,
): Side {
  const queue = createWorkQueue({
    concurrency: w.concurrency,
    signal: w.signal,
    onError: (key, error) =>
      w.logger.error({ [kind]: key, err: String(error) }, 'reconcile crashed'),
    handler: whileLeading(w.leadership, (key, s) =>
      w.timed(kind, async () => {
        const [ns, name] = splitNameKey(key);
        const obj = w.memory.freshest(informer.get(ns, name));
        if (obj) return reconcile(obj, s);
        queue.forget(key);
        forget(key);
        w.events.forget({ apiVersion: API_GROUP_VERSION, kind, namespace: ns, name });
        return undefined;
      }),
    ),
  });
  const informer = startInformer({
    kube: w.kube,
    apiVersion: API_GROUP_VERSION,
    kind,
    ...(w.namespace ? { namespace: w.namespace } : {}),
    signal: w.signal,
    logger: w.logger,
    ...(w.watch ? { watch: w.watch } : {}),
    onChange: (type, obj, old) => {
      if (type === 'deleted') w.memory.forget(obj);
      if (type === 'deleted' || needsReconcile(type, obj, old)) queue.add(nameKeyOf(obj));
    },
  });
  return { informer, queue };
}

/** Queues the ImagePolicies of the ImageRepository `namespace/name`. */
function wakePolicies(policies: Side, namespace: string, name: string): void {
  for (const p of policies.informer.list()) {
    const spec = p.spec as { imageRepositoryRef?: { name?: string; namespace?: string } };
    const ref = spec.imageRepositoryRef;
    if (ref?.name === name && (ref.namespace ?? p.metadata.namespace) === namespace)
      policies.queue.add(nameKeyOf(p));
  }
}

type Observe = (observation: ImageObservation) => void;

/** Times one scan or update run into its metric; a skipped run (suspended, aborted) is none. */
function measured(
  w: ImageWiring,
  observe: Observe | undefined,
  reconcile: (
    obj: KubeObject,
    signal: AbortSignal,
  ) => Promise<ImageObservation['result'] | undefined>,
) {
  return async (obj: KubeObject, signal: AbortSignal) => {
    const started = w.clock.monotonic();
    const outcome = await reconcile(obj, signal);
    if (outcome !== undefined && observe)
      observe({
        namespace: obj.metadata.namespace ?? '',
        name: obj.metadata.name ?? '',
        result: outcome,
        durationSeconds: (w.clock.monotonic() - started) / 1000,
      });
    return outcome;
  };
}

const forgetSeries = (
  w: ImageWiring,
  kind: 'ImageRepository' | 'ImageUpdateAutomation',
  key: string,
) => {
  const [namespace, name] = splitNameKey(key);
  w.metrics?.forgetImage({ kind, namespace, name });
};

const inNamespace = (informer: Informer, namespace: string) =>
  informer.list().filter((o) => (o.metadata.namespace ?? '') === namespace);

const commonOf = ({ kube, clock, logger, events, readSecret, announce }: ImageWiring) => ({
  ...{ kube, clock, logger, events, readSecret, announce },
  random: Math.random,
});

export function startImages(w: ImageWiring): Images {
  const tags: TagStore = new Map();
  const failures = new Map<string, number>();
  const common = commonOf(w);
  const scan = measured(w, w.metrics?.observeImageScan, (obj, s) =>
    reconcileImageRepository(
      obj,
      failures,
      {
        ...common,
        registry: w.registry,
        tags,
        requeue: (k, ms) => repositories.queue.addAfter(k, ms),
        onScanned: (namespace, name) => wakePolicies(policies, namespace, name),
      },
      s,
    ),
  );
  const repositories = startSide(w, Kinds.ImageRepository, scan, (key) => {
    tags.delete(key);
    failures.delete(key);
    forgetSeries(w, Kinds.ImageRepository, key);
  });
  const policies = startSide(
    w,
    Kinds.ImagePolicy,
    (obj, s) =>
      reconcileImagePolicy(
        obj,
        {
          ...common,
          registry: w.registry,
          tags,
          requeue: (k, ms) => policies.queue.addAfter(k, ms),
          onLatest: (namespace) => {
            for (const a of inNamespace(automations.informer, namespace))
              automations.queue.add(nameKeyOf(a));
          },
        },
        s,
      ),
    () => undefined,
  );
  const update = measured(w, w.metrics?.observeImageUpdate, (obj, s) =>
    reconcileImageUpdateAutomation(
      obj,
      {
        ...common,
        git: w.git,
        allowFileUrls: w.allowFileUrls,
        getGitRepository: w.getGitRepository,
        listPolicies: (namespace) => inNamespace(policies.informer, namespace),
        onPushed: w.onPushed,
        requeue: (k, ms) => automations.queue.addAfter(k, ms),
      },
      s,
    ),
  );
  const automations = startSide(w, Kinds.ImageUpdateAutomation, update, (key) =>
    forgetSeries(w, Kinds.ImageUpdateAutomation, key),
  );
  return imagesOf(w, [repositories, policies, automations]);
}

function imagesOf(w: ImageWiring, sides: readonly Side[]): Images {
  const informers = sides.map((s) => s.informer);
  const queues = sides.map((s) => s.queue);
  return {
    informers,
    queues,
    synced: Promise.all(informers.map((i) => i.synced)).then(() => undefined),
    done: Promise.all([...informers.map((i) => i.done), ...queues.map((q) => q.done)]).then(() =>
      w.registry.close(),
    ),
  };
}
