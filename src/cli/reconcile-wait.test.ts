import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../core/index.ts';
import { assessSourceWait, assessSyncWait } from './reconcile-wait.ts';

const requested = '2024-05-01T12:00:00.123Z';
const rev = 'main@sha1:' + 'b'.repeat(40);
const oldRev = 'main@sha1:' + 'a'.repeat(40);

type Cond = [type: string, status: string, reason: string, message: string];

function sync(opts: {
  handled?: string;
  conditions?: Cond[];
  applied?: string;
  wait?: boolean;
  generation?: number;
  observed?: number;
}): KubeObject {
  return {
    apiVersion: 'moor.dev/v1alpha1',
    kind: 'Sync',
    metadata: { name: 'web', namespace: 'apps', generation: opts.generation ?? 1 },
    spec: { wait: opts.wait ?? false },
    status: {
      observedGeneration: opts.observed ?? 1,
      ...(opts.handled === undefined ? {} : { lastHandledReconcileAt: opts.handled }),
      ...(opts.applied === undefined ? {} : { lastAppliedRevision: opts.applied }),
      conditions: (opts.conditions ?? []).map(([type, status, reason, message]) => ({
        type,
        status,
        reason,
        message,
        lastTransitionTime: '2024-05-01T12:00:00Z',
      })),
    },
  };
}

const ready: Cond = ['Ready', 'True', 'Succeeded', 'applied'];

void test('assessSyncWait: done only when handled, Ready, newest revision applied (and Healthy with wait)', () => {
  const cases: ReadonlyArray<{
    name: string;
    obj: KubeObject;
    source?: string;
    phase: string;
    message: RegExp;
  }> = [
    {
      name: 'operator never answered',
      obj: sync({ conditions: [ready], applied: rev }),
      phase: 'waiting',
      message: /has not handled the reconcile request yet \(is `moor operator` running\?\)/,
    },
    {
      name: 'an older request was handled',
      obj: sync({ handled: 'earlier', conditions: [ready], applied: rev }),
      phase: 'waiting',
      message: /has not handled/,
    },
    {
      name: 'still reconciling, though Ready from before',
      obj: sync({
        handled: requested,
        applied: oldRev,
        conditions: [ready, ['Reconciling', 'True', 'Progressing', `applying ${rev}`]],
      }),
      phase: 'waiting',
      message: new RegExp(`^Reconciling: applying ${rev}$`),
    },
    {
      name: 'a newer spec not yet observed',
      obj: sync({
        handled: requested,
        conditions: [ready],
        applied: rev,
        generation: 3,
        observed: 2,
      }),
      phase: 'waiting',
      message: /generation 3 not yet observed/,
    },
    {
      name: 'applied an older revision than the source has',
      obj: sync({ handled: requested, conditions: [ready], applied: oldRev }),
      phase: 'waiting',
      message: new RegExp(`waiting for revision ${rev} \\(applied: ${oldRev}\\)`),
    },
    {
      name: 'the source has no artifact',
      obj: sync({ handled: requested, conditions: [ready], applied: oldRev }),
      source: '',
      phase: 'waiting',
      message: /the source has no artifact yet/,
    },
    {
      name: 'dependency not ready is not a failure',
      obj: sync({
        handled: requested,
        conditions: [['Ready', 'False', 'DependencyNotReady', 'waiting for apps/infra']],
      }),
      phase: 'waiting',
      message: /^DependencyNotReady: waiting for apps\/infra$/,
    },
    {
      name: 'apply failed',
      obj: sync({
        handled: requested,
        conditions: [['Ready', 'False', 'ApplyFailed', 'Deployment/apps/web: invalid']],
      }),
      phase: 'failed',
      message: /^Sync\/apps\/web: ApplyFailed: Deployment\/apps\/web: invalid$/,
    },
    {
      name: 'wait: not healthy yet',
      obj: sync({
        handled: requested,
        wait: true,
        applied: rev,
        conditions: [ready, ['Healthy', 'Unknown', 'Progressing', '1/3 replicas ready']],
      }),
      phase: 'waiting',
      message: /Progressing: 1\/3 replicas ready/,
    },
    {
      name: 'wait: healthy',
      obj: sync({
        handled: requested,
        wait: true,
        applied: rev,
        conditions: [ready, ['Healthy', 'True', 'Succeeded', 'all healthy']],
      }),
      phase: 'done',
      message: new RegExp(`^applied revision ${rev}$`),
    },
    {
      name: 'no wait: Ready and applied',
      obj: sync({ handled: requested, applied: rev, conditions: [ready] }),
      phase: 'done',
      message: /applied revision/,
    },
  ];
  for (const c of cases) {
    const source = c.source === undefined ? rev : c.source || undefined;
    const state = assessSyncWait(c.obj, source, requested);
    assert.equal(state.phase, c.phase, c.name);
    assert.match(state.message, c.message, c.name);
  }
});

void test('assessSourceWait: Ready True is done with the revision, Ready False fails', () => {
  const source = (conditions: Cond[], handled = requested): KubeObject => ({
    ...sync({ handled, conditions }),
    kind: 'GitRepository',
    metadata: { name: 'repo', namespace: 'apps', generation: 1 },
    status: {
      ...(sync({ handled, conditions }).status as object),
      artifact: { revision: rev, digest: 'sha256:00' },
    },
  });
  const done = assessSourceWait(source([ready]), requested);
  assert.deepEqual(done, { phase: 'done', message: `fetched revision ${rev}` });
  const failed = assessSourceWait(
    source([['Ready', 'False', 'RefNotFound', 'branch nope not found']]),
    requested,
  );
  assert.deepEqual(failed, {
    phase: 'failed',
    message: 'GitRepository/apps/repo: RefNotFound: branch nope not found',
  });
  assert.equal(assessSourceWait(source([ready], 'other'), requested).phase, 'waiting');
  assert.equal(
    assessSourceWait(source([['Ready', 'Unknown', 'Progressing', 'fetching']]), requested).message,
    'Progressing: fetching',
  );
});
