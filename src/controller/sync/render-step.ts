// The render step of a Sync's reconcile: render the artifact with what the Sync reads from the
// cluster (variables, age identities, chart values), as data for decide when it fails.
import type { Sync } from '../../api/index.ts';
import type { RenderError } from '../../render/index.ts';
import type { StoredArtifact } from '../../source/index.ts';
import type { Clock } from '../types.ts';
import type { FailureCause, SyncOutcome } from './outcome.ts';
import { renderFailureReason } from './reasons.ts';
import { renderDesired, type RenderHandles, type Rendered } from './render.ts';
import type { RenderInputs } from './render-inputs.ts';
import type { SyncStatus } from './status.ts';

/** Renders the artifact for the Sync, with what it read from the cluster. */
export async function renderStep(
  deps: { readonly clock: Clock; readonly render: RenderHandles },
  sync: Sync,
  artifact: StoredArtifact,
  inputs: RenderInputs,
  signal: AbortSignal,
): Promise<{ value: Rendered; renderMs: number } | SyncOutcome> {
  const { revision } = artifact;
  const renderStarted = deps.clock.monotonic();
  const rendered = await renderDesired(
    {
      artifactDir: artifact.dir,
      digest: artifact.digest,
      path: sync.spec.path,
      targetNamespace: sync.spec.targetNamespace,
      syncName: sync.metadata.name,
      syncNamespace: sync.metadata.namespace ?? '',
      substitute: inputs.substitute,
      identities: inputs.identities,
      inputs: inputs.digest,
      helm: sync.spec.helm,
    },
    deps.render,
    signal,
  );
  if (!rendered.ok)
    return {
      kind: 'failed',
      reason: renderFailureReason(rendered.error.code),
      message: `revision ${revision}: ${rendered.error.message}`,
      cause: causeOfRender(rendered.error),
      extra: { lastAttemptedRevision: revision },
      announce: { event: 'ApplyFailed', revision },
    };
  return { value: rendered.value, renderMs: Math.round(deps.clock.monotonic() - renderStarted) };
}

/** The chart in use goes into the status with whatever the apply decides (spec.helm only). */
export function withChart<T extends { status: SyncStatus }>(start: T, helm: SyncStatus['helm']): T {
  const { helm: _previous, ...rest } = start.status;
  return { ...start, status: helm ? { ...rest, helm } : rest };
}

/** A render error as data: its code and the place in the artifact (`file`, `line`, `column`). */
function causeOfRender(error: RenderError): FailureCause {
  const { file, line, column } = error.data;
  const place = {
    ...(file === undefined ? {} : { file }),
    ...(line === undefined ? {} : { line }),
    ...(column === undefined ? {} : { column }),
  };
  return { code: error.code, data: place };
}
