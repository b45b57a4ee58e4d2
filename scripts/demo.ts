// The demo: a local control plane, a Git repository made from examples/demo, Moor installed and
// pointed at it, the operator running and its dashboard served on loopback. Prints what to try,
// then keeps the operator running until Ctrl-C (or, with --exit-when-converged, exits once both
// Syncs are Ready).
//
//   node scripts/demo.ts [--kubeconfig PATH] [--work-dir DIR] [--http-addr HOST:PORT]
//                        [--exit-when-converged]
import { execFile, spawn } from 'node:child_process';
import { cp, mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { startControlPlane } from '../test/cluster/control-plane.ts';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    kubeconfig: { type: 'string' },
    'work-dir': { type: 'string', default: join(root, '.cache', 'demo') },
    'exit-when-converged': { type: 'boolean', default: false },
    namespace: { type: 'string', default: 'default' },
    // Loopback only: the dashboard is served without tokens (--ui-insecure-local).
    'http-addr': { type: 'string', default: '127.0.0.1:9090' },
  },
});
const workDir = resolve(args['work-dir']);
const repo = join(workDir, 'repo');
const moor = join(root, 'bin', 'moor');
const say = (line: string): void => console.log(line);
const show = (path: string): string => relative(process.cwd(), path) || '.';

async function git(...argv: string[]): Promise<string> {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'Moor Demo',
    GIT_AUTHOR_EMAIL: 'demo@moor.invalid',
    GIT_COMMITTER_NAME: 'Moor Demo',
    GIT_COMMITTER_EMAIL: 'demo@moor.invalid',
  };
  const { stdout } = await run('git', ['-C', repo, ...argv], { env, timeout: 30_000 });
  return stdout.trim();
}

async function moorCli(kubeconfig: string, ...argv: string[]): Promise<void> {
  say(`$ moor ${argv.join(' ')}`);
  const { stdout } = await run(
    moor,
    ['--kubeconfig', kubeconfig, '--namespace', args.namespace, ...argv],
    {
      timeout: 240_000,
    },
  );
  if (stdout.trim()) say(stdout.trimEnd().replace(/^/gm, '  '));
}

/** The HTTP address the operator bound, from its `operator started` log line. */
async function boundAddress(path: string): Promise<string | undefined> {
  for (const line of (await readFile(path, 'utf8')).split('\n')) {
    if (!line.includes('"operator started"')) continue;
    try {
      const { http } = JSON.parse(line) as { http?: unknown };
      if (typeof http === 'string') return http;
    } catch {
      // not a JSON line
    }
  }
  return undefined;
}

/** Names the dashboard once it answered (a page) and listed the demo's Syncs (its JSON API). */
async function sayDashboard(http: string | undefined): Promise<void> {
  if (!http) return say('The operator did not log its HTTP address: no dashboard to show.');
  const get = (path: string) =>
    fetch(`http://${http}${path}`, { signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
  const page = await get('/ui/');
  const listed = await get(`/api/v1/syncs`);
  const text = listed?.ok ? await listed.text() : '';
  if (page?.ok && text.includes('"apps"'))
    say(`Dashboard (read-only, loopback, no token): http://${http}/ui/`);
  else say(`The dashboard at http://${http}/ui/ did not answer as it should (${page?.status}).`);
}

let kubeconfig = args.kubeconfig;
let binDir: string | undefined;
if (!kubeconfig) {
  say('Starting the local control plane (etcd, kube-apiserver, controller manager, fakelet)…');
  const cluster = await startControlPlane({
    stateDir: join(root, '.cache', 'cluster'),
    signal: AbortSignal.timeout(60 * 60_000),
    log: (l) => say(`  ${l}`),
  });
  kubeconfig = cluster.kubeconfig;
  binDir = cluster.binDir;
}

const exists = await stat(join(repo, '.git')).then(
  () => true,
  () => false,
);
if (!exists) {
  await mkdir(repo, { recursive: true });
  await cp(join(root, 'examples', 'demo'), repo, { recursive: true });
  await run('git', ['init', '-q', '-b', 'main', repo]);
  // So that `git commit` in the demo repository works for whoever tries it.
  await git('config', 'user.name', 'Moor Demo');
  await git('config', 'user.email', 'demo@moor.invalid');
  await git('add', '-A');
  await git('commit', '-qm', 'Demo: infrastructure and the web app');
}
say(`Git repository: ${show(repo)} at ${await git('rev-parse', '--short', 'HEAD')}`);

await moorCli(kubeconfig, 'install');
await mkdir(workDir, { recursive: true });
const logPath = join(workDir, 'operator.log');
await rm(logPath, { force: true });
const log = await open(logPath, 'a');
const operator = spawn(
  moor,
  [
    '--kubeconfig',
    kubeconfig,
    '--namespace',
    args.namespace,
    'operator',
    '--allow-file-urls',
    '--http-addr',
    args['http-addr'],
    '--ui-insecure-local',
    '--storage-path',
    join(workDir, 'artifacts'),
  ],
  { stdio: ['ignore', log.fd, log.fd] },
);
const stop = (): void => {
  operator.kill('SIGTERM');
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
say(`Operator running (pid ${operator.pid ?? '?'}), logs in ${show(logPath)}`);

try {
  // With the operator running, `create sync … --wait` returns once each Sync is Ready.
  await moorCli(
    kubeconfig,
    'create',
    'source',
    'git',
    'demo',
    '--url',
    `file://${repo}`,
    '--branch',
    'main',
    '--interval',
    '5s',
  );
  await moorCli(
    kubeconfig,
    'create',
    'sync',
    'infrastructure',
    '--source',
    'demo',
    '--path',
    './infrastructure',
    '--prune',
    '--wait',
    '--interval',
    '1m',
  );
  await moorCli(
    kubeconfig,
    'create',
    'sync',
    'apps',
    '--source',
    'demo',
    '--path',
    './apps',
    '--prune',
    '--wait',
    '--interval',
    '1m',
    '--depends-on',
    'infrastructure',
  );

  await moorCli(kubeconfig, 'reconcile', 'sync', 'apps', '--wait', '--timeout', '3m');
  await moorCli(kubeconfig, 'get', 'syncs');
  await sayDashboard(await boundAddress(logPath));
} catch (error) {
  say(`The demo did not converge: ${(error as { stderr?: string }).stderr ?? String(error)}`);
  say(`See ${show(logPath)}.`);
  stop();
  process.exitCode = 2;
}

if (args['exit-when-converged'] || process.exitCode) {
  stop();
} else {
  const kubectl = binDir ? join(binDir, 'kubectl') : 'kubectl';
  say('');
  say('Converged. Things to try in another terminal:');
  say(`  export KUBECONFIG=${kubeconfig}`);
  say(
    `  cd ${show(repo)} && sed -i 's/replicas: 2/replicas: 3/' apps/web/deployment.yaml && git commit -qam 'Scale web' && cd -`,
  );
  say(`  ${show(moor)} reconcile sync apps --wait          # or wait up to 5 s for the poll`);
  say(`  ${show(moor)} get syncs; ${show(moor)} status sync apps; ${show(moor)} events`);
  say(`  ${kubectl} -n demo get deploy,svc,cm`);
  say(
    'Press Ctrl-C to stop the operator (the control plane keeps running: npm run cluster:down stops it).',
  );
}
await new Promise<void>((done) => operator.on('close', () => done()));
await log.close();
