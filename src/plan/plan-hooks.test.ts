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
