// Secret values never leave the operator: a Secret in Git (data and stringData) applied from a
// repository served over HTTP with a password and over SSH with a key, drifted by hand (Alert and
// Correct mode), then broken by a failing revision, with an Alert delivered to a loopback
// receiver. Everything the operator and the CLI emit is captured and searched for each secret
// value and its base64; git's command lines and environments are sampled while it runs, and the
// artifact and mirror dirs are searched for the Git credentials.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { moor } from '../cli/helpers.ts';
import { clusterTest as test, testCluster, testNamespace } from '../helpers/cluster.ts';
import { createTestRepo, startHttpGitServer, startSshGitServer } from '../helpers/git-server.ts';
import {
  findLeaks,
  findLeaksOnDisk,
  sampleProcesses,
  startWebhookReceiver,
  type Needle,
} from '../helpers/leak-scan.ts';
import {
  applyObject,
  conditionOf,
  configMapYaml,
  getObject,
  getSync,
  gitRepository,
  installCrds,
  secretObject,
  startOperator,
  sync,
  testKube,
  waitFor,
  waitSyncReady,
} from '../helpers/operator.ts';

const run = promisify(execFile);
const word = (prefix: string): string => `${prefix}-${randomBytes(9).toString('hex')}`;

function secretYaml(name: string, token: string, password: string): string {
  const b64 = Buffer.from(token).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    `  name: ${name}`,
    'type: Opaque',
    'data:',
    `  token: ${b64}`,
    'stringData:',
    `  password: ${JSON.stringify(password)}`,
    '',
  ].join('\n');
}

const moorObject = (kind: string, ns: string, name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'moor.dev/v1alpha1',
  kind,
  metadata: { name, namespace: ns },
  spec,
});

/** Lines of the private key's body: any of them in output would be a leaked key. */
function keyNeedles(identity: string): Needle[] {
  return identity
    .split('\n')
    .filter((line) => line.length >= 40 && !line.startsWith('-----'))
    .map((line, i) => ({ name: `ssh identity line ${i + 1}`, value: line }));
}

test(
  'no secret value reaches logs, events, status, the CLI, metrics, webhooks, argv, env or disk',
  {
    timeout: 240_000,
  },
  async (t) => {
    const kube = testKube();
    await installCrds(kube);
    const ns = await testNamespace(t, 'secrets');
    const values = {
      data: word('data-plain'),
      stringData: word('string-plain'),
      drift: word('drift-plain'),
      driftCorrected: word('corrected-plain'),
      failing: `${word('failing-plain')}!`,
      gitPassword: word('git-password'),
      hmacKey: word('hmac-key'),
      providerToken: word('provider-token'),
    };
    const repo = await createTestRepo({
      files: {
        'http/secret.yaml': secretYaml('app-http', values.data, values.stringData),
        'http/cm.yaml': configMapYaml('app-http', { color: 'blue' }),
        'ssh/secret.yaml': secretYaml('app-ssh', values.data, values.stringData),
      },
    });
    t.after(() => repo.close());
    const http = await startHttpGitServer(repo, {
      basic: { username: 'moor', password: values.gitPassword },
    });
    t.after(() => http.close());
    const ssh = await startSshGitServer(repo);
    t.after(() => ssh.close());
    const receiver = await startWebhookReceiver();
    t.after(() => receiver.close());
    // A Git host that refuses the token and echoes the request (Authorization included) back.
    const gitHost = await startWebhookReceiver('127.0.0.1', { echo: true });
    t.after(() => gitHost.close());
    const needles: Needle[] = [
      ...Object.entries(values).map(([name, value]) => ({ name, value })),
      { name: 'git basic credentials', value: `moor:${values.gitPassword}` },
      ...keyNeedles(ssh.identity),
    ];
    const credentials: Needle[] = [
      { name: 'gitPassword', value: values.gitPassword },
      { name: 'git basic credentials', value: `moor:${values.gitPassword}` },
      ...keyNeedles(ssh.identity),
    ];

    const storage = await mkdtemp(join(tmpdir(), 'moor-secrets-store-'));
    t.after(() => rm(storage, { recursive: true, force: true }));
    const operator = await startOperator({
      namespace: ns,
      httpAddr: '127.0.0.1:0',
      allowFileUrls: false,
      storagePath: storage,
    });
    t.after(() => operator.stop());
    const pid = operator.process.pid ?? 0;
    const sampler = sampleProcesses(pid, credentials);
    t.after(() => sampler.stop());

    await applyObject(
      kube,
      secretObject(ns, 'git-http', { username: 'moor', password: values.gitPassword }),
    );
    await applyObject(
      kube,
      secretObject(ns, 'git-ssh', { identity: ssh.identity, known_hosts: ssh.knownHosts }),
    );
    await applyObject(kube, secretObject(ns, 'hook', { hmacKey: values.hmacKey }));
    await applyObject(kube, secretObject(ns, 'host-token', { token: values.providerToken }));
    await applyObject(
      kube,
      moorObject('Provider', ns, 'status', {
        type: 'github',
        address: `${gitHost.url.replace(/\/hook$/, '')}/org/app`,
        secretRef: { name: 'host-token' },
      }),
    );
    await applyObject(kube, moorObject('Alert', ns, 'status', { providerRef: { name: 'status' } }));
    await applyObject(
      kube,
      moorObject('Provider', ns, 'receiver', {
        type: 'webhook',
        address: receiver.url,
        secretRef: { name: 'hook' },
      }),
    );
    await applyObject(
      kube,
      moorObject('Alert', ns, 'all', {
        providerRef: { name: 'receiver' },
        sources: [
          { kind: 'Sync', name: '*' },
          { kind: 'GitRepository', name: '*' },
        ],
      }),
    );
    const source = (name: string, url: string, secret: string) =>
      gitRepository(ns, name, { url, ref: { branch: 'main' }, secretRef: { name: secret } });
    await applyObject(kube, source('http', http.url, 'git-http'));
    await applyObject(kube, source('ssh', ssh.url, 'git-ssh'));
    const syncOf = (name: string, from: string, path: string, mode: string) =>
      sync(ns, name, {
        sourceRef: { name: from },
        path,
        targetNamespace: ns,
        interval: '1h',
        drift: { mode, alertAfter: '1s' },
      });
    await applyObject(kube, syncOf('alerting', 'http', './http', 'Alert'));
    await applyObject(kube, syncOf('correcting', 'ssh', './ssh', 'Correct'));
    const first = await repo.revParse('HEAD');
    await waitSyncReady(kube, ns, 'alerting', first, 90_000);
    await waitSyncReady(kube, ns, 'correcting', first, 90_000);

    const delivered = (event: string) => () =>
      receiver.requests.some((r) => r.includes(`"event":"${event}"`));
    const { kubectl, kubeconfig } = testCluster();
    const patchSecret = (name: string, patch: unknown) =>
      run(kubectl, [
        '--kubeconfig',
        kubeconfig,
        '-n',
        ns,
        'patch',
        'secret',
        name,
        '--type=merge',
        '-p',
        JSON.stringify(patch),
      ]);

    // Alert mode: the drift stays, is reported in status.drift and sent as Diverged.
    await patchSecret('app-http', {
      data: { token: Buffer.from(values.drift).toString('base64') },
    });
    await waitFor('Diverged delivered', delivered('Diverged'), 30_000);
    const drifted = await getSync(kube, ns, 'alerting');
    assert.match(JSON.stringify(drifted?.status), /app-http/, 'status.drift names the Secret');

    // Correct mode: put back at once, sent as DriftCorrected.
    await patchSecret('app-ssh', { stringData: { password: values.driftCorrected } });
    await waitFor('DriftCorrected delivered', delivered('DriftCorrected'), 30_000);

    // A failing revision: a Secret whose data is no base64, holding a value of its own.
    const failing = await repo.commit({
      'http/secret.yaml': [
        'apiVersion: v1',
        'kind: Secret',
        'metadata:',
        '  name: app-http',
        'data:',
        `  token: ${JSON.stringify(values.failing)}`,
        'stringData:',
        `  password: ${JSON.stringify(values.stringData)}`,
        '',
      ].join('\n'),
    });
    await waitFor(
      'the failing revision reported',
      async () => {
        const got = await getSync(kube, ns, 'alerting');
        const attempted = (got?.status as { lastAttemptedRevision?: string } | undefined)
          ?.lastAttemptedRevision;
        return (
          attempted?.endsWith(failing) === true && conditionOf(got, 'Ready')?.status === 'False'
        );
      },
      60_000,
    );
    await waitFor('ApplyFailed delivered', delivered('ApplyFailed'), 30_000);
    await waitFor(
      'the commit status refused, echoing the token',
      async () => {
        const provider = await getObject(kube, 'moor.dev/v1alpha1', 'Provider', ns, 'status');
        return gitHost.requests.length > 0 && conditionOf(provider, 'Ready')?.status === 'False';
      },
      60_000,
    );
    assert.match(gitHost.requests[0] ?? '', new RegExp(values.providerToken), 'the token was sent');

    // Capture everything a user or a scraper sees.
    const captured: Record<string, string> = {};
    for (const kind of ['Sync', 'GitRepository', 'Provider', 'Alert']) {
      for (const name of ['alerting', 'correcting', 'http', 'ssh', 'receiver', 'all', 'status']) {
        const obj = await getObject(kube, 'moor.dev/v1alpha1', kind, ns, name);
        if (obj) captured[`${kind}/${name}`] = JSON.stringify(obj);
      }
    }
    const events = await run(kubectl, [
      '--kubeconfig',
      kubeconfig,
      '-n',
      ns,
      'get',
      'events',
      '-o',
      'json',
    ]);
    captured.events = events.stdout;
    const cli = [
      ['status', 'sync', 'alerting'],
      ['status', 'sync', 'correcting'],
      ['status', 'sync', 'alerting', '-o', 'json'],
      ['get', 'syncs'],
      ['get', 'syncs', '-o', 'yaml'],
      ['get', 'sources', '-o', 'json'],
      ['events', '--limit', '0'],
      ['events', '-o', 'json'],
    ];
    for (const args of cli) {
      const out = await moor(['-n', ns, ...args]);
      captured[`moor ${args.join(' ')}`] = out.stdout + out.stderr;
    }
    const metrics = await fetch(`${await operator.httpUrl()}/metrics`);
    captured.metrics = await metrics.text();
    receiver.requests.forEach((body, i) => (captured[`webhook ${i}`] = body));
    await sampler.stop();
    captured.logs = await operator.logs();

    // The captures are about the Secret (so a leak would show), and hold none of its values.
    assert.match(captured.events, /ApplyFailed/);
    assert.match(captured['moor status sync alerting'] ?? '', /app-http/);
    assert.ok(receiver.requests.length >= 4, `${receiver.requests.length} webhook deliveries`);
    const leaks = Object.entries(captured).flatMap(([where, text]) =>
      findLeaks(where, text, needles),
    );
    assert.deepEqual(leaks, [], 'secret values in what the operator and the CLI emit');

    t.diagnostic(
      `${Object.keys(captured).length} captures, ${Object.values(captured).join('').length} characters; ` +
        `${sampler.samples()} process samples, ${sampler.gitSightings()} git/ssh sightings`,
    );
    assert.ok(sampler.gitSightings() > 0, `no git process seen in ${sampler.samples()} samples`);
    assert.deepEqual(sampler.leaks(), [], 'credentials in the argv or env of git and ssh');
    assert.deepEqual(
      await findLeaksOnDisk(storage, credentials),
      [],
      'credentials left readable on disk',
    );
  },
);
