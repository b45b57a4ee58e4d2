// Image update automation end to end: a real registry on loopback, a real Git repository served
// over smart HTTP with basic auth, the real control plane and operator. Pushing tag 1.2.0 leads,
// with no manual step, to a commit changing exactly the marked lines, then to the Deployment
// running the new image.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { clusterTest as test } from '../helpers/cluster.ts';
import { pushTags } from '../helpers/crane.ts';
import { startHttpGitServer } from '../helpers/git-server.ts';
import {
  applyObject,
  conditionOf,
  getObject,
  gitRepository,
  secretObject,
  setUpScenario,
  sync,
  waitFor,
} from '../helpers/operator.ts';
import { startTestRegistry } from '../helpers/registry.ts';

const API = 'moor.dev/v1alpha1';

const deployment = (image: string, ns: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  # the image below is kept current by Moor
spec:
  replicas: 1
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: ${image} # {"$imagepolicy": "${ns}:web"}
        - name: sidecar
          image: "${image}"   # pinned by hand
`;

const settings = (ns: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  tag: "1.1.0" # {"$imagepolicy": "${ns}:web:tag"}
  color: blue
`;

const malformed = `apiVersion: v1
kind: ConfigMap
metadata:
  name: odd
data:
  tag: "0.0.1" # {"$imagepolicy": "not a policy"}
`;

/** A webhook sink on loopback: the JSON bodies Moor posts to it. */
async function startSink(): Promise<{
  url: string;
  bodies: Record<string, unknown>[];
  close(): Promise<void>;
}> {
  const bodies: Record<string, unknown>[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}/hook`,
    bodies,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const resource = (kind: string, ns: string, name: string, spec: Record<string, unknown>) => ({
  apiVersion: API,
  kind,
  metadata: { name, namespace: ns },
  spec,
});

test('a pushed tag becomes a commit of the marked lines, then the running image', async (t) => {
  const registry = await startTestRegistry();
  t.after(() => registry.close());
  await pushTags(registry.host, 'web', ['1.0.0', '1.1.0']);
  const image = `${registry.host}/web`;
  const prefix = 'op-image';
  // The namespace is known only after set-up: markers name it, so the files are written after.
  const { kube, ns, repo } = await setUpScenario(t, prefix, { 'README.md': 'images\n' });
  const first = await repo.commit({
    'deploy/app.yaml': deployment(`${image}:1.1.0`, ns),
    'deploy/settings.yaml': settings(ns),
    'deploy/odd.yaml': malformed,
  });
  const credentials = { username: 'bot', password: 'push-secret' };
  const server = await startHttpGitServer(repo, { basic: credentials });
  t.after(() => server.close());
  await applyObject(kube, secretObject(ns, 'git-auth', credentials));
  const sink = await startSink();
  t.after(() => sink.close());
  await applyObject(kube, resource('Provider', ns, 'sink', { type: 'webhook', address: sink.url }));
  await applyObject(
    kube,
    resource('Alert', ns, 'images', {
      providerRef: { name: 'sink' },
      events: ['ImageUpdated'],
      sources: [{ kind: 'ImageUpdateAutomation', name: '*' }],
    }),
  );
  await applyObject(
    kube,
    gitRepository(ns, 'app', {
      url: server.url,
      ref: { branch: 'main' },
      interval: '1m',
      secretRef: { name: 'git-auth' },
    }),
  );
  await applyObject(
    kube,
    sync(ns, 'app', {
      sourceRef: { name: 'app' },
      path: './deploy',
      targetNamespace: ns,
      interval: '1m',
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
    }),
  );
  await applyObject(
    kube,
    resource('ImageUpdateAutomation', ns, 'web', {
      sourceRef: { name: 'app' },
      interval: '1m',
      git: { commit: { author: { name: 'Moor', email: 'moor@example.invalid' } } },
      update: { path: './deploy' },
    }),
  );

  const imageOf = async () => {
    const d = await getObject(kube, 'apps/v1', 'Deployment', ns, 'web');
    const containers = (
      d?.spec as { template: { spec: { containers: { image: string }[] } } } | undefined
    )?.template.spec.containers;
    return containers?.map((c) => c.image);
  };
  await waitFor(
    'the Deployment at 1.1.0',
    async () => (await imageOf())?.[0] === `${image}:1.1.0`,
    120_000,
  );

  // Nothing to change yet: no commit, and the malformed marker is named with file:line.
  await waitFor(
    'the automation ran',
    async () => {
      const auto = await getObject(kube, API, 'ImageUpdateAutomation', ns, 'web');
      const ready = conditionOf(auto, 'Ready');
      if (!ready) return false;
      assert.equal(ready.reason, 'MalformedMarker', ready.message);
      assert.match(ready.message, /deploy\/odd\.yaml:6/);
      return true;
    },
    120_000,
  );
  assert.equal(await repo.revParse('HEAD'), first);

  // CI pushes 1.2.0 (and a prerelease the range leaves out).
  await pushTags(registry.host, 'web', ['1.2.0', '1.3.0-rc.1']);
  const pushedAt = Date.now();
  let pushed = '';
  await waitFor(
    'a commit from the automation',
    async () => {
      pushed = await repo.revParse('HEAD');
      return pushed !== first;
    },
    120_000,
  );
  const diff = await repo.git('diff', '-U0', `${first}`, pushed);
  const changed = diff.split('\n').filter((l) => /^[-+][^-+]/.test(l));
  assert.deepEqual(changed, [
    `-          image: ${image}:1.1.0 # {"$imagepolicy": "${ns}:web"}`,
    `+          image: ${image}:1.2.0 # {"$imagepolicy": "${ns}:web"}`,
    `-  tag: "1.1.0" # {"$imagepolicy": "${ns}:web:tag"}`,
    `+  tag: "1.2.0" # {"$imagepolicy": "${ns}:web:tag"}`,
  ]);
  const message = await repo.git('log', '-1', '--format=%an <%ae>%n%B', pushed);
  assert.match(message, /^Moor <moor@example.invalid>/);
  assert.match(message, /deploy\/app\.yaml:16: .*:1\.1\.0 → .*:1\.2\.0/);
  assert.match(message, /deploy\/settings\.yaml:6: 1\.1\.0 → 1\.2\.0/);
  assert.doesNotMatch(await repo.git('show', `${pushed}:deploy/odd.yaml`), /1\.2\.0/);

  // The GitRepository fetched at once and the Sync rolled the new image out.
  await waitFor(
    'the Deployment at 1.2.0',
    async () => (await imageOf())?.[0] === `${image}:1.2.0`,
    120_000,
  );
  t.diagnostic(`registry push → Deployment at 1.2.0: ${Date.now() - pushedAt} ms`);
  assert.equal((await imageOf())?.[1], `${image}:1.1.0`);
  await waitFor('the ImageUpdated alert', () => sink.bodies.length > 0, 60_000);
  const alert = sink.bodies[0] as {
    event: string;
    revision: string;
    message: string;
    source: { kind: string };
  };
  assert.equal(alert.event, 'ImageUpdated');
  assert.equal(alert.source.kind, 'ImageUpdateAutomation');
  assert.equal(alert.revision, `main@sha1:${pushed}`);
  assert.match(alert.message, /web:1\.1\.0 → .*web:1\.2\.0/);
  const policy = await getObject(kube, API, 'ImagePolicy', ns, 'web');
  const status = policy?.status as { latestRef: { tag: string }; previousRef: { tag: string } };
  assert.equal(status.latestRef.tag, '1.2.0');
  assert.equal(status.previousRef.tag, '1.1.0');
  const auto = await getObject(kube, API, 'ImageUpdateAutomation', ns, 'web');
  assert.equal((auto?.status as { lastPushCommit: string }).lastPushCommit, pushed);
  const scanned = await getObject(kube, API, 'ImageRepository', ns, 'web');
  assert.equal(
    (scanned?.status as { lastScanResult: { tagCount: number } }).lastScanResult.tagCount,
    4,
  );
});

test('a registry with basic auth: a wrong password is a clear condition, the right one scans', async (t) => {
  const credentials = { username: 'ci', password: 'reg-s3cret' };
  const registry = await startTestRegistry({ auth: credentials });
  t.after(() => registry.close());
  await pushTags(registry.host, 'team/api', ['0.1.0', '0.2.0', '0.3.0'], credentials);
  const { kube, ns } = await setUpScenario(t, 'op-image-auth', { 'README.md': 'x\n' });
  const dockerConfig = (password: string) =>
    JSON.stringify({
      auths: {
        [registry.host]: {
          auth: Buffer.from(`${credentials.username}:${password}`).toString('base64'),
        },
      },
    });
  const secret = (password: string) => ({
    ...secretObject(ns, 'registry', { '.dockerconfigjson': dockerConfig(password) }),
    type: 'kubernetes.io/dockerconfigjson',
  });
  await applyObject(kube, secret('wrong-one'));
  const spec = {
    image: `${registry.host}/team/api`,
    interval: '1s',
    insecure: true,
    secretRef: { name: 'registry' },
  };
  await applyObject(kube, resource('ImageRepository', ns, 'api', spec));
  await waitFor(
    'Ready=False AuthenticationFailed',
    async () => {
      const repo = await getObject(kube, API, 'ImageRepository', ns, 'api');
      const ready = conditionOf(repo, 'Ready');
      if (ready?.reason !== 'AuthenticationFailed') return false;
      assert.equal(ready.status, 'False');
      assert.match(
        ready.message,
        new RegExp(`${registry.host}/team/api: the registry refused the credentials \\(401\\)`),
      );
      assert.doesNotMatch(JSON.stringify(repo?.status), /wrong-one/);
      return true;
    },
    120_000,
  );
  await applyObject(kube, secret(credentials.password));
  await waitFor(
    'a scan with the right password',
    async () => {
      const repo = await getObject(kube, API, 'ImageRepository', ns, 'api');
      const status = repo?.status as {
        lastScanResult?: { tagCount: number; latestTags: string[] };
      };
      if (conditionOf(repo, 'Ready')?.status !== 'True') return false;
      assert.equal(status.lastScanResult?.tagCount, 3);
      assert.deepEqual(status.lastScanResult?.latestTags, ['0.3.0', '0.2.0', '0.1.0']);
      return true;
    },
    120_000,
  );
});
