// `moor create image …`, `moor reconcile image repository --wait` and `moor get images` against
// the test control plane, a real operator and a real registry on loopback.
import assert from 'node:assert/strict';
import { clusterTest as test } from '../helpers/cluster.ts';
import { pushTags } from '../helpers/crane.ts';
import { fileUrl } from '../helpers/git-server.ts';
import { applyObject, getObject, gitRepository, setUpScenario } from '../helpers/operator.ts';
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

test('reconcile image policy and update --wait: choose and run now, each with its Ready message', async (t) => {
  const registry = await startTestRegistry();
  t.after(() => registry.close());
  await pushTags(registry.host, 'web', ['1.0.0', '1.1.0']);
  const { kube, ns, repo } = await setUpScenario(t, 'cli-image-now', { 'README.md': 'x\n' });
  const image = `${registry.host}/web`;
  const run = async (args: string[]) => {
    const r = await moor(['-n', ns, ...args], 150_000);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  await run([
    'create',
    'image',
    'repository',
    'web',
    '--image',
    image,
    '--insecure',
    '--interval',
    '1h',
  ]);
  await run(['create', 'image', 'policy', 'web', '--image-ref', 'web', '--semver', '>=1.0.0']);
  await applyObject(
    kube,
    gitRepository(ns, 'app', { url: fileUrl(repo), ref: { branch: 'main' } }),
  );
  await run([
    'create',
    'image',
    'update',
    'web',
    '--git-repo-ref',
    'app',
    '--interval',
    '1h',
    '--author-name',
    'Moor',
    '--author-email',
    'moor@example.invalid',
    '--signing-key',
    'signing',
  ]);
  const created = await getObject(kube, 'moor.dev/v1alpha1', 'ImageUpdateAutomation', ns, 'web');
  assert.deepEqual(
    (created?.spec as { git: { commit: { signingKey: unknown } } }).git.commit.signingKey,
    { name: 'signing' },
  );
  // The signing Secret is missing: the run says so, and --wait fails with it.
  const unsigned = await moor(
    ['-n', ns, 'reconcile', 'image', 'update', 'web', '--wait', '--timeout', '2m'],
    150_000,
  );
  assert.equal(unsigned.code, 2, unsigned.stdout);
  assert.match(
    unsigned.stdout,
    new RegExp(`► update run requested for ImageUpdateAutomation/${ns}/web`),
  );
  assert.match(unsigned.stderr, new RegExp(`signing key: Secret ${ns}/signing not found`));
  await run([
    'create',
    'image',
    'update',
    'web',
    '--git-repo-ref',
    'app',
    '--interval',
    '1h',
    '--author-name',
    'Moor',
    '--author-email',
    'moor@example.invalid',
  ]);

  // Scan, choose and run now, each waited for.
  await run(['reconcile', 'image', 'repository', 'web', '--wait']);
  const chosen = await run(['reconcile', 'image', 'policy', 'web', '--wait', '--timeout', '2m']);
  assert.match(chosen, new RegExp(`✔ ImagePolicy/${ns}/web: latest image ${image}:1\\.1\\.0`));
  const ran = await run(['reconcile', 'image', 'update', 'web', '--wait', '--timeout', '2m']);
  assert.match(
    ran,
    new RegExp(
      `✔ ImageUpdateAutomation/${ns}/web: no change: main at [0-9a-f]{12} has the latest images`,
    ),
  );
  const missing = await moor(['-n', ns, 'reconcile', 'image', 'policy', 'nope']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, new RegExp(`ImagePolicy/${ns}/nope not found`));
});
