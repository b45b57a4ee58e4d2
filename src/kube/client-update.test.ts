// update (PUT) is optimistic concurrency: it replaces at the version read, and refuses a stale one.
import assert from 'node:assert/strict';
import { clusterTest as test, testNamespace } from '../../test/helpers/cluster.ts';
import { must, stepSignal, testClient } from './test-helpers.ts';

test('update replaces an object at the version read; a stale version is a Conflict', async (t) => {
  const ns = await testNamespace(t, 'kube-update');
  const kube = testClient();
  const lease = {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'leader', namespace: ns },
    spec: { holderIdentity: 'a', leaseDurationSeconds: 15 },
  };
  const created = must(await kube.create(lease, stepSignal()));
  const renewed = must(
    await kube.update(
      { ...created, spec: { holderIdentity: 'a', leaseDurationSeconds: 10 } },
      stepSignal(),
    ),
  );
  assert.deepEqual(renewed.spec, { holderIdentity: 'a', leaseDurationSeconds: 10 });
  assert.notEqual(renewed.metadata.resourceVersion, created.metadata.resourceVersion);

  // Someone who read the first version loses the race.
  const stale = await kube.update({ ...created, spec: { holderIdentity: 'b' } }, stepSignal());
  assert.ok(!stale.ok);
  assert.equal(stale.error.code, 'Conflict');
  assert.match(stale.error.message, new RegExp(`^update Lease.coordination.k8s.io/${ns}/leader: `));

  const ref = { apiVersion: lease.apiVersion, kind: lease.kind, namespace: ns, name: 'leader' };
  must(await kube.delete(ref, {}, stepSignal()));
  // Deleted since it was read: the version read is stale.
  const gone = await kube.update(renewed, stepSignal());
  assert.ok(!gone.ok);
  assert.equal(gone.error.code, 'Conflict');
  assert.equal(kube.requestCounts.get('update'), 3);
});
