// Feedback end to end: a signed webhook gets ChangeCommitted, Diverged only after the grace
// period, and Converged; a Git tag on a served repository follows the applied commit; a signed
// push webhook triggers an immediate fetch and a forged one does nothing.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { clusterTest as test, testCluster, testNamespace } from '../helpers/cluster.ts';
import { createTestRepo, fileUrl, startHttpGitServer } from '../helpers/git-server.ts';
import {
  applyObject,
  configMapYaml,
  getObject,
  gitRepository,
  installCrds,
  startOperator,
  sync,
  testKube,
  waitFor,
  waitSyncReady,
  setUpScenario,
  secretObject,
} from '../helpers/operator.ts';

const run = promisify(execFile);

type Received = {
  at: number;
  body: {
    event: string;
    severity: string;
    cluster: string;
    source: { kind: string; namespace: string; name: string };
    revision: string;
    message: string;
    objects: string[];
    timestamp: string;
  };
  signed: boolean;
};

async function startWebhookSink(
  key: string,
): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const expected = Buffer.from(`sha256=${createHmac('sha256', key).update(raw).digest('hex')}`);
      const got = Buffer.from(String(req.headers['x-moor-signature'] ?? ''));
      const signed = got.length === expected.length && timingSafeEqual(got, expected);
      received.push({
        at: Date.now(),
        body: JSON.parse(raw.toString('utf8')) as Received['body'],
        signed,
      });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}/moor`,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const moorObject = (kind: string, ns: string, name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'moor.dev/v1alpha1',
  kind,
  metadata: { name, namespace: ns },
  spec,
});

test('a signed webhook hears ChangeCommitted, Diverged only after the grace period, then Converged', async (t) => {
  const kube = testKube();
  await installCrds(kube);
  const ns = await testNamespace(t, 'fb-webhook');
  const sink = await startWebhookSink('hmac-key-1');
  t.after(() => sink.close());
  const repo = await createTestRepo({
    files: { 'cm.yaml': configMapYaml('web', { color: 'blue' }) },
  });
  t.after(() => repo.close());
  const operator = await startOperator({ namespace: ns, clusterName: 'test-eu' });
  t.after(() => operator.stop());
  await applyObject(kube, secretObject(ns, 'hook', { hmacKey: 'hmac-key-1' }));
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
      sources: [{ kind: 'Sync', name: '*' }],
    }),
  );
  await applyObject(
    kube,
    gitRepository(ns, 'src', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  await applyObject(
    kube,
    sync(ns, 'web', {
      sourceRef: { name: 'src' },
      path: './',
      targetNamespace: ns,
      interval: '1h',
      drift: { mode: 'Alert', alertAfter: '3s' },
    }),
  );
  const first = await repo.revParse('HEAD');
  await waitSyncReady(kube, ns, 'web', first);
  await waitFor(
    'ChangeCommitted and Converged',
    () => sink.received.some((r) => r.body.event === 'Converged'),
    20_000,
  );
  const events = () => sink.received.map((r) => r.body.event);
  assert.deepEqual(events().slice(0, 2), ['ChangeCommitted', 'Converged']);
  const converged = sink.received[1]!.body;
  assert.equal(converged.revision, `main@sha1:${first}`);
  assert.equal(converged.cluster, 'test-eu');
  assert.deepEqual(converged.source, { kind: 'Sync', namespace: ns, name: 'web' });
  assert.ok(
    sink.received.every((r) => r.signed),
    'every delivery carries a valid X-Moor-Signature',
  );

  // Someone edits the object: Diverged only once the grace period has passed, and only once.
  const { kubectl, kubeconfig } = testCluster();
  const edited = Date.now();
  await run(kubectl, [
    '--kubeconfig',
    kubeconfig,
    '-n',
    ns,
    'patch',
    'configmap',
    'web',
    '--type=merge',
    '-p',
    '{"data":{"color":"red"}}',
  ]);
  await waitFor('Diverged', () => events().includes('Diverged'), 20_000);
  const diverged = sink.received.find((r) => r.body.event === 'Diverged')!;
  assert.ok(
    diverged.at - edited >= 3000,
    `Diverged after ${diverged.at - edited} ms, before the 3 s grace period`,
  );
  assert.equal(diverged.body.severity, 'error');
  assert.match(diverged.body.message, /data\.color/);
  await sleep(1500);
  assert.equal(
    events().filter((e) => e === 'Diverged').length,
    1,
    'Diverged is sent once per divergence',
  );

  // Put back by hand: Converged again.
  const before = events().filter((e) => e === 'Converged').length;
  await run(kubectl, [
    '--kubeconfig',
    kubeconfig,
    '-n',
    ns,
    'patch',
    'configmap',
    'web',
    '--type=merge',
    '-p',
    '{"data":{"color":"blue"}}',
  ]);
  await waitFor(
    'Converged after the divergence',
    () => events().filter((e) => e === 'Converged').length > before,
    20_000,
  );
  assert.ok(sink.received.every((r) => r.signed));
});

test('a gittag Provider moves moor/<cluster>/<ns>/<sync> to the applied commit on the served repository', async (t) => {
  const { kube, ns, repo } = await setUpScenario(
    t,
    'fb-tag',
    { 'cm.yaml': configMapYaml('web', { v: '1' }) },
    { clusterName: 'edge-1' },
  );
  const server = await startHttpGitServer(repo, { basic: { username: 'moor', password: 'pw' } });
  t.after(() => server.close());
  await applyObject(kube, secretObject(ns, 'git', { username: 'moor', password: 'pw' }));
  await applyObject(
    kube,
    gitRepository(ns, 'src', {
      url: server.url,
      ref: { branch: 'main' },
      secretRef: { name: 'git' },
    }),
  );
  await applyObject(
    kube,
    moorObject('Provider', ns, 'tag', {
      type: 'gittag',
      sourceRef: { kind: 'GitRepository', name: 'src' },
    }),
  );
  await applyObject(
    kube,
    moorObject('Alert', ns, 'converged', { providerRef: { name: 'tag' }, events: ['Converged'] }),
  );
  await applyObject(
    kube,
    sync(ns, 'web', { sourceRef: { name: 'src' }, path: './', targetNamespace: ns }),
  );
  const tag = `moor/edge-1/${ns}/web`;
  const tagged = async (sha: string) => {
    const out = await repo.git('tag', '--list', tag);
    return out.trim() === tag && (await repo.revParse(`${tag}^{commit}`)) === sha;
  };
  const first = await repo.revParse('HEAD');
  await waitSyncReady(kube, ns, 'web', first);
  await waitFor(`tag ${tag} at ${first.slice(0, 8)}`, () => tagged(first), 20_000);
  const second = await repo.commit({ 'cm.yaml': configMapYaml('web', { v: '2' }) });
  await waitSyncReady(kube, ns, 'web', second);
  await waitFor(`tag ${tag} moved to ${second.slice(0, 8)}`, () => tagged(second), 20_000);
});

test('a signed push webhook makes the source fetch at once; a forged one does nothing', async (t) => {
  const { kube, ns, repo, operator } = await setUpScenario(
    t,
    'fb-receiver',
    { 'cm.yaml': configMapYaml('web', { v: '1' }) },
    { httpAddr: '127.0.0.1:0' },
  );
  const base = await operator.httpUrl();
  await applyObject(kube, secretObject(ns, 'hook-token', { token: 'push-secret' }));
  await applyObject(
    kube,
    moorObject('Receiver', ns, 'push', {
      type: 'generic',
      secretRef: { name: 'hook-token' },
      resources: [{ kind: 'GitRepository', name: 'src' }],
    }),
  );
  // A long interval: only the webhook can bring the new commit in time.
  await applyObject(
    kube,
    gitRepository(ns, 'src', { url: fileUrl(repo), ref: { branch: 'main' }, interval: '1h' }),
  );
  await applyObject(
    kube,
    sync(ns, 'web', { sourceRef: { name: 'src' }, path: './', targetNamespace: ns }),
  );
  await waitSyncReady(kube, ns, 'web', await repo.revParse('HEAD'));
  let path = '';
  await waitFor('Receiver webhookPath', async () => {
    const r = await getObject(kube, 'moor.dev/v1alpha1', 'Receiver', ns, 'push');
    path = String((r?.status as { webhookPath?: string } | undefined)?.webhookPath ?? '');
    return path.startsWith('/hook/');
  });

  const next = await repo.commit({ 'cm.yaml': configMapYaml('web', { v: '2' }) });
  const body = JSON.stringify({ ref: 'refs/heads/main' });
  const forged = await fetch(`${base}${path}`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-moor-signature': `sha256=${createHmac('sha256', 'wrong').update(body).digest('hex')}`,
    },
  });
  assert.equal(forged.status, 401);
  await sleep(2000);
  const cm = await getObject(kube, 'v1', 'ConfigMap', ns, 'web');
  assert.equal(
    (cm?.data as Record<string, string>).v,
    '1',
    'a forged webhook must not trigger a fetch',
  );

  const pushed = Date.now();
  const signed = await fetch(`${base}${path}`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-moor-signature': `sha256=${createHmac('sha256', 'push-secret').update(body).digest('hex')}`,
    },
  });
  assert.equal(signed.status, 200);
  await waitSyncReady(kube, ns, 'web', next, 10_000);
  t.diagnostic(`converged ${Date.now() - pushed} ms after the webhook`);
  const metrics = await (await fetch(`${base}/metrics`)).text();
  assert.match(metrics, /moor_reconcile_total\{kind="Sync",result="success"\} \d+/);
  assert.match(metrics, /moor_api_requests_total\{verb="patch"\} \d+/);
});
