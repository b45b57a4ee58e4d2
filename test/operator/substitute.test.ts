// Variable substitution end to end: one Git path rendered differently by two Syncs with their own
// ConfigMaps of variables on the cluster, a ConfigMap change re-rendering at once (watched, with
// an hour's interval), and strict mode's error leaving the cluster as it was.
import assert from 'node:assert/strict';
import { clusterTest as test } from '../helpers/cluster.ts';
import { fileUrl } from '../helpers/git-server.ts';
import {
  applyObject,
  conditionOf,
  getObject,
  getSync,
  gitRepository,
  setUpScenario,
  sync,
  waitFor,
  waitSyncReady,
} from '../helpers/operator.ts';

const settingsYaml = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings-\${CLUSTER}
data:
  cluster: \${CLUSTER}
  region: \${REGION:=north}
  literal: $\${CLUSTER}
`;

const okYaml = `apiVersion: v1
kind: ConfigMap
metadata:
  name: strict-ok
data:
  a: "1"
`;

const badYaml = `apiVersion: v1
kind: ConfigMap
metadata:
  name: strict-bad
data:
  defined: \${CLUSTER}
  missing: \${NOT_DEFINED}
`;

const vars = (ns: string, name: string, data: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns },
  data,
});

test('one Git path, two Syncs with their own ConfigMaps: different objects; a ConfigMap change re-renders', async (t) => {
  const { kube, ns, repo } = await setUpScenario(t, 'op-subst', {
    'shared/settings.yaml': settingsYaml,
  });
  await applyObject(kube, vars(ns, 'vars-a', { CLUSTER: 'eu-1', 'not-a-name': 'x' }));
  await applyObject(kube, vars(ns, 'vars-b', { CLUSTER: 'us-2', REGION: 'east' }));
  await applyObject(
    kube,
    gitRepository(ns, 'src', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  // An hour between reconciles: a ConfigMap change below is seen through the watch of render
  // inputs, not at the next interval.
  const base = { sourceRef: { name: 'src' }, path: 'shared', targetNamespace: ns, interval: '1h' };
  await applyObject(
    kube,
    sync(ns, 'a', { ...base, substituteFrom: [{ kind: 'ConfigMap', name: 'vars-a' }] }),
  );
  await applyObject(
    kube,
    sync(ns, 'b', {
      ...base,
      substituteFrom: [
        { kind: 'ConfigMap', name: 'vars-b' },
        { kind: 'Secret', name: 'absent', optional: true },
      ],
      substitute: { REGION: 'west' },
      drift: { mode: 'Alert', alertAfter: '1s' },
    }),
  );
  const head = await repo.revParse('HEAD');
  await waitSyncReady(kube, ns, 'a', head, 120_000);
  await waitSyncReady(kube, ns, 'b', head, 120_000);

  const a = await getObject(kube, 'v1', 'ConfigMap', ns, 'settings-eu-1');
  const b = await getObject(kube, 'v1', 'ConfigMap', ns, 'settings-us-2');
  assert.deepEqual(a?.data, {
    cluster: 'eu-1',
    region: 'north',
    literal: '${CLUSTER}',
  });
  // spec.substitute overrides substituteFrom.
  assert.equal((b?.data as Record<string, string>).region, 'west');
  assert.equal((b?.data as Record<string, string>).cluster, 'us-2');

  // The ConfigMap changes on the cluster, Git does not: the Sync renders again and applies it.
  await applyObject(kube, vars(ns, 'vars-a', { CLUSTER: 'eu-1', REGION: 'south' }));
  await waitFor(
    'the ConfigMap change applied',
    async () =>
      (
        (await getObject(kube, 'v1', 'ConfigMap', ns, 'settings-eu-1'))?.data as
          Record<string, string> | undefined
      )?.region === 'south',
    120_000,
  );
  const ready = conditionOf(await getSync(kube, ns, 'a'), 'Ready');
  assert.equal(ready?.status, 'True');

  // In Alert mode too a changed ConfigMap is new desired state, applied, not reported as drift.
  await applyObject(kube, vars(ns, 'vars-b', { CLUSTER: 'us-2', EXTRA: 'x' }));
  await applyObject(kube, vars(ns, 'vars-b', { CLUSTER: 'us-3' }));
  await waitFor(
    'the ConfigMap change applied in Alert mode',
    async () => (await getObject(kube, 'v1', 'ConfigMap', ns, 'settings-us-3')) !== undefined,
    120_000,
  );
  const b2 = await getSync(kube, ns, 'b');
  const status = b2?.status as { lastAppliedInputs?: string; drift?: unknown } | undefined;
  assert.match(status?.lastAppliedInputs ?? '', /^[0-9a-f]{16}$/);
});

test('strict substitution: an undefined variable names file, line and variable; nothing is applied', async (t) => {
  const { kube, ns, repo } = await setUpScenario(t, 'op-subst-strict', {
    'strict/a-ok.yaml': okYaml,
    'strict/b-bad.yaml': badYaml,
  });
  await applyObject(
    kube,
    gitRepository(ns, 'src', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  await applyObject(
    kube,
    sync(ns, 'strict', {
      sourceRef: { name: 'src' },
      path: 'strict',
      targetNamespace: ns,
      substitute: { CLUSTER: 'eu-1' },
      substituteStrict: true,
    }),
  );
  const head = await repo.revParse('HEAD');
  await waitFor(
    'the strict error',
    async () => {
      const ready = conditionOf(await getSync(kube, ns, 'strict'), 'Ready');
      return ready?.status === 'False' && ready.message.includes(head);
    },
    120_000,
  );
  const ready = conditionOf(await getSync(kube, ns, 'strict'), 'Ready');
  assert.equal(ready?.reason, 'BuildFailed');
  assert.match(ready?.message ?? '', /strict\/b-bad\.yaml:7: variable NOT_DEFINED is not defined/);
  assert.equal(await getObject(kube, 'v1', 'ConfigMap', ns, 'strict-ok'), undefined);
  assert.equal(await getObject(kube, 'v1', 'ConfigMap', ns, 'strict-bad'), undefined);

  // Defining it (non-strict default) lets the same revision apply.
  await applyObject(
    kube,
    sync(ns, 'strict', {
      sourceRef: { name: 'src' },
      path: 'strict',
      targetNamespace: ns,
      substitute: { CLUSTER: 'eu-1', NOT_DEFINED: 'now' },
      substituteStrict: true,
    }),
  );
  await waitSyncReady(kube, ns, 'strict', head, 120_000);
  const bad = await getObject(kube, 'v1', 'ConfigMap', ns, 'strict-bad');
  assert.deepEqual(bad?.data, { defined: 'eu-1', missing: 'now' });
});
