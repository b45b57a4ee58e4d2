/**
 * After an API-server outage cut a Sync's reconcile short (its status could not be written while
 * the server was gone), the first write once it answers says what happened: `Reconciling` and
 * `Ready=Unknown` with the reason `ApiServerUnreachable`, the error and since when, until the
 * reconcile it starts converges or fails and writes its own conditions.
 */
import type { Sync } from '../../api/index.ts';
import {
  ConditionReasons,
  ConditionStatuses,
  ConditionTypes,
  type KubeObject,
} from '../../core/index.ts';
import { outageMessage, type Outage } from '../api-reachability.ts';
import { writeStatus } from '../status.ts';
import type { Clock, Logger } from '../types.ts';
import type { ClusterView } from './apply.ts';
import { setConditions, type SyncStatus } from './status.ts';

/** Outages to report, per Sync: one read, then marked reported once written. */
export type OutageNotes = {
  readonly pending: (key: string) => Outage | undefined;
  readonly reported: (key: string) => void;
};

/** The status that reports the outage (pure). */
export function outageStatus(
  sync: Sync,
  status: SyncStatus,
  outage: Outage,
  now: Date,
): SyncStatus {
  const message = outageMessage(outage);
  const reason = ConditionReasons.ApiServerUnreachable;
  const conditions = setConditions(
    status.conditions,
    [
      { type: ConditionTypes.Reconciling, status: ConditionStatuses.True, reason, message },
      { type: ConditionTypes.Ready, status: ConditionStatuses.Unknown, reason, message },
    ],
    sync.metadata.generation,
    now,
  );
  return { ...status, conditions };
}

/** Writes the outage note when one is pending; the object as written (or as given). */
export async function reportOutage(
  deps: { readonly clock: Clock; readonly cluster: ClusterView; readonly outages?: OutageNotes },
  run: { readonly obj: KubeObject; readonly key: string; readonly log: Logger },
  sync: Sync,
  signal: AbortSignal,
): Promise<{ obj: KubeObject; sync: Sync }> {
  const outage = deps.outages?.pending(run.key);
  if (!outage) return { obj: run.obj, sync };
  const next = outageStatus(sync, sync.status ?? {}, outage, deps.clock.now());
  const { kube, operatorId } = deps.cluster;
  const res = await writeStatus(kube, run.obj, next, signal, operatorId);
  if (res.error) {
    run.log.warn({ err: res.error }, 'status not written');
    return { obj: run.obj, sync };
  }
  deps.outages?.reported(run.key);
  run.log.info(
    { since: outage.since.toISOString(), err: outage.error },
    'reconciling after an API-server outage',
  );
  const obj = res.obj ?? run.obj;
  return { obj, sync: { ...sync, status: obj.status ?? next } };
}
