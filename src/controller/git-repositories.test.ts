// The GitRepository reconciler without an API server: a fetch cut short by shutdown writes and
// announces nothing; a failed fetch's code becomes the reason of its Ready condition.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import { err, type Condition, type KubeObject, type Result } from '../core/index.ts';
import { GitError, type GitClient } from '../git/index.ts';
import type { KubeClient } from '../kube/index.ts';
import { createArtifactStore } from '../source/index.ts';
import type { EventRecorder } from './events.ts';
import { reconcileGitRepository } from './git-repositories.ts';

/** A client for a test without an API server: every call is recorded and fails. */
function recordingKube(calls: string[]): KubeClient {
  return new Proxy({} as KubeClient, {
    get: (_, verb) =>
      verb === 'requestCounts'
        ? new Map()
        : (..._args: unknown[]) => {
            calls.push(String(verb));
            return Promise.resolve(err(new Error('no API server in this test')));
          },
  });
}

/** A git run that answers only when the signal aborts, as `git` killed by a shutdown. */
const hang = <T>(what: string, url: string, signal: AbortSignal): Promise<Result<T, GitError>> =>
  new Promise((resolve) =>
    signal.addEventListener('abort', () =>
      resolve(err(new GitError('Aborted', `git ${what} ${url} aborted`, { url }))),
    ),
  );

/** Git whose network calls hang until the signal aborts. */
const hangingGit: GitClient = {
  listRemoteRefs: (url, _auth, signal) => hang('ls-remote', url, signal),
  fetchToMirror: (url, _auth, _target, signal) => hang('fetch', url, signal),
  fetchCommit: () => Promise.reject(new Error('not reached')),
  checkoutFromMirror: () => Promise.reject(new Error('not reached')),
  pushTag: () => Promise.reject(new Error('not reached')),
  pushRestoreCommit: () => Promise.reject(new Error('not reached')),
  updateBranch: () => Promise.reject(new Error('not reached')),
  compareToBranch: () => Promise.reject(new Error('not reached')),
};

test('a fetch cut short by shutdown is abandoned: no status, no event, no requeue', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'moor-gitrepo-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const kubeCalls: string[] = [];
  const recorded: string[] = [];
  const requeued: string[] = [];
  const events: EventRecorder = {
    record: (_about, type, reason, message) => recorded.push(`${type} ${reason}: ${message}`),
    flush: () => Promise.resolve(),
  };
  const obj: KubeObject = {
    apiVersion: 'moor.dev/v1alpha1',
    kind: 'GitRepository',
    metadata: { name: 'app', namespace: 'team-a', generation: 1, uid: 'u1' },
    spec: { url: 'https://git.example/app.git', ref: { branch: 'main' }, interval: '1m' },
  };
  const stopping = new AbortController();
  const result = reconcileGitRepository(
    obj,
    new Map(),
    {
      kube: recordingKube(kubeCalls),
      git: hangingGit,
      store: createArtifactStore(dir),
      artifacts: new Map(),
      allowFileUrls: false,
      clock: { now: () => new Date('2026-01-01T00:00:00Z') },
      random: () => 0.5,
      logger: pino({ level: 'silent' }),
      events,
      onArtifact: () => undefined,
      requeue: (key) => requeued.push(key),
      readSecret: () => Promise.resolve(undefined),
    },
    stopping.signal,
  );
  setTimeout(() => stopping.abort(), 20);
  assert.equal(await result, 'abandoned');
  assert.deepEqual(kubeCalls, [], 'no request to the API server');
  assert.deepEqual(recorded, [], 'no event');
  assert.deepEqual(requeued, [], 'not requeued');
});

/** A client that keeps each status patched, and answers like a server that is not there. */
function statusKube(statuses: Record<string, unknown>[]): KubeClient {
  return new Proxy({} as KubeClient, {
    get: (_, verb) =>
      verb === 'requestCounts'
        ? new Map()
        : (...args: unknown[]) => {
            if (verb === 'patchStatus') statuses.push(args[1] as Record<string, unknown>);
            return Promise.resolve(err(new Error('no API server in this test')));
          },
  });
}

/** Git whose fetches fail at once with `code`. */
const failingGit = (code: GitError['code']): GitClient => ({
  ...hangingGit,
  fetchToMirror: (url) =>
    Promise.resolve(err(new GitError(code, `git fetch ${url}: failed as ${code}`, { url }))),
});

const failures: [
  what: string,
  url: string,
  git: GitError['code'],
  reason: string,
  stalled: boolean,
][] = [
  ['an unreachable remote', 'https://git.example/app.git', 'Unreachable', 'Unreachable', false],
  [
    'refused credentials',
    'https://git.example/app.git',
    'Unauthorized',
    'AuthenticationFailed',
    false,
  ],
  ['a missing branch', 'https://git.example/app.git', 'RefNotFound', 'RefNotFound', false],
  // Refused before git runs (file:// without --allow-file-urls): what git would say does not
  // matter. URLs of other schemes never get this far: admission refuses them.
  ['a URL Moor refuses', 'file:///srv/git/app.git', 'Failed', 'InvalidUrl', true],
];

for (const [what, url, code, reason, stalled] of failures) {
  test(`${what}: Ready False for ${reason}${stalled ? ', Stalled, not retried' : ''}`, async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'moor-gitrepo-test-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const statuses: Record<string, unknown>[] = [];
    const recorded: string[] = [];
    const requeued: string[] = [];
    const obj: KubeObject = {
      apiVersion: 'moor.dev/v1alpha1',
      kind: 'GitRepository',
      metadata: { name: 'app', namespace: 'team-a', generation: 1, uid: 'u1' },
      spec: { url, ref: { branch: 'main' }, interval: '1m' },
    };
    const result = await reconcileGitRepository(
      obj,
      new Map(),
      {
        kube: statusKube(statuses),
        git: failingGit(code),
        store: createArtifactStore(dir),
        artifacts: new Map(),
        allowFileUrls: false,
        clock: { now: () => new Date('2026-01-01T00:00:00Z') },
        random: () => 0.5,
        logger: pino({ level: 'silent' }),
        events: {
          record: (_about, type, why) => recorded.push(`${type} ${why}`),
          flush: () => Promise.resolve(),
        },
        onArtifact: () => undefined,
        requeue: (key) => requeued.push(key),
        readSecret: () => Promise.resolve(undefined),
      },
      new AbortController().signal,
    );
    assert.equal(result, 'failure');
    const conditions = (statuses.at(-1)?.conditions ?? []) as Condition[];
    const ready = conditions.find((c) => c.type === 'Ready');
    assert.equal(ready?.status, 'False');
    assert.equal(ready?.reason, reason);
    assert.match(ready?.message ?? '', /^GitRepository\/team-a\/app: /);
    const stall = conditions.find((c) => c.type === 'Stalled');
    assert.equal(stall?.status, stalled ? 'True' : undefined);
    assert.deepEqual(recorded, [`Warning ${reason}`]);
    assert.deepEqual(requeued, stalled ? [] : ['team-a/app'], 'retried unless stalled');
  });
}
