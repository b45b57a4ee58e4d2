// A revision holding a file that is no manifest at all (binary bytes under a .yaml name) or one
// too large to read: the Sync names the file, nothing of that revision is applied, and the next
// good commit recovers.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { clusterTest as test } from '../helpers/cluster.ts';
import { fileUrl } from '../helpers/git-server.ts';
import {
  applyObject,
  conditionOf,
  configMapYaml,
  getObject,
  getSync,
  gitRepository,
  setUpScenario,
  sync,
  waitFor,
  waitSyncReady,
} from '../helpers/operator.ts';

test('a binary or oversized .yaml file fails its revision by name, applies nothing, and a fix recovers', async (t) => {
  const { kube, ns, repo, operator } = await setUpScenario(t, 'op-hostile', {
    'app/cm.yaml': configMapYaml('app', { v: '1' }),
  });
  await applyObject(
    kube,
    gitRepository(ns, 'src', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  await applyObject(
    kube,
    sync(ns, 'app', { sourceRef: { name: 'src' }, path: './app', targetNamespace: ns }),
  );
  await waitSyncReady(kube, ns, 'app', await repo.revParse('HEAD'));
  const value = async (): Promise<string | undefined> =>
    ((await getObject(kube, 'v1', 'ConfigMap', ns, 'app'))?.data as Record<string, string>).v;
  const failsWith = async (sha: string, message: RegExp): Promise<void> => {
    await waitFor(`the Sync fails on ${sha.slice(0, 8)}`, async () => {
      const ready = conditionOf(await getSync(kube, ns, 'app'), 'Ready');
      return ready?.status === 'False' && ready.message.includes(sha);
    });
    const ready = conditionOf(await getSync(kube, ns, 'app'), 'Ready');
    assert.equal(ready?.reason, 'BuildFailed');
    assert.match(ready?.message ?? '', message);
    assert.equal(await value(), '1', 'nothing of the failed revision was applied');
  };

  // A binary file next to a changed ConfigMap: the change is not applied either.
  await writeFile(join(repo.dir, 'app', 'logo.yaml'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0]));
  const binary = await repo.commit({ 'app/cm.yaml': configMapYaml('app', { v: '2' }) });
  await failsWith(binary, /app\/logo\.yaml:1:5: not a text file: a NUL byte/);

  // A 10 MB file instead.
  const big = `${configMapYaml('big', { v: '1' })}  x: "${'x'.repeat(10_000_000)}"\n`;
  const oversized = await repo.commit({ 'app/logo.yaml': null, 'app/big.yaml': big });
  await failsWith(oversized, /app\/big\.yaml: file is 100000\d\d bytes, more than the 8 MiB/);
  assert.equal(operator.process.exitCode, null, 'the operator is still running');

  const fixed = await repo.commit({ 'app/big.yaml': null });
  await waitSyncReady(kube, ns, 'app', fixed);
  assert.equal(await value(), '2');
});
