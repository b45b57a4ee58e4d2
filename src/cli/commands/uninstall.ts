// `moor uninstall`: removes what `moor install --all` applied, except the CRDs, and says what it
// leaves: the CRDs, the Moor resources in them, and everything those applied.
import { buildInstallManifests } from '../install-manifests.ts';
import { connectWith, unwrapKube, type CliContext } from '../context.ts';
import { formatSubject } from '../errors.ts';
import { subjectOf } from '../objects.ts';
import { API_GROUP_VERSION, Kinds, type KubeClient } from '../parts.ts';
import type { GroupCommand } from '../program.ts';

export function registerUninstallCommand(uninstall: GroupCommand, ctx: CliContext): void {
  uninstall.action(async (_opts, cmd) => {
    const kube = await connectWith(ctx, cmd.optsWithGlobals());
    const manifests = buildInstallManifests(ctx.version, { clusterAdmin: true })
      .filter((o) => o.kind !== 'CustomResourceDefinition')
      .reverse();
    for (const obj of manifests) {
      const subject = subjectOf(obj);
      const ref = { ...subject, apiVersion: obj.apiVersion };
      const res = unwrapKube(
        await kube.delete(ref, { propagationPolicy: 'Background' }, ctx.signal),
        subject,
      );
      if (res === 'deleted') ctx.stdout(`✔ ${formatSubject(subject)} deleted\n`);
    }
    await sayWhatIsLeft(kube, ctx);
  });
}

async function sayWhatIsLeft(kube: KubeClient, ctx: CliContext): Promise<void> {
  const counts: string[] = [];
  for (const kind of [Kinds.Sync, Kinds.GitRepository]) {
    const listed = await kube.list(API_GROUP_VERSION, kind, {}, ctx.signal);
    if (listed.ok) counts.push(`${listed.value.items.length} ${kind}`);
  }
  ctx.stdout(
    [
      `Left in place: the moor.dev CRDs and the resources in them (${counts.join(', ') || 'none listed'}), and every object those Syncs applied.`,
      'A Sync deleted without an operator running keeps its finalizer: delete Syncs (to delete what they applied) before uninstalling, or remove their moor.dev/finalizer by hand.',
      '',
    ].join('\n'),
  );
}
