import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ok, type KubeObject } from '../core/index.ts';
import type { KubeClient, LiveCache } from '../kube/index.ts';
import { objectTree } from './dashboard-tree.ts';

const obj = (
  apiVersion: string,
  kind: string,
  name: string,
  extra: Partial<KubeObject['metadata']> = {},
  rest: Record<string, unknown> = {},
): KubeObject => ({ apiVersion, kind, metadata: { namespace: 'app', name, ...extra }, ...rest });

const sync: KubeObject = {
  apiVersion: 'moor.dev/v1alpha1',
  kind: 'Sync',
  metadata: { namespace: 'app', name: 's' },
  status: {
    inventory: {
      entries: [
        { group: 'apps', kind: 'Deployment', namespace: 'app', name: 'web', version: 'v1' },
        { group: '', kind: 'ConfigMap', namespace: 'app', name: 'gone', version: 'v1' },
      ],
    },
    drift: {
      objects: [
        {
          group: 'apps',
          kind: 'Deployment',
          namespace: 'app',
          name: 'web',
          fields: [{ path: 'spec.replicas', manager: 'kubectl', desired: '2', live: '4' }],
        },
      ],
    },
  },
};

test('the tree: inventory entries with drift and health, then what each owns by ownerReferences', async () => {
  const web = obj('apps/v1', 'Deployment', 'web', { uid: 'd1' }, { spec: { replicas: 4 } });
  const live: Pick<LiveCache, 'get'> = {
    get: (_v, kind, _ns, name) => (kind === 'Deployment' && name === 'web' ? web : undefined),
  };
  const rs = obj('apps/v1', 'ReplicaSet', 'web-1', { uid: 'r1', ownerReferences: [{ uid: 'd1' }] });
  const pod = obj('v1', 'Pod', 'web-1-a', { uid: 'p1', ownerReferences: [{ uid: 'r1' }] });
  const stranger = obj('v1', 'Pod', 'other', { uid: 'p2', ownerReferences: [{ uid: 'zz' }] });
  const listed: string[] = [];
  const kube: Pick<KubeClient, 'list'> = {
    list: (_v, kind, opts) => {
      listed.push(`${kind}/${opts.namespace ?? '*'}`);
      const items = { ReplicaSet: [rs], Pod: [pod, stranger], Job: [] }[kind] ?? [];
      return Promise.resolve(ok({ items, resourceVersion: '1' }));
    },
  };
  const tree = await objectTree(sync, { live, kube, now: new Date(0) }, AbortSignal.timeout(5000));
  assert.deepEqual(
    tree.map((n) => [n.kind, n.name, n.depth, n.parent]),
    [
      ['Deployment', 'web', 0, undefined],
      ['ReplicaSet', 'web-1', 1, 'apps/Deployment/app/web'],
      ['Pod', 'web-1-a', 2, 'apps/ReplicaSet/app/web-1'],
      ['ConfigMap', 'gone', 0, undefined],
    ],
  );
  assert.equal(tree[0]?.drifted, true);
  assert.equal(tree[0]?.drift[0]?.manager, 'kubectl');
  assert.deepEqual([tree[3]?.health, tree[3]?.deleted], ['Missing', true]);
  assert.deepEqual(listed.sort(), ['Job/app', 'Pod/app', 'ReplicaSet/app'], 'one list per kind');
});
