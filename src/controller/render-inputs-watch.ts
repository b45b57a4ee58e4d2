/**
 * The ConfigMaps and Secrets Syncs render from (`spec.substituteFrom`, `spec.helm.valuesFrom`,
 * `spec.decryption.secretRef`), watched: one reflector per kind and namespace that a Sync
 * refers to, stopped when none does. A change to a referenced object wakes the Syncs that read
 * it, and only those; a render reads a watched object from the watch's store (no request). The
 * store keeps referenced objects whole and the others as names and resourceVersions only (a
 * namespace may hold many large Secrets that no Sync reads).
 */
import { err, nameKeyOf, ok, type KubeObject, type Result } from '../core/index.ts';
import type { KubeClient, KubeError, ReflectorLogger, WatchTiming } from '../kube/index.ts';
import { startReflector, type Reflector } from '../kube/index.ts';

export type InputKind = 'ConfigMap' | 'Secret';
/** What a Sync's render reads: a ConfigMap or Secret (watched here), or its HelmRepository. */
export type InputRef = {
  readonly kind: InputKind | 'HelmRepository';
  readonly namespace: string;
  readonly name: string;
};

const refKey = (r: InputRef) => `${r.kind}/${r.namespace}/${r.name}`;
const isKind = (k: unknown): k is InputKind => k === 'ConfigMap' || k === 'Secret';

type Spec = {
  substituteFrom?: { kind?: unknown; name?: unknown }[];
  decryption?: { secretRef?: { name?: unknown } };
  helm?: {
    valuesFrom?: { kind?: unknown; name?: unknown }[];
    sourceRef?: { kind?: unknown; name?: unknown; namespace?: unknown };
  };
};

/** The HelmRepository a Sync's chart comes from (in the Sync's namespace unless named). */
function helmRepositoryOf(spec: Spec, namespace: string): InputRef | undefined {
  const repo = spec.helm?.sourceRef;
  if (repo?.kind !== 'HelmRepository' || typeof repo.name !== 'string' || repo.name === '')
    return undefined;
  const at =
    typeof repo.namespace === 'string' && repo.namespace !== '' ? repo.namespace : namespace;
  return { kind: 'HelmRepository', namespace: at, name: repo.name };
}

/** A HelmRepository reads its auth Secret (spec.secretRef), in its own namespace. */
function authSecretOf(repo: KubeObject): InputRef[] {
  const name = (repo.spec as { secretRef?: { name?: unknown } } | undefined)?.secretRef?.name;
  const namespace = repo.metadata.namespace ?? '';
  return typeof name === 'string' && name !== '' ? [{ kind: 'Secret', namespace, name }] : [];
}

/**
 * The ConfigMaps and Secrets a Sync's render reads (all in the Sync's namespace), and the
 * HelmRepository its chart comes from; for a HelmRepository, its auth Secret. Pure.
 */
export function inputRefsOf(sync: KubeObject): InputRef[] {
  const namespace = sync.metadata.namespace ?? '';
  const spec = (sync.spec ?? {}) as Spec;
  const refs: InputRef[] = [];
  if (sync.kind === 'HelmRepository') return authSecretOf(sync);
  const add = (kind: unknown, name: unknown) => {
    if (isKind(kind) && typeof name === 'string' && name !== '')
      refs.push({ kind, namespace, name });
  };
  for (const r of Array.isArray(spec.substituteFrom) ? spec.substituteFrom : [])
    add(r.kind, r.name);
  for (const r of Array.isArray(spec.helm?.valuesFrom) ? spec.helm.valuesFrom : [])
    add(r.kind, r.name);
  add('Secret', spec.decryption?.secretRef?.name);
  const repo = helmRepositoryOf(spec, namespace);
  if (repo) refs.push(repo);
  return refs;
}

export type RenderInputsWatch = {
  /** Notes what the Sync reads now, starting (or stopping) the watches that needs. */
  track(sync: KubeObject): void;
  forget(syncKey: string): void;
  /**
   * A ConfigMap or Secret as the watch has it: the object, null when it does not exist, or
   * undefined when the watch cannot say (not watched, not listed yet, kept without data).
   */
  lookup(kind: string, namespace: string, name: string): KubeObject | null | undefined;
  /** The Syncs that read this object (a HelmRepository's edit wakes them). */
  readersOf(ref: InputRef): readonly string[];
};

type Watch = {
  readonly reflector: Reflector;
  readonly stop: AbortController;
  synced: boolean;
};

export type RenderInputsWatchOptions = {
  readonly kube: Pick<KubeClient, 'list' | 'watch'>;
  readonly signal: AbortSignal;
  readonly logger: ReflectorLogger;
  readonly watch?: WatchTiming | undefined;
  /** Called with the Syncs that read an object that changed. */
  readonly wake: (syncKeys: readonly string[]) => void;
};

/** One kind's watch in one namespace; a change of an object some Sync reads wakes them. */
function startWatch(
  opts: RenderInputsWatchOptions,
  at: { readonly kind: InputKind; readonly namespace: string },
  transform: (obj: KubeObject) => KubeObject,
  readersOf: (name: string) => ReadonlySet<string> | undefined,
): Watch {
  const stop = new AbortController();
  const watch: Watch = {
    stop,
    synced: false,
    reflector: startReflector({
      kube: opts.kube,
      apiVersion: 'v1',
      ...at,
      signal: AbortSignal.any([opts.signal, stop.signal]),
      logger: opts.logger,
      ...opts.watch,
      transform,
      onChange: (_type, obj) => {
        // The first list is what the Syncs read at their first reconcile anyway.
        if (!watch.synced) return;
        const syncs = readersOf(obj.metadata.name ?? '');
        if (syncs && syncs.size > 0) opts.wake([...syncs]);
      },
    }),
  };
  void watch.reflector.synced.then((listed) => {
    watch.synced = listed.ok;
  });
  return watch;
}

export function watchRenderInputs(opts: RenderInputsWatchOptions): RenderInputsWatch {
  const readers = new Map<string, Set<string>>(); // object → Syncs
  const reads = new Map<string, InputRef[]>(); // Sync → objects
  const watches = new Map<string, Watch>(); // kind/namespace → watch
  const stubs = new WeakSet<KubeObject>();

  const keep = (obj: KubeObject): KubeObject => {
    const kind = obj.kind;
    const { name = '', namespace = '' } = obj.metadata;
    if (isKind(kind) && readers.has(refKey({ kind, namespace, name }))) return obj;
    const { resourceVersion } = obj.metadata;
    const metadata = { name, namespace, ...(resourceVersion ? { resourceVersion } : {}) };
    const stub: KubeObject = { apiVersion: 'v1', kind, metadata };
    stubs.add(stub);
    return stub;
  };

  const start = (kind: InputKind, namespace: string): Watch =>
    startWatch(opts, { kind, namespace }, keep, (name) =>
      readers.get(refKey({ kind, namespace, name })),
    );

  /** Starts the watches some Sync needs and stops those none does. */
  const settle = (): void => {
    const watched = [...reads.values()].flat().filter((r) => isKind(r.kind));
    const needed = new Set(watched.map((r) => `${r.kind}/${r.namespace}`));
    for (const [key, watch] of watches) {
      if (needed.has(key)) continue;
      watch.stop.abort();
      watches.delete(key);
    }
    for (const key of needed) {
      if (watches.has(key) || opts.signal.aborted) continue;
      const [kind = '', namespace = ''] = key.split('/');
      if (isKind(kind)) watches.set(key, start(kind, namespace));
    }
  };

  const forget = (syncKey: string): void => {
    for (const ref of reads.get(syncKey) ?? []) {
      const set = readers.get(refKey(ref));
      set?.delete(syncKey);
      if (set?.size === 0) readers.delete(refKey(ref));
    }
    reads.delete(syncKey);
  };

  return {
    track(sync) {
      const key = nameKeyOf(sync);
      const refs = inputRefsOf(sync);
      const before = (reads.get(key) ?? []).map(refKey).join(',');
      if (before === refs.map(refKey).join(',')) return;
      forget(key);
      if (refs.length > 0) reads.set(key, refs);
      for (const ref of refs) {
        const set = readers.get(refKey(ref)) ?? new Set<string>();
        set.add(key);
        readers.set(refKey(ref), set);
      }
      settle();
    },
    forget(syncKey) {
      forget(syncKey);
      settle();
    },
    readersOf(ref) {
      return [...(readers.get(refKey(ref)) ?? [])];
    },
    lookup(kind, namespace, name) {
      const watch = watches.get(`${kind}/${namespace}`);
      if (!watch?.synced) return undefined;
      const obj = watch.reflector.get(namespace, name);
      if (!obj) return null;
      return stubs.has(obj) ? undefined : obj;
    },
  };
}

/** A `get` that serves watched ConfigMaps and Secrets from the watch, the rest from `kube`. */
export function watchedGet(
  kube: Pick<KubeClient, 'get'>,
  inputs: Pick<RenderInputsWatch, 'lookup'> | undefined,
): KubeClient['get'] {
  return (ref, signal): Promise<Result<KubeObject | undefined, KubeError>> => {
    const hit =
      inputs && ref.apiVersion === 'v1' && isKind(ref.kind)
        ? inputs.lookup(ref.kind, ref.namespace ?? '', ref.name)
        : undefined;
    if (hit !== undefined) return Promise.resolve(ok(hit ?? undefined));
    return kube.get(ref, signal).then((r) => (r.ok ? r : err(r.error)));
  };
}
