import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { runInProcess } from '../test-helpers.ts';
import { renderSyncStatus } from '../status-view.ts';
import { renderSummaryTable } from './get.ts';

void test('create sync --chart --version --helm-repository --values: spec.helm from flags', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'moor-create-helm-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const [base, prod, bad] = ['base.yaml', 'prod.yaml', 'bad.yaml'].map((f) => join(dir, f));
  await writeFile(base ?? '', 'replicas: 2\nimage: {repo: web, tag: "1"}\n');
  await writeFile(prod ?? '', 'image: {tag: "2"}\n');
  await writeFile(bad ?? '', 'a: 1\nb: [1\n');
  const sync = ['create', 'sync', 'web', '--source', 'repo', '--export'];
  const run = await runInProcess([
    ...sync,
    ...['--chart', 'web', '--version', '~1.2', '--helm-repository', 'charts'],
    ...['--release-name', 'site', '--values', base ?? '', prod ?? ''],
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual((parse(run.stdout) as { spec: { helm: unknown } }).spec.helm, {
    sourceRef: { kind: 'HelmRepository', name: 'charts' },
    chart: 'web',
    version: '~1.2',
    releaseName: 'site',
    values: { replicas: 2, image: { repo: 'web', tag: '2' } },
  });
  // --chart-version is the older name of --version; the root's --version is not taken for it.
  const alias = await runInProcess([...sync, '--chart', 'web', '--chart-version', '^2']);
  assert.equal(alias.code, 0, alias.stderr);
  const aliased = parse(alias.stdout) as { spec: { helm: unknown } };
  assert.deepEqual(aliased.spec.helm, { chart: 'web', version: '^2' });
  const both = await runInProcess([...sync, '--version', '1', '--chart-version', '2']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--version and --chart-version name the same thing/);
  const rootVersion = await runInProcess(['--version']);
  assert.equal(rootVersion.code, 0);
  assert.match(rootVersion.stdout, /^\S+\n$/);
  const plain = await runInProcess(sync);
  assert.equal((parse(plain.stdout) as { spec: { helm?: unknown } }).spec.helm, undefined);
  const failed = await runInProcess([...sync, '--chart', 'web', '--values', bad ?? '']);
  assert.equal(failed.code, 2);
  assert.match(failed.stderr, new RegExp(`--values ${bad ?? ''}:3:1: `));
});

void test('get syncs and status sync show the chart and version in use', () => {
  const sync = (name: string, extra: object) => ({
    apiVersion: 'moor.dev/v1alpha1',
    kind: 'Sync',
    metadata: { name, namespace: 'apps' },
    spec: { sourceRef: { name: 'repo' }, path: './', ...extra },
  });
  const charted = {
    ...sync('web', { helm: { chart: 'web' } }),
    status: { helm: { chart: 'web', version: '1.2.3' } },
  };
  const table = renderSummaryTable('Sync', [charted, sync('plain', {})], false);
  assert.match(table.split('\n')[0] ?? '', /IN-SYNC\s+CHART\s+SUSPENDED/);
  assert.match(table, /web .*web@1\.2\.3/);
  assert.doesNotMatch(renderSummaryTable('Sync', [sync('plain', {})], false), /CHART/);
  const status = renderSyncStatus(charted, [], new Date(0));
  assert.match(status, /Chart:\s+web@1\.2\.3/);
});
