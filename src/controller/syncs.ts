/**
 * The Sync reconciler: render the source's artifact at spec.path, validate and apply it with
 * server-side apply, prune what left Git, optionally wait for health, watch for drift, and say so
 * in status, events and notifications. Quiet when nothing changed: no status write, no event.
 */
import { parseDuration, parseSync, type Sync } from '../api/index.ts';
import { ConditionReasons, type KubeObject } from '../core/index.ts';
import { applyRevision } from './sync-apply.ts';
import { fail, type Ctx, type SyncReconcilerDeps } from './sync-context.ts';
import { reportNoArtifact } from './sync-source.ts';
import { unreadyDependencies } from './dependencies.ts';
import { renderDesired } from './render-desired.ts';

export type { SyncReconcilerDeps } from './sync-context.ts';

export async function reconcileSync(
  obj: KubeObject,
  failures: Map<string, number>,
  deps: SyncReconcilerDeps,
  signal: AbortSignal,
): Promise<'success' | 'failure' | 'abandoned' | undefined> {
  const key = `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
  const now = deps.clock.now();
  const log = deps.logger.child({ sync: key });
  const parsed = parseSync(obj);
  if (!parsed.ok) {
    const sync = { ...(obj as unknown as Sync), spec: { interval: '10m' } as Sync['spec'] };
    const ctx: Ctx = { obj, sync, key, status: obj.status ?? {}, now, deps, signal, failures, log };
    return fail(ctx, ConditionReasons.InvalidSpec, parsed.error.message, { stalled: true });
  }
  const sync = parsed.value;
  if (sync.spec.suspend) return undefined;
  const ctx: Ctx = { obj, sync, key, status: sync.status ?? {}, now, deps, signal, failures, log };

  const waiting = unreadyDependencies(sync, deps.lookupSync);
  if (waiting.length > 0) {
    const names = waiting.map((w) => `Sync ${w}`).join(', ');
    return fail(ctx, ConditionReasons.DependencyNotReady, `waiting for ${names} to be Ready`);
  }
  const srcNamespace = sync.spec.sourceRef.namespace ?? sync.metadata.namespace ?? '';
  const artifact = deps.artifacts.get(`${srcNamespace}/${sync.spec.sourceRef.name}`);
  if (!artifact && deps.publishedRevision(srcNamespace, sync.spec.sourceRef.name)) {
    // Published before this process started and not on disk here: the source fetches it again
    // and wakes this Sync. Until then the cluster is as the last apply left it; nothing to say.
    log.debug(
      { source: `${srcNamespace}/${sync.spec.sourceRef.name}` },
      'waiting for the artifact',
    );
    deps.requeue(key, parseDuration(sync.spec.interval));
    return undefined;
  }
  if (!artifact) return reportNoArtifact(ctx, srcNamespace, sync.spec.sourceRef.name);
  const renderStarted = performance.now();
  const rendered = await renderDesired(
    {
      artifactDir: artifact.dir,
      digest: artifact.digest,
      path: sync.spec.path,
      targetNamespace: sync.spec.targetNamespace,
      syncName: sync.metadata.name,
      syncNamespace: sync.metadata.namespace ?? '',
    },
    {
      kube: deps.kube,
      cache: deps.renderCache,
      scopes: deps.kindScopes,
      kustomize: deps.kustomize,
      memos: deps.parseMemos,
    },
    signal,
  );
  if (!rendered.ok) {
    const message = `revision ${artifact.revision}: ${rendered.error}`;
    return fail(ctx, ConditionReasons.BuildFailed, message, {
      extra: { lastAttemptedRevision: artifact.revision },
      announce: { event: 'ApplyFailed', revision: artifact.revision },
    });
  }
  const timings = { renderMs: Math.round(performance.now() - renderStarted) };
  return applyRevision(
    ctx,
    artifact.revision,
    rendered.value.map((r) => r.object),
    timings,
  );
}
