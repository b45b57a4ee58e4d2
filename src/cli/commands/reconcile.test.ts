import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runInProcess } from '../test-helpers.ts';

void test('reconcile source offers no --with-source; reconcile sync offers it and --no-source', async () => {
  const source = await runInProcess(['reconcile', 'source', '--help']);
  assert.equal(source.code, 0);
  assert.doesNotMatch(source.stdout, /--with-source/);
  const refused = await runInProcess(['reconcile', 'source', 'repo', '--with-source']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /unknown option '--with-source'/);
  const sync = await runInProcess(['reconcile', 'sync', '--help']);
  assert.match(sync.stdout, /--with-source/);
  assert.match(sync.stdout, /--no-source/);
});
