// `moor install --all`: everything but the CRDs (already applied and Established), server-side,
// one line per object; a second run says `unchanged` for each and changes no resourceVersion.
import type { KubeClient, KubeObject } from '../parts.ts';
import { FIELD_MANAGER } from '../parts.ts';
import { unwrapKube, type CliContext } from '../context.ts';
import { formatSubject } from '../errors.ts';
import { subjectOf } from '../objects.ts';

export async function installRest(
  kube: KubeClient,
  ctx: CliContext,
  manifests: readonly KubeObject[],
): Promise<void> {
  for (const obj of manifests.filter((o) => o.kind !== 'CustomResourceDefinition')) {
    const subject = subjectOf(obj);
    const ref = { ...subject, apiVersion: obj.apiVersion };
    const before = unwrapKube(await kube.get(ref, ctx.signal), subject);
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
