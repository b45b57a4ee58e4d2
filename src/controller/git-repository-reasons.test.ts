import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GitErrorCode } from '../git/index.ts';
import { SourceErrorCodes, type SourceErrorCode } from '../source/index.ts';
import { fetchFailureReason } from './git-repository-reasons.ts';

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
