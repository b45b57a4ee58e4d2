import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GitErrorCode } from '../git/index.ts';
import { SourceErrorCodes, type SourceErrorCode } from '../source/index.ts';
import { fetchFailureMessage, fetchFailureReason } from './git-repository-reasons.ts';

// Every code a fetch can fail with, and what the GitRepository's Ready condition then says.
const table: [code: SourceErrorCode, reason: string, stalled: boolean][] = [
  ['InvalidUrl', 'InvalidUrl', true],
  ['FileUrlsDisabled', 'InvalidUrl', true],
  ['SecretNotFound', 'SecretNotFound', false],
  ['SecretInvalid', 'SecretInvalid', false],
  ['InvalidCredentials', 'SecretInvalid', false],
  ['Unauthorized', 'AuthenticationFailed', false],
  ['HostKeyRejected', 'AuthenticationFailed', false],
  ['InvalidRef', 'InvalidRef', false],
  ['RefNotFound', 'RefNotFound', false],
  ['RepositoryNotFound', 'RepositoryNotFound', false],
  ['Unreachable', 'Unreachable', false],
  ['Timeout', 'Timeout', false],
  ['Aborted', 'GitOperationFailed', false],
  ['Failed', 'GitOperationFailed', false],
  ['StorageFailed', 'ArtifactFailed', false],
];

for (const [code, reason, stalled] of table) {
  test(`a fetch failing with ${code} is ${reason}${stalled ? ', Stalled' : ''}`, () => {
    assert.deepEqual(fetchFailureReason(code), { reason, stalled });
  });
}

test('the table above names every code', () => {
  const codes = [...Object.values(GitErrorCode), ...Object.values(SourceErrorCodes)];
  assert.deepEqual(table.map(([code]) => code).sort(), codes.sort());
});

test('a failed fetch names the error, the artifact kept and when a fetch last succeeded', () => {
  const kept = { revision: 'main@sha1:abc', lastUpdateTime: '2026-01-01T10:00:00Z' };
  const at = new Date('2026-01-01T11:30:00.250Z');
  const table: [Parameters<typeof fetchFailureMessage>, string][] = [
    [['refused', undefined, undefined], 'refused'],
    [['refused', {}, at], 'refused'],
    [
      ['refused', kept, at],
      'refused (keeping the last good artifact main@sha1:abc; last fetched successfully at 2026-01-01T11:30:00Z)',
    ],
    [
      ['refused', kept, undefined],
      'refused (keeping the last good artifact main@sha1:abc; last fetched successfully at 2026-01-01T10:00:00Z)',
    ],
    [
      ['refused', { revision: 'main@sha1:abc' }, undefined],
      'refused (keeping the last good artifact main@sha1:abc)',
    ],
  ];
  for (const [args, message] of table) assert.equal(fetchFailureMessage(...args), message);
});
