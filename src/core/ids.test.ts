import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  formatApiVersion,
  kindKey,
  nameKey,
  nameKeyOf,
  parseApiVersion,
  splitNameKey,
} from './ids.ts';

test('keys name resources and kinds as the queues and caches spell them', () => {
  const table: [got: string, want: string][] = [
    [nameKey('apps', 'web'), 'apps/web'],
    [nameKey('', 'cluster-admin'), '/cluster-admin'],
    [nameKey(undefined, undefined), '/'],
    [nameKeyOf({ metadata: { namespace: 'apps', name: 'web' } }), 'apps/web'],
    [nameKeyOf({ metadata: { name: 'moor-system' } }), '/moor-system'],
    [kindKey('apps/v1', 'Deployment'), 'apps/v1|Deployment'],
    [kindKey('v1', 'ConfigMap'), 'v1|ConfigMap'],
    [formatApiVersion('apps', 'v1'), 'apps/v1'],
    [formatApiVersion('', 'v1'), 'v1'],
  ];
  for (const [got, want] of table) assert.equal(got, want);
});

test('splitNameKey undoes nameKey', () => {
  const part = fc.stringMatching(/^[a-z0-9.-]{0,20}$/);
  fc.assert(
    fc.property(part, part, (namespace, name) => {
      assert.deepEqual(splitNameKey(nameKey(namespace, name)), [namespace, name]);
    }),
  );
});

test('formatApiVersion undoes parseApiVersion', () => {
  for (const apiVersion of ['v1', 'apps/v1', 'moor.dev/v1alpha1']) {
    const { group, version } = parseApiVersion(apiVersion);
    assert.equal(formatApiVersion(group, version), apiVersion);
  }
});
