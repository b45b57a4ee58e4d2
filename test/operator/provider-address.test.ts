// The operator's Provider address policy end to end: with `--deny-provider-hosts 127.0.0.2/32`
// a Provider addressed there is refused (Ready=False, AddressRefused) and its receiver hears
// nothing, while one on 127.0.0.1 gets the same events. Only loopback addresses are named.
import assert from 'node:assert/strict';
import { clusterTest as test } from '../helpers/cluster.ts';
import { startWebhookReceiver } from '../helpers/leak-scan.ts';
import {
  applyObject,
  conditionOf,
  configMapYaml,
  getObject,
  gitRepository,
  setUpScenario,
  sync,
  waitFor,
} from '../helpers/operator.ts';
import { fileUrl } from '../helpers/git-server.ts';

const moorObject = (kind: string, ns: string, name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'moor.dev/v1alpha1',
  kind,
  metadata: { name, namespace: ns },
  spec,
});

test('a Provider address in a denied range is refused with AddressRefused; an allowed one is delivered', async (t) => {
  const denied = await startWebhookReceiver('127.0.0.2');
  t.after(() => denied.close());
  const allowed = await startWebhookReceiver('127.0.0.1');
  t.after(() => allowed.close());
  const { kube, ns, repo } = await setUpScenario(
    t,
    'provider-address',
    { 'cm.yaml': configMapYaml('web', { v: '1' }) },
    { extraArgs: ['--deny-provider-hosts', '127.0.0.2/32'] },
  );
  for (const [name, receiver] of [
    ['denied', denied],
    ['allowed', allowed],
  ] as const) {
    await applyObject(
      kube,
      moorObject('Provider', ns, name, { type: 'webhook', address: receiver.url }),
    );
    await applyObject(kube, moorObject('Alert', ns, name, { providerRef: { name } }));
  }
  await applyObject(
    kube,
    gitRepository(ns, 'src', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  await applyObject(
    kube,
    sync(ns, 'web', { sourceRef: { name: 'src' }, path: './', targetNamespace: ns }),
  );

  await waitFor(
    'the allowed receiver to hear Converged',
    () => allowed.requests.some((r) => r.includes('"event":"Converged"')),
    60_000,
  );
  let ready: ReturnType<typeof conditionOf>;
  await waitFor(
    'the denied Provider to be Ready=False',
    async () => {
      ready = conditionOf(
        await getObject(kube, 'moor.dev/v1alpha1', 'Provider', ns, 'denied'),
        'Ready',
      );
      return ready?.status === 'False';
    },
    30_000,
  );
  assert.equal(ready?.reason, 'AddressRefused');
  assert.match(
    ready?.message ?? '',
    /^Provider\/[^/]+\/denied: 127\.0\.0\.2 is 127\.0\.0\.2, in a denied range/,
  );
  assert.equal(denied.requests.length, 0, 'nothing reached the denied address');
  const fine = conditionOf(
    await getObject(kube, 'moor.dev/v1alpha1', 'Provider', ns, 'allowed'),
    'Ready',
  );
  assert.equal(fine?.reason, 'Delivered');
});
