// The dashboard's writes, history diff and preview in a real headless Chromium against an
// operator on the real control plane: suspend and resume after a confirmation, the state shown
// live; two history entries compared (objects added and changed), the comparison deep-linked;
// a ref previewed with its field diff; a rollback to an earlier entry (a pin) converging, then
// unpinned. A token that may only read sees none of the write buttons.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { KubeObject } from '../../src/core/index.ts';
import { clusterTest as test } from '../helpers/cluster.ts';
import { fileUrl } from '../helpers/git-server.ts';
import {
  applyObject,
  configMapYaml,
  getSync,
  gitRepository,
  setUpScenario,
  sync,
  waitFor,
  waitSyncReady,
} from '../helpers/operator.ts';
import { launchBrowser, screenshotDir } from './browser.ts';
import { dashboardToken, suspendedOf } from './rbac.ts';

const pinOf = (s: KubeObject | undefined) =>
  (s?.spec as { pin?: { revision?: string } } | undefined)?.pin?.revision;
const appliedOf = (s: KubeObject | undefined) =>
  (s?.status as { lastAppliedRevision?: string } | undefined)?.lastAppliedRevision ?? '';

async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(`${url}/ui/`);
  await page.fill('#token', token);
  await page.click('button[type=submit]');
  await page.waitForSelector('#h-overview', { timeout: 60_000 });
}

/** Clicks `button`, checks the confirmation names `words`, confirms. */
async function confirmed(page: Page, button: string, words: RegExp): Promise<void> {
  await page.click(button);
  const question = await page.locator('#confirm-q').textContent({ timeout: 10_000 });
  assert.match(question ?? '', words);
  await page.click('#confirm-yes');
}

test(
  'write buttons with a confirmation, the history diff and the preview of a ref',
  { timeout: 420_000 },
  async (t) => {
    const files = { 'app/settings.yaml': configMapYaml('settings', { color: 'blue' }) };
    const { kube, ns, repo, operator } = await setUpScenario(t, 'ui-actions', files, {
      httpAddr: '127.0.0.1:0',
    });
    const url = await operator.httpUrl();
    await applyObject(
      kube,
      gitRepository(ns, 'src', { url: fileUrl(repo), ref: { branch: 'main' } }),
    );
    await applyObject(
      kube,
      sync(ns, 'app', {
        sourceRef: { name: 'src' },
        path: './app',
        targetNamespace: ns,
        interval: '1h',
      }),
    );
    const first = await repo.revParse('HEAD');
    await waitSyncReady(kube, ns, 'app', first, 120_000);
    // A second apply: settings changed, one ConfigMap added.
    const second = await repo.commit(
      {
        'app/settings.yaml': configMapYaml('settings', { color: 'green' }),
        'app/extra.yaml': configMapYaml('extra', { size: 'M' }),
      },
      'green, and an extra',
    );
    await applyObject(
      kube,
      gitRepository(ns, 'src', { url: fileUrl(repo), ref: { branch: 'main' }, interval: '2s' }),
    );
    await waitSyncReady(kube, ns, 'app', second, 120_000);
    // A branch to preview.
    await repo.checkout('feature');
    await repo.commit({ 'app/settings.yaml': configMapYaml('settings', { color: 'red' }) }, 'red');
    await repo.checkout('main');

    const viewer = await dashboardToken(kube, ns, 'viewer', ['get', 'list', 'watch']);
    const admin = await dashboardToken(kube, ns, 'admin', ['get', 'list', 'watch', 'patch']);
    const shots = await screenshotDir();
    const browser = await launchBrowser();
    t.after(() => browser.close());
    const syncUrl = `${url}/ui/#/syncs/${ns}/app`;

    // The viewer: no write buttons, no rollback column, no preview.
    const viewerPage = await browser.newPage();
    await signIn(viewerPage, url, viewer);
    await viewerPage.goto(syncUrl);
    await viewerPage.waitForSelector('#h-tree', { timeout: 60_000 });
    for (const sel of ['#suspend', '#reconcile', 'button.rollback', '#preview'])
      assert.equal(await viewerPage.locator(sel).count(), 0, `${sel} shown to the viewer`);

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, url, admin);
    await page.goto(syncUrl);
    await page.waitForSelector('#h-tree', { timeout: 60_000 });

    // Suspend: confirmed, then shown live; Cancel sends nothing.
    await page.click('#suspend');
    await page.click('#confirm-no');
    assert.equal(suspendedOf(await getSync(kube, ns, 'app')), false, 'cancelled: nothing sent');
    await confirmed(page, '#suspend', /Suspend .*app\?/);
    await page.waitForSelector('[data-suspended]', { timeout: 30_000 });
    assert.equal(suspendedOf(await getSync(kube, ns, 'app')), true);
    await page.screenshot({ path: join(shots, 'suspended.png') });
    await confirmed(page, '#resume', /Resume/);
    await page.waitForSelector('[data-suspended]', { state: 'detached', timeout: 30_000 });
    assert.equal(suspendedOf(await getSync(kube, ns, 'app')), false);

    // The history diff between the two applies.
    await page.click('summary:has-text("History")');
    const rows = page.locator('table[aria-label=History] tr[data-result]');
    await waitFor('two history entries', async () => (await rows.count()) >= 2, 30_000);
    const startedOf = async (sha: string) =>
      (await page
        .locator(`table[aria-label=History] tr[data-result]:has(code[title$="${sha}"])`)
        .first()
        .getAttribute('data-started')) ?? '';
    const [older, newer] = [await startedOf(first), await startedOf(second)];
    assert.ok(older && newer, 'both applies are in the timeline');
    await page.locator(`tr[data-started="${older}"] input[name=from]`).check();
    await page.locator(`tr[data-started="${newer}"] input[name=to]`).check();
    await page.click('#compare');
    const diff = page.locator('#history-diff');
    await diff.waitFor({ timeout: 30_000 });
    const listed = async (title: string) =>
      (await diff.locator(`ul[aria-label="${title}"]`).textContent()) ?? '';
    assert.match(await listed('Added'), /ConfigMap\/[^/]+\/extra/);
    assert.match(await listed('Changed'), /ConfigMap\/[^/]+\/settings/);
    assert.doesNotMatch(await listed('Removed'), /ConfigMap/);
    await page.screenshot({ path: join(shots, 'history-diff.png') });
    // The comparison is a deep link: a fresh page on the same address shows it.
    const linked = page.url();
    assert.match(linked, /from=.*&to=/);
    const again = await browser.newPage();
    await signIn(again, url, admin);
    await again.goto(linked);
    await again.locator('#history-diff ul[aria-label=Added]').waitFor({ timeout: 60_000 });

    // The preview of a branch: settings would change, with its field.
    await page.click('summary:has-text("Preview a ref")');
    await page.fill('#preview-ref', 'feature');
    await page.click('#preview button[type=submit]');
    const field = page.locator('#preview-result tr[data-field="data.color"]');
    await field.waitFor({ timeout: 120_000 });
    assert.match((await field.textContent()) ?? '', /green.*red/);
    assert.match(page.url(), /preview=feature/);
    await page.screenshot({ path: join(shots, 'preview.png') });

    // Roll back to the first apply: pinned, converged on it; then unpinned.
    await confirmed(page, `tr[data-started="${older}"] button.rollback`, /pinned to that revision/);
    await page.waitForSelector('[data-pinned]', { timeout: 30_000 });
    assert.ok(
      pinOf(await getSync(kube, ns, 'app'))?.endsWith(first),
      'spec.pin is the first commit',
    );
    await waitFor(
      'the rollback to converge',
      async () => appliedOf(await getSync(kube, ns, 'app')).endsWith(first),
      120_000,
    );
    await page.screenshot({ path: join(shots, 'pinned.png') });
    await confirmed(page, '#unpin', /follows its source again/);
    await page.waitForSelector('[data-pinned]', { state: 'detached', timeout: 30_000 });
    assert.equal(pinOf(await getSync(kube, ns, 'app')), undefined);
  },
);
