// `moor create image …`, `moor reconcile image repository --wait` and `moor get images` against
// the test control plane, a real operator and a real registry on loopback.
import assert from 'node:assert/strict';
import { clusterTest as test } from '../helpers/cluster.ts';
import { pushTags } from '../helpers/crane.ts';
import { setUpScenario } from '../helpers/operator.ts';
import { startTestRegistry } from '../helpers/registry.ts';
import { moor } from './helpers.ts';

test('create, scan now, and list image automation from the CLI', async (t) => {
  const registry = await startTestRegistry();
  t.after(() => registry.close());
  await pushTags(registry.host, 'web', ['1.0.0', '1.2.0', '2.0.0-rc.1']);
  const { ns } = await setUpScenario(t, 'cli-image', { 'README.md': 'x\n' });
  const image = `${registry.host}/web`;
  const created = await moor([
    '-n',
    ns,
    'create',
    'image',
    'repository',
    'web',
    '--image',
    image,
    '--insecure',
    '--interval',
    '10m',
  ]);
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, new RegExp(`✔ ImageRepository/${ns}/web created`));
  const policy = await moor([
    '-n',
    ns,
    'create',
    'image',
    'policy',
    'web',
    '--image-ref',
    'web',
    '--semver',
    '>=1.0.0',
  ]);
  assert.equal(policy.code, 0, policy.stderr);
  const scanned = await moor(
    ['-n', ns, 'reconcile', 'image', 'repository', 'web', '--wait', '--timeout', '2m'],
    150_000,
  );
  assert.equal(scanned.code, 0, scanned.stderr);
  assert.match(scanned.stdout, /✔ ImageRepository\/.*\/web: found 3 tags/);

  let listed = { items: [] as { kind: string; status?: { latestRef?: { tag: string } } }[] };
  for (let i = 0; i < 120; i++) {
    const json = await moor(['-n', ns, 'get', 'images', '-o', 'json']);
    assert.equal(json.code, 0, json.stderr);
    listed = JSON.parse(json.stdout) as typeof listed;
    if (listed.items.find((o) => o.kind === 'ImagePolicy')?.status?.latestRef) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.deepEqual(
    listed.items.map((o) => o.kind),
    ['ImageRepository', 'ImagePolicy'],
  );
  assert.equal(listed.items[1]?.status?.latestRef?.tag, '1.2.0');
  const table = await moor(['-n', ns, 'get', 'images']);
  assert.match(table.stdout, /ImagePolicy\/web\s+True\s+1\.2\.0\s+latest image/);
  assert.match(table.stdout, /ImageRepository\/web\s+True\s+3 tags/);

  const exported = await moor([
    '-n',
    ns,
    'create',
    'image',
    'update',
    'web',
    '--git-repo-ref',
    'app',
    '--author-name',
    'Moor',
    '--author-email',
    'moor@example.invalid',
    '--export',
  ]);
  assert.equal(exported.code, 0, exported.stderr);
  assert.match(exported.stdout, /kind: ImageUpdateAutomation/);
  const bad = await moor([
    '-n',
    ns,
    'create',
    'image',
    'policy',
    'x',
    '--image-ref',
    'web',
    '--semver',
    'not a range',
  ]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /ImagePolicy\/.*\/x: --semver: must be a semver range/);
});
