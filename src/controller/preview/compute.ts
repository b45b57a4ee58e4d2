/**
 * Computes a Sync's preview against the live cluster: renders the state with the operator's render
 * code, reads each object live, asks the server what the apply would make of it (server-side
 * dry-run as the field manager `moor`, nothing written), and lists what pruning would delete.
 */
import pLimit from 'p-limit';
import type { Sync } from '../../api/index.ts';
import {
  err,
  FIELD_MANAGER,
  formatApiVersion,
  ok,
  systemClock,
  type KubeObject,
  type Result,
} from '../../core/index.ts';
import type { KubeClient } from '../../kube/index.ts';
import { planChangeSet, type InventoryEntry } from '../../plan/index.ts';
import type { HelmSettings, KustomizeSettings } from '../../render/index.ts';
import { createChartCaches } from '../chart-caches.ts';
import { gatherRenderInputs } from '../sync/render-inputs.ts';
import { renderDesired } from '../sync/render.ts';
import { comparePreview, type DryRunAnswer, type Observation, type Preview } from './compare.ts';
import { PreviewError, PreviewErrorCodes } from './errors.ts';

export type PreviewDeps = {
  readonly kube: KubeClient;
  readonly kustomize: KustomizeSettings;
  /** How charts are rendered (spec.helm); default: the set-up's helm, then PATH. */
  readonly helm?: HelmSettings;
  /** Requests kept in flight. */
  readonly concurrency?: number;
  readonly signal: AbortSignal;
};

export type PreviewTarget = {
  readonly sync: Sync;
  /** The files of the state to compare (a fetched commit, or a local directory). */
  readonly dir: string;
  /** The Sync's path inside `dir` (`.` for a local directory that is that path). */
  readonly path: string;
  /** Names the state: `<ref>@sha1:<sha>` or the local directory. */
  readonly revision: string;
};

const refOf = (o: { apiVersion: string; kind: string; metadata: KubeObject['metadata'] }) => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
  name: o.metadata.name ?? '',
});

const apiFailure = (message: string, cause: unknown) =>
  err(new PreviewError(PreviewErrorCodes.apiFailed, message, { subject: message }, { cause }));

async function observe(
  obj: KubeObject,
  created: ReadonlySet<string>,
  deps: PreviewDeps,
): Promise<Result<Observation, PreviewError>> {
  const got = await deps.kube.get(refOf(obj), deps.signal);
  if (!got.ok && got.error.code !== 'UnknownKind') return apiFailure(got.error.message, got.error);
  const live = got.ok ? got.value : undefined;
  const dry = await deps.kube.apply(
    obj,
    { fieldManager: FIELD_MANAGER, dryRun: true, force: true },
    deps.signal,
  );
  let answer: DryRunAnswer;
  if (dry.ok) answer = { kind: 'applied', result: dry.value };
  else if (dry.error.code === 'NotFound' && created.has(obj.metadata.namespace ?? ''))
    answer = { kind: 'deferred' };
  else if (dry.error.code === 'UnknownKind' && created.has(`kind:${obj.kind}`))
    answer = { kind: 'deferred' };
  else answer = { kind: 'refused', message: dry.error.message };
  return ok({ desired: obj, live, answer });
}

/** Namespaces and kinds the same state creates: objects in them cannot be dry-run before. */
function createdBySameState(desired: readonly KubeObject[]): Set<string> {
  const created = new Set<string>();
  for (const o of desired) {
    if (o.kind === 'Namespace' && o.apiVersion === 'v1') created.add(o.metadata.name ?? '');
    const names = (o.spec as { names?: { kind?: string } } | undefined)?.names;
    if (o.kind === 'CustomResourceDefinition' && names?.kind) created.add(`kind:${names.kind}`);
  }
  return created;
}

async function stillLive(
  entries: readonly InventoryEntry[],
  deps: PreviewDeps,
  limit: ReturnType<typeof pLimit>,
): Promise<Result<InventoryEntry[], PreviewError>> {
  const answers = await Promise.all(
    entries.map((e) =>
      limit(async () => {
        const ref = {
          apiVersion: formatApiVersion(e.group, e.version),
          kind: e.kind,
          ...(e.namespace ? { namespace: e.namespace } : {}),
          name: e.name,
        };
        const got = await deps.kube.get(ref, deps.signal);
        if (!got.ok) return got.error.code === 'UnknownKind' ? ok(undefined) : got;
        return ok(got.value ? e : undefined);
      }),
    ),
  );
  const live: InventoryEntry[] = [];
  for (const a of answers) {
    if (!a.ok) return apiFailure(a.error.message, a.error);
    if (a.value) live.push(a.value);
  }
  return ok(live);
}

export async function computePreview(
  deps: PreviewDeps,
  target: PreviewTarget,
): Promise<Result<Preview, PreviewError>> {
  const { sync } = target;
  const syncNamespace = sync.metadata.namespace ?? '';
  const syncName = sync.metadata.name ?? '';
  const subject = `Sync ${syncNamespace}/${syncName}`;
  // The same inputs the operator renders with: variables, age identities, chart values.
  const inputs = await gatherRenderInputs(deps.kube, sync, deps.signal);
  if (!inputs.ok) {
    const message = `${subject}: ${inputs.error.message}`;
    return err(new PreviewError(PreviewErrorCodes.renderFailed, message, { subject }));
  }
  const helm = deps.helm ?? { path: undefined };
  const charts = createChartCaches({ helm, clock: systemClock }, deps.signal);
  const rendered = await renderDesired(
    {
      artifactDir: target.dir,
      digest: target.revision,
      path: target.path,
      targetNamespace: sync.spec.targetNamespace,
      syncName,
      syncNamespace,
      substitute: inputs.value.substitute,
      identities: inputs.value.identities,
      inputs: inputs.value.digest,
      helm: sync.spec.helm,
    },
    {
      resolveKind: (apiVersion, kind, signal) => deps.kube.resolveKind(apiVersion, kind, signal),
      cache: new Map(),
      scopes: new Map(),
      kustomize: deps.kustomize,
      memos: new Map(),
      helm,
      get: (ref, signal) => deps.kube.get(ref, signal),
      charts,
    },
    deps.signal,
  ).finally(() => charts.close());
  if (!rendered.ok) {
    const message = `${subject}: render of ${target.revision}: ${rendered.error.message}`;
    return err(
      new PreviewError(
        PreviewErrorCodes.renderFailed,
        message,
        { subject },
        { cause: rendered.error },
      ),
    );
  }
  const desired = rendered.value.objects.map((r) => r.object);
  const plan = planChangeSet({
    desired,
    inventory: sync.status?.inventory?.entries ?? [],
    prune: sync.spec.prune,
  });
  const limit = pLimit(deps.concurrency ?? 8);
  const created = createdBySameState(desired);
  const observed = await Promise.all(
    plan.stages.flat().map((o) => limit(() => observe(o, created, deps))),
  );
  const observations: Observation[] = [];
  for (const o of observed) {
    if (!o.ok) return o;
    observations.push(o.value);
  }
  const pruned = await stillLive(plan.prune, deps, limit);
  if (!pruned.ok) return pruned;
  return ok(
    comparePreview({
      revision: target.revision,
      sync: { namespace: syncNamespace, name: syncName },
      observations,
      pruned: pruned.value,
    }),
  );
}
