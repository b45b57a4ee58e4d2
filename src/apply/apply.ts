/**
 * Executes a planned change set with server-side apply: validate everything first (dry-run), then
 * write stage by stage (waiting for CRDs to be Established in between), then prune.
 */
import pLimit from 'p-limit';
import { formatObjectId, objectIdOf, type KubeObject } from '../core/index.ts';
import type { ChangeEntry } from '../plan/index.ts';
import type { KubeError } from '../kube/index.ts';
import { parseApiVersion } from '../core/index.ts';
import { preflight, prepareDeferred, type Prepared, type PreflightFailure } from './preflight.ts';
import { stopAfterNoAnswer } from './no-answer.ts';
import { pruneObjects } from './prune.ts';
import {
  ApplyPhases,
  type ApplyDeps,
  type ApplyOutcome,
  type ApplyRequest,
  type Conflict,
} from './types.ts';
import { refOf, waitEstablished, waitGone } from './wait.ts';

const entryOf = (
  obj: KubeObject,
  action: ChangeEntry['action'],
  message: string,
  error?: KubeError,
): ChangeEntry => ({
  id: objectIdOf(obj),
  version: parseApiVersion(obj.apiVersion).version,
  action,
  message,
  ...(error ? { error } : {}),
});

function failedOutcome(
  req: ApplyRequest,
  phase: ApplyOutcome['phase'],
  failures: readonly PreflightFailure[],
  conflicts: Conflict[],
  done: ChangeEntry[] = [],
): ApplyOutcome {
  const failed = new Set(failures.map((f) => f.obj));
  const doneKeys = new Set(done.map((e) => formatObjectId(e.id)));
  const conflictKeys = new Set(conflicts.map((c) => formatObjectId(c.id)));
  const entries = [...done];
  for (const f of failures) entries.push(entryOf(f.obj, 'failed', f.message, f.error));
  for (const obj of req.stages.flat()) {
    const key = formatObjectId(objectIdOf(obj));
    if (failed.has(obj) || doneKeys.has(key)) continue;
    if (conflictKeys.has(key)) {
      const c = conflicts.find((x) => formatObjectId(x.id) === key);
      entries.push(
        entryOf(
          obj,
          'failed',
          `${key} is owned by Sync ${c?.owner.namespace}/${c?.owner.name}: conflict, not taken over`,
        ),
      );
    } else {
      entries.push(
        entryOf(obj, 'skipped', `${key}: not applied because other objects failed validation`),
      );
    }
  }
  return { entries, phase, ok: false, conflicts, applied: [] };
}

/** Validation passed but the caller's step before the writes failed: nothing was written. */
function calledOff(req: ApplyRequest): ApplyOutcome {
  const entries = req.stages
    .flat()
    .map((obj) =>
      entryOf(
        obj,
        'skipped',
        `${formatObjectId(objectIdOf(obj))}: not applied: the writes were called off`,
      ),
    );
  return { entries, phase: ApplyPhases.validate, ok: false, conflicts: [], applied: [] };
}

async function writeOne(
  p: Prepared,
  req: ApplyRequest,
  deps: ApplyDeps,
): Promise<{ entry: ChangeEntry; obj?: KubeObject }> {
  const key = formatObjectId(objectIdOf(p.obj));
  if (p.plan === 'none' && p.live)
    return { entry: entryOf(p.obj, 'unchanged', `${key} unchanged`), obj: p.live };
  if (p.plan === 'recreate' && p.live) {
    const deleted = await deps.kube.delete(
      refOf(p.obj),
      { propagationPolicy: 'Foreground' },
      deps.signal,
    );
    if (!deleted.ok)
      return {
        entry: entryOf(
          p.obj,
          'failed',
          `${key}: delete for recreate: ${deleted.error.message}`,
          deleted.error,
        ),
      };
    const gone = await waitGone(deps.kube, p.obj, {
      timeoutMs: req.timeoutMs,
      signal: deps.signal,
      clock: deps.clock,
    });
    if (!gone)
      return { entry: entryOf(p.obj, 'failed', `${key}: still being deleted for recreate`) };
  }
  const applied = await deps.kube.apply(
    p.obj,
    { fieldManager: req.fieldManager, force: true },
    deps.signal,
  );
  if (!applied.ok)
    return {
      entry: entryOf(p.obj, 'failed', `${key}: ${applied.error.message}`, applied.error),
    };
  const action = p.live && p.plan !== 'recreate' ? 'configured' : 'created';
  const suffix = p.plan === 'recreate' ? ' (recreated: immutable field changed)' : '';
  return { entry: entryOf(p.obj, action, `${key} ${action}${suffix}`), obj: applied.value };
}

export async function applyPlan(req: ApplyRequest, given: ApplyDeps): Promise<ApplyOutcome> {
  const deps = { ...given, kube: stopAfterNoAnswer(given.kube) };
  // Handled at once: the caller's step may fail while the validation still runs.
  const mayWrite = req.mayWrite?.catch(() => false);
  const checked = await preflight(req, deps);
  if (checked.failures.length > 0 || checked.conflicts.length > 0) {
    return failedOutcome(req, ApplyPhases.validate, checked.failures, checked.conflicts);
  }
  if (mayWrite && !(await mayWrite)) return calledOff(req);
  const limit = pLimit(deps.concurrency);
  const entries: ChangeEntry[] = [];
  const applied: KubeObject[] = [];
  const stages = [...new Set(checked.prepared.map((p) => p.stage))].sort((a, b) => a - b);
  for (const stage of stages) {
    let batch = checked.prepared.filter((p) => p.stage === stage);
    const deferred = batch.filter((p) => p.plan === 'deferred');
    if (deferred.length > 0) {
      const again = await Promise.all(
        deferred.map((p) => limit(() => prepareDeferred(p, req, deps))),
      );
      const failures = again.filter((r): r is PreflightFailure => 'message' in r);
      const conflicts = again.flatMap((r) => ('conflict' in r ? [r.conflict] : []));
      if (failures.length > 0 || conflicts.length > 0) {
        return failedOutcome(req, ApplyPhases.validate, failures, conflicts, entries);
      }
      batch = batch
        .filter((p) => p.plan !== 'deferred')
        .concat(again.filter((r): r is Prepared => 'plan' in r));
    }
    const written = await Promise.all(batch.map((p) => limit(() => writeOne(p, req, deps))));
    for (const w of written) {
      entries.push(w.entry);
      if (w.obj) applied.push(w.obj);
    }
    if (written.some((w) => w.entry.action === 'failed')) {
      return { entries, phase: ApplyPhases.apply, ok: false, conflicts: [], applied };
    }
    const crds = batch.map((p) => p.obj).filter((o) => o.kind === 'CustomResourceDefinition');
    const pending = await waitEstablished(deps.kube, crds, {
      timeoutMs: req.timeoutMs,
      signal: deps.signal,
      clock: deps.clock,
    });
    if (pending.length > 0) {
      const message = `CustomResourceDefinition ${pending.join(', ')} not Established within ${Math.round(req.timeoutMs / 1000)}s`;
      entries.push(
        ...crds
          .filter((c) => pending.includes(c.metadata.name ?? ''))
          .map((c) => entryOf(c, 'failed', message)),
      );
      return { entries, phase: ApplyPhases.apply, ok: false, conflicts: [], applied };
    }
  }
  const pruned = await pruneObjects(req, deps);
  entries.push(...pruned);
  const ok = !pruned.some((e) => e.action === 'failed');
  return { entries, phase: ok ? ApplyPhases.done : ApplyPhases.prune, ok, conflicts: [], applied };
}
