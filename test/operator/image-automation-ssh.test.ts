// Image update automation end to end, the other half: a repository of 1,201 tags (two pages of
// the tag list), a policy pinning by digest, and the commit pushed over SSH and signed with an SSH
// key. A re-push of the same tag with new content is a new digest and a new commit; scans that
// find nothing new write no status; scans and runs show on /metrics.
import assert from 'node:assert/strict';
import { clusterTest as test } from '../helpers/cluster.ts';
import { addTags, digestOf, pushTags, repushTag } from '../helpers/crane.ts';
import { startSshGitServer } from '../helpers/git-server.ts';
import {
  applyObject,
  conditionOf,
  getObject,
  gitRepository,
  secretObject,
  setUpScenario,
  waitFor,
} from '../helpers/operator.ts';
import { startTestRegistry } from '../helpers/registry.ts';
import { createSigningKeys } from '../helpers/signing-keys.ts';

const API = 'moor.dev/v1alpha1';
const author = { name: 'Moor', email: 'moor@example.invalid' };

const resource = (kind: string, ns: string, name: string, spec: Record<string, unknown>) => ({
  apiVersion: API,
  kind,
  metadata: { name, namespace: ns },
  spec,
});

/** The value of one series of the operator's /metrics (0 when absent). */
async function metricOf(url: string, series: string): Promise<number> {
  const text = await (
    await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) })
  ).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

test('1,201 tags, a digest pin, a signed commit over SSH; a re-pushed tag is a new commit', async (t) => {
  const registry = await startTestRegistry();
  t.after(() => registry.close());
  await pushTags(registry.host, 'web', ['1.0.0']);
  // 1.0.1 … 1.0.1199 and 2.0.0: the registry lists tags in lexical order, so 2.0.0 (the newest
  // by semver) is on the second page of 1,000.
  const more = [...Array.from({ length: 1199 }, (_, i) => `1.0.${i + 1}`), '2.0.0'];
  await addTags(registry.host, 'web', '1.0.0', more);
  const image = `${registry.host}/web`;
  const { kube, ns, repo, operator } = await setUpScenario(
    t,
    'op-image-ssh',
    { 'README.md': 'images\n' },
    { httpAddr: '127.0.0.1:0' },
  );
  const line = `    image: ${image}:1.0.0 # {"$imagepolicy": "${ns}:web"}`;
  const first = await repo.commit({ 'deploy/pod.yaml': `kind: Pod\nspec:\n${line}\n` });
  const ssh = await startSshGitServer(repo);
  t.after(() => ssh.close());
  const keys = await createSigningKeys(author.email);
  t.after(() => keys.close());
  await applyObject(
    kube,
    secretObject(ns, 'git-ssh', { identity: ssh.identity, known_hosts: ssh.knownHosts }),
  );
  await applyObject(kube, secretObject(ns, 'signing', { identity: keys.ssh.privateKey }));
  await applyObject(
    kube,
    gitRepository(ns, 'app', {
      url: ssh.url,
      ref: { branch: 'main' },
      interval: '1m',
      secretRef: { name: 'git-ssh' },
    }),
  );
  await applyObject(
    kube,
    resource('ImageRepository', ns, 'web', { image, interval: '1s', insecure: true }),
  );
  await applyObject(
    kube,
    resource('ImagePolicy', ns, 'web', {
      imageRepositoryRef: { name: 'web' },
      policy: { semver: { range: '>=1.0.0' } },
      digestReflection: true,
    }),
  );
  await applyObject(
    kube,
    resource('ImageUpdateAutomation', ns, 'web', {
      sourceRef: { name: 'app' },
      interval: '1m',
      git: { commit: { author, signingKey: { name: 'signing' } } },
      update: { path: './deploy' },
    }),
  );

  // The newest tag across both pages, pinned by its digest, committed over SSH and signed.
  const digest1 = await digestOf(registry.host, 'web', '2.0.0');
  let pushed = '';
  await waitFor(
    'a commit from the automation',
    async () => {
      pushed = await repo.revParse('HEAD');
      return pushed !== first;
    },
    180_000,
  );
  const scanned = await getObject(kube, API, 'ImageRepository', ns, 'web');
  const scan = (scanned?.status as { lastScanResult: { tagCount: number; latestTags: string[] } })
    .lastScanResult;
  assert.equal(scan.tagCount, 1201);
  assert.equal(scan.latestTags[0], '2.0.0');
  const pinned = (digest: string) =>
    `    image: ${image}:2.0.0@${digest} # {"$imagepolicy": "${ns}:web"}`;
  assert.equal(
    await repo.git('show', `${pushed}:deploy/pod.yaml`),
    `kind: Pod\nspec:\n${pinned(digest1)}\n`,
  );
  const verified = await keys.verifySsh(repo.dir, pushed);
  assert.ok(verified.ok, verified.output);
  assert.match(verified.output, /Good "git" signature for moor@example\.invalid/);

  // Scans go on each second and write nothing while the tags stay the same.
  const url = await operator.httpUrl();
  const scans = `moor_image_scan_total{namespace="${ns}",name="web",result="success"}`;
  const before = await getObject(kube, API, 'ImageRepository', ns, 'web');
  const scansBefore = await metricOf(url, scans);
  await new Promise((r) => setTimeout(r, 6_000));
  const after = await getObject(kube, API, 'ImageRepository', ns, 'web');
  assert.ok((await metricOf(url, scans)) >= scansBefore + 2, 'scans went on');
  assert.equal(after?.metadata.resourceVersion, before?.metadata.resourceVersion);

  // CI re-pushes 2.0.0 with new content: a new digest, and a new commit pinning it.
  const digest2 = await repushTag(registry.host, 'web', '2.0.0', 'rebuilt');
  assert.notEqual(digest2, digest1);
  let second = '';
  await waitFor(
    'a second commit',
    async () => {
      second = await repo.revParse('HEAD');
      return second !== pushed;
    },
    180_000,
  );
  assert.equal((await repo.git('rev-parse', `${second}~1`)).trim(), pushed);
  const diff = await repo.git('diff', '-U0', pushed, second);
  const changed = diff.split('\n').filter((l) => /^[-+][^-+]/.test(l));
  assert.deepEqual(changed, [`-${pinned(digest1)}`, `+${pinned(digest2)}`]);
  assert.ok((await keys.verifySsh(repo.dir, second)).ok);
  const policy = await getObject(kube, API, 'ImagePolicy', ns, 'web');
  const refs = policy?.status as { latestRef: { digest: string }; previousRef: { digest: string } };
  assert.equal(refs.latestRef.digest, digest2);
  assert.equal(refs.previousRef.digest, digest1);
  const auto = await getObject(kube, API, 'ImageUpdateAutomation', ns, 'web');
  assert.equal(conditionOf(auto, 'Ready')?.status, 'True');
  assert.equal((auto?.status as { lastPushCommit: string }).lastPushCommit, second);
  const updates = `moor_image_update_total{namespace="${ns}",name="web",result="pushed"}`;
  assert.equal(await metricOf(url, updates), 2);
  const timed = `moor_image_update_duration_seconds_count{namespace="${ns}",name="web",result="pushed"}`;
  assert.equal(await metricOf(url, timed), 2);
});
