// Starting and stopping the operator process: a busy HTTP address stops it at once with a clear
// message, and SIGTERM while a Sync waits for health or a fetch is in flight writes nothing.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { clusterTest as test, testNamespace } from '../helpers/cluster.ts';
import { fileUrl } from '../helpers/git-server.ts';
import {
  applyObject,
  conditionOf,
  getObject,
  getSync,
  gitRepository,
  installCrds,
  setUpScenario,
  startOperator,
  sync,
  waitFor,
} from '../helpers/operator.ts';

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('an operator whose --http-addr is in use exits 2 at once, naming the address', async (t) => {
  await installCrds();
  const ns = await testNamespace(t, 'op-busy-port');
  const busy = createServer();
  busy.listen(0, '127.0.0.1');
  await once(busy, 'listening');
  t.after(() => new Promise<void>((done) => busy.close(() => done())));
  const address = `127.0.0.1:${(busy.address() as AddressInfo).port}`;

  const operator = await startOperator({ namespace: ns, httpAddr: address });
  t.after(() => operator.stop());
  const exited = once(operator.process, 'exit').then(([code]) => code as number | null);
  // Generous: starting Node and loading the operator is slow on a busy machine.
  const code = await Promise.race([exited, sleep(90_000, 'still running')]);
  assert.equal(code, 2, `exit code; output:\n${await operator.logs()}`);
  const expected = new RegExp(
    `^error: cannot listen on HTTP address ${escapeRegExp(address)}: address already in use \\(EADDRINUSE\\)$`,
    'm',
  );
  await waitFor('the error in the output', async () => expected.test(await operator.logs()), 5_000);
  const logs = await operator.logs();
  assert.doesNotMatch(logs, /\n\s+at /, 'no stack trace');
  assert.doesNotMatch(logs, /operator started/);
});

const claimYaml = `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: none-such
  resources:
    requests: { storage: 1Gi }
`;

test('SIGTERM while a Sync waits for health writes no failure status, event or log', async (t) => {
  // A claim no volume will ever bind: the Sync waits for health until the operator is stopped.
  const { kube, ns, repo, operator } = await setUpScenario(t, 'op-sigterm', {
    'app/claim.yaml': claimYaml,
  });
  await applyObject(
    kube,
    gitRepository(ns, 'app', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  await applyObject(
    kube,
    sync(ns, 'app', {
      sourceRef: { name: 'app' },
      path: './app',
      wait: true,
      timeout: '10m',
      targetNamespace: ns,
    }),
  );
  await waitFor('the Sync to apply and wait for the claim to be bound', async () => {
    const s = await getSync(kube, ns, 'app');
    const claim = await getObject(kube, 'v1', 'PersistentVolumeClaim', ns, 'data');
    return conditionOf(s, 'Reconciling')?.status === 'True' && claim !== undefined;
  });
  await sleep(500);
  const warnings = async (): Promise<string[]> => {
    const listed = await kube.list('v1', 'Event', { namespace: ns }, AbortSignal.timeout(10_000));
    assert.ok(listed.ok);
    return listed.value.items
      .filter((e) => e.type === 'Warning')
      .map((e) => `${String(e.reason)}: ${String(e.message)}`)
      .sort();
  };
  const before = await getSync(kube, ns, 'app');
  const warningsBefore = await warnings();

  await operator.stop();

  const after = await getSync(kube, ns, 'app');
  assert.deepEqual(after?.status, before?.status, 'the status is as the operator left it');
  assert.deepEqual(await warnings(), warningsBefore, 'no new Warning event');
  const logs = await operator.logs();
  const lines = logs.split('\n');
  const stopping = lines.findIndex((l) => l.includes('"operator stopping"'));
  assert.ok(stopping >= 0, 'the operator logged that it was stopping');
  for (const line of lines.slice(stopping).filter((l) => l.startsWith('{'))) {
    const entry = JSON.parse(line) as { level: number; msg: string };
    assert.ok(entry.level < 40, `no warning or error while stopping: ${line}`);
  }
});

test('SIGTERM while a fetch is in flight abandons it: nothing written, no warning', async (t) => {
  // A Git server that accepts and never answers: the source's reconcile is in flight until the
  // operator stops.
  const requests: string[] = [];
  const hanging = createHttpServer((req) => void requests.push(req.url ?? ''));
  hanging.listen(0, '127.0.0.1');
  await once(hanging, 'listening');
  t.after(() => {
    hanging.closeAllConnections();
    return new Promise<void>((done) => hanging.close(() => done()));
  });
  const url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/app.git`;
  const { kube, ns, operator } = await setUpScenario(t, 'op-sigterm-fetch', {});
  await applyObject(kube, gitRepository(ns, 'app', { url, ref: { branch: 'main' } }));
  await waitFor('the fetch to reach the Git server', () => requests.length > 0);
  const before = await getObject(kube, 'moor.dev/v1alpha1', 'GitRepository', ns, 'app');
  const events = async (): Promise<number> => {
    const listed = await kube.list('v1', 'Event', { namespace: ns }, AbortSignal.timeout(10_000));
    assert.ok(listed.ok);
    return listed.value.items.length;
  };
  const eventsBefore = await events();

  await operator.stop();

  const after = await getObject(kube, 'moor.dev/v1alpha1', 'GitRepository', ns, 'app');
  assert.deepEqual(after?.status, before?.status, 'the status is as the operator left it');
  assert.equal(await events(), eventsBefore, 'no event');
  const logs = await operator.logs();
  assert.match(logs, /reconcile abandoned: the operator is stopping/);
  const stopping = logs.split('\n').findIndex((l) => l.includes('"operator stopping"'));
  for (const line of logs
    .split('\n')
    .slice(stopping)
    .filter((l) => l.startsWith('{'))) {
    const entry = JSON.parse(line) as { level: number };
    assert.ok(entry.level < 40, `no warning or error while stopping: ${line}`);
  }
});
