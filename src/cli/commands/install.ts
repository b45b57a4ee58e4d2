// `moor install [--export]`: the CRDs, applied and Established; or every install manifest as YAML.
import { Option } from '@commander-js/extra-typings';
import { generateCrds, safeParseDuration } from '../parts-api.ts';
import { FIELD_MANAGER, type KubeObject, type KubeClient } from '../parts.ts';
import { connectWith, unwrapKube, type CliContext } from '../context.ts';
import { CliError } from '../errors.ts';
import { buildInstallManifests } from '../install-manifests.ts';
import { installRest, syncOwnerOf, type InstallOptions } from './install-all.ts';
import { conditionsOf } from '../objects.ts';
import { formatYamlDocuments } from '../output.ts';
import { pollUntil } from '../poll.ts';
import type { GroupCommand } from '../program.ts';

const CRD_API_VERSION = 'apiextensions.k8s.io/v1';
const CRD_KIND = 'CustomResourceDefinition';

export type InstallAction = 'created' | 'configured' | 'unchanged' | `left to Sync ${string}`;

export function registerInstallCommand(install: GroupCommand, ctx: CliContext): void {
  install
    .option('--export', 'print every install manifest as YAML instead of applying the CRDs')
    .option('--all', 'apply every install manifest (server-side), not only the CRDs')
    .option(
      '--cluster-admin',
      'let the operator itself apply any kind (Syncs without spec.serviceAccountName); default: least privilege',
    )
    .addOption(
      new Option('--timeout <duration>', 'how long to wait for the CRDs to be Established').default(
        '1m',
      ),
    )
    .action(async (opts, cmd) => {
      const manifests = () =>
        buildInstallManifests(ctx.version, { clusterAdmin: opts.clusterAdmin === true });
      if (opts.export) {
        ctx.stdout(formatYamlDocuments(manifests()));
        return;
      }
      const timeout = safeParseDuration(opts.timeout);
      if (!timeout.ok) throw new CliError(`--timeout: ${timeout.error.message}`);
      const kube = await connectWith(ctx, cmd.optsWithGlobals());
      await installCrds(kube, ctx, timeout.value);
      if (opts.all) await installRest(kube, ctx, manifests());
    });
}

/** Applies every CRD, then waits for each to be Established, printing one line per CRD. */
export async function installCrds(
  kube: KubeClient,
  ctx: CliContext,
  timeoutMs: number,
  opts: InstallOptions = {},
): Promise<void> {
  const crds = generateCrds();
  const actions = new Map<string, InstallAction>();
  for (const crd of crds) {
    actions.set(crd.metadata.name ?? '', await applyCrd(kube, crd, ctx.signal, opts));
  }
  for (const crd of crds) {
    const name = crd.metadata.name ?? '';
    const established = await pollUntil(
      async () => {
        const live = unwrapKube(
          await kube.get({ apiVersion: CRD_API_VERSION, kind: CRD_KIND, name }, ctx.signal),
        );
        return live && isEstablished(live) ? true : undefined;
      },
      { timeoutMs, intervalMs: 200, signal: ctx.signal, clock: ctx.clock },
    );
    if (!established) {
      throw new CliError(`${CRD_KIND}/${name} is not Established after ${timeoutMs / 1000}s`);
    }
    ctx.stdout(`✔ ${CRD_KIND}/${name} ${actions.get(name) ?? 'configured'}\n`);
  }
}

async function applyCrd(
  kube: KubeClient,
  crd: KubeObject,
  signal: AbortSignal,
  opts: InstallOptions,
): Promise<InstallAction> {
  const ref = { apiVersion: CRD_API_VERSION, kind: CRD_KIND, name: crd.metadata.name ?? '' };
  const before = unwrapKube(await kube.get(ref, signal));
  const owner = opts.leaveSyncOwned ? syncOwnerOf(before) : undefined;
  if (owner) return `left to Sync ${owner}`;
  const after = unwrapKube(
    await kube.apply(crd, { fieldManager: FIELD_MANAGER, force: true }, signal),
  );
  if (!before) return 'created';
  return before.metadata.resourceVersion === after.metadata.resourceVersion
    ? 'unchanged'
    : 'configured';
}

function isEstablished(crd: KubeObject): boolean {
  return conditionsOf(crd).some((c) => c.type === 'Established' && c.status === 'True');
}
