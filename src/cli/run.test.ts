import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runInProcess } from './test-helpers.ts';

void test('exit codes: help and version are 0, usage errors 2, a failed connection 2 without a stack', async () => {
  const cases: ReadonlyArray<[string[], number, RegExp]> = [
    [['--help'], 0, /Usage: moor/],
    [[], 0, /^Usage: moor \[options\] \[command\][^]*Commands:\n +install/],
    [['--version'], 0, /^9\.9\.9-test\n$/],
    [['get', 'syncs', '--help'], 0, /--all-namespaces/],
    [['frobnicate'], 2, /unknown command 'frobnicate'/],
    [['get'], 2, /Usage: moor get/],
    [['get', 'syncs', '-o', 'xml'], 2, /Allowed choices are table, json, yaml/],
    [['operator', '--concurrency', '0'], 2, /--concurrency <n>' argument '0' is invalid/],
    [['reconcile', 'sync', 'web', '--timeout', 'soon'], 2, /--timeout: invalid duration "soon"/],
    [
      ['get', 'syncs', '--kubeconfig', '/nonexistent'],
      2,
      /cannot load \/nonexistent: this test has no cluster/,
    ],
  ];
  for (const [args, code, output] of cases) {
    const run = await runInProcess(args);
    assert.equal(run.code, code, args.join(' '));
    assert.match(run.stdout + run.stderr, output, args.join(' '));
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  }
});
