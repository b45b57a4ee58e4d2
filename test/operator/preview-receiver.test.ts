// A pull-request webhook to a Receiver with spec.preview: the operator previews the Sync at the
// pull request's head (server-side dry-run, nothing written) and publishes the summary as a commit
// status, and the Markdown as a comment, on a stand-in of the GitHub API on loopback.
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { clusterTest as test } from '../helpers/cluster.ts';
import { fileUrl } from '../helpers/git-server.ts';
import {
  applyObject,
  configMapYaml,
  getObject,
  gitRepository,
  secretObject,
  setUpScenario,
  sync,
  waitFor,
  waitSyncReady,
} from '../helpers/operator.ts';

type ApiRequest = { path: string; authorization: string; body: Record<string, unknown> };

async function startGitHubStandIn(): Promise<{
  url: string;
  requests: ApiRequest[];
  close(): Promise<void>;
}> {
  const requests: ApiRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({
        path: req.url ?? '',
        authorization: String(req.headers.authorization ?? ''),
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
      });
      res.writeHead(201, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const moorObject = (kind: string, ns: string, name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'moor.dev/v1alpha1',
  kind,
  metadata: { name, namespace: ns },
  spec,
});

test('a pull_request webhook publishes the preview of its head commit as a commit status and a comment', async (t) => {
  const { kube, ns, repo, operator } = await setUpScenario(
    t,
    'preview-pr',
    {
      'deploy/settings.yaml': configMapYaml('settings', { color: 'blue' }),
      'deploy/extra.yaml': configMapYaml('extra', { keep: 'no' }),
    },
    { httpAddr: '127.0.0.1:0', clusterName: 'eu-1' },
  );
  const github = await startGitHubStandIn();
  t.after(() => github.close());
  const base = await operator.httpUrl();
  await applyObject(
    kube,
    gitRepository(ns, 'app', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  await applyObject(
    kube,
    sync(ns, 'app', {
      sourceRef: { name: 'app' },
      path: './deploy',
      prune: true,
      targetNamespace: ns,
    }),
  );
  await waitSyncReady(kube, ns, 'app', await repo.revParse('HEAD'), 120_000);

  await applyObject(kube, secretObject(ns, 'gh-token', { token: 'api-token-1' }));
  await applyObject(kube, secretObject(ns, 'hook-token', { token: 'hook-secret-1' }));
  await applyObject(
    kube,
    moorObject('Provider', ns, 'gh', {
      type: 'github',
      address: `${github.url}/acme/app`,
      secretRef: { name: 'gh-token' },
    }),
  );
  await applyObject(
    kube,
    moorObject('Receiver', ns, 'prs', {
      type: 'github',
      secretRef: { name: 'hook-token' },
      resources: [{ kind: 'GitRepository', name: 'app' }],
      events: ['pull_request'],
      preview: { syncs: [{ name: 'app' }], providerRef: { name: 'gh' } },
    }),
  );
  let path = '';
  await waitFor('Receiver webhookPath', async () => {
    const r = await getObject(kube, 'moor.dev/v1alpha1', 'Receiver', ns, 'prs');
    path = String((r?.status as { webhookPath?: string } | undefined)?.webhookPath ?? '');
    return path.startsWith('/hook/');
  });

  // The pull request's branch: one object changed, one added, one removed.
  await repo.checkout('feature');
  const head = await repo.commit({
    'deploy/settings.yaml': configMapYaml('settings', { color: 'green' }),
    'deploy/extra.yaml': null,
    'deploy/fresh.yaml': configMapYaml('fresh', { new: 'yes' }),
  });
  await repo.checkout('main');
  const body = JSON.stringify({
    action: 'opened',
    number: 7,
    pull_request: { number: 7, head: { sha: head, ref: 'feature' }, base: { ref: 'main' } },
  });
  const post = (secret: string) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'pull_request',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
      },
    });
  assert.equal((await post('wrong-secret')).status, 401);
  const sent = Date.now();
  assert.equal((await post('hook-secret-1')).status, 200);

  await waitFor('the commit status and the comment', () => github.requests.length >= 2, 120_000);
  t.diagnostic(`preview published ${Date.now() - sent} ms after the webhook`);
  const [status, comment] = github.requests;
  assert.equal(status?.path, `/api/v3/repos/acme/app/statuses/${head}`);
  assert.equal(status?.authorization, 'Bearer api-token-1');
  assert.deepEqual(status?.body, {
    state: 'success',
    context: `moor/preview/eu-1/${ns}/app`,
    description: '1 to create, 1 to change, 1 to prune (0 unchanged)',
  });
  assert.equal(comment?.path, '/api/v3/repos/acme/app/issues/7/comments');
  const markdown = String(comment?.body.body);
  assert.match(markdown, new RegExp(`### To create \\(1\\)\\n\\n- \`ConfigMap/${ns}/fresh\``));
  assert.match(markdown, /`data\.color: "blue" → "green"`/);
  assert.match(markdown, new RegExp(`### To prune \\(1\\)\\n\\n- \`ConfigMap/${ns}/extra\``));
  assert.equal(github.requests.length, 2, 'one status and one comment, nothing for the forged one');

  // The preview wrote nothing: the Sync still has main applied, the new object does not exist.
  assert.equal(await getObject(kube, 'v1', 'ConfigMap', ns, 'fresh'), undefined);
  const settings = await getObject(kube, 'v1', 'ConfigMap', ns, 'settings');
  assert.equal((settings?.data as Record<string, string>).color, 'blue');
});
