import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FinishedJob } from '../api/index.ts';
import type { KubeObject } from '../core/index.ts';
import { HealthStatus } from '../health/index.ts';
import {
  digestOf,
  finishedHealth,
  settleFinishedJobs,
  ttlFinishOf,
  type JobEvidence,
} from './finished-jobs.ts';

const job = (spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'migrate', namespace: 'prod' },
  spec: {
    ttlSecondsAfterFinished: 0,
    template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'm:1' }] } },
    ...spec,
  },
});
const withStatus = (obj: KubeObject, type?: string, extra: Record<string, unknown> = {}) => ({
  ...obj,
  metadata: { ...obj.metadata, uid: 'u1', ...extra },
  status: type ? { conditions: [{ type, status: 'True', reason: 'R', message: 'm' }] } : {},
});
const complete = withStatus(job(), 'Complete');
const desired = job();
const noTtl = job({ ttlSecondsAfterFinished: undefined });
const recordOf = (obj: KubeObject, result: FinishedJob['result'] = 'Complete'): FinishedJob => ({
  namespace: 'prod',
  name: 'migrate',
  digest: digestOf(obj),
  result,
  message: 'completed',
  revision: 'main@sha1:old',
});

test('ttlFinishOf: only a finished Job with a TTL', () => {
  const cases: [string, KubeObject, string | undefined][] = [
    ['complete', complete, 'Complete'],
    ['failed', withStatus(job(), 'Failed'), 'Failed'],
    ['running', withStatus(job()), undefined],
    ['suspended', withStatus(job(), 'Suspended'), undefined],
    ['complete without a TTL', withStatus(noTtl, 'Complete'), undefined],
    ['not a Job', { ...complete, apiVersion: 'v1', kind: 'Pod' }, undefined],
  ];
  for (const [name, obj, want] of cases) assert.equal(ttlFinishOf(obj)?.result, want, name);
});

type Case = {
  name: string;
  desired: KubeObject;
  evidence: Partial<JobEvidence>;
  done: boolean;
  recorded: boolean;
};
const cases: Case[] = [
  {
    name: 'seen complete, then gone: done',
    desired,
    evidence: { lastSeen: [complete] },
    done: true,
    recorded: true,
  },
  {
    name: 'deleted while it ran: not done (re-created)',
    desired,
    evidence: { lastSeen: [withStatus(job())] },
    done: false,
    recorded: false,
  },
  {
    name: 'recorded in status for the same rendered spec, gone: done (after a restart)',
    desired,
    evidence: { recorded: [recordOf(desired)] },
    done: true,
    recorded: true,
  },
  {
    name: 'Git changed the Job: the old record no longer holds',
    desired: job({ backoffLimit: 2 }),
    evidence: { lastSeen: [complete], recorded: [recordOf(desired)] },
    done: false,
    recorded: false,
  },
  {
    name: 'still there and complete: recorded, not done (it exists)',
    desired,
    evidence: { live: () => complete },
    done: false,
    recorded: true,
  },
  {
    name: 'complete and being deleted by the TTL controller: done',
    desired,
    evidence: {
      live: () => withStatus(job(), 'Complete', { deletionTimestamp: '2026-01-01T00:00:00Z' }),
    },
    done: true,
    recorded: true,
  },
  {
    name: 'no TTL: a deleted finished Job is ordinary drift',
    desired: noTtl,
    evidence: { lastSeen: [withStatus(noTtl, 'Complete')] },
    done: false,
    recorded: false,
  },
  {
    name: 'failed, then removed: done (as failed)',
    desired,
    evidence: { lastSeen: [withStatus(job(), 'Failed')] },
    done: true,
    recorded: true,
  },
];

for (const c of cases) {
  test(`settleFinishedJobs: ${c.name}`, () => {
    const evidence: JobEvidence = {
      live: () => undefined,
      lastSeen: [],
      recorded: [],
      ...c.evidence,
    };
    const s = settleFinishedJobs([c.desired], evidence, 'main@sha1:new');
    assert.equal(s.done.size === 1, c.done);
    assert.equal(s.records.length === 1, c.recorded);
  });
}

test('settleFinishedJobs keeps the revision a record was made on, and ignores other kinds', () => {
  const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } };
  const s = settleFinishedJobs(
    [cm, desired],
    { live: () => undefined, lastSeen: [], recorded: [recordOf(desired)] },
    'main@sha1:new',
  );
  assert.deepEqual([...s.done.keys()], ['batch|Job|prod|migrate']);
  assert.equal(s.records[0]?.revision, 'main@sha1:old');
});

test('finishedHealth: as the Job ended', () => {
  assert.equal(finishedHealth(desired, recordOf(desired)).status, HealthStatus.current);
  const failed = finishedHealth(desired, recordOf(desired, 'Failed'));
  assert.equal(failed.status, HealthStatus.failed);
  assert.match(failed.message, /^Job\.batch\/prod\/migrate: .*ttlSecondsAfterFinished/);
});
