/**
 * What the dashboard's write buttons, history diff and preview do (ADR 0030), through the same
 * functions as the CLI: `suspendPatch` (`moor suspend|resume sync`), `pinPatch`/`unpinPatch`
 * (`moor rollback sync --pin --to`, `--unpin`), `previewSync` (`moor diff sync --ref`), and the
 * durable history (`moor history`). Writes go through the write-gated client; a standby refuses
 * them before asking it.
 */
import { API_GROUP_VERSION, Kinds } from '../api/index.ts';
import { err, ok, pinPatch, suspendPatch, unpinPatch, type Result } from '../core/index.ts';
import type { GitClient } from '../git/index.ts';
import type { KubeClient } from '../kube/index.ts';
import type { KustomizeSettings } from '../render/index.ts';
import {
  shortRevision,
  type ActionFailure,
  type DashboardActions,
  type HistoryEntryView,
  type PreviewView,
} from '../server/index.ts';
import { diffHistoryEntries, HistoryEntryNotFound } from './history/diff.ts';
import type { HistoryRecord, HistoryRing } from './history/record.ts';
import { readHistory } from './history/store.ts';
import { previewSync, type Preview, type PreviewError } from './preview/index.ts';
import type { Informer } from './informer.ts';

/** A preview fetches, renders and dry-runs: one at a time, and never for longer than this. */
const PREVIEW_TIMEOUT_MS = 120_000;
const FULL_SHA = /(?:^|@sha1:)([0-9a-f]{40})$/;

export type ActionDeps = {
  /** The write-gated client: a standby's writes are refused by it too. */
  readonly kube: KubeClient;
  /** Reads (the history, the preview's fetch and dry-run) need no lead. */
  readonly reader: KubeClient;
  readonly syncs: Pick<Informer, 'get'>;
  readonly leading: () => boolean;
  readonly preview: {
    readonly git: GitClient;
    readonly kustomize: KustomizeSettings;
    readonly allowFileUrls: boolean;
  };
};

const fail = (code: ActionFailure['code'], message: string) =>
  err<ActionFailure>({ code, message });
const subjectOf = (namespace: string, name: string) => `Sync/${namespace}/${name}`;
const refOf = (namespace: string, name: string) => ({
  apiVersion: API_GROUP_VERSION,
  kind: Kinds.Sync,
  namespace,
  name,
});

function entryOf(r: HistoryRecord): HistoryEntryView {
  return {
    revision: shortRevision(r.revision),
    revisionFull: r.revision,
    startedAt: r.startedAt,
    result: r.result,
    author: r.commit?.author ?? '',
    message: r.commit?.message ?? r.message ?? '',
  };
}

function previewViewOf(p: Preview): PreviewView {
  return {
    revision: p.revision,
    create: p.create,
    change: p.change,
    prune: p.prune,
    unchanged: p.unchanged,
    failed: p.failed,
  };
}

function previewFailure(e: PreviewError): ActionFailure {
  const code = e.code === 'NotFound' ? 'NotFound' : e.code === 'Invalid' ? 'Invalid' : 'Failed';
  return { code, message: e.message };
}

type Helpers = {
  readonly history: (
    namespace: string,
    name: string,
    signal: AbortSignal,
  ) => Promise<Result<HistoryRing, ActionFailure>>;
  readonly patch: (
    namespace: string,
    name: string,
    body: Record<string, unknown>,
    signal: AbortSignal,
  ) => Promise<Result<void, ActionFailure>>;
};

/** Pins the Sync to the revision of the history entry started at `startedAt`, as `--pin --to`. */
async function rollbackTo(
  deps: ActionDeps,
  { history, patch }: Helpers,
  { namespace, name, startedAt, by }: Parameters<DashboardActions['rollbackTo']>[0],
  signal: AbortSignal,
): Promise<Result<string, ActionFailure>> {
  const subject = subjectOf(namespace, name);
  const sync = deps.syncs.get(namespace, name);
  if (sync === undefined) return fail('NotFound', `${subject} not found`);
  const ring = await history(namespace, name, signal);
  if (!ring.ok) return ring;
  const at = Date.parse(startedAt);
  const record = ring.value.records.find((r) => Date.parse(r.startedAt) === at);
  if (record === undefined || Number.isNaN(at))
    return fail(
      'NotFound',
      `${subject}: no apply started at ${JSON.stringify(startedAt)} in its history`,
    );
  const sha = FULL_SHA.exec(record.revision)?.[1];
  if (sha === undefined)
    return fail('Invalid', `${subject}: ${record.revision} has no full commit sha to pin`);
  if (record.result === 'Failed')
    return fail(
      'Conflict',
      `${subject}: the apply of ${shortRevision(record.revision)} failed; pick one that succeeded`,
    );
  const current = (sync.status as { lastAppliedRevision?: unknown } | undefined)
    ?.lastAppliedRevision;
  if (typeof current === 'string' && FULL_SHA.exec(current)?.[1] === sha)
    return fail(
      'Conflict',
      `${subject}: ${shortRevision(record.revision)} is the revision applied now`,
    );
  const reason = `rolled back from the dashboard by ${by.slice(0, 200)}`;
  const pinned = await patch(namespace, name, pinPatch(record.revision, reason), signal);
  return pinned.ok ? ok(record.revision) : pinned;
}

export function dashboardActions(deps: ActionDeps): DashboardActions {
  const { kube } = deps;
  let previewing = false;
  const history = async (
    namespace: string,
    name: string,
    signal: AbortSignal,
  ): Promise<Result<HistoryRing, ActionFailure>> => {
    const ring = await readHistory(deps.reader, { namespace, name }, signal);
    return ring.ok ? ok(ring.value) : fail('Failed', ring.error.message);
  };
  const patch = async (
    namespace: string,
    name: string,
    body: Record<string, unknown>,
    signal: AbortSignal,
  ) => {
    if (deps.syncs.get(namespace, name) === undefined)
      return fail('NotFound', `${subjectOf(namespace, name)} not found`);
    const patched = await kube.mergePatch(refOf(namespace, name), body, signal);
    return patched.ok ? ok(undefined) : fail('Failed', patched.error.message);
  };
  return {
    standby: () => !deps.leading(),
    setSuspended: (namespace, name, suspend, signal) =>
      patch(namespace, name, suspendPatch(suspend), signal),
    rollbackTo: (target, signal) => rollbackTo(deps, { history, patch }, target, signal),
    unpin: async (namespace, name, signal) => {
      const sync = deps.syncs.get(namespace, name);
      const pin = (sync?.spec as { pin?: { revision?: unknown } } | undefined)?.pin;
      if (sync !== undefined && typeof pin?.revision !== 'string')
        return fail('Conflict', `${subjectOf(namespace, name)} is not pinned`);
      return patch(namespace, name, unpinPatch(), signal);
    },
    historyDiff: async ({ namespace, name, from, to }, signal) => {
      if (deps.syncs.get(namespace, name) === undefined)
        return fail('NotFound', `${subjectOf(namespace, name)} not found`);
      const ring = await history(namespace, name, signal);
      if (!ring.ok) return ring;
      try {
        const d = diffHistoryEntries(ring.value, from, to, subjectOf(namespace, name));
        return ok({ ...d, from: entryOf(d.from), to: entryOf(d.to) });
      } catch (e) {
        if (e instanceof HistoryEntryNotFound) return fail('NotFound', e.message);
        throw e;
      }
    },
    preview: async ({ namespace, name, ref }, signal) => {
      if (deps.syncs.get(namespace, name) === undefined)
        return fail('NotFound', `${subjectOf(namespace, name)} not found`);
      if (previewing)
        return fail(
          'Busy',
          `preview of ${subjectOf(namespace, name)}: another preview is running; try again shortly`,
        );
      previewing = true;
      try {
        const bounded = AbortSignal.any([signal, AbortSignal.timeout(PREVIEW_TIMEOUT_MS)]);
        const p = await previewSync(
          { ...deps.preview, kube: deps.reader, signal: bounded },
          { namespace, name, state: { ref } },
        );
        return p.ok ? ok(previewViewOf(p.value)) : err(previewFailure(p.error));
      } finally {
        previewing = false;
      }
    },
  };
}
