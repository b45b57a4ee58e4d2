/** The shell's side of the durable history (ADR 0019): what to record, written to the cluster. */
import type { Sync } from '../../api/index.ts';
import type { KubeObject } from '../../core/index.ts';
import type { KubeClient } from '../../kube/index.ts';
import type { StoredArtifact } from '../../source/index.ts';
import type { HistoryCommit } from '../history/record.ts';
import type { HistoryMemo } from '../history/memo.ts';
import { recordApply } from '../history/store.ts';
import type { Logger } from '../types.ts';
import { historyRecordOf, type RecordContext } from './history-record.ts';

/** The commit an artifact holds, as the history records it. */
export function commitOf(artifact: StoredArtifact): HistoryCommit | undefined {
  const c = artifact.commit;
  return c ? { author: c.author, time: c.time, message: c.subject } : undefined;
}

/** Adds the apply to the Sync's durable history; a failure to is logged, not retried. */
export async function keepRecord(
  kube: KubeClient,
  run: { readonly obj: KubeObject; readonly log: Logger; readonly signal: AbortSignal },
  c: RecordContext & { readonly sync: Sync },
  memo?: HistoryMemo,
): Promise<void> {
  const record = historyRecordOf(c);
  if (!record) return;
  const { sync } = c;
  const ref = {
    namespace: sync.metadata.namespace ?? '',
    name: sync.metadata.name,
    uid: run.obj.metadata.uid,
    apiVersion: run.obj.apiVersion,
  };
  const wrote = await recordApply(kube, ref, record, run.signal, memo);
  if (!wrote.ok) {
    run.log.warn({ err: wrote.error.message }, 'history record not written');
    return;
  }
  const done = wrote.value;
  if (done.migrated === 'deleted')
    run.log.info(
      { configMap: done.configMap },
      'history moved to its SyncHistory; old ConfigMap deleted',
    );
  if (done.migrated === 'kept')
    run.log.info(
      { configMap: done.configMap },
      'history copied to its SyncHistory; the old ConfigMap stays (not allowed to delete it) until the Sync is deleted',
    );
}
