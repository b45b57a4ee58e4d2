// The GitRepository reconciler when the operator stops mid-fetch: nothing is written or announced.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import { err, type KubeObject, type Result } from '../core/index.ts';
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
