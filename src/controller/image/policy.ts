// The ImagePolicy reconciler: the latest tag of its ImageRepository's last scan by the policy
// (with the digest when spec.digestReflection), written to status.latestRef; the one before stays
// in status.previousRef. A change wakes the automations of the policy's namespace.
import { parseImagePolicy, type ImagePolicy, type ImageRef } from '../../api/index.ts';
import type { KubeObject } from '../../core/index.ts';
import { selectLatestTag } from '../../image/index.ts';
import { writeStatus } from '../status.ts';
import {
  conditionsOf,
  handledOf,
  ImageReasons,
  readyMessageOf,
  type Readiness,
} from './conditions.ts';
import { aboutOf, keyOf, type PolicyDeps, type ScannedImage } from './deps.ts';

type Status = NonNullable<ImagePolicy['status']>;
type Outcome = 'success' | 'failure' | undefined;

async function write(
  obj: KubeObject,
  status: Status,
  readiness: Readiness,
  deps: PolicyDeps,
  signal: AbortSignal,
): Promise<void> {
  const now = deps.clock.now();
  const conditions = conditionsOf(status.conditions, readiness, obj.metadata.generation, now);
  const generation = obj.metadata.generation;
  const next = { ...status, ...handledOf(obj), observedGeneration: generation, conditions };
  const wrote = await writeStatus(deps.kube, obj, next, signal);
  if (wrote.error) deps.logger.warn({ err: wrote.error }, 'status not written');
  const repeated = readyMessageOf(status.conditions) === readiness.message;
  if (!readiness.ready && !repeated)
    deps.events.record(aboutOf(obj), 'Warning', readiness.reason, readiness.message);
}

async function digestOf(
  scanned: ScannedImage,
  tag: string,
  deps: PolicyDeps,
  signal: AbortSignal,
): Promise<string | { error: string }> {
  const options = {
    insecure: scanned.insecure,
    credentials: scanned.credentials,
    signal: AbortSignal.any([signal, AbortSignal.timeout(30_000)]),
    now: () => deps.clock.now(),
  };
  const digest = await deps.registry.digestOf(scanned.image, tag, options);
  return digest.ok ? digest.value : { error: digest.error.message };
}

const sameRef = (a: ImageRef | undefined, b: ImageRef): boolean =>
  a?.name === b.name && a.tag === b.tag && a.digest === b.digest;

export async function reconcileImagePolicy(
  obj: KubeObject,
  deps: PolicyDeps,
  signal: AbortSignal,
): Promise<Outcome> {
  const status = (obj.status ?? {}) as Status;
  const parsed = parseImagePolicy(obj);
  if (!parsed.ok) {
    const message = parsed.error.message;
    const invalid = { ready: false, reason: ImageReasons.InvalidSpec, message, stalled: true };
    await write(obj, status, invalid, deps, signal);
    return 'failure';
  }
  const policy = parsed.value;
  const namespace = policy.metadata.namespace ?? '';
  const ref = policy.spec.imageRepositoryRef;
  const repoKey = keyOf(ref.namespace ?? namespace, ref.name);
  const scanned = deps.tags.get(repoKey);
  if (!scanned) {
    const message = `waiting for ImageRepository ${repoKey} to be scanned`;
    const waiting = { ready: false, reason: ImageReasons.ImageRepositoryNotReady, message };
    await write(obj, status, waiting, deps, signal);
    return undefined;
  }
  const latest = selectLatestTag(scanned.tags, policy.spec.policy, policy.spec.filterTags);
  if (!latest.ok) {
    const message = `ImageRepository ${repoKey}: ${latest.error}`;
    await write(obj, status, { ready: false, reason: ImageReasons.NoMatch, message }, deps, signal);
    return 'failure';
  }
  let digest: string | undefined;
  if (policy.spec.digestReflection) {
    const found = await digestOf(scanned, latest.value, deps, signal);
    if (typeof found !== 'string') {
      const failed = { ready: false, reason: ImageReasons.ScanFailed, message: found.error };
      await write(obj, status, failed, deps, signal);
      deps.requeue(keyOf(namespace, policy.metadata.name), 10_000);
      return 'failure';
    }
    digest = found;
  }
  const next: ImageRef = {
    name: scanned.image.name,
    tag: latest.value,
    ...(digest ? { digest } : {}),
  };
  const changed = !sameRef(status.latestRef, next);
  const updated: Status = {
    ...status,
    latestRef: next,
    ...(changed && status.latestRef ? { previousRef: status.latestRef } : {}),
  };
  const shown = `${next.name}:${next.tag}${digest ? `@${digest}` : ''}`;
  const message = `latest image ${shown}`;
  await write(obj, updated, { ready: true, reason: ImageReasons.Succeeded, message }, deps, signal);
  if (changed) {
    const from = status.latestRef ? `${status.latestRef.tag} → ` : '';
    deps.events.record(aboutOf(obj), 'Normal', 'NewLatestImage', `latest image ${from}${shown}`);
    deps.onLatest(namespace);
  }
  return 'success';
}
