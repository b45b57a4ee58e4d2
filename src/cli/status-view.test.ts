import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { parse } from 'yaml';
import type { KubeObject } from '../core/index.ts';
import { selectEvents } from './events.ts';
import { renderSyncStatus } from './status-view.ts';

const now = new Date('2024-05-01T12:00:00Z');

async function loadFixture(): Promise<{ sync: KubeObject; events: KubeObject[] }> {
  const text = await readFile(new URL('testdata/sync-status.yaml', import.meta.url), 'utf8');
  return parse(text) as { sync: KubeObject; events: KubeObject[] };
}

void test('status sync shows conditions, revisions, inventory, drift with managers, history and events', async () => {
  const { sync, events } = await loadFixture();
  const mine = selectEvents(events, { kind: 'Sync', name: 'web' });
  const got = renderSyncStatus(sync, mine, now);
  const want = await readFile(new URL('testdata/sync-status.txt', import.meta.url), 'utf8');
  assert.equal(got, want);
});

void test('status sync of a Sync the operator has not seen says so', () => {
  const sync: KubeObject = {
    apiVersion: 'moor.dev/v1alpha1',
    kind: 'Sync',
    metadata: { name: 'new', namespace: 'default' },
    spec: { sourceRef: { name: 'repo' } },
  };
  const got = renderSyncStatus(sync, [], now);
  assert.match(got, /Source: +GitRepository\/default\/repo/);
  assert.match(got, /Last applied: +-/);
  assert.match(got, /Conditions: none yet/);
  assert.match(got, /Inventory: empty/);
  assert.match(got, /Drift: none/);
  assert.match(got, /Events: none/);
});
