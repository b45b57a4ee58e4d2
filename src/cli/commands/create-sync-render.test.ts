import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { renderOptionLines } from '../status-render.ts';
import { renderSyncStatus } from '../status-view.ts';
import { runInProcess } from '../test-helpers.ts';

const base = ['create', 'sync', 'web', '--source', 'repo', '--export'];

void test('create sync --substitute, --substitute-from and --decryption-secret set the render fields', async () => {
  const run = await runInProcess([
    ...base,
    '--substitute',
    'CLUSTER=eu-1',
    '--substitute',
    'URL=https://x/?a=b',
    '--substitute-from',
    'configmap/cluster-vars',
    '--substitute-from',
    'secret/cluster-secrets?',
    '--substitute-strict',
    '--decryption-secret',
    'sops-age',
  ]);
  assert.equal(run.code, 0, run.stderr);
  const spec = (parse(run.stdout) as { spec: Record<string, unknown> }).spec;
  assert.deepEqual(spec.substitute, { CLUSTER: 'eu-1', URL: 'https://x/?a=b' });
  assert.deepEqual(spec.substituteFrom, [
    { kind: 'ConfigMap', name: 'cluster-vars' },
    { kind: 'Secret', name: 'cluster-secrets', optional: true },
  ]);
  assert.equal(spec.substituteStrict, true);
  assert.deepEqual(spec.decryption, { provider: 'sops', secretRef: { name: 'sops-age' } });
});

void test('bad render flags exit 2 naming the Sync and the flag', async () => {
  const cases: [string[], RegExp][] = [
    [
      ['--substitute', 'NOVALUE'],
      /Sync\/default\/web: --substitute "NOVALUE": expected NAME=VALUE/,
    ],
    [['--substitute', '1X=a'], /Sync\/default\/web: --substitute "1X": not a variable name/],
    [['--substitute-from', 'pod/x'], /--substitute-from "pod\/x": expected configmap\/NAME/],
    [['--decryption-secret', 'Bad_Name'], /--decryption-secret: must be a lowercase DNS name/],
  ];
  for (const [args, want] of cases) {
    const run = await runInProcess([...base, ...args]);
    assert.equal(run.code, 2, args.join(' '));
    assert.match(run.stderr, want, args.join(' '));
  }
});

void test('moor status names substitution and decryption in use, never a value', () => {
  const sync = {
    apiVersion: 'moor.dev/v1alpha1',
    kind: 'Sync',
    metadata: { name: 'web', namespace: 'prod' },
    spec: {
      sourceRef: { name: 'repo' },
      substitute: { REGION: 'value-never-shown', CLUSTER: 'also-hidden' },
      substituteFrom: [
        { kind: 'ConfigMap', name: 'vars' },
        { kind: 'Secret', name: 'secret-vars', optional: true },
      ],
      substituteStrict: true,
      decryption: { provider: 'sops', secretRef: { name: 'sops-age' } },
    },
  };
  assert.deepEqual(renderOptionLines(sync), [
    [
      'Substitution:',
      'ConfigMap/vars, Secret/secret-vars (optional), spec.substitute (CLUSTER, REGION); strict',
    ],
    ['Decryption:', 'SOPS with age identities from Secret/sops-age'],
  ]);
  const text = renderSyncStatus(sync, [], new Date());
  assert.match(text, /Decryption: +SOPS with age identities from Secret\/sops-age/);
  assert.ok(!text.includes('value-never-shown') && !text.includes('also-hidden'));
  assert.deepEqual(renderOptionLines({ ...sync, spec: { sourceRef: { name: 'r' } } }), []);
});
