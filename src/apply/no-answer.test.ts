// An apply against an API server that refuses connections: the real client and transport, a
// loopback port where nothing listens. Once a request gets no answer, the rest are not sent.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { systemClock, type KubeObject } from '../core/index.ts';
import { KubeError, createKubeClient } from '../kube/index.ts';
import { applyPlan } from './apply.ts';
import { isNoAnswer } from './no-answer.ts';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const configMap = (i: number): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: `cm-${i}`, namespace: 'app' },
  data: { i: String(i) },
});

test('an API server that refuses: one request per object in flight, none for the rest', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'moor-no-answer-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{ name: c, cluster: { server: "https://127.0.0.1:' +
        String(await closedPort()) +
        '", insecure-skip-tls-verify: true } }]',
      'users: [{ name: u, user: { token: t } }]',
      'contexts: [{ name: x, context: { cluster: c, user: u } }]',
      'current-context: x',
      '',
    ].join('\n'),
  );
  const kube = createKubeClient({ kubeconfig });
  const objects = Array.from({ length: 200 }, (_, i) => configMap(i));
  const outcome = await applyPlan(
    {
      stages: [[], objects],
      prune: [],
      owner: { name: 'app', namespace: 'app' },
      fieldManager: 'moor',
      force: false,
      timeoutMs: 5_000,
    },
    { kube, signal: AbortSignal.timeout(30_000), concurrency: 4, clock: systemClock },
  );
  assert.equal(outcome.ok, false);
  assert.equal(outcome.entries.length, objects.length, 'every object has an entry');
  const sent = [...kube.requestCounts.values()].reduce((a, b) => a + b, 0);
  assert.ok(
    sent <= 4,
    `${JSON.stringify([...kube.requestCounts])} requests sent to a server that refuses (concurrency 4)`,
  );
  const notSent = outcome.entries.filter((e) =>
    /not sent, the API server did not answer/.test(e.message),
  );
  assert.ok(
    notSent.length >= objects.length - 4,
    `${notSent.length} entries say why they were not sent`,
  );
});

test('no answer: no HTTP status and unavailable or timed out', () => {
  const of = (code: ConstructorParameters<typeof KubeError>[0], status?: number) =>
    new KubeError(code, 'x', { verb: 'apply', subject: 's', ...(status ? { status } : {}) });
  const table: [KubeError, boolean][] = [
    [of('Unavailable'), true],
    [of('Timeout'), true],
    [of('Unavailable', 503), false],
    [of('Timeout', 504), false],
    [of('Invalid', 422), false],
    [of('Aborted'), false],
    [of('Failed'), false],
  ];
  for (const [error, expected] of table)
    assert.equal(isNoAnswer(error), expected, `${error.code} ${String(error.data.status)}`);
});
