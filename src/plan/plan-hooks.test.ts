import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../core/index.ts';
import { formatObjectId, objectIdOf } from '../core/index.ts';
import { planChangeSet } from './index.ts';

const obj = (kind: string, name: string, hook?: string): KubeObject => ({
  apiVersion: kind === 'Job' ? 'batch/v1' : 'v1',
  kind,
  metadata: {
    name,
    namespace: 'prod',
    ...(hook === undefined ? {} : { annotations: { 'helm.sh/hook': hook } }),
  },
});
const names = (stage: readonly KubeObject[]) => stage.map((o) => formatObjectId(objectIdOf(o)));

test('planChangeSet applies chart hooks: pre-install/pre-upgrade first, post-* last', () => {
  const cases: { hooks: [string, string][]; want: string[][] }[] = [
    { hooks: [], want: [['ConfigMap/prod/app']] },
    {
      hooks: [['migrate', 'pre-install,pre-upgrade']],
      want: [['Job.batch/prod/migrate'], ['ConfigMap/prod/app']],
    },
    {
      hooks: [
        ['notify', 'post-install'],
        ['seed', 'pre-upgrade'],
        ['smoke', ' post-upgrade , post-install'],
      ],
      want: [
        ['Job.batch/prod/seed'],
        ['ConfigMap/prod/app'],
        ['Job.batch/prod/notify', 'Job.batch/prod/smoke'],
      ],
    },
    // A hook kind Moor does not honour stays with the rest (render reports and drops them).
    { hooks: [['odd', 'pre-delete']], want: [['ConfigMap/prod/app', 'Job.batch/prod/odd']] },
  ];
  for (const c of cases) {
    const desired = [obj('ConfigMap', 'app'), ...c.hooks.map(([n, h]) => obj('Job', n, h))];
    const plan = planChangeSet({ desired, inventory: [], prune: false });
    assert.deepEqual(plan.stages.map(names), c.want, JSON.stringify(c.hooks));
  }
});

test('planChangeSet orders hooks of a phase by helm.sh/hook-weight, one stage per weight', () => {
  const weighted = (name: string, hook: string, weight?: string): KubeObject => {
    const o = obj('Job', name, hook);
    const annotations = { ...o.metadata.annotations };
    if (weight !== undefined) annotations['helm.sh/hook-weight'] = weight;
    return { ...o, metadata: { ...o.metadata, annotations } };
  };
  const desired = [
    obj('ConfigMap', 'app'),
    weighted('late', 'pre-install', '10'),
    weighted('early', 'pre-install', '-5'),
    weighted('plain', 'pre-install'),
    weighted('junk', 'pre-install', 'heavy'),
    weighted('zero', 'pre-install', '0'),
    weighted('after-b', 'post-install', '2'),
    weighted('after-a', 'post-install', '1'),
  ];
  const plan = planChangeSet({ desired, inventory: [], prune: false });
  assert.deepEqual(plan.stages.map(names), [
    ['Job.batch/prod/early'],
    // No weight, or one that is no integer, weighs 0 (as helm reads it).
    ['Job.batch/prod/junk', 'Job.batch/prod/plain', 'Job.batch/prod/zero'],
    ['Job.batch/prod/late'],
    ['ConfigMap/prod/app'],
    ['Job.batch/prod/after-a'],
    ['Job.batch/prod/after-b'],
  ]);
});
