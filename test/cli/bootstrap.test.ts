// `moor bootstrap git` against a real Git server (smart HTTP, basic auth) and a fresh control
// plane: the repository gets the install manifests and Moor's own Sync under the path; the
// cluster converges on them to a running Moor Deployment (pods bound and reported ready by the
// control plane's stand-in kubelet); a new image tag committed there rolls the Deployment. The
// operator runs as a process beside the cluster, standing in for the Deployment's pods (which the
// stand-in kubelet reports ready but does not run).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as plainTest } from 'node:test';
import type { KubeObject } from '../../src/core/index.ts';
import { createKubeClient, type KubeClient } from '../../src/kube/index.ts';
import { startControlPlane, stopControlPlane } from '../cluster/control-plane.ts';
import { clusterTest as test } from '../helpers/cluster.ts';
import { createTestRepo, fileUrl, startHttpGitServer } from '../helpers/git-server.ts';
import { getObject, moorBin, startOperator, waitFor, waitSyncReady } from '../helpers/operator.ts';

const creds = { username: 'moor', password: 'boot-pw' };
const NS = 'moor-system';

function moor(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(moorBin, args, { timeout: 180_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

type DeploymentState = {
  image: string;
  generation: number;
  observed: number;
  updated: number;
  ready: number;
};

async function deploymentState(kube: KubeClient): Promise<DeploymentState | undefined> {
  const d = await getObject(kube, 'apps/v1', 'Deployment', NS, 'moor-operator');
  if (!d) return undefined;
  const spec = d.spec as { template: { spec: { containers: { image: string }[] } } };
  const status = (d.status ?? {}) as Record<string, number | undefined>;
  return {
    image: spec.template.spec.containers[0]?.image ?? '',
    generation: d.metadata.generation ?? 0,
    observed: status.observedGeneration ?? 0,
    updated: status.updatedReplicas ?? 0,
    ready: status.readyReplicas ?? 0,
  };
}

/** Rolled out: the current generation observed, both replicas updated and ready, on `image`. */
async function waitRolledOut(kube: KubeClient, image: string): Promise<void> {
  let last: DeploymentState | undefined;
  await waitFor(
    `Deployment ${NS}/moor-operator rolled out on ${image}`,
    async () => {
      last = await deploymentState(kube);
      if (!last) throw new Error('no Deployment');
      const done =
        last.image === image &&
        last.observed === last.generation &&
        last.updated === 2 &&
        last.ready === 2;
      if (!done) throw new Error(JSON.stringify(last));
      return true;
    },
    180_000,
  );
}

async function podsOf(kube: KubeClient): Promise<KubeObject[]> {
  const listed = await kube.list('v1', 'Pod', { namespace: NS }, AbortSignal.timeout(30_000));
  if (!listed.ok) throw listed.error;
  return listed.value.items;
}

test(
  'bootstrap git: a fresh cluster converges on the repository to a running Moor, and a new image tag rolls it',
  { timeout: 600_000 },
  async (t) => {
    const stateDir = await mkdtemp(join(tmpdir(), 'moor-bootstrap-cp-'));
    t.after(async () => {
      await stopControlPlane(stateDir);
      await rm(stateDir, { recursive: true, force: true });
    });
    const plane = await startControlPlane({ stateDir, signal: AbortSignal.timeout(240_000) });
    const kube = createKubeClient({ kubeconfig: plane.kubeconfig });

    const repo = await createTestRepo({ files: { 'README.md': '# fleet\n' } });
    t.after(() => repo.close());
    const server = await startHttpGitServer(repo, { basic: creds });
    t.after(() => server.close());
    const dir = await mkdtemp(join(tmpdir(), 'moor-bootstrap-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const secretFile = join(dir, 'git.yaml');
    await writeFile(
      secretFile,
      `apiVersion: v1\nkind: Secret\nmetadata: {name: git}\nstringData:\n  username: ${creds.username}\n  password: ${creds.password}\n`,
    );

    const args = ['bootstrap', 'git', '--url', server.url, '--path', 'clusters/fresh'];
    const first = await moor([
      '--kubeconfig',
      plane.kubeconfig,
      ...args,
      '--secret-file',
      secretFile,
      '--interval',
      '2s',
    ]);
    assert.equal(first.code, 0, first.stderr);
    const head = await repo.revParse('HEAD');
    assert.match(first.stdout, new RegExp(`✔ pushed ${head}`));
    assert.match(first.stdout, /Deployment.*moor-operator created/);
    assert.match(first.stdout, /Moor manages itself from clusters\/fresh on main/);
    assert.doesNotMatch(first.stdout + first.stderr, new RegExp(creds.password));
    // The repository has the manifests, and no credentials.
    const installed = await repo.git('show', `${head}:clusters/fresh/moor-install.yaml`);
    const own = await repo.git('show', `${head}:clusters/fresh/moor-sync.yaml`);
    assert.match(installed, /kind: Deployment/);
    assert.match(own, /kind: Sync/);
    assert.doesNotMatch(installed + own, new RegExp(creds.password));
    const image = /image: (\S+)/.exec(installed)?.[1] ?? '';
    assert.match(image, /^ghcr\.io\/moor-dev\/moor:/);

    // Bootstrapping again, with the files as committed, commits nothing.
    const again = await moor([
      ...args,
      '--secret-file',
      secretFile,
      '--interval',
      '2s',
      '--no-install',
    ]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /clusters\/fresh is up to date at /);
    assert.equal(await repo.revParse('HEAD'), head);

    // Moor (here a process standing in for its pods) applies the path to itself.
    const operator = await startOperator({ namespace: NS, kubeconfig: plane.kubeconfig });
    t.after(() => operator.stop());
    await waitSyncReady(kube, NS, 'moor', head, 180_000);
    await waitRolledOut(kube, image);
    const pods = await podsOf(kube);
    assert.ok(pods.length >= 2, `pods: ${pods.length}`);
    for (const pod of pods.filter((p) => !p.metadata.deletionTimestamp)) {
      assert.ok((pod.spec as { nodeName?: string }).nodeName, `${pod.metadata.name} is bound`);
    }

    // Bootstrapping again, installing, leaves what Moor's Sync applies to it: the Sync's labels
    // and inventory stay, and neither the Deployment nor a CRD is written.
    const owned = async () => {
      const deployment = await getObject(kube, 'apps/v1', 'Deployment', NS, 'moor-operator');
      const crdRef = {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        name: 'syncs.moor.dev',
      };
      const got = await kube.get(crdRef, AbortSignal.timeout(10_000));
      if (!got.ok) throw got.error;
      const crd = got.value;
      const sync = await getObject(kube, 'moor.dev/v1alpha1', 'Sync', NS, 'moor');
      return {
        deployment: [deployment?.metadata.resourceVersion, deployment?.metadata.labels],
        crd: [crd?.metadata.resourceVersion, crd?.metadata.labels],
        sync: sync?.metadata.labels,
        inventory: (sync?.status as { inventory?: unknown } | undefined)?.inventory,
      };
    };
    const before = await owned();
    assert.deepEqual(
      (before.deployment[1] as Record<string, string> | undefined)?.['moor.dev/sync-name'],
      'moor',
    );
    assert.ok(before.inventory, 'the Sync has an inventory');
    const third = await moor([
      '--kubeconfig',
      plane.kubeconfig,
      ...args,
      '--secret-file',
      secretFile,
      '--interval',
      '2s',
    ]);
    assert.equal(third.code, 0, third.stderr);
    assert.match(third.stdout, /Deployment.*moor-operator left to Sync moor-system\/moor/);
    assert.match(third.stdout, /syncs\.moor\.dev left to Sync moor-system\/moor/);
    assert.match(third.stdout, /Secret.*moor-git (unchanged|configured)/);
    assert.deepEqual(await owned(), before);

    // A new image tag committed rolls the Deployment.
    const next = `${image.split(':')[0]}:9.9.9`;
    const text = (await readFile(join(repo.dir, 'clusters/fresh/moor-install.yaml'), 'utf8'))
      .split(image)
      .join(next);
    const upgraded = await repo.commit({ 'clusters/fresh/moor-install.yaml': text }, 'Moor 9.9.9');
    await waitSyncReady(kube, NS, 'moor', upgraded, 180_000);
    await waitRolledOut(kube, next);
  },
);

void plainTest(
  'bootstrap git refuses a path through a symlink in the repository and writes nothing',
  async (t) => {
    const outside = await mkdtemp(join(tmpdir(), 'moor-bootstrap-outside-'));
    t.after(() => rm(outside, { recursive: true, force: true }));
    await using repo = await createTestRepo({ files: { 'README.md': '# fleet\n' } });
    await symlink(outside, join(repo.dir, 'clusters'));
    await mkdir(join(repo.dir, 'other'));
    await symlink('/etc/hostname', join(repo.dir, 'other', 'moor-install.yaml'));
    await repo.git('add', '-A');
    await repo.git('commit', '-q', '-m', 'links');
    const head = await repo.revParse('HEAD');
    for (const [path, why] of [
      ['clusters/east', /clusters in the repository is not a directory/],
      ['other', /other\/moor-install\.yaml in the repository is not a regular file/],
    ] as const) {
      const run = await moor([
        'bootstrap',
        'git',
        '--url',
        fileUrl(repo),
        '--path',
        path,
        '--no-install',
      ]);
      assert.equal(run.code, 2, run.stdout);
      assert.match(run.stderr, why);
    }
    assert.deepEqual(await readdir(outside), []);
    assert.equal(await repo.revParse('HEAD'), head);
    const bad = await moor([
      'bootstrap',
      'git',
      '--url',
      fileUrl(repo),
      '--path',
      '../x',
      '--no-install',
    ]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--path "\.\.\/x": a relative directory/);
  },
);
