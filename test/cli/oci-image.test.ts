// The image scripts/image.sh builds without a container engine, pushed to a registry on loopback:
// its manifest and config (user, entrypoint, working directory, environment, layers) are what the
// Deployment `moor install --export` prints expects, and what the Dockerfile declares.
//
// The full image (Debian packages, Node, kustomize and helm, npm dependencies) takes minutes to
// assemble; this test builds the layers that carry the contract (the base with the user and the
// writable directories, and the application) unless MOOR_IMAGE_TEST_FULL=1 asks for all of them.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../src/core/index.ts';
import { crane } from '../helpers/crane.ts';
import { startTestRegistry } from '../helpers/registry.ts';

const root = resolve(import.meta.dirname, '../..');
const full = process.env.MOOR_IMAGE_TEST_FULL === '1';
const BUILD_TIMEOUT_MS = full ? 20 * 60_000 : 3 * 60_000;

type Container = {
  image: string;
  command?: string[];
  args: string[];
  securityContext: { readOnlyRootFilesystem?: boolean };
  volumeMounts: { name: string; mountPath: string }[];
};
type PodSpec = {
  securityContext: { runAsUser: number; runAsNonRoot: boolean };
  containers: Container[];
};
type ImageConfig = {
  architecture: string;
  os: string;
  config: {
    User: string;
    Entrypoint: string[];
    Cmd?: string[];
    WorkingDir: string;
    Env: string[];
    Labels: Record<string, string>;
  };
  rootfs: { diff_ids: string[] };
};
type Manifest = { mediaType: string; layers: { mediaType: string }[] };

function buildImage(ref: string, rootfs: string): Promise<string> {
  const env = { ...process.env, ...(full ? {} : { MOOR_IMAGE_PARTS: 'app' }) };
  return new Promise((done, fail) => {
    execFile(
      'bash',
      [join(root, 'scripts/image.sh'), '--insecure', '--rootfs', rootfs, ref],
      { env, timeout: BUILD_TIMEOUT_MS, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        if (error) fail(new Error(`image.sh: ${stderr || error.message}`));
        else done(stdout.trim());
      },
    );
  });
}

/** The Deployment the real CLI exports (its image tag is the package's version). */
async function exportedDeployment(): Promise<PodSpec> {
  const stdout = await new Promise<string>((done, fail) => {
    execFile(
      join(root, 'bin/moor'),
      ['install', '--export'],
      { timeout: 60_000, maxBuffer: 16 << 20 },
      (error, out, stderr) => (error ? fail(new Error(stderr || error.message)) : done(out)),
    );
  });
  const docs = parseAllDocuments(stdout).map((d) => d.toJS() as KubeObject);
  const deployment = docs.find((d) => d.kind === 'Deployment');
  assert.ok(deployment, 'install --export prints a Deployment');
  return (deployment.spec as { template: { spec: PodSpec } }).template.spec;
}

/** The final stage's USER, WORKDIR, ENV and ENTRYPOINT, as the image config spells them. */
async function dockerfileConfig(): Promise<{
  user: string;
  workdir: string;
  env: string[];
  entrypoint: string[];
}> {
  const text = await readFile(join(root, 'Dockerfile'), 'utf8');
  const finalStage = text.slice(text.lastIndexOf('\nFROM '));
  const line = (word: string): string => {
    const found = finalStage.split('\n').filter((l) => l.startsWith(`${word} `));
    assert.equal(found.length, 1, `the Dockerfile's final stage has one ${word}`);
    return found[0]!.slice(word.length + 1).trim();
  };
  return {
    user: line('USER'),
    workdir: line('WORKDIR'),
    env: line('ENV').split(/\s+/),
    entrypoint: JSON.parse(line('ENTRYPOINT')) as string[],
  };
}

void test(
  'the daemonless image runs as the Deployment says: its user, entrypoint, env and writable paths',
  { timeout: BUILD_TIMEOUT_MS + 60_000 },
  async (t) => {
    await using registry = await startTestRegistry();
    const work = await mkdtemp(join(tmpdir(), 'moor-image-test-'));
    t.after(() => rm(work, { recursive: true, force: true }));
    const rootfs = join(work, 'rootfs');
    const pod = await exportedDeployment();
    const container = pod.containers[0]!;
    const [repository, tag] = container.image.split(/:(?=[^:/]+$)/);
    assert.ok(repository && tag, container.image);
    const ref = `${registry.host}/moor:${tag}`;

    const digest = await buildImage(ref, rootfs);
    assert.match(digest, /^sha256:[0-9a-f]{64}$/);

    const manifest = JSON.parse(await crane(['manifest', '--insecure', ref])) as Manifest;
    assert.equal(manifest.mediaType, 'application/vnd.oci.image.manifest.v1+json');
    // base + app, or debian + base + node + tools + deps + app.
    assert.equal(manifest.layers.length, full ? 6 : 2);
    for (const layer of manifest.layers)
      assert.equal(layer.mediaType, 'application/vnd.oci.image.layer.v1.tar+gzip');
    const config = JSON.parse(await crane(['config', '--insecure', ref])) as ImageConfig;
    assert.equal(config.rootfs.diff_ids.length, manifest.layers.length);
    assert.deepEqual([config.os, config.architecture], ['linux', 'amd64']);

    // The pod runs as runAsUser, non-root: the image's user is that uid, and /etc/passwd knows it.
    const uid = pod.securityContext.runAsUser;
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.equal(config.config.User, `${uid}:${uid}`);
    assert.match(await readFile(join(rootfs, 'etc/passwd'), 'utf8'), new RegExp(`:${uid}:${uid}:`));

    // The Deployment gives no command, only `operator …` args: the entrypoint is the Moor CLI.
    assert.equal(container.command, undefined);
    assert.equal(container.args[0], 'operator');
    const [node, ...nodeArgs] = config.config.Entrypoint;
    assert.equal(node, '/usr/local/bin/node');
    const main = nodeArgs.at(-1)!;
    assert.ok((await stat(join(rootfs, main))).isFile(), `${main} is in the image`);
    assert.equal(config.config.Cmd, undefined);
    assert.equal(config.config.WorkingDir, '/app');
    assert.equal(config.config.Labels['org.opencontainers.image.version'], tag);

    // With a read-only root filesystem, every path the process writes is a mounted volume, and
    // each mount point exists in the image, writable by the pod's user.
    assert.equal(container.securityContext.readOnlyRootFilesystem, true);
    const mounts = container.volumeMounts.map((m) => m.mountPath);
    const env = new Map(
      config.config.Env.map((e) => [e.split('=')[0]!, e.slice(e.indexOf('=') + 1)]),
    );
    for (const name of ['HOME', 'MOOR_COMPILE_CACHE']) {
      const path = env.get(name);
      assert.ok(path, `${name} is set`);
      assert.ok(
        mounts.some((m) => path === m || path.startsWith(`${m}/`)),
        `${name}=${path} is under a mounted volume (${mounts.join(', ')})`,
      );
    }
    for (const mount of mounts) {
      const info = await stat(join(rootfs, mount));
      assert.ok(info.isDirectory(), `${mount} is a directory in the image`);
      const writable = info.uid === uid || (info.mode & 0o1777) === 0o1777;
      assert.ok(writable, `${mount} is writable by uid ${uid} (mode ${info.mode.toString(8)})`);
    }
    // Test files are not shipped.
    await assert.rejects(stat(join(rootfs, 'app/src/cli/install-manifests.test.ts')));

    // The Dockerfile declares the same contract.
    const docker = await dockerfileConfig();
    assert.equal(docker.user, config.config.User);
    assert.equal(docker.workdir, config.config.WorkingDir);
    assert.deepEqual(docker.entrypoint, config.config.Entrypoint);
    assert.deepEqual(docker.env.sort(), [...config.config.Env].sort());

    if (full) {
      // What the full image adds: Node, git, and the pinned programs where the CLI finds them.
      for (const path of ['usr/local/bin/node', 'usr/bin/git', 'app/.cache/bin/kustomize']) {
        assert.ok((await stat(join(rootfs, path))).isFile(), `${path} is in the image`);
      }
      assert.ok((await stat(join(rootfs, 'app/.cache/bin/helm'))).isFile());
      assert.ok((await stat(join(rootfs, 'app/node_modules/yaml'))).isDirectory());
    }
  },
);
