// Adoption (ADR 0032): only a Sync the API server says is not found gives its objects up, each
// owner is asked once per apply, and the Event names what was adopted and from whom: tables.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { err, ok, type KubeObject } from '../../core/index.ts';
import { KubeError } from '../../kube/index.ts';
import { adoptedMessage, ownerGoneLookup, reportClaims } from './adoption.ts';

const cm = (name: string) => ({ group: '', kind: 'ConfigMap', namespace: 'apps', name });
const from = (name: string) => ({ namespace: 'apps', name });

test('the owner is gone only when the API server answers not found; asked once per Sync', async () => {
  const asked: string[] = [];
  const answers: Record<string, ReturnType<typeof ok> | ReturnType<typeof err>> = {
    gone: ok(undefined),
    alive: ok({ apiVersion: 'moor.dev/v1alpha1', kind: 'Sync', metadata: { name: 'alive' } }),
    refused: err(
      new KubeError('Forbidden', 'get Sync apps/refused: forbidden', {
        verb: 'get',
        subject: 'Sync apps/refused',
      }),
    ),
  };
  const gone = ownerGoneLookup(
    {
      get: (ref) => {
        asked.push(`${ref.kind}/${ref.namespace ?? ''}/${ref.name}`);
        return Promise.resolve(answers[ref.name] as never);
      },
    },
    AbortSignal.timeout(1000),
  );
  const table: [string, boolean][] = [
    ['gone', true],
    ['alive', false],
    ['refused', false],
    ['gone', true],
  ];
  for (const [name, want] of table) assert.equal(await gone(from(name)), want, name);
  assert.deepEqual(asked, ['Sync/apps/gone', 'Sync/apps/alive', 'Sync/apps/refused']);
});

test('the Adopted message counts, names each object and its former Sync, and bounds the list', () => {
  const table: [number, RegExp][] = [
    [
      1,
      /^adopted 1 object whose Sync no longer exists: ConfigMap\/apps\/o0 \(of Sync apps\/old\)$/,
    ],
    [3, /^adopted 3 objects .*ConfigMap\/apps\/o2 \(of Sync apps\/old\)$/],
    [12, /^adopted 12 objects .*ConfigMap\/apps\/o9 \(of Sync apps\/old\), and 2 more$/],
  ];
  for (const [n, want] of table) {
    const adopted = Array.from({ length: n }, (_, i) => ({ id: cm(`o${i}`), owner: from('old') }));
    assert.match(adoptedMessage(adopted), want);
  }
});

test('a conflict warns the live owner; an adoption tells the adopter, once per apply', () => {
  const recorded: string[] = [];
  const events = {
    record: (about: { name: string }, type: string, reason: string) =>
      void recorded.push(`${about.name} ${type} ${reason}`),
  };
  const me: KubeObject = {
    apiVersion: 'moor.dev/v1alpha1',
    kind: 'Sync',
    metadata: { name: 'taker', namespace: 'apps' },
  };
  reportClaims(events, me, {
    conflicts: [{ id: cm('held'), owner: from('alive') }],
    adopted: [
      { id: cm('a'), owner: from('old') },
      { id: cm('b'), owner: from('old') },
    ],
  });
  reportClaims(events, me, { conflicts: [] });
  assert.deepEqual(recorded, ['alive Warning Conflict', 'taker Normal Adopted']);
});
