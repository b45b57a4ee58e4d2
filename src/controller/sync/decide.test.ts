// When each event, announcement and condition fires, and the requeue delays: a table over
// testdata/decide.yaml (and committed.yaml for ChangeCommitted).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseAllDocuments, parse } from 'yaml';
import { parseSync, type Sync } from '../../api/index.ts';
import type { KubeObject } from '../../core/index.ts';
import type { ChangeCounts } from '../../plan/index.ts';
import { decide, decideCommitted, type SyncOutcome } from './decide.ts';
import type { SyncStatus } from './status.ts';

const REV1 = `main@sha1:${'1'.repeat(40)}`;
const REV2 = `main@sha1:${'2'.repeat(40)}`;
const startedAt = new Date('2026-12-01T12:00:00.000Z');
const now = new Date('2026-12-01T12:00:02.000Z');

const read = (name: string): string =>
  readFileSync(new URL(`testdata/${name}`, import.meta.url), 'utf8');
const statuses = parse(read('statuses.yaml')) as Record<string, SyncStatus>;
const statusOf = (s: string | SyncStatus | undefined): SyncStatus =>
  typeof s === 'string' ? (statuses[s] ?? assert.fail(`no status ${s}`)) : (s ?? {});

type Case = {
  name: string;
  status?: string | SyncStatus;
  sync?: Record<string, unknown>;
  failures?: number;
  outcome: Record<string, unknown> & { kind: 'applied' | 'failed' };
  want: {
    result?: string;
    events?: string[];
    announcements?: string[];
    conditions?: Record<string, string>;
    absent?: string[];
    history?: string[];
    converged?: boolean;
    driftInStatus?: boolean;
    healthWait?: boolean;
    requeueMs?: number;
    failures?: number;
  };
};

function syncOf(spec: Record<string, unknown> | undefined): Sync {
  const obj: KubeObject = {
    apiVersion: 'moor.dev/v1alpha1',
    kind: 'Sync',
    metadata: { name: 'web', namespace: 'apps', generation: 1, uid: 'u1' },
    spec: {
      sourceRef: { kind: 'GitRepository', name: 'repo' },
      path: './',
      interval: '10m',
      ...spec,
    },
  };
  const parsed = parseSync(obj);
  if (!parsed.ok) assert.fail(parsed.error.message);
  return parsed.value;
}

const counts = (c: Partial<ChangeCounts> | undefined): ChangeCounts => ({
  created: 0,
  configured: 0,
  unchanged: 0,
  deleted: 0,
  skipped: 0,
  failed: 0,
  ...c,
});

const cm = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'apps' },
});
const idOf = (formatted: string) => {
  const [kind = '', namespace = '', name = ''] = formatted.split('/');
  return { group: '', kind, namespace, name };
};

function appliedOf(o: Record<string, unknown>): SyncOutcome {
  const newRevision = o.newRevision === true;
  const revision = newRevision ? REV2 : REV1;
  const drift = o.drift as { since: string } | undefined;
  const health = o.health as { failed?: string[]; progressing?: string[] } | undefined;
  const deleted = (o.deleted as string[] | undefined) ?? [];
  const message = (m: string) => ({ status: 'Failed' as const, message: m });
  return {
    kind: 'applied',
    revision,
    newRevision,
    inventory: [],
    outcome: {
      ok: true,
      phase: 'done',
      conflicts: [],
      applied: [],
      entries: deleted.map((d) => ({ id: idOf(d), action: 'deleted', message: 'pruned' })),
    } as never,
    counts: counts(o.counts as Partial<ChangeCounts>),
    health: health
      ? {
          total: 2,
          failed: (health.failed ?? []).map(message),
          progressing: (health.progressing ?? []).map((m) => ({
            ...message(m),
            status: 'InProgress' as const,
          })),
        }
      : undefined,
    drift: drift
      ? {
          drifted: [cm('a')],
          summary: ['ConfigMap/apps/a: data.a (kubectl-edit)'],
          status: {
            since: drift.since,
            objects: [{ group: '', kind: 'ConfigMap', namespace: 'apps', name: 'a' }],
          },
        }
      : undefined,
    corrected: (o.corrected as string[] | undefined) ?? [],
    desiredCount: 2,
    finishedJobs: [],
    startedAt,
    timings: { renderMs: 1, applyMs: 1 },
  };
}

function failedOf(o: Record<string, unknown>): SyncOutcome {
  const attempt = o.attempt as { counts?: Partial<ChangeCounts> } | undefined;
  const { attempt: _a, ...rest } = o;
  return {
    ...(rest as { kind: 'failed'; reason: string; message: string }),
    ...(attempt ? { attempt: { revision: REV2, startedAt, counts: counts(attempt.counts) } } : {}),
  };
}

const cases = parseAllDocuments(read('decide.yaml')).map((d) => d.toJS() as Case);

for (const c of cases) {
  test(`decide: ${c.name}`, () => {
    const outcome = c.outcome.kind === 'applied' ? appliedOf(c.outcome) : failedOf(c.outcome);
    const got = decide({
      sync: syncOf(c.sync),
      status: statusOf(c.status),
      startedAt,
      now,
      failures: c.failures ?? 0,
      draw: 0.5,
      outcome,
    });
    const { want } = c;
    if (want.result) assert.equal(got.result, want.result, 'result');
    if (want.events)
      assert.deepEqual(
        got.events.map((e) => e.reason),
        want.events,
        'events',
      );
    if (want.announcements)
      assert.deepEqual(
        got.announcements.map((a) => a.event),
        want.announcements,
        'announcements',
      );
    for (const [type, expected] of Object.entries(want.conditions ?? {})) {
      const condition = got.status.conditions?.find((x) => x.type === type);
      assert.equal(`${condition?.status}/${condition?.reason}`, expected, `condition ${type}`);
    }
    for (const type of want.absent ?? [])
      assert.equal(
        got.status.conditions?.find((x) => x.type === type),
        undefined,
        `no ${type}`,
      );
    if (want.history)
      assert.deepEqual(
        (got.status.history ?? []).map((h) => h.result),
        want.history,
        'history',
      );
    if (want.converged !== undefined)
      assert.equal(got.converged !== undefined, want.converged, 'converged');
    if (want.driftInStatus !== undefined)
      assert.equal(got.status.drift !== undefined, want.driftInStatus, 'status.drift');
    if (want.healthWait !== undefined)
      assert.equal(got.status.healthWait !== undefined, want.healthWait, 'status.healthWait');
    if (want.requeueMs !== undefined) assert.equal(got.requeueMs, want.requeueMs, 'requeue');
    if (want.failures !== undefined) assert.equal(got.failures, want.failures, 'failures');
    assert.equal(got.status.observedGeneration, 1, 'observedGeneration');
  });
}

type Committed = { name: string; status: string | SyncStatus; revision: string; want: string[] };

for (const c of parse(read('committed.yaml')) as Committed[]) {
  test(`decideCommitted: ${c.name}`, () => {
    const got = decideCommitted(statusOf(c.status), c.revision);
    assert.deepEqual(
      got.map((a) => a.event),
      c.want,
    );
    for (const a of got) assert.equal(a.revision, c.revision);
  });
}
