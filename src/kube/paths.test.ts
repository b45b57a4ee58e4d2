import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectionPath, groupVersionPath, objectPath, withQuery } from './paths.ts';

const deployments = { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true };
const configmaps = { group: '', version: 'v1', resource: 'configmaps', namespaced: true };
const namespaces = { group: '', version: 'v1', resource: 'namespaces', namespaced: false };

test('REST paths for core and named groups, namespaced and cluster-scoped', () => {
  const table: [string, string][] = [
    [groupVersionPath('', 'v1'), '/api/v1'],
    [groupVersionPath('apps', 'v1'), '/apis/apps/v1'],
    [collectionPath(deployments, 'prod'), '/apis/apps/v1/namespaces/prod/deployments'],
    [collectionPath(deployments), '/apis/apps/v1/deployments'],
    [collectionPath(configmaps, 'prod'), '/api/v1/namespaces/prod/configmaps'],
    [collectionPath(namespaces, 'ignored'), '/api/v1/namespaces'],
    [objectPath(deployments, 'prod', 'web'), '/apis/apps/v1/namespaces/prod/deployments/web'],
    [
      objectPath(deployments, 'prod', 'web', 'status'),
      '/apis/apps/v1/namespaces/prod/deployments/web/status',
    ],
    [objectPath(namespaces, undefined, 'prod'), '/api/v1/namespaces/prod'],
    [objectPath(configmaps, 'a b', 'x/y'), '/api/v1/namespaces/a%20b/configmaps/x%2Fy'],
  ];
  for (const [got, want] of table) assert.equal(got, want);
});

test('query parameters: undefined ones are left out, values are encoded', () => {
  assert.equal(withQuery('/p', {}), '/p');
  assert.equal(withQuery('/p', { a: undefined }), '/p');
  assert.equal(
    withQuery('/p', {
      fieldManager: 'moor',
      force: undefined,
      labelSelector: 'app in (a,b),tier=web',
    }),
    '/p?fieldManager=moor&labelSelector=app+in+%28a%2Cb%29%2Ctier%3Dweb',
  );
});
