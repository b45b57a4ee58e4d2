// Helm for tests: the program `moor operator` would find, a wrapper that counts its runs, and a
// chart fixture (a CRD, a vendored dependency with Chart.lock, hooks) written into a repository.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findHelm } from '../../src/cli/helm-program.ts';

const run = promisify(execFile);

export function testHelm(): { helm?: string; skip?: string } {
  const found = findHelm({ searchPath: process.env.PATH });
  return found.path
    ? { helm: found.path }
    : { skip: `needs helm: run bash scripts/setup.sh (looked for ${found.lookedFor})` };
}

/** A helm that appends a line to a file for every run, then runs the real one. */
export async function countingHelm(
  dir: string,
  helm: string,
): Promise<{ path: string; runs: () => Promise<number> }> {
  const log = join(dir, 'helm-runs.log');
  const path = join(dir, 'helm');
  await writeFile(log, '');
  await writeFile(path, `#!/bin/sh\necho "$1" >> '${log}'\nexec '${helm}' "$@"\n`);
  await chmod(path, 0o755);
  const runs = async () => (await readFile(log, 'utf8')).split('\n').filter(Boolean).length;
  return { path, runs };
}

/** Runs helm with a private home (no repositories or caches of the host). */
export async function runHelm(helm: string, args: string[], home: string): Promise<string> {
  const env = {
    PATH: '/usr/bin:/bin',
    HOME: home,
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
  };
  const { stdout } = await run(helm, args, { env, timeout: 60_000 });
  return stdout;
}

/** The CRD the chart installs: named per test, so parallel tests do not share it. */
export const widgetCrdName = (group: string) => `widgets.${group}`;

/**
 * Writes `app/` (a chart with a CRD in crds/, a pre-install hook, a test hook and a dependency on
 * `lib/`, vendored as charts/lib-0.1.0.tgz with Chart.lock by `helm dependency update`).
 */
export async function writeAppChart(
  dir: string,
  helm: string,
  options: { group: string; version?: string },
): Promise<void> {
  const files: Record<string, string> = {
    'app/Chart.yaml': [
      'apiVersion: v2',
      'name: app',
      `version: ${options.version ?? '1.2.0'}`,
      'dependencies:',
      '  - name: lib',
      '    version: 0.1.0',
      '    repository: file://../lib',
      '',
    ].join('\n'),
    'app/values.yaml': 'greeting: hello\nreplicas: 1\nlib:\n  colour: blue\n',
    'app/crds/widgets.yaml': [
      'apiVersion: apiextensions.k8s.io/v1',
      'kind: CustomResourceDefinition',
      'metadata:',
      `  name: ${widgetCrdName(options.group)}`,
      'spec:',
      `  group: ${options.group}`,
      '  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}',
      '  scope: Namespaced',
      '  versions:',
      '    - name: v1',
      '      served: true',
      '      storage: true',
      '      schema:',
      '        openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}',
      '',
    ].join('\n'),
    'app/templates/config.yaml': [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: {{ .Release.Name }}-config',
      'data:',
      '  greeting: {{ .Values.greeting | quote }}',
      '  namespace: {{ .Release.Namespace | quote }}',
      '---',
      `apiVersion: ${options.group}/v1`,
      'kind: Widget',
      'metadata:',
      '  name: {{ .Release.Name }}-widget',
      'spec:',
      '  size: {{ .Values.replicas }}',
      '',
    ].join('\n'),
    'app/templates/hooks.yaml': [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: {{ .Release.Name }}-pre',
      '  annotations:',
      '    helm.sh/hook: pre-install,pre-upgrade',
      'data: {phase: pre}',
      '---',
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: {{ .Release.Name }}-test',
      '  annotations:',
      '    helm.sh/hook: test',
      'spec:',
      '  containers: [{name: t, image: busybox}]',
      '',
    ].join('\n'),
    'lib/Chart.yaml': 'apiVersion: v2\nname: lib\nversion: 0.1.0\n',
    'lib/values.yaml': 'colour: red\n',
    'lib/templates/cm.yaml': [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: {{ .Release.Name }}-lib',
      'data:',
      '  colour: {{ .Values.colour | quote }}',
      '',
    ].join('\n'),
  };
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  const home = join(dir, '..', `helm-home-${options.group}`);
  await runHelm(helm, ['dependency', 'update', join(dir, 'app')], home);
}

/** Packages chart `web` at each version into `dir` and indexes it (`helm package`, `helm repo index`). */
export async function writeWebRepository(
  dir: string,
  helm: string,
  versions: Record<string, { frozen: string }>,
): Promise<void> {
  const home = join(dir, '.helm-home');
  for (const [version, { frozen }] of Object.entries(versions)) {
    const src = join(dir, 'src', version);
    await mkdir(join(src, 'templates'), { recursive: true });
    await writeFile(join(src, 'Chart.yaml'), `apiVersion: v2\nname: web\nversion: ${version}\n`);
    await writeFile(
      join(src, 'templates', 'config.yaml'),
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata: {name: "{{ .Release.Name }}-info"}',
        'data: {version: "{{ .Chart.Version }}", colour: "{{ .Values.colour }}"}',
        '---',
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata: {name: "{{ .Release.Name }}-frozen"}',
        'immutable: true',
        `data: {v: "${frozen}"}`,
        '',
      ].join('\n'),
    );
    await writeFile(join(src, 'values.yaml'), 'colour: red\n');
    await runHelm(helm, ['package', src, '-d', join(dir, 'repo')], home);
  }
  await runHelm(helm, ['repo', 'index', join(dir, 'repo')], home);
}

/** Serves `dir` on loopback, only to `user:pass`; counts requests per path. */
export async function serveChartRepository(t: TestContext, dir: string) {
  const requests = new Map<string, number>();
  const expected = `Basic ${Buffer.from('user:pass').toString('base64')}`;
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    requests.set(path, (requests.get(path) ?? 0) + 1);
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="charts"' }).end();
      return;
    }
    readFile(join(dir, path.replace(/^\/+/, '').replaceAll('..', '')))
      .then((body) => res.writeHead(200).end(body))
      .catch(() => res.writeHead(404).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests };
}
