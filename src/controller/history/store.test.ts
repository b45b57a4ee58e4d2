// The history memo against the real API server: a record after this operator's own write is one
// update, and a SyncHistory someone else changed or deleted since loses no record.
import assert from 'node:assert/strict';
import { clusterTest as test, testNamespace } from '../../../test/helpers/cluster.ts';
import { installCrds } from '../../../test/helpers/operator.ts';
import { must, stepSignal, testClient } from '../../kube/test-helpers.ts';
import { encodeRing } from './codec.ts';
import { createHistoryMemo } from './memo.ts';
import type { NewRecord } from './record.ts';
import { readHistory, recordApply } from './store.ts';

const recordOf = (revision: string): NewRecord => ({
  revision,
  startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, revision.length)).toISOString(),
  result: 'Succeeded',
  created: 0,
  configured: 0,
  deleted: 0,
  inventory: ['ConfigMap/apps/a'],
});

test('a SyncHistory written last by this operator is updated without a read; others lose nothing', async (t) => {
  const kube = testClient();
  await installCrds(kube);
  const ns = await testNamespace(t, 'history-memo');
  const sync = { namespace: ns, name: 'app', apiVersion: 'moor.dev/v1alpha1' };
  const memo = createHistoryMemo();
  const revisions = async () =>
    must(await readHistory(kube, sync, stepSignal())).records.map((r) => r.revision);
  const requests = () => ({
    get: kube.requestCounts.get('get') ?? 0,
    update: kube.requestCounts.get('update') ?? 0,
  });

  must(await recordApply(kube, sync, recordOf('r1'), stepSignal(), memo));
  const before = requests();
  must(await recordApply(kube, sync, recordOf('r22'), stepSignal(), memo));
  assert.deepEqual(requests(), { get: before.get, update: before.update + 1 }, 'one update');
  assert.deepEqual(await revisions(), ['r22', 'r1']);

  // Someone else rewrites it: the memo's version is stale, the record goes in after a read.
  const ref = { apiVersion: 'moor.dev/v1alpha1', kind: 'SyncHistory', namespace: ns, name: 'app' };
  const current = must(await kube.get(ref, stepSignal()));
  assert.ok(current);
  const theirs = { records: [{ ...recordOf('other'), inventory: undefined }] };
  const ring = encodeRing(theirs).toString('base64');
  must(
    await kube.update({ ...current, spec: { syncName: 'app', records: 1, ring } }, stepSignal()),
  );
  must(await recordApply(kube, sync, recordOf('r333'), stepSignal(), memo));
  assert.deepEqual(await revisions(), ['r333', 'other']);

  // Deleted since: written anew.
  must(await kube.delete(ref, {}, stepSignal()));
  must(await recordApply(kube, sync, recordOf('r4444'), stepSignal(), memo));
  assert.deepEqual(await revisions(), ['r4444']);
  assert.equal(memo.size, 1);
});
