import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { runInProcess } from '../test-helpers.ts';

const sha = 'a'.repeat(40);

void test('create source git --export prints the GitRepository the flags describe', async () => {
  const cases: ReadonlyArray<{ args: string[]; metadata: object; spec: object }> = [
    {
      args: [
        'create',
        'source',
        'git',
        'repo',
        '--url',
        'https://example.com/r.git',
        '--branch',
        'main',
      ],
      metadata: { name: 'repo', namespace: 'default' },
      spec: { url: 'https://example.com/r.git', ref: { branch: 'main' }, interval: '1m' },
    },
    {
      args: [
        '-n',
        'infra',
        'create',
        'source',
        'git',
        'repo',
        '--url',
        'git@example.com:org/r.git',
        '--semver',
        '>=1.2.0 <2',
        '--interval',
        '30s',
        '--timeout',
        '2m',
        '--secret-ref',
        'creds',
        '--ignore',
        '*.md',
      ],
      metadata: { name: 'repo', namespace: 'infra' },
      spec: {
        url: 'git@example.com:org/r.git',
        ref: { semver: '>=1.2.0 <2' },
        interval: '30s',
        timeout: '2m',
        secretRef: { name: 'creds' },
        ignore: '*.md',
      },
    },
    {
      args: [
        'create',
        'source',
        'git',
        'pinned',
        '--url',
        'file:///srv/r',
        '--commit',
        sha,
        '--namespace',
        'x',
      ],
      metadata: { name: 'pinned', namespace: 'x' },
      spec: { url: 'file:///srv/r', ref: { commit: sha }, interval: '1m' },
    },
  ];
  for (const c of cases) {
    const run = await runInProcess([...c.args, '--export']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(parse(run.stdout), {
      apiVersion: 'moor.dev/v1alpha1',
      kind: 'GitRepository',
      metadata: c.metadata,
      spec: c.spec,
    });
  }
});

void test('create sync --export prints the Sync the flags describe', async () => {
  const cases: ReadonlyArray<{ args: string[]; spec: object }> = [
    {
      args: ['--source', 'repo'],
      spec: { sourceRef: { kind: 'GitRepository', name: 'repo' }, path: './', prune: false },
    },
    {
      args: ['--source', 'GitRepository/repo', '--path', './apps', '--prune', '--wait'],
      spec: {
        sourceRef: { kind: 'GitRepository', name: 'repo' },
        path: './apps',
        prune: true,
        wait: true,
      },
    },
    {
      args: [
        '--source',
        'flux-system/repo',
        '--interval',
        '5m',
        '--retry-interval',
        '30s',
        '--timeout',
        '2m',
        '--depends-on',
        'infra',
        'team/db',
        '--target-namespace',
        'apps',
        '--service-account',
        'deployer',
        '--force',
        '--drift-mode',
        'Alert',
        '--drift-alert-after',
        '10m',
      ],
      spec: {
        sourceRef: { kind: 'GitRepository', namespace: 'flux-system', name: 'repo' },
        path: './',
        prune: false,
        interval: '5m',
        retryInterval: '30s',
        timeout: '2m',
        dependsOn: [{ name: 'infra' }, { namespace: 'team', name: 'db' }],
        targetNamespace: 'apps',
        serviceAccountName: 'deployer',
        force: true,
        drift: { mode: 'Alert', alertAfter: '10m' },
      },
    },
    {
      args: ['--source', 'GitRepository/other/repo', '--drift-mode', 'Ignore'],
      spec: {
        sourceRef: { kind: 'GitRepository', namespace: 'other', name: 'repo' },
        path: './',
        prune: false,
        drift: { mode: 'Ignore' },
      },
    },
  ];
  for (const c of cases) {
    const run = await runInProcess(['create', 'sync', 'web', ...c.args, '--export']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(parse(run.stdout), {
      apiVersion: 'moor.dev/v1alpha1',
      kind: 'Sync',
      metadata: { name: 'web', namespace: 'default' },
      spec: c.spec,
    });
  }
});

void test('invalid flags exit 2 with a message naming the object and the flag', async () => {
  const git = ['create', 'source', 'git', 'repo', '--url', 'https://e.com/r'];
  const sync = ['create', 'sync', 'web', '--source', 'repo'];
  const cases: ReadonlyArray<[string[], RegExp]> = [
    [
      [...git, '--branch', 'main', '--tag', 'v1'],
      /GitRepository\/default\/repo: give exactly one of --branch, --tag, --semver, --commit \(got --branch, --tag\)/,
    ],
    [git, /GitRepository\/default\/repo: give exactly one of .* \(got none\)/],
    [
      [...git, '--commit', 'abc'],
      /GitRepository\/default\/repo: --commit: must be a full commit hash/,
    ],
    [[...git, '--semver', 'not a range'], /--semver: must be a semver range/],
    [[...git, '--branch', 'main', '--interval', 'soon'], /--interval: must be a Go duration/],
    [[...git, '--branch', 'main', '--interval', '0s'], /--interval: must be at least 1s/],
    [
      ['create', 'source', 'git', 'Repo', '--url', 'https://e.com/r', '--branch', 'main'],
      /GitRepository\/default\/Repo: name must be a lowercase DNS name/,
    ],
    [
      ['create', 'source', 'git', 'repo', '--branch', 'main'],
      /required option '--url <url>' not specified/,
    ],
    [
      [...sync, '--drift-mode', 'Sometimes'],
      /argument 'Sometimes' is invalid. Allowed choices are Correct, Alert, Ignore/,
    ],
    [
      [...sync, '--drift-alert-after', '5 minutes'],
      /Sync\/default\/web: --drift-alert-after: must be a Go duration/,
    ],
    [[...sync, '--interval', '0s'], /Sync\/default\/web: --interval: must be at least 1s/],
    [[...sync, '--retry-interval', '500ms'], /--retry-interval: must be at least 1s/],
    [
      ['create', 'sync', 'web', '--source', 'Bucket/ns/x'],
      /--source Bucket\/ns\/x: only GitRepository sources are supported/,
    ],
    [['create', 'sync', 'web', '--source', 'a/b/c/d'], /--source "a\/b\/c\/d": expected NAME/],
    [
      [...sync, '--depends-on', 'Bad_Name'],
      /Sync\/default\/web: --depends-on: must be a lowercase DNS name/,
    ],
    [['-n', 'Nope', ...sync], /Sync\/Nope\/web: namespace must be a lowercase DNS label/],
    [[...sync, '--bogus'], /unknown option '--bogus'/],
  ];
  for (const [args, message] of cases) {
    const run = await runInProcess([...args, '--export']);
    assert.equal(run.code, 2, args.join(' '));
    assert.match(run.stderr, message, args.join(' '));
    assert.equal(run.stdout, '', args.join(' '));
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  }
});

void test('an interval below the minimum is refused before anything is written', async () => {
  let connected = false;
  const connect = () => {
    connected = true;
    throw new Error('this test has no cluster');
  };
  const runs = [
    await runInProcess(['create', 'sync', 'web', '--source', 'repo', '--interval', '0s'], {
      connect,
    }),
    await runInProcess(
      ['create', 'source', 'git', 'repo', '--url', 'https://e.com/r', '--branch', 'main'].concat([
        '--interval',
        '0',
      ]),
      { connect },
    ),
  ];
  for (const run of runs) {
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--interval: must be at least 1s/);
  }
  assert.equal(connected, false, 'no connection to the cluster was made');
});

void test('create checks URL scheme, path and intervals before anything is written', async () => {
  const source = ['create', 'source', 'git', 'repo', '--branch', 'main'];
  const sync = ['create', 'sync', 'web', '--source', 'repo'];
  const cases: ReadonlyArray<[string[], RegExp]> = [
    [[...source, '--url', 'ftp://example.com/r.git'], /--url: .*unsupported scheme ftp:/],
    [[...source, '--url', 'example.com/r.git'], /--url: .*expected http\(s\):\/\//],
    [
      [...source, '--url', 'https://e.com/r', '--interval', '500ms'],
      /GitRepository\/default\/repo: --interval: must be at least 1s/,
    ],
    [
      [...source, '--url', 'https://e.com/r', '--interval', '0s'],
      /--interval: must be at least 1s/,
    ],
    [
      [...source, '--url', 'https://e.com/r', '--interval', 'soon'],
      /--interval: must be a Go duration/,
    ],
    [[...sync, '--path', '../other'], /Sync\/default\/web: --path: path \.\.\/other is outside/],
    [[...sync, '--path', '/etc'], /--path: path \/etc is outside/],
    [[...sync, '--interval', '100ms'], /Sync\/default\/web: --interval: must be at least 1s/],
    [[...sync, '--retry-interval', '10ms'], /--retry-interval: must be at least 1s/],
    [[...sync, '--wait', '--wait-timeout', 'later'], /--wait-timeout: invalid duration "later"/],
  ];
  for (const [args, message] of cases) {
    const run = await runInProcess(args);
    assert.equal(run.code, 2, args.join(' '));
    assert.match(run.stderr, message, args.join(' '));
    assert.doesNotMatch(run.stderr, /no cluster/, `${args.join(' ')}: refused before connecting`);
  }
  // What is valid still gets as far as the cluster (which this test does not have).
  const valid = await runInProcess([
    ...source,
    '--url',
    'https://e.com/r',
    '--interval',
    '1s',
    '--wait',
  ]);
  assert.match(valid.stderr, /no cluster/);
});
