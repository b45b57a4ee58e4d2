/**
 * Objects labelled for another Sync (ADR 0032): a conflict while that Sync exists, adopted once it
 * is gone (deleted while no operator ran, or before the finalizer existed), said in an Event on
 * both sides' terms. Whether a Sync exists is asked of the API server, not the operator's cache:
 * the owner may be in another shard.
 */
import type { Adoption, Conflict } from '../../apply/index.ts';
import {
  API_GROUP_VERSION,
  ConditionReasons,
  formatObjectId,
  Kinds,
  type KubeObject,
} from '../../core/index.ts';
import type { KubeClient } from '../../kube/index.ts';
import type { EventRecorder } from '../events.ts';

export const ADOPTED_REASON = 'Adopted';

type Owner = Conflict['owner'];

/**
 * `ownerGone` for one apply: a GET of each named Sync (once per Sync), true only on NotFound, so
 * a failed read keeps the object a conflict.
 */
export function ownerGoneLookup(
  kube: Pick<KubeClient, 'get'>,
  signal: AbortSignal,
): (owner: Owner) => Promise<boolean> {
  const asked = new Map<string, Promise<boolean>>();
  return (owner) => {
    const key = `${owner.namespace}/${owner.name}`;
    let answer = asked.get(key);
    if (!answer) {
      answer = kube
        .get({ apiVersion: API_GROUP_VERSION, kind: Kinds.Sync, ...owner }, signal)
        .then((got) => got.ok && got.value === undefined);
      asked.set(key, answer);
    }
    return answer;
  };
}

/** The Events of one apply's claims: a Warning on each live owner, one Normal on the adopter. */
export function reportClaims(
  events: Pick<EventRecorder, 'record'>,
  sync: KubeObject,
  claims: { readonly conflicts: readonly Conflict[]; readonly adopted?: readonly Adoption[] },
): void {
  const me = { namespace: sync.metadata.namespace ?? '', name: sync.metadata.name ?? '' };
  const subject = (o: Owner) => ({ apiVersion: sync.apiVersion, kind: Kinds.Sync, ...o });
  for (const c of claims.conflicts) {
    events.record(
      subject(c.owner),
      'Warning',
      ConditionReasons.Conflict,
      `Sync ${me.namespace}/${me.name} also declares ${formatObjectId(c.id)}, which this Sync owns; it was not taken over`,
    );
  }
  const adopted = claims.adopted ?? [];
  if (adopted.length === 0) return;
  events.record(subject(me), 'Normal', ADOPTED_REASON, adoptedMessage(adopted));
}

const LISTED = 10;

/** `adopted 2 objects whose Sync no longer exists: ConfigMap/a/x (of Sync a/old), …`. */
export function adoptedMessage(adopted: readonly Adoption[]): string {
  const named = adopted
    .slice(0, LISTED)
    .map((a) => `${formatObjectId(a.id)} (of Sync ${a.owner.namespace}/${a.owner.name})`);
  const more = adopted.length > LISTED ? `, and ${adopted.length - LISTED} more` : '';
  const count = adopted.length === 1 ? '1 object' : `${adopted.length} objects`;
  return `adopted ${count} whose Sync no longer exists: ${named.join(', ')}${more}`;
}
