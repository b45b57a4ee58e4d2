import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../parts.ts';
import { renderSummaryTable } from './get.ts';

function obj(
  kind: string,
  namespace: string,
  name: string,
  extra: { status?: object; suspend?: boolean },
): KubeObject {
  return {
    apiVersion: 'moor.dev/v1alpha1',
    kind,
    metadata: { name, namespace },
    spec: { suspend: extra.suspend ?? false },
    ...(extra.status ? { status: extra.status } : {}),
  };
}

const cond = (type: string, status: string, message: string) => ({
  type,
  status,
  reason: 'X',
  message,
  lastTransitionTime: '2024-05-01T12:00:00Z',
});

void test('get syncs: one row each with ready, revision, in-sync, suspended and a one-line message', () => {
  const long = `apply failed: ${'x'.repeat(200)}`;
  const items = [
    obj('Sync', 'apps', 'web', {
      status: {
        lastAppliedRevision: 'main@sha1:abc',
        conditions: [
          cond('Ready', 'True', 'Applied revision main@sha1:abc'),
          cond('InSync', 'False', 'drift'),
        ],
      },
    }),
    obj('Sync', 'infra', 'db', {
      suspend: true,
      status: { conditions: [cond('Ready', 'False', long)] },
    }),
    obj('Sync', 'infra', 'new', {}),
  ];
  const lines = renderSummaryTable('Sync', items, true).split('\n');
  assert.deepEqual(lines.slice(0, 2).concat(lines.slice(3)), [
    'NAMESPACE   NAME   READY   REVISION        IN-SYNC   SUSPENDED   MESSAGE',
    'apps        web    True    main@sha1:abc   False     false       Applied revision main@sha1:abc',
    'infra       new    -       -               -         false',
    '',
  ]);
  const db = lines[2] ?? '';
  assert.match(db, /^infra {7}db {5}False {3}- {15}- {9}true {8}apply failed: x+…$/);
  assert.equal(Array.from(db.split('true        ')[1] ?? '').length, 80);
});

void test('get sources: revision from the artifact, no IN-SYNC or NAMESPACE column in one namespace', () => {
  const items = [
    obj('GitRepository', 'apps', 'repo', {
      status: {
        artifact: { revision: 'main@sha1:abc', digest: 'sha256:1' },
        conditions: [cond('Ready', 'True', 'stored artifact')],
      },
    }),
  ];
  assert.equal(
    renderSummaryTable('GitRepository', items, false),
    'NAME   READY   REVISION        SUSPENDED   MESSAGE\nrepo   True    main@sha1:abc   false       stored artifact\n',
  );
});

void test('get helmrepositories: the index digest, shortened, stands in the REVISION column', () => {
  const digest = `sha256:${'ab12'.repeat(16)}`;
  const items = [
    obj('HelmRepository', 'apps', 'charts', {
      status: {
        artifact: { digest, lastUpdateTime: '2024-05-01T12:00:00Z' },
        conditions: [cond('Ready', 'True', 'index: 1 charts, 2 versions')],
      },
    }),
  ];
  assert.equal(
    renderSummaryTable('HelmRepository', items, false),
    'NAME     READY   REVISION              SUSPENDED   MESSAGE\ncharts   True    sha256:ab12ab12ab12   false       index: 1 charts, 2 versions\n',
  );
});
