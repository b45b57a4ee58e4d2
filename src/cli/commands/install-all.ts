// `moor install --all`: everything but the CRDs (already applied and Established), server-side,
// one line per object; a second run says `unchanged` for each and changes no resourceVersion.
import type { KubeClient, KubeObject } from '../parts.ts';
import { FIELD_MANAGER, Labels } from '../parts.ts';
import { unwrapKube, type CliContext } from '../context.ts';
import { formatSubject } from '../errors.ts';
import { subjectOf } from '../objects.ts';

export type InstallOptions = {
  /**
   * Leave an object that carries a Sync's ownership labels to that Sync (`moor bootstrap git`
   * once Moor manages itself): applying it as field manager `moor` without those labels would
   * strip them, and the Sync applies the same manifests from Git anyway.
   */
  readonly leaveSyncOwned?: boolean;
};

/** The Sync (`NAMESPACE/NAME`) whose ownership labels `live` carries, if any. */
export function syncOwnerOf(live: KubeObject | undefined): string | undefined {
  const labels = live?.metadata.labels ?? {};
  const name = labels[Labels.syncName];
  const namespace = labels[Labels.syncNamespace];
  return name && namespace ? `${namespace}/${name}` : undefined;
}

export async function installRest(
  kube: KubeClient,
  ctx: CliContext,
  manifests: readonly KubeObject[],
  opts: InstallOptions = {},
): Promise<void> {
  for (const obj of manifests.filter((o) => o.kind !== 'CustomResourceDefinition')) {
    const subject = subjectOf(obj);
    const ref = { ...subject, apiVersion: obj.apiVersion };
    const before = unwrapKube(await kube.get(ref, ctx.signal), subject);
    const owner = opts.leaveSyncOwned ? syncOwnerOf(before) : undefined;
    if (owner) {
      ctx.stdout(`✔ ${formatSubject(subject)} left to Sync ${owner}\n`);
      continue;
    }
    const after = unwrapKube(
      await kube.apply(obj, { fieldManager: FIELD_MANAGER, force: true }, ctx.signal),
      subject,
    );
    const action = !before
      ? 'created'
      : before.metadata.resourceVersion === after.metadata.resourceVersion
        ? 'unchanged'
        : 'configured';
    ctx.stdout(`✔ ${formatSubject(subject)} ${action}\n`);
  }
}
