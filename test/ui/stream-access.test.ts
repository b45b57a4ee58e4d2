// An open stream asks its permission questions again (as often as answers are cached): against
// the real control plane's TokenReview and SubjectAccessReview, revoking a RoleBinding while the
// stream is open stops what it sends about that namespace, and a token whose ServiceAccount is
// deleted gets a `denied` event and the stream ends.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Hono } from 'hono';
import { dashboardReviews } from '../../src/controller/dashboard.ts';
import { ok, type KubeObject } from '../../src/core/index.ts';
import type { KubeClient } from '../../src/kube/index.ts';
import {
  createAccess,
  mountDashboard,
  noActions,
  type DashboardChange,
  type DashboardData,
} from '../../src/server/dashboard/index.ts';
import { clusterTest as test, testCluster, testNamespace } from '../helpers/cluster.ts';
import { applyObject, testKube, waitFor } from '../helpers/operator.ts';

const run = promisify(execFile);
const TTL_MS = 1_000;

function syncIn(namespace: string, name: string): KubeObject {
  return { apiVersion: 'moor.dev/v1alpha1', kind: 'Sync', metadata: { namespace, name } };
}

async function readSyncs(kube: KubeClient, sa: { ns: string; name: string }, namespaces: string[]) {
  await applyObject(kube, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: sa.name, namespace: sa.ns },
  });
  for (const ns of namespaces) {
    await applyObject(kube, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'read-syncs', namespace: ns },
      rules: [{ apiGroups: ['moor.dev'], resources: ['syncs'], verbs: ['get', 'list'] }],
    });
    await applyObject(kube, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'read-syncs', namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read-syncs' },
      subjects: [{ kind: 'ServiceAccount', name: sa.name, namespace: sa.ns }],
    });
  }
  const { kubectl, kubeconfig } = testCluster();
  const args = ['--kubeconfig', kubeconfig, '-n', sa.ns, 'create', 'token', sa.name];
  return (await run(kubectl, args, { timeout: 30_000 })).stdout.trim();
}

function fleet() {
  const listeners = new Set<(c: DashboardChange) => void>();
  const data: DashboardData = {
    sources: () => [],
    syncs: () => [],
    sync: () => undefined,
    objects: () => Promise.resolve([]),
    object: () => Promise.resolve(undefined),
    events: () => Promise.resolve([]),
    onChange: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    resourceOf: () => Promise.resolve(undefined),
    requestReconcile: () => Promise.resolve(ok('')),
    actions: noActions(),
  };
  const emit = (obj: KubeObject) => {
    for (const l of listeners) l({ kind: 'Sync', type: 'upsert', obj });
  };
  return { data, emit };
}

test(
  'an open stream stops sending what a revoked RoleBinding no longer lets it read',
  { timeout: 120_000 },
  async (t) => {
    const kube = testKube();
    const kept = await testNamespace(t, 'ui-kept');
    const revoked = await testNamespace(t, 'ui-revoked');
    const token = await readSyncs(kube, { ns: kept, name: 'watcher' }, [kept, revoked]);
    const { data, emit } = fleet();
    const access = createAccess({
      reviews: dashboardReviews(kube),
      insecureLocal: false,
      now: () => performance.now(),
      ttlMs: TTL_MS,
    });
    const app = new Hono();
    mountDashboard(app, { data, access, logger: { warn: () => undefined } });
    const stop = new AbortController();
    t.after(() => stop.abort());
    const res = await app.request('/api/v1/stream', {
      headers: { Authorization: `Bearer ${token}` },
      signal: stop.signal,
    });
    assert.equal(res.status, 200);
    let text = '';
    let ended = false;
    void (async () => {
      for await (const chunk of res.body!.pipeThrough(new TextDecoderStream())) text += chunk;
      ended = true;
    })().catch(() => undefined);
    const seen = (name: string) => text.includes(`"name":"${name}"`);

    // Both namespaces readable: both changes arrive.
    await waitFor('the hello', () => Promise.resolve(text.includes('event: hello')), 10_000);
    emit(syncIn(revoked, 'before'));
    emit(syncIn(kept, 'kept-before'));
    await waitFor('both changes', () => Promise.resolve(seen('before') && seen('kept-before')));

    // The binding in one namespace goes; after the next re-check its changes stop.
    const binding = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      namespace: revoked,
      name: 'read-syncs',
    };
    assert.ok((await kube.delete(binding, {}, stop.signal)).ok);
    await new Promise((r) => setTimeout(r, 3 * TTL_MS));
    emit(syncIn(revoked, 'after'));
    emit(syncIn(kept, 'kept-after'));
    await waitFor('the change it may still read', () => Promise.resolve(seen('kept-after')));
    assert.ok(!seen('after'), `sent after the binding was revoked:\n${text}`);

    // The ServiceAccount goes: its token no longer passes the TokenReview; the stream ends.
    const sa = { apiVersion: 'v1', kind: 'ServiceAccount', namespace: kept, name: 'watcher' };
    assert.ok((await kube.delete(sa, {}, stop.signal)).ok);
    await waitFor(
      'the denied event',
      () => Promise.resolve(text.includes('event: denied')),
      30_000,
    );
    assert.match(text, /no longer valid/);
    await waitFor('the stream to end', () => Promise.resolve(ended), 10_000);
  },
);
