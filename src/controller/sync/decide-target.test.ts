// Pins and automatic rollback in the decision, as a table: which conditions, events and
// announcements, what status.rolledBack becomes, and the history entry of the durable record.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSync, type Sync } from '../../api/index.ts';
import type { ChangeCounts } from '../../plan/index.ts';
import { decide, type SyncOutcome } from './decide.ts';
import { historyRecordOf } from './history-record.ts';
import type { SyncStatus } from './status.ts';
import { targetOf, type Target } from './target.ts';

const sha = (c: string) => c.repeat(40);
const rev = (c: string) => `main@sha1:${sha(c)}`;
const startedAt = new Date('2026-12-01T12:00:00.000Z');
const now = new Date('2026-12-01T12:00:02.000Z');

function syncOf(spec: Record<string, unknown>, status: SyncStatus): Sync {
  const parsed = parseSync({
    apiVersion: 'moor.dev/v1alpha1',
    kind: 'Sync',
    metadata: { name: 'web', namespace: 'apps', generation: 1 },
    spec: { sourceRef: { kind: 'GitRepository', name: 'repo' }, wait: true, ...spec },
    status,
  });
  if (!parsed.ok) assert.fail(parsed.error.message);
  return parsed.value;
}

const counts: ChangeCounts = {
  created: 0,
  configured: 1,
  unchanged: 0,
  deleted: 0,
  skipped: 0,
  failed: 0,
};

function applied(revision: string, health: 'healthy' | 'failed', quiet = false): SyncOutcome {
  const failed =
    health === 'failed' ? [{ status: 'Failed' as const, message: 'web: not ready' }] : [];
  return {
    kind: 'applied',
    revision,
    newRevision: !quiet,
    inventory: [
      { group: 'apps', kind: 'Deployment', namespace: 'apps', name: 'web', version: 'v1' },
    ],
    outcome: {
      ok: true,
      phase: 'done',
      conflicts: [],
      applied: [],
      entries: [
        {
          id: { group: 'apps', kind: 'Deployment', namespace: 'apps', name: 'web' },
          version: 'v1',
          action: quiet ? 'unchanged' : 'configured',
          message: '',
        },
      ],
    },
    counts: quiet ? { ...counts, configured: 0, unchanged: 1 } : counts,
    health: { total: 1, failed, progressing: [] },
    drift: undefined,
    corrected: [],
    desiredCount: 1,
    finishedJobs: [],
    startedAt,
    timings: { renderMs: 1, applyMs: 1 },
  };
}

type Case = {
  name: string;
  spec?: Record<string, unknown>;
  status: SyncStatus;
  /** The source's newest revision. */
  source: string;
  health: 'healthy' | 'failed';
  /** The apply changed nothing. */
  quiet?: boolean;
  want: {
    target?: Target['kind'];
    ready: string;
    pinned?: boolean;
    events?: string[];
    rolledBackFrom?: string;
    history?: string;
    requeueNow?: boolean;
  };
};

const healthy: SyncStatus = { lastAppliedRevision: rev('1'), lastHealthyRevision: rev('1') };
const rolling: SyncStatus = {
  ...healthy,
  rolledBack: { from: rev('2'), to: rev('1'), at: startedAt.toISOString() },
};
const onFailure = { rollback: { onHealthFailure: true } };

const cases: Case[] = [
  {
    name: 'a failing revision without the policy stays failed',
    status: healthy,
    source: rev('2'),
    health: 'failed',
    want: { ready: 'False/HealthCheckFailed', events: ['Applied', 'HealthFailed'] },
  },
  {
    name: 'a failing revision with the policy starts a rollback',
    spec: onFailure,
    status: healthy,
    source: rev('2'),
    health: 'failed',
    want: {
      ready: 'False/RolledBack',
      events: ['Applied', 'HealthFailed', 'RolledBack'],
      rolledBackFrom: rev('2'),
      requeueNow: true,
    },
  },
  {
    name: 'no healthy revision before it: nothing to roll back to',
    spec: onFailure,
    status: {},
    source: rev('2'),
    health: 'failed',
    want: { ready: 'False/HealthCheckFailed', events: ['Applied', 'HealthFailed'] },
  },
  {
    name: 'the healthy revision re-applied: not Ready, the entry says RolledBack',
    spec: onFailure,
    status: rolling,
    source: rev('2'),
    health: 'healthy',
    want: {
      target: 'rollback',
      ready: 'False/RolledBack',
      events: ['Applied', 'Converged'],
      rolledBackFrom: rev('2'),
      history: 'RolledBack',
    },
  },
  {
    name: 'a quiet reconcile during the rollback adds no history entry',
    spec: onFailure,
    status: {
      ...rolling,
      history: [
        {
          revision: rev('1'),
          startedAt: '2026-12-01T11:59:00.000Z',
          finishedAt: '2026-12-01T11:59:01.000Z',
          result: 'RolledBack',
          created: 0,
          configured: 1,
          deleted: 0,
        },
      ],
    },
    source: rev('2'),
    health: 'healthy',
    quiet: true,
    want: { target: 'rollback', ready: 'False/RolledBack', rolledBackFrom: rev('2') },
  },
  {
    name: 'the source moved on: the rollback ends',
    spec: onFailure,
    status: rolling,
    source: rev('3'),
    health: 'healthy',
    want: { ready: 'True/Succeeded', events: ['Applied', 'Converged'], history: 'Succeeded' },
  },
  {
    name: 'a pin applies its revision, Ready, and says it diverged',
    spec: { pin: { revision: rev('1') } },
    status: healthy,
    source: rev('3'),
    health: 'healthy',
    want: {
      target: 'pin',
      ready: 'True/Succeeded',
      pinned: true,
      events: ['Applied', 'Converged'],
    },
  },
  {
    name: 'a pin wins over a rollback and ends it',
    spec: { ...onFailure, pin: { revision: sha('1') } },
    status: rolling,
    source: rev('2'),
    health: 'healthy',
    want: {
      target: 'pin',
      ready: 'True/Succeeded',
      pinned: true,
      events: ['Applied', 'Converged'],
    },
  },
];

for (const c of cases) {
  test(c.name, () => {
    const sync = syncOf(c.spec ?? {}, c.status);
    const target = targetOf(sync, c.status, c.source);
    assert.equal(target?.kind, c.want.target);
    const revision = target ? `main@sha1:${target.sha}` : c.source;
    const outcome = applied(revision, c.health, c.quiet);
    const input = {
      sync,
      status: c.status,
      startedAt,
      now,
      failures: 0,
      draw: 0.5,
      outcome,
      target,
    };
    const d = decide(input);
    const cond = (type: string) => d.status.conditions?.find((x) => x.type === type);
    const ready = cond('Ready');
    assert.equal(`${ready?.status}/${ready?.reason}`, c.want.ready, ready?.message);
    assert.equal(cond('Pinned')?.status === 'True', c.want.pinned === true);
    if (c.want.pinned) assert.match(ready?.message ?? '', /^pinned by spec\.pin .* \(diverged\)/);
    if (c.want.events)
      assert.deepEqual(
        d.events.map((e) => e.reason),
        c.want.events,
      );
    assert.equal(d.status.rolledBack?.from, c.want.rolledBackFrom);
    if (c.want.requeueNow) {
      assert.equal(d.requeueMs, 0);
      assert.ok(d.announcements.some((a) => a.event === 'RolledBack'));
    }
    const record = historyRecordOf({ before: c.status, decision: d, outcome });
    if (c.quiet) {
      assert.deepEqual(d.status.history, c.status.history);
      assert.equal(record, undefined);
      return;
    }
    if (c.want.history) assert.equal(record?.result, c.want.history);
    assert.deepEqual(record?.objects, { configured: ['Deployment.apps/apps/web'] });
    assert.deepEqual(record?.inventory, ['Deployment.apps/apps/web']);
    assert.equal(record?.health, c.health === 'healthy' ? 'Healthy' : 'Unhealthy');
  });
}
