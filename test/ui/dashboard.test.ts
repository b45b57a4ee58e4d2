// The dashboard in a real headless Chromium against an operator on the real control plane: the
// overview shows the Syncs' real states; a `kubectl scale` drift in Alert mode appears without a
// reload with kubectl as its manager; "Reconcile now" is there and works only for a token whose
// RBAC allows patching the Sync; a request without a valid token is refused; no Secret value is
// in any response.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import type { KubeClient } from '../../src/kube/index.ts';
import { clusterTest as test, testCluster } from '../helpers/cluster.ts';
import { fileUrl } from '../helpers/git-server.ts';
import {
  applyObject,
  conditionOf,
  getSync,
  gitRepository,
  setUpScenario,
  sync,
  waitFor,
  waitSyncReady,
} from '../helpers/operator.ts';
import { launchBrowser, screenshotDir } from './browser.ts';

const run = promisify(execFile);
const SECRET_VALUE = 'pa55-ui-never-shown';

const files = {
  'web/web.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: example/web:1
`,
  'cfg/cfg.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  color: blue
---
apiVersion: v1
kind: Secret
metadata:
  name: creds
stringData:
  password: ${SECRET_VALUE}
`,
};

async function kubectl(ns: string, ...args: string[]): Promise<string> {
  const { kubectl: bin, kubeconfig } = testCluster();
  const { stdout } = await run(bin, ['--kubeconfig', kubeconfig, '-n', ns, ...args], {
    timeout: 30_000,
  });
  return stdout;
}

/** A ServiceAccount bound to a Role with `verbs` on Syncs (and reads of the rest); its token. */
async function tokenFor(kube: KubeClient, ns: string, name: string, syncVerbs: string[]) {
  await applyObject(kube, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace: ns },
  });
  await applyObject(kube, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name, namespace: ns },
    rules: [
      { apiGroups: ['moor.dev'], resources: ['syncs'], verbs: syncVerbs },
      { apiGroups: ['moor.dev'], resources: ['gitrepositories'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['events', 'configmaps', 'secrets'], verbs: ['get', 'list'] },
      { apiGroups: ['apps'], resources: ['deployments', 'replicasets'], verbs: ['get', 'list'] },
    ],
  });
  await applyObject(kube, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name, namespace: ns },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
    subjects: [{ kind: 'ServiceAccount', name, namespace: ns }],
  });
  return (await kubectl(ns, 'create', 'token', name, '--duration=1h')).trim();
}

/** Opens the dashboard and signs in with `token`; every /api/v1 response body is kept in `seen`. */
async function signIn(page: Page, url: string, token: string, seen: string[]): Promise<void> {
  page.on('response', (res) => {
    if (!res.url().includes('/api/v1/') || res.url().endsWith('/stream')) return;
    res.text().then(
      (body) => seen.push(body),
      () => undefined,
    );
  });
  await page.goto(`${url}/ui/`);
  await page.fill('#token', token);
  await page.click('button[type=submit]');
  await page.waitForSelector('#h-overview', { timeout: 60_000 });
}

const rowOf = (page: Page, name: string) =>
  page.locator('[role=row]', { has: page.locator(`a:text-is("${name}")`) });

test(
  'the dashboard shows real states, live drift with its manager, and RBAC-gated reconcile',
  { timeout: 300_000 },
  async (t) => {
    const { kube, ns, repo, operator } = await setUpScenario(t, 'ui', files, {
      httpAddr: '127.0.0.1:0',
    });
    const url = await operator.httpUrl();
    await applyObject(
      kube,
      gitRepository(ns, 'src', { url: fileUrl(repo), ref: { branch: 'main' } }),
    );
    const common = { sourceRef: { name: 'src' }, targetNamespace: ns, interval: '1h' };
    await applyObject(
      kube,
      sync(ns, 'web', { ...common, path: './web', drift: { mode: 'Alert', alertAfter: '1h' } }),
    );
    await applyObject(kube, sync(ns, 'cfg', { ...common, path: './cfg' }));
    const head = await repo.revParse('HEAD');
    await waitSyncReady(kube, ns, 'web', head, 120_000);
    await waitSyncReady(kube, ns, 'cfg', head, 120_000);
    const viewer = await tokenFor(kube, ns, 'viewer', ['get', 'list', 'watch']);
    const admin = await tokenFor(kube, ns, 'admin', ['get', 'list', 'watch', 'patch']);
    const shots = await screenshotDir();

    // No token, a wrong one: refused. The viewer's: answered.
    assert.equal((await fetch(`${url}/api/v1/syncs`)).status, 401);
    const bogus = { headers: { Authorization: 'Bearer not-a-token' } };
    assert.equal((await fetch(`${url}/api/v1/syncs`, bogus)).status, 401);
    const asViewer = { headers: { Authorization: `Bearer ${viewer}` } };
    assert.equal((await fetch(`${url}/api/v1/syncs`, asViewer)).status, 200);
    const refused = await fetch(`${url}/api/v1/syncs/${ns}/cfg/reconcile`, {
      method: 'POST',
      ...asViewer,
    });
    assert.equal(refused.status, 403, 'the viewer may not patch the Sync');
    // The stream, as the admin sees it, for the whole test.
    const streamed: string[] = [];
    const streamStop = new AbortController();
    t.after(() => streamStop.abort());
    void fetch(`${url}/api/v1/stream`, {
      headers: { Authorization: `Bearer ${admin}` },
      signal: streamStop.signal,
    })
      .then(async (res) => {
        for await (const chunk of res.body ?? [])
          streamed.push(Buffer.from(chunk as Uint8Array).toString());
      })
      .catch(() => undefined);

    const browser = await launchBrowser();
    t.after(() => browser.close());
    const seen: string[] = [];
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, url, viewer, seen);

    // The overview: both Syncs with the states their conditions say.
    for (const name of ['web', 'cfg']) {
      const live = await getSync(kube, ns, name);
      for (const type of ['Ready', 'InSync', 'Healthy']) {
        const badge = rowOf(page, name).locator(`[data-condition=${type}]`);
        await waitFor(
          `${name} ${type} shown`,
          async () =>
            (await badge.getAttribute('data-status', { timeout: 5_000 })) ===
            (conditionOf(live, type)?.status ?? 'Unknown'),
          60_000,
        );
      }
      assert.ok(
        (await rowOf(page, name).textContent())?.includes(head.slice(0, 7)),
        `${name} revision`,
      );
    }
    await page.screenshot({ path: join(shots, 'overview.png') });

    // One Sync, as the viewer: no reconcile button.
    await rowOf(page, 'web').locator('a').click();
    await page.waitForSelector('#h-tree');
    assert.equal(await page.locator('#reconcile').count(), 0, 'no reconcile for the viewer');
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));

    // kubectl scale in Alert mode: the drift appears without a reload, kubectl named.
    await kubectl(ns, 'scale', 'deployment/web', '--replicas=4');
    const started = Date.now();
    await page.waitForSelector('.summary [data-drift="1"]', { timeout: 60_000 });
    t.diagnostic(`drift shown ${Date.now() - started} ms after kubectl scale returned`);
    const marker = await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker);
    assert.equal(marker, 42, 'the page was not reloaded');
    // The tree: the Deployment, then the ReplicaSet it owns (ownerReferences), indented below it.
    await page
      .locator('[role=row]', { hasText: 'ReplicaSet' })
      .first()
      .waitFor({ timeout: 60_000 });
    await page.locator('[role=row]', { hasText: 'Deployment' }).first().click();
    const field = page.locator('tr[data-field="spec.replicas"]');
    await field.waitFor({ timeout: 30_000 });
    assert.equal((await field.locator('.manager').textContent())?.trim(), 'kubectl');
    assert.equal((await field.locator('td.del').textContent())?.trim(), '2');
    assert.equal((await field.locator('td.add').textContent())?.trim(), '4');
    await page.waitForSelector('pre[aria-label="Live YAML"]');
    assert.ok(
      !(await page.locator('pre[aria-label="Live YAML"]').textContent())?.includes('managedFields'),
    );
    await page.screenshot({ path: join(shots, 'sync.png') });
    // The timeline: the apply of the head revision, from status.history.
    await page.click('summary:has-text("History")');
    const applies = page.locator('table[aria-label=History] tr[data-result]');
    await applies.first().waitFor({ timeout: 30_000 });
    assert.ok((await applies.first().textContent())?.includes(head.slice(0, 7)), 'history entry');
    await page.screenshot({ path: join(shots, 'history.png') });
    // Back returns to the tree without the object; back again to the overview.
    await page.goBack();
    await page.waitForSelector('#h-tree');
    assert.equal(await page.locator('#object-panel').count(), 0);
    await page.goBack();
    await page.waitForSelector('#h-overview');

    await page.goto(`${url}/ui/#/events`);
    await page.waitForSelector('#h-events');
    await page.screenshot({ path: join(shots, 'events.png') });

    // The admin: the button is there and does what `moor reconcile sync` does.
    const adminPage = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(adminPage, url, admin, seen);
    await adminPage.goto(`${url}/ui/#/syncs/${ns}/cfg`);
    await adminPage.click('#reconcile', { timeout: 60_000 });
    await adminPage.waitForSelector('output:has-text("requested at")', { timeout: 30_000 });
    const annotated = await getSync(kube, ns, 'cfg');
    assert.ok(
      annotated?.metadata.annotations?.['moor.dev/reconcile-requested-at'],
      'annotation set',
    );
    // The Secret's view: its value masked.
    await adminPage.locator('[role=row]', { hasText: 'creds' }).click();
    await adminPage.waitForSelector('pre[aria-label="Live YAML"]:has-text("password")');
    assert.ok(
      (await adminPage.locator('pre[aria-label="Live YAML"]').textContent())?.includes('***'),
    );
    await adminPage.screenshot({ path: join(shots, 'secret-masked.png') });

    const everything = [...seen, ...streamed].join('\n');
    assert.ok(seen.length > 5 && streamed.length > 0, `captured ${seen.length} responses`);
    for (const secret of [SECRET_VALUE, Buffer.from(SECRET_VALUE).toString('base64')])
      assert.ok(!everything.includes(secret), 'a Secret value was sent to the browser');
    t.diagnostic(`screenshots in ${shots}`);
  },
);

test('--ui-insecure-local is refused on a non-loopback address', async () => {
  const { kubeconfig } = testCluster();
  const bin = join(import.meta.dirname, '..', '..', 'bin', 'moor');
  const failed = await run(
    bin,
    ['--kubeconfig', kubeconfig, 'operator', '--http-addr', '0.0.0.0:0', '--ui-insecure-local'],
    {
      timeout: 30_000,
    },
  ).then(
    () => undefined,
    (e: { code?: number; stderr?: string }) => e,
  );
  assert.equal(failed?.code, 2);
  assert.match(failed?.stderr ?? '', /loopback/);
});
