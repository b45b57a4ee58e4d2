/**
 * What to tell people after a successful apply: Applied, Pruned, DriftCorrected, Diverged (once,
 * after the grace period), Converged (once, when a change or a divergence ends), HealthFailed. Pure.
 */
import {
  ConditionReasons,
  ConditionStatuses,
  ConditionTypes,
  formatObjectId,
  getCondition,
  objectIdOf,
} from '../../core/index.ts';
import type { InSync } from './decide-applied.ts';
import type { HealthDecision } from './health.ts';
import type { Announcement, Applied, DecideInput, EventNote, LogNote } from './outcome.ts';

/** The three states of a finished apply: converged, still waiting for health, or unhealthy. */
export type Phase = 'healthy' | 'waiting' | 'unhealthy';

export type Notes = {
  readonly events: EventNote[];
  readonly announcements: Announcement[];
  readonly logs: LogNote[];
  readonly converged?: string;
};

type Verdict = {
  readonly inSync: InSync;
  readonly phase: Phase;
  readonly health: HealthDecision | undefined;
  readonly summary: string;
};

function changeNotes(r: Applied, summary: string, notes: Notes): void {
  const changed = r.counts.created + r.counts.configured + r.counts.deleted > 0;
  if (changed || r.newRevision) {
    notes.logs.push({
      level: 'info',
      fields: { revision: r.revision, summary, ...r.timings },
      message: 'applied',
    });
    notes.events.push({
      type: 'Normal',
      reason: 'Applied',
      message: `revision ${r.revision}: ${summary}`,
      annotations: { 'moor.dev/revision': r.revision },
    });
  }
  const deleted = r.outcome.entries
    .filter((e) => e.action === 'deleted')
    .map((e) => formatObjectId(e.id));
  if (r.counts.deleted > 0) {
    notes.announcements.push({
      event: 'Pruned',
      revision: r.revision,
      message: `pruned ${deleted.length} objects no longer in Git`,
      objects: deleted,
    });
  }
  if (r.corrected.length > 0) {
    const objects = r.corrected;
    const message = `re-applied ${objects.length} drifted object${objects.length === 1 ? '' : 's'}: ${objects.slice(0, 5).join(', ')}`;
    notes.events.push({ type: 'Normal', reason: ConditionReasons.DriftCorrected, message });
    notes.announcements.push({ event: 'DriftCorrected', revision: r.revision, message, objects });
  }
}

function driftNotes(r: Applied, inSync: InSync, notes: Notes): void {
  if (!inSync.diverged || !inSync.update) return;
  const message = inSync.update.message;
  notes.events.push({ type: 'Warning', reason: ConditionReasons.Diverged, message });
  notes.announcements.push({
    event: 'Diverged',
    revision: r.revision,
    message,
    objects: r.drift?.drifted.map((o) => formatObjectId(objectIdOf(o))),
  });
}

/** Converged when all is applied, healthy and in sync after a new revision or a time apart. */
function convergedNote(input: DecideInput, r: Applied, phase: Phase, notes: Notes): boolean {
  const conditions = input.status.conditions;
  const previousReady = getCondition(conditions, ConditionTypes.Ready);
  const previousInSync = getCondition(conditions, ConditionTypes.InSync);
  const wasApart =
    previousInSync?.status === ConditionStatuses.False ||
    previousReady?.status !== ConditionStatuses.True;
  const together =
    phase === 'healthy' && !(r.drift?.status && input.sync.spec.drift.mode !== 'Ignore');
  if (!together || !(r.newRevision || wasApart)) return false;
  const message = `converged on revision ${r.revision}`;
  notes.events.push({
    type: 'Normal',
    reason: ConditionReasons.Converged,
    message,
    annotations: { 'moor.dev/revision': r.revision },
  });
  notes.announcements.push({ event: 'Converged', revision: r.revision, message });
  return true;
}

function healthNotes(input: DecideInput, r: Applied, v: Verdict, notes: Notes): void {
  const wasUnhealthy =
    getCondition(input.status.conditions, ConditionTypes.Healthy)?.status ===
    ConditionStatuses.False;
  if (v.phase !== 'unhealthy' || wasUnhealthy) return;
  const message = v.health?.health.message ?? '';
  // The Event is named as the alert is; the Healthy condition keeps HealthCheckFailed/Timeout.
  notes.events.push({ type: 'Warning', reason: 'HealthFailed', message });
  notes.announcements.push({ event: 'HealthFailed', revision: r.revision, message });
}

export function notesOf(input: DecideInput, r: Applied, v: Verdict): Notes {
  const notes: Notes = { events: [], announcements: [], logs: [] };
  changeNotes(r, v.summary, notes);
  driftNotes(r, v.inSync, notes);
  const converged = convergedNote(input, r, v.phase, notes);
  healthNotes(input, r, v, notes);
  return converged ? { ...notes, converged: r.revision } : notes;
}
