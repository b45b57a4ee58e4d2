// An operator restart is invisible to users: the artifacts on disk serve the Syncs from their
// first reconcile (or, with an empty store, the Syncs wait for the fetch), so no Sync turns
// ArtifactNotReady, no alert is sent, and `reconcile --wait` succeeds right away.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { moor } from '../cli/helpers.ts';
import { clusterTest as test, testNamespace } from '../helpers/cluster.ts';
import { createTestRepo, fileUrl } from '../helpers/git-server.ts';
import {
  applyObject,
  conditionOf,
  configMapYaml,
  getSync,
  gitRepository,
  installCrds,
  secretObject,
  startOperator,
  sync,
  testKube,
  waitFor,
  waitSyncReady,
} from '../helpers/operator.ts';

async function startSink(): Promise<{ url: string; events: string[]; close(): Promise<void> }> {
  const events: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      events.push((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { event: string }).event);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}/moor`,
    events,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const moorObject = (kind: string, ns: string, name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'moor.dev/v1alpha1',
  kind,
  metadata: { name, namespace: ns },
  spec,
});

async function restartQuietly(t: TestContext, keepStore: boolean): Promise<void> {
  const kube = testKube();
  // Warning events of the namespace, with how often each was recorded.
  const warnings = async (): Promise<string[]> => {
    const listed = await kube.list('v1', 'Event', { namespace: ns }, AbortSignal.timeout(10_000));
    if (!listed.ok) throw listed.error;
    return listed.value.items
      .filter((e) => e.type === 'Warning')
      .map((e) => `${String(e.reason)} x${Number(e.count ?? 1)}: ${String(e.message)}`)
      .sort();
  };
  await installCrds(kube);
  const ns = await testNamespace(t, keepStore ? 'op-restart' : 'op-restart-fresh');
  const sink = await startSink();
  t.after(() => sink.close());
  const repo = await createTestRepo({
    files: {
      'a/cm.yaml': configMapYaml('a', { v: '1' }),
      'b/cm.yaml': configMapYaml('b', { v: '1' }),
    },
  });
  t.after(() => repo.close());
  const storagePath = await mkdtemp(join(tmpdir(), 'moor-restart-'));
  const first = await startOperator({ namespace: ns, storagePath });
  // Without a kept store, the new process starts with an empty one and must fetch again.
  const secondStore = keepStore ? storagePath : await mkdtemp(join(tmpdir(), 'moor-restart-'));
  await applyObject(kube, secretObject(ns, 'hook', { hmacKey: 'k' }));
  await applyObject(
    kube,
    moorObject('Provider', ns, 'sink', {
      type: 'webhook',
      address: sink.url,
      secretRef: { name: 'hook' },
    }),
  );
  await applyObject(
    kube,
    moorObject('Alert', ns, 'all', {
      providerRef: { name: 'sink' },
      sources: [
        { kind: 'Sync', name: '*' },
        { kind: 'GitRepository', name: '*' },
      ],
    }),
  );
  // A long source interval: the restart, not a poll, is what the Syncs see.
  await applyObject(
    kube,
    gitRepository(ns, 'src', { url: fileUrl(repo), ref: { branch: 'main' }, interval: '1h' }),
  );
  for (const name of ['a', 'b'])
    await applyObject(
      kube,
      sync(ns, name, {
        sourceRef: { name: 'src' },
        path: `./${name}`,
        targetNamespace: ns,
        interval: '1h',
      }),
    );
  const head = await repo.revParse('HEAD');
  for (const name of ['a', 'b']) await waitSyncReady(kube, ns, name, head);
  await waitFor(
    'both Converged alerts',
    () => sink.events.filter((e) => e === 'Converged').length === 2,
    20_000,
  );
  await sleep(1000);
  await first.stop();
  const before = [...sink.events];
  const warningsBefore = await warnings();

  const second = await startOperator({ namespace: ns, storagePath: secondStore });
  t.after(() => second.stop());
  // Right after the restart: a requested reconcile with --wait succeeds.
  const waited = await moor(['-n', ns, 'reconcile', 'sync', 'a', '--wait', '--timeout', '30s']);
  assert.equal(waited.code, 0, `reconcile --wait failed: ${waited.stdout}${waited.stderr}`);
  // Every Sync stays Ready through the restart, then a quiet moment for late alerts.
  for (let i = 0; i < 10; i++) {
    for (const name of ['a', 'b']) {
      const ready = conditionOf(await getSync(kube, ns, name), 'Ready');
      assert.equal(
        ready?.status,
        'True',
        `Sync ${name} after the restart: ${ready?.reason ?? ''}: ${ready?.message ?? ''}`,
      );
    }
    await sleep(300);
  }
  assert.deepEqual(sink.events.slice(before.length), [], 'alerts sent because of the restart');
  assert.deepEqual(await warnings(), warningsBefore, 'Warning events after the restart');
}

test('a restart sends no alerts and keeps every Sync Ready', (t) => restartQuietly(t, true));

test('a restart onto an empty artifact store is as quiet: the Syncs wait for the fetch', (t) =>
  restartQuietly(t, false));
