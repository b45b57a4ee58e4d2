import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../core/index.ts';
import { buildTree, entryMatches, parseTraceQuery, type TreeNode } from './index.ts';

const owned = (
  kind: string,
  apiVersion: string,
  name: string,
  uid: string,
  owner?: string,
): KubeObject => ({
  apiVersion,
  kind,
  metadata: {
    name,
    namespace: 'app',
    uid,
    ...(owner ? { ownerReferences: [{ uid: owner, kind: 'x', name: 'x', apiVersion: 'v1' }] } : {}),
  },
});
const shape = (nodes: readonly TreeNode[]): unknown[] =>
  nodes.map((n) => [`${n.kind}/${n.name}`, n.health, n.drift, shape(n.children)]);

void test('buildTree: owned objects under their owner, missing and drifted rows', () => {
  const deploy = owned('Deployment', 'apps/v1', 'web', 'd1');
  const cases: { name: string; input: Parameters<typeof buildTree>[0]; want: unknown[] }[] = [
    {
      name: 'Deployment → ReplicaSet → Pods (sorted); an unrelated Pod left out',
      input: {
        entries: [
          { group: 'apps', kind: 'Deployment', namespace: 'app', name: 'web', version: 'v1' },
        ],
        live: new Map([['apps|Deployment|app|web', deploy]]),
        owned: [
          owned('Pod', 'v1', 'web-1-b', 'p2', 'r1'),
          owned('ReplicaSet', 'apps/v1', 'web-1', 'r1', 'd1'),
          owned('Pod', 'v1', 'web-1-a', 'p1', 'r1'),
          owned('Pod', 'v1', 'other', 'p3', 'r9'),
        ],
        drift: [],
        now: new Date(0),
      },
      want: [
        [
          'Deployment/web',
          'InProgress',
          'InSync',
          [
            [
              'ReplicaSet/web-1',
              'InProgress',
              undefined,
              [
                ['Pod/web-1-a', 'InProgress', undefined, []],
                ['Pod/web-1-b', 'InProgress', undefined, []],
              ],
            ],
          ],
        ],
      ],
    },
    {
      name: 'a missing object and a drifted one',
      input: {
        entries: [
          { group: '', kind: 'ConfigMap', namespace: 'app', name: 'gone', version: 'v1' },
          { group: '', kind: 'ConfigMap', namespace: 'app', name: 'edited', version: 'v1' },
        ],
        live: new Map([['|ConfigMap|app|edited', owned('ConfigMap', 'v1', 'edited', 'c1')]]),
        owned: [],
        drift: [
          { group: '', kind: 'ConfigMap', namespace: 'app', name: 'gone', deleted: true },
          {
            group: '',
            kind: 'ConfigMap',
            namespace: 'app',
            name: 'edited',
            fields: [{ path: 'data.a' }, { path: 'data.b' }],
          },
        ],
        now: new Date(0),
      },
      want: [
        ['ConfigMap/gone', 'Missing', 'Deleted', []],
        ['ConfigMap/edited', 'Current', 'data.a, data.b', []],
      ],
    },
  ];
  for (const c of cases) assert.deepEqual(shape(buildTree(c.input)), c.want, c.name);
});

void test('trace queries: KIND/NAME, case-insensitive kind, kind.group', () => {
  const entry = { group: 'apps', kind: 'Deployment', namespace: 'app', name: 'web', version: 'v1' };
  const cases: [string, boolean][] = [
    ['deployment/web', true],
    ['Deployment.apps/web', true],
    ['Deployment.batch/web', false],
    ['deployment/api', false],
  ];
  for (const [text, want] of cases) {
    const q = parseTraceQuery(text, 'app');
    assert.ok(q, text);
    assert.equal(entryMatches(entry, q), want, text);
  }
  assert.equal(entryMatches(entry, { kind: 'deployment', name: 'web', namespace: 'other' }), false);
  for (const bad of ['web', '/web', 'deployment/'])
    assert.equal(parseTraceQuery(bad, 'app'), undefined);
});
