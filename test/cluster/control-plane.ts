// Starts and stops the local control plane: etcd, kube-apiserver, kube-controller-manager and
// the fakelet (a stand-in kubelet that makes pods run and become ready), all on loopback.
import { execFile, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createCerts, type CertPaths } from './certs.ts';

const runFile = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));

export type ControlPlane = {
  readonly stateDir: string;
  readonly kubeconfig: string;
  readonly server: string;
  readonly binDir: string;
  readonly pids: Readonly<Record<string, number>>;
};

type StartOptions = {
  readonly stateDir: string;
  readonly signal: AbortSignal;
  readonly log?: (line: string) => void;
};

const stateFile = (stateDir: string): string => join(stateDir, 'state.json');

/** Builds the binaries if the cache lacks them and returns the directory that holds them. */
export async function ensureBinaries(signal: AbortSignal): Promise<string> {
  const child = spawn('bash', [join(here, 'build.sh')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    signal,
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((done, fail) => {
    child.on('error', fail);
    child.on('close', done);
  });
  if (code !== 0) throw new Error(`test/cluster/build.sh exited with ${String(code)}`);
  const lines = out.trim().split('\n');
  const dir = lines[lines.length - 1];
  if (!dir) throw new Error('test/cluster/build.sh printed no binary directory');
  return dir;
}

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') done(address.port);
        else fail(new Error('no port'));
      });
    });
  });
}

function startProcess(binary: string, args: readonly string[], logPath: string): number {
  const fd = openSync(logPath, 'a');
  const child = spawn(binary, args, { detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${binary}`);
  return child.pid;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((done, fail) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        fail(signal.reason as Error);
      },
      { once: true },
    );
  });

type Tls = { readonly ca: Buffer; readonly cert: Buffer; readonly key: Buffer };

function httpsGet(
  url: string,
  tls: Tls,
  timeoutMs: number,
): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request(url, { ...tls, timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs}ms`)));
    req.on('error', fail);
    req.end();
  });
}

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  opts: {
    readonly timeoutMs: number;
    readonly signal: AbortSignal;
    readonly pid?: number;
    readonly logPath?: string;
  },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (opts.pid !== undefined && !alive(opts.pid)) {
      const tail = opts.logPath
        ? (await readFile(opts.logPath, 'utf8')).split('\n').slice(-15).join('\n')
        : '';
      throw new Error(`${what}: the process exited before it was ready\n${tail}`);
    }
    try {
      if (await check()) return;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(200, opts.signal);
  }
  throw new Error(`${what} was not ready within ${opts.timeoutMs}ms${last ? `: ${last}` : ''}`);
}

function kubeconfigYaml(server: string, certs: { ca: Buffer; cert: Buffer; key: Buffer }): string {
  const b64 = (b: Buffer): string => b.toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: moor-local',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${b64(certs.ca)}`,
    'users:',
    '- name: moor-admin',
    '  user:',
    `    client-certificate-data: ${b64(certs.cert)}`,
    `    client-key-data: ${b64(certs.key)}`,
    'contexts:',
    '- name: moor-local',
    '  context:',
    '    cluster: moor-local',
    '    user: moor-admin',
    'current-context: moor-local',
    '',
  ].join('\n');
}

async function readTls(certs: CertPaths): Promise<Tls> {
  const [ca, cert, key] = await Promise.all([
    readFile(certs.caCert),
    readFile(certs.adminCert),
    readFile(certs.adminKey),
  ]);
  return { ca, cert, key };
}

/** Reads a running control plane's state, or undefined when none answers in stateDir. */
export async function findRunning(stateDir: string): Promise<ControlPlane | undefined> {
  let state: ControlPlane;
  try {
    state = JSON.parse(await readFile(stateFile(stateDir), 'utf8')) as ControlPlane;
  } catch {
    return undefined;
  }
  if (!Object.values(state.pids).every(alive)) return undefined;
  try {
    const tls = await readTls(certPathsIn(join(stateDir, 'pki')));
    const res = await httpsGet(`${state.server}/readyz`, tls, 3000);
    return res.status === 200 ? state : undefined;
  } catch {
    return undefined;
  }
}

function certPathsIn(dir: string): CertPaths {
  return {
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    serverCert: join(dir, 'server.crt'),
    serverKey: join(dir, 'server.key'),
    adminCert: join(dir, 'admin.crt'),
    adminKey: join(dir, 'admin.key'),
    serviceAccountKey: join(dir, 'sa.key'),
    serviceAccountPub: join(dir, 'sa.pub'),
  };
}

/** What starting the API server needs from the rest of the control plane. */
type ApiServerStart = {
  readonly binDir: string;
  readonly clientPort: number;
  readonly certs: CertPaths;
  readonly tls: Tls;
  readonly logs: string;
  readonly pids: Record<string, number>;
  readonly signal: AbortSignal;
};

/** Attempts at a free port for the API server: another process may take the one picked first. */
const API_SERVER_PORT_ATTEMPTS = 3;

/**
 * Starts kube-apiserver on a free port and waits until it is ready; returns its URL. The port is
 * picked just before the start, and picked again when another process bound it in between.
 */
async function startApiServer(
  a: ApiServerStart,
  onServer: (server: string) => Promise<unknown>,
): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const apiPort = await freePort();
    const server = `https://127.0.0.1:${apiPort}`;
    const apiLog = join(a.logs, 'kube-apiserver.log');
    // A retry's log starts empty: the last attempt's bind error must not be read as this one's.
    if (attempt > 1) await writeFile(apiLog, '');
    try {
      a.pids['kube-apiserver'] = startProcess(
        join(a.binDir, 'kube-apiserver'),
        [
          `--etcd-servers=http://127.0.0.1:${a.clientPort}`,
          '--bind-address=127.0.0.1',
          '--advertise-address=127.0.0.1',
          `--secure-port=${apiPort}`,
          `--tls-cert-file=${a.certs.serverCert}`,
          `--tls-private-key-file=${a.certs.serverKey}`,
          `--client-ca-file=${a.certs.caCert}`,
          '--authorization-mode=Node,RBAC',
          `--service-account-issuer=${server}`,
          `--service-account-key-file=${a.certs.serviceAccountPub}`,
          `--service-account-signing-key-file=${a.certs.serviceAccountKey}`,
          '--service-cluster-ip-range=10.0.0.0/24',
          '--allow-privileged=true',
          '--enable-priority-and-fairness=false',
          '--max-requests-inflight=2000',
          '--max-mutating-requests-inflight=1000',
          '--endpoint-reconciler-type=none',
          '--v=0',
        ],
        apiLog,
      );
      await onServer(server);
      await waitFor(
        'kube-apiserver',
        async () => (await httpsGet(`${server}/readyz`, a.tls, 3000)).status === 200,
        { timeoutMs: 90_000, signal: a.signal, pid: a.pids['kube-apiserver'], logPath: apiLog },
      );
      return server;
    } catch (error) {
      const taken = /address already in use/.test((error as Error).message);
      if (!taken || attempt >= API_SERVER_PORT_ATTEMPTS) throw error;
    }
  }
}

/**
 * Starts a control plane whose state lives in stateDir. The processes are detached: they keep
 * running after this process exits, until stopControlPlane(stateDir).
 */
export async function startControlPlane(opts: StartOptions): Promise<ControlPlane> {
  const log = opts.log ?? (() => undefined);
  const stateDir = resolve(opts.stateDir);
  const running = await findRunning(stateDir);
  if (running) {
    log(`control plane already running at ${running.server}`);
    return running;
  }
  await stopControlPlane(stateDir);
  const binDir = await ensureBinaries(opts.signal);
  const pki = join(stateDir, 'pki');
  const logs = join(stateDir, 'logs');
  await mkdir(pki, { recursive: true });
  await mkdir(logs, { recursive: true });
  const certs = await createCerts(pki, opts.signal);
  const tls = await readTls(certs);
  const pids: Record<string, number> = {};
  const save = async (server: string, kubeconfig: string): Promise<ControlPlane> => {
    const state: ControlPlane = { stateDir, kubeconfig, server, binDir, pids };
    await writeFile(stateFile(stateDir), JSON.stringify(state, null, 2));
    return state;
  };

  try {
    const [clientPort, peerPort] = [await freePort(), await freePort()];
    const etcdLog = join(logs, 'etcd.log');
    pids.etcd = startProcess(
      join(binDir, 'etcd'),
      [
        '--name=moor',
        `--data-dir=${join(stateDir, 'etcd')}`,
        `--listen-client-urls=http://127.0.0.1:${clientPort}`,
        `--advertise-client-urls=http://127.0.0.1:${clientPort}`,
        `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
        `--initial-cluster=moor=http://127.0.0.1:${peerPort}`,
        '--unsafe-no-fsync',
        '--quota-backend-bytes=8589934592',
        '--log-level=warn',
      ],
      etcdLog,
    );
    const kubeconfig = join(stateDir, 'kubeconfig');
    await save('', kubeconfig);
    await waitFor(
      'etcd',
      async () => {
        const res = await fetch(`http://127.0.0.1:${clientPort}/health`, {
          signal: AbortSignal.timeout(2000),
        });
        return res.ok && ((await res.json()) as { health?: string }).health === 'true';
      },
      { timeoutMs: 30_000, signal: opts.signal, pid: pids.etcd, logPath: etcdLog },
    );
    log('etcd is healthy');

    const server = await startApiServer(
      { binDir, clientPort, certs, tls, logs, pids, signal: opts.signal },
      (url) => save(url, kubeconfig),
    );
    await writeFile(kubeconfig, kubeconfigYaml(server, tls), { mode: 0o600 });
    log(`kube-apiserver is ready at ${server}`);

    const kcmLog = join(logs, 'kube-controller-manager.log');
    pids['kube-controller-manager'] = startProcess(
      join(binDir, 'kube-controller-manager'),
      [
        `--kubeconfig=${kubeconfig}`,
        `--authentication-kubeconfig=${kubeconfig}`,
        `--authorization-kubeconfig=${kubeconfig}`,
        '--leader-elect=false',
        '--secure-port=0',
        '--controllers=*,-nodelifecycle,-cloud-node-lifecycle,-nodeipam,-route,-service-lb-controller',
        `--service-account-private-key-file=${certs.serviceAccountKey}`,
        `--root-ca-file=${certs.caCert}`,
        '--use-service-account-credentials=false',
        '--kube-api-qps=200',
        '--kube-api-burst=400',
        '--concurrent-deployment-syncs=10',
        '--concurrent-replicaset-syncs=10',
        '--concurrent-namespace-syncs=10',
        '--concurrent-gc-syncs=20',
        '--v=0',
      ],
      kcmLog,
    );
    const fakeletLog = join(logs, 'fakelet.log');
    pids.fakelet = startProcess(
      join(binDir, 'fakelet'),
      [`--kubeconfig=${kubeconfig}`],
      fakeletLog,
    );
    await save(server, kubeconfig);
    const kubectl = join(binDir, 'kubectl');
    await waitFor(
      'default service account and node',
      async () => {
        await runFile(
          kubectl,
          ['--kubeconfig', kubeconfig, 'get', 'serviceaccount', 'default', '-n', 'default'],
          {
            timeout: 10_000,
          },
        );
        await runFile(kubectl, ['--kubeconfig', kubeconfig, 'get', 'node', 'moor-node'], {
          timeout: 10_000,
        });
        return true;
      },
      {
        timeoutMs: 60_000,
        signal: opts.signal,
        pid: pids['kube-controller-manager'],
        logPath: kcmLog,
      },
    );
    log('kube-controller-manager and fakelet are running');
    return await save(server, kubeconfig);
  } catch (error) {
    await stopPids(pids);
    throw error;
  }
}

async function stopPids(pids: Readonly<Record<string, number>>): Promise<void> {
  // Reverse start order: the fakelet and controller manager first, etcd last.
  for (const name of Object.keys(pids).reverse()) {
    const pid = pids[name];
    if (pid === undefined || !alive(pid)) continue;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      continue;
    }
    const deadline = Date.now() + 10_000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (alive(pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

/** Stops whatever control plane runs from stateDir and removes its state. Harmless when none does. */
export async function stopControlPlane(stateDir: string): Promise<void> {
  try {
    const state = JSON.parse(await readFile(stateFile(stateDir), 'utf8')) as ControlPlane;
    await stopPids(state.pids);
  } catch {
    // no state: nothing runs
  }
  await rm(stateDir, { recursive: true, force: true });
}
