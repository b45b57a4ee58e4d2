// `moor fleet status` over two control planes and one repository: each cluster's operator tags
// the commit it converged on (a gittag Provider, `--cluster-name east|west`); then, reading only
// the repository (over smart HTTP with basic auth, from a Secret file), the command reports both
// clusters, the revision each applied, and how far behind the branch head each is and since when.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { createKubeClient, type KubeClient } from '../../src/kube/index.ts';
import { startControlPlane, stopControlPlane } from '../cluster/control-plane.ts';
import { clusterTest as test, testNamespace } from '../helpers/cluster.ts';
import { createTestRepo, startHttpGitServer, type TestRepo } from '../helpers/git-server.ts';
import {
  applyObject,
  configMapYaml,
  installCrds,
  installCrdsInto,
  moorBin,
  secretObject,
  startOperator,
  sync,
  gitRepository,
  testKube,
  waitFor,
  waitSyncReady,
  type RunningOperator,
} from '../helpers/operator.ts';

const creds = { username: 'moor', password: 'fleet-pw' };
const moorObject = (kind: string, ns: string, name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'moor.dev/v1alpha1',
  kind,
  metadata: { name, namespace: ns },
  spec,
});

function moor(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(moorBin, args, { timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

/** Secret, GitRepository, gittag Provider, Alert on Converged, and the Sync `web`, in `ns`. */
async function declare(kube: KubeClient, ns: string, url: string): Promise<void> {
  await applyObject(kube, secretObject(ns, 'git', creds));
  await applyObject(
    kube,
    gitRepository(ns, 'src', { url, ref: { branch: 'main' }, secretRef: { name: 'git' } }),
  );
  await applyObject(
    kube,
    moorObject('Provider', ns, 'tag', {
      type: 'gittag',
      sourceRef: { kind: 'GitRepository', name: 'src' },
    }),
  );
  await applyObject(
    kube,
    moorObject('Alert', ns, 'converged', { providerRef: { name: 'tag' }, events: ['Converged'] }),
  );
  await applyObject(
    kube,
    sync(ns, 'web', { sourceRef: { name: 'src' }, path: './', targetNamespace: ns }),
  );
}

async function tagged(repo: TestRepo, tag: string, sha: string): Promise<boolean> {
  const out = await repo.git('tag', '--list', tag);
  return out.trim() === tag && (await repo.revParse(`${tag}^{commit}`)) === sha;
}

async function convergeOn(
  t: TestContext,
  where: { kube: KubeClient; kubeconfig?: string; ns: string; cluster: string },
  repo: TestRepo,
  sha: string,
): Promise<RunningOperator> {
  const operator = await startOperator({
    namespace: where.ns,
    clusterName: where.cluster,
    ...(where.kubeconfig ? { kubeconfig: where.kubeconfig } : {}),
  });
  t.after(() => operator.stop());
  await waitSyncReady(where.kube, where.ns, 'web', sha, 120_000);
  const tag = `moor/${where.cluster}/${where.ns}/web`;
  await waitFor(`tag ${tag} at ${sha.slice(0, 8)}`, () => tagged(repo, tag, sha), 60_000);
  return operator;
}

type FleetJson = {
  branch: string;
  head: { sha: string; time: string };
  syncs: {
    cluster: string;
    namespace: string;
    sync: string;
    sha: string;
    state: string;
    behind?: number;
    behindSince?: string;
  }[];
};

test(
  'fleet status reads both clusters from the writeback tags, each on its own commit',
  { timeout: 420_000 },
  async (t) => {
    const eastKube = testKube();
    await installCrds(eastKube);
    const ns = await testNamespace(t, 'fleet');
    // A second control plane, as a second cluster pulling from the same repository.
    const stateDir = await mkdtemp(join(tmpdir(), 'moor-fleet-cp-'));
    t.after(async () => {
      await stopControlPlane(stateDir);
      await rm(stateDir, { recursive: true, force: true });
    });
    const west = await startControlPlane({ stateDir, signal: AbortSignal.timeout(240_000) });
    const westKube = createKubeClient({ kubeconfig: west.kubeconfig });
    await installCrdsInto(westKube);
    await applyObject(westKube, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });

    const repo = await createTestRepo({ files: { 'cm.yaml': configMapYaml('web', { v: '1' }) } });
    t.after(() => repo.close());
    const server = await startHttpGitServer(repo, { basic: creds });
    t.after(() => server.close());
    await declare(eastKube, ns, server.url);
    await declare(westKube, ns, server.url);

    // east converges on the first commit and stops; west converges on the second.
    const first = await repo.revParse('HEAD');
    const east = await convergeOn(t, { kube: eastKube, ns, cluster: 'east' }, repo, first);
    await east.stop();
    const second = await repo.commit({ 'cm.yaml': configMapYaml('web', { v: '2' }) }, 'v2');
    const secondTime = (await repo.git('log', '-1', '--format=%cI', second)).trim();
    const westCluster = { kube: westKube, kubeconfig: west.kubeconfig, ns, cluster: 'west' };
    await convergeOn(t, westCluster, repo, second);

    const dir = await mkdtemp(join(tmpdir(), 'moor-fleet-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const secretFile = join(dir, 'git-secret.yaml');
    await writeFile(
      secretFile,
      `apiVersion: v1\nkind: Secret\nmetadata: {name: git}\nstringData:\n  username: ${creds.username}\n  password: ${creds.password}\n`,
    );
    // No --kubeconfig, no cluster: only the repository.
    const args = ['fleet', 'status', '--url', server.url, '--secret-file', secretFile];
    const json = await moor([...args, '-o', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const status = JSON.parse(json.stdout) as FleetJson;
    assert.equal(status.head.sha, second);
    assert.deepEqual(
      status.syncs.map((s) => [s.cluster, s.namespace, s.sync, s.sha, s.state, s.behind]),
      [
        ['east', ns, 'web', first, 'behind', 1],
        ['west', ns, 'web', second, 'current', 0],
      ],
    );
    assert.equal(
      status.syncs[0]?.behindSince,
      secondTime,
      'east is behind since the second commit',
    );

    const table = await moor(args);
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.split('\n');
    assert.match(lines[0] ?? '', /^CLUSTER\s+SYNC\s+REVISION\s+BEHIND\s+SINCE$/);
    assert.match(
      lines[1] ?? '',
      new RegExp(`^east\\s+${ns}/web\\s+${first.slice(0, 12)}\\s+1 commit\\s+\\d+`),
    );
    assert.match(
      lines[2] ?? '',
      new RegExp(`^west\\s+${ns}/web\\s+${second.slice(0, 12)}\\s+up to date\\s+-$`),
    );
    assert.match(table.stdout, new RegExp(`main is at ${second.slice(0, 12)}`));

    // Without the credentials the remote refuses, and the command says so.
    const refused = await moor(['fleet', 'status', '--url', server.url]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /ls-remote/);
    assert.doesNotMatch(refused.stderr, new RegExp(creds.password));
  },
);
