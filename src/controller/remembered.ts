/**
 * How much the operator remembers per Sync, source and object, map by map: what
 * `moor_remembered_entries` reports. Every count returns to what exists once deleted objects are
 * forgotten (the few bounded caches keyed by revision stay within their bound).
 */
import type { ArtifactIndex } from './artifact-registry.ts';
import type { Dependents } from './dependents.ts';
import type { EventMemory } from './events.ts';
import type { WorkQueue } from './queue.ts';
import type { StatusMemory } from './status-memory.ts';
import type { SyncMemory } from './sync-handles.ts';

export type RememberedParts = {
  readonly memory: Pick<StatusMemory, 'size'>;
  readonly events: Pick<EventMemory, 'remembered'>;
  readonly registry: Pick<ArtifactIndex, 'size' | 'artifacts'>;
  readonly dependents: Pick<Dependents, 'size'>;
  readonly syncs: SyncMemory;
  readonly sourceFailures: ReadonlyMap<string, number>;
  readonly queues: {
    readonly sync: Pick<WorkQueue, 'delayed'>;
    readonly source: Pick<WorkQueue, 'delayed'>;
  };
};

export function countRemembered(p: RememberedParts): () => ReadonlyMap<string, number> {
  return () => {
    const registry = p.registry.size();
    const events = p.events.remembered();
    const commits = p.syncs.commits.size();
    return new Map([
      ['desired', p.syncs.desired.size()],
      ['jobs_seen', p.syncs.jobsSeen.size()],
      ['parse_memos', p.syncs.parseMemos.size],
      ['rendered', p.syncs.rendered.size],
      ['sync_failures', p.syncs.failures.size],
      ['history_memo', p.syncs.histories.size],
      ['commit_clock_syncs', commits.syncs],
      ['commit_clock_revisions', commits.revisions],
      ['artifact_index_syncs', registry.syncs],
      ['artifact_index_sources', registry.sources],
      ['artifacts', p.registry.artifacts.size],
      ['dependents', p.dependents.size()],
      ['status_writes', p.memory.size()],
      ['event_series', events.series],
      ['event_objects', events.objects],
      ['source_failures', p.sourceFailures.size],
      ['sync_requeues', p.queues.sync.delayed],
      ['source_requeues', p.queues.source.delayed],
    ]);
  };
}
