import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HelmRepository } from '../api/index.ts';
import type { IndexErrorCode } from '../source/index.ts';
import { indexFailureReason, nextStatus } from './helm-repositories.ts';

const table: [code: IndexErrorCode, reason: string][] = [
  ['unreachable', 'Unreachable'],
  ['timeout', 'Timeout'],
  ['unauthorized', 'AuthenticationFailed'],
  ['http', 'IndexFetchFailed'],
  ['invalid', 'IndexInvalid'],
];
for (const [code, reason] of table) {
  test(`an index fetch failing with ${code} is Ready False ${reason}`, () => {
    assert.equal(indexFailureReason(code), reason);
  });
}

const t0 = new Date('2026-01-01T00:00:00Z');
const t1 = new Date('2026-01-01T00:10:00Z');
const repo = (status?: HelmRepository['status'], generation = 1): HelmRepository => ({
  apiVersion: 'moor.dev/v1alpha1',
  kind: 'HelmRepository',
  metadata: { name: 'charts', namespace: 'ns', generation },
  spec: {
    url: 'http://127.0.0.1/',
    insecure: false,
    interval: '1m',
    timeout: '5s',
    suspend: false,
  },
  ...(status ? { status } : {}),
});
const index = (digest: string, fetchedAt: Date) => ({
  digest,
  charts: 2,
  versions: 5,
  fetchedAt,
  ageMs: 0,
});

test('a first index is Ready True with its digest, fetch time, charts and versions', () => {
  const status = nextStatus(repo(), { index: index('sha256:aa', t0) }, t0);
  assert.deepEqual(status.artifact, {
    digest: 'sha256:aa',
    lastUpdateTime: '2026-01-01T00:00:00Z',
  });
  assert.equal(status.charts, 2);
  assert.equal(status.versions, 5);
  assert.equal(status.observedGeneration, 1);
  const ready = status.conditions?.find((c) => c.type === 'Ready');
  assert.equal(ready?.status, 'True');
  assert.equal(ready?.message, 'index sha256:aa: 2 charts, 5 versions');
});

test('the same index fetched later gives the very same status (nothing to write)', () => {
  const first = nextStatus(repo(), { index: index('sha256:aa', t0) }, t0);
  const again = nextStatus(repo(first), { index: index('sha256:aa', t1) }, t1);
  assert.deepEqual(again, first);
});

test('a new digest is a new artifact, stamped with its fetch time', () => {
  const first = nextStatus(repo(), { index: index('sha256:aa', t0) }, t0);
  const next = nextStatus(repo(first), { index: index('sha256:bb', t1) }, t1);
  assert.deepEqual(next.artifact, { digest: 'sha256:bb', lastUpdateTime: '2026-01-01T00:10:00Z' });
});

test('a failure keeps the last index and says why; the same failure again changes nothing', () => {
  const first = nextStatus(repo(), { index: index('sha256:aa', t0) }, t0);
  const failure = { reason: 'AuthenticationFailed', message: 'GET http://x/index.yaml: HTTP 401' };
  const failed = nextStatus(repo(first, 2), { failure }, t1);
  assert.deepEqual(failed.artifact, first.artifact);
  assert.equal(failed.versions, 5);
  assert.equal(failed.observedGeneration, 2);
  const ready = failed.conditions?.find((c) => c.type === 'Ready');
  assert.deepEqual(
    [ready?.status, ready?.reason, ready?.message],
    ['False', 'AuthenticationFailed', failure.message],
  );
  assert.deepEqual(
    nextStatus(repo(failed, 2), { failure }, new Date('2026-01-02T00:00:00Z')),
    failed,
  );
});
