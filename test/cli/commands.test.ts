// The smaller commands against the run's control plane and a real operator: version, check,
// create/get provider|alert|receiver, get all, export and delete.
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { fileUrl } from '../helpers/git-server.ts';
import { clusterTest as test } from '../helpers/cluster.ts';
import {
  applyObject,
  configMapYaml,
  getObject,
  gitRepository,
  secretObject,
  setUpScenario,
  sync,
  waitFor,
  waitSyncReady,
} from '../helpers/operator.ts';
import { moor } from './helpers.ts';

type Listed = { items: { kind: string; metadata: { name: string } }[] };

void test('version, check, create/get provider|alert|receiver, get all, export, delete', async (t) => {
  const { kube, ns, repo, operator } = await setUpScenario(
    t,
    'cli-small',
    { 'cm.yaml': configMapYaml('web', { v: '1' }) },
    { httpAddr: '127.0.0.1:0' },
  );
  const url = await operator.httpUrl();
  await applyObject(
    kube,
    gitRepository(ns, 'app', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  await applyObject(
    kube,
    sync(ns, 'app', { sourceRef: { name: 'app' }, path: './', targetNamespace: ns }),
  );
  await waitSyncReady(kube, ns, 'app', await repo.revParse('HEAD'), 120_000);

  // version: client, CRDs (installed and current) and the operator's own answer.
  const version = await moor(['version', '--operator-url', url, '-o', 'json']);
  assert.equal(version.code, 0, version.stderr);
  const v = JSON.parse(version.stdout) as {
    client: string;
    crds: { name: string; installed: boolean; current: boolean; served: string[] }[];
    operator: { reachable: boolean; version: string };
  };
  assert.match(v.client, /^\d+\.\d+\.\d+/);
  assert.ok(v.crds.length >= 5 && v.crds.every((c) => c.installed && c.current), version.stdout);
  assert.ok(v.crds.every((c) => c.served.includes('v1alpha1')));
  assert.deepEqual(v.operator.reachable, true);
  assert.equal(v.operator.version, v.client);

  // check: all green with the operator; exit 2 naming the operator when it cannot be reached.
  const check = await moor(['check', '--operator-url', url]);
  assert.equal(check.code, 0, check.stdout + check.stderr);
  assert.match(check.stdout, /^✔ control plane: Kubernetes v\d+\.\d+/m);
  assert.match(check.stdout, /^✔ CRD syncs\.moor\.dev: current, serves v1alpha1$/m);
  assert.match(check.stdout, /^✔ operator: version \S+ at http:\/\/127\.0\.0\.1:\d+$/m);
  const unreachable = await moor(['check', '--operator-url', 'http://127.0.0.1:1', '-o', 'json']);
  assert.equal(unreachable.code, 2);
  const failed = (
    JSON.parse(unreachable.stdout) as { checks: { name: string; ok: boolean }[] }
  ).checks
    .filter((c) => !c.ok)
    .map((c) => c.name);
  assert.deepEqual(failed, ['operator']);

  // create provider, alert, receiver; the receiver's webhook path is printed, and is the operator's.
  await applyObject(kube, secretObject(ns, 'hook', { token: 'hook-token-1' }));
  const provider = await moor([
    '-n',
    ns,
    'create',
    'provider',
    'hooks',
    '--type',
    'webhook',
    '--address',
    'http://127.0.0.1:9/x',
  ]);
  assert.equal(provider.code, 0, provider.stderr);
  assert.match(provider.stdout, new RegExp(`✔ Provider/${ns}/hooks created`));
  const alert = await moor([
    '-n',
    ns,
    'create',
    'alert',
    'all',
    '--provider',
    'hooks',
    '--source',
    'Sync/*',
    '--event',
    'Converged',
  ]);
  assert.equal(alert.code, 0, alert.stderr);
  const badAlert = await moor([
    '-n',
    ns,
    'create',
    'alert',
    'bad',
    '--provider',
    'hooks',
    '--source',
    'Pod/x',
  ]);
  assert.equal(badAlert.code, 2);
  assert.match(badAlert.stderr, /--source Pod\/x: expected Sync\/NAME or GitRepository\/NAME/);
  const receiver = await moor([
    '-n',
    ns,
    'create',
    'receiver',
    'push',
    '--type',
    'github',
    '--secret-ref',
    'hook',
    '--resource',
    'app',
  ]);
  assert.equal(receiver.code, 0, receiver.stderr);
  const printed = /^webhook path: (\/hook\/[0-9a-f]{64})$/m.exec(receiver.stdout)?.[1];
  assert.ok(printed, receiver.stdout);
  await waitFor('the operator to set the same webhookPath', async () => {
    const r = await getObject(kube, 'moor.dev/v1alpha1', 'Receiver', ns, 'push');
    return (r?.status as { webhookPath?: string } | undefined)?.webhookPath === printed;
  });
  for (const [what, kind, name] of [
    ['providers', 'Provider', 'hooks'],
    ['alerts', 'Alert', 'all'],
    ['receivers', 'Receiver', 'push'],
  ] as const) {
    const got = await moor(['-n', ns, 'get', what, '-o', 'json']);
    assert.equal(got.code, 0, got.stderr);
    assert.deepEqual(
      (JSON.parse(got.stdout) as Listed).items.map((i) => `${i.kind}/${i.metadata.name}`),
      [`${kind}/${name}`],
    );
  }
  const table = await moor(['-n', ns, 'get', 'receivers']);
  assert.match(
    table.stdout,
    new RegExp(`^push +True +- +false +receiving at ${printed.slice(0, 40)}`, 'm'),
  );

  // get all: every kind in the namespace.
  const all = await moor(['-n', ns, 'get', 'all', '-o', 'json']);
  assert.equal(all.code, 0, all.stderr);
  assert.deepEqual(
    (JSON.parse(all.stdout) as Listed).items.map((i) => `${i.kind}/${i.metadata.name}`),
    ['GitRepository/app', 'Sync/app', 'Provider/hooks', 'Alert/all', 'Receiver/push'],
  );
  const allTable = await moor(['-n', ns, 'get', 'all']);
  assert.match(allTable.stdout, /^syncs:\nNAME +READY/m);

  // export: clean YAML for Git.
  const exported = await moor(['-n', ns, 'export', 'sync', 'app']);
  assert.equal(exported.code, 0, exported.stderr);
  const doc = parse(exported.stdout.replace(/^---\n/, '')) as Record<string, unknown> & {
    metadata: Record<string, unknown>;
  };
  assert.deepEqual(Object.keys(doc).sort(), ['apiVersion', 'kind', 'metadata', 'spec']);
  assert.deepEqual(Object.keys(doc.metadata).sort(), ['name', 'namespace']);
  assert.equal((doc.spec as { path: string }).path, './');

  // delete: gone, and a second delete says so.
  const del = await moor(['-n', ns, 'delete', 'sync', 'app']);
  assert.equal(del.code, 0, del.stderr);
  assert.match(del.stdout, new RegExp(`✔ Sync/${ns}/app deleted`));
  await waitFor(
    'the Sync gone',
    async () => (await getObject(kube, 'moor.dev/v1alpha1', 'Sync', ns, 'app')) === undefined,
    60_000,
  );
  const again = await moor(['-n', ns, 'delete', 'sync', 'app']);
  assert.equal(again.code, 2);
  assert.match(again.stderr, new RegExp(`Sync/${ns}/app not found`));
  const src = await moor(['-n', ns, 'delete', 'source', 'app']);
  assert.equal(src.code, 0, src.stderr);

  // logs: the operator's log file, filtered to this Sync.
  const logs = await moor([
    '-n',
    ns,
    'logs',
    '--file',
    operator.logPath,
    '--resource',
    'sync/app',
    '--level',
    'debug',
    '-o',
    'json',
  ]);
  assert.equal(logs.code, 0, logs.stderr);
  const lines = JSON.parse(logs.stdout) as { resource: string; level: string }[];
  assert.ok(lines.length > 0);
  assert.ok(
    lines.every((l) => l.resource === `sync/${ns}/app`),
    logs.stdout,
  );
  const warnings = await moor([
    'logs',
    '--file',
    operator.logPath,
    '--level',
    'warn',
    '-o',
    'json',
  ]);
  assert.ok(
    (JSON.parse(warnings.stdout) as { level: string }[]).every((l) =>
      ['warn', 'error', 'fatal'].includes(l.level),
    ),
  );
});
