/**
 * Drift of a Sync's objects for the revision already applied: which desired objects differ live
 * (field by field, with the manager that wrote each value) or were deleted, carried over from the
 * last status so `since` keeps the time a difference was first seen. Pure.
 */
import type { DriftStatus, DriftedObject } from '../../api/index.ts';
import {
  Annotations,
  formatObjectId,
  objectIdOf,
  stableStringify,
  type KubeObject,
  objectKey,
} from '../../core/index.ts';
import { diffObject, type ObjectDrift } from '../../drift/index.ts';

export type DriftCheck = {
  /** Desired objects that differ live (or are gone), not opted out. */
  readonly drifted: KubeObject[];
  /** `status.drift`, or undefined when nothing differs. */
  readonly status: DriftStatus | undefined;
  /** One line per object for messages: `Deployment.apps/ns/web: spec.replicas (kubectl)`. */
  readonly summary: string[];
};

/** `moor.dev/drift: ignore` in Git or on the live object (a deleted object takes its own along). */
export function isDriftIgnored(desired: KubeObject, live: KubeObject | undefined): boolean {
  const off = (obj: KubeObject | undefined): boolean =>
    obj?.metadata.annotations?.[Annotations.drift] === 'ignore';
  return off(desired) || off(live);
}

/**
 * Whether an opted-out object is left as it is live, in every mode: always while the desired state
 * stays the one applied; on a new revision (or spec) only when Git renders it as before, so a
 * commit elsewhere does not undo a change made by hand, but a change to the object in Git lands.
 * `previous` is the object as the last applied revision rendered it (undefined: not known).
 */
export function isLeftAlone(
  desired: KubeObject,
  live: KubeObject | undefined,
  previous: KubeObject | undefined,
  newDesiredState: boolean,
): boolean {
  if (!isDriftIgnored(desired, live)) return false;
  if (!newDesiredState) return true;
  return previous !== undefined && stableStringify(previous) === stableStringify(desired);
}

function describe(d: ObjectDrift): string {
  const name = formatObjectId({
    group: d.group,
    kind: d.kind,
    namespace: d.namespace,
    name: d.name,
  });
  if (d.deleted) return `${name}: deleted`;
  const fields = (d.fields ?? []).map((f) => (f.manager ? `${f.path} (${f.manager})` : f.path));
  return `${name}: ${fields.join(', ')}`;
}

/**
 * Only the desired objects that are gone or being deleted: what can be said of drift when the
 * apply failed and left the fields of the rest as they were.
 */
export function checkMissing(
  desired: readonly KubeObject[],
  live: (obj: KubeObject) => KubeObject | undefined,
  previous: DriftStatus | undefined,
  now: Date,
): DriftCheck {
  const present = (obj: KubeObject): KubeObject | undefined => {
    const current = live(obj);
    return current && !current.metadata.deletionTimestamp ? obj : current;
  };
  return checkDrift(desired, present, previous, now);
}

export function checkDrift(
  desired: readonly KubeObject[],
  live: (obj: KubeObject) => KubeObject | undefined,
  previous: DriftStatus | undefined,
  now: Date,
): DriftCheck {
  const stamp = now.toISOString();
  const before = new Map((previous?.objects ?? []).map((o) => [objectKey(o), o]));
  const drifted: KubeObject[] = [];
  const objects: DriftedObject[] = [];
  const summary: string[] = [];
  for (const obj of desired) {
    const current = live(obj);
    if (isDriftIgnored(obj, current)) continue;
    // An object being deleted (held by a finalizer, say) is as good as gone.
    const d = diffObject(obj, current?.metadata.deletionTimestamp ? undefined : current);
    if (!d) continue;
    drifted.push(obj);
    summary.push(describe(d));
    const old = before.get(objectKey(objectIdOf(obj)));
    const oldSince = new Map((old?.fields ?? []).map((f) => [f.path, f.since]));
    objects.push({
      group: d.group,
      kind: d.kind,
      namespace: d.namespace,
      name: d.name,
      ...(d.deleted ? { deleted: true } : {}),
      ...(d.fields
        ? {
            fields: d.fields.map((f) => ({
              ...f,
              since: f.since ?? oldSince.get(f.path) ?? stamp,
            })),
          }
        : {}),
    });
  }
  if (objects.length === 0) return { drifted, status: undefined, summary };
  return { drifted, status: { since: previous?.since ?? stamp, objects }, summary };
}
