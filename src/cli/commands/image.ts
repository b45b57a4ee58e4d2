// `moor get images [-A] [-o …]`: every ImageRepository, ImagePolicy and ImageUpdateAutomation, one
// row each; `moor reconcile image repository|policy|update NAME [--wait]`: scan, choose or run
// now.
import { Option } from '@commander-js/extra-typings';
import { API_GROUP_VERSION, Annotations, Kinds, loadApi, type KubeObject } from '../parts.ts';
import { connectWith, namespaceOf, unwrapKube, type CliContext } from '../context.ts';
import { CliError, formatSubject, notFoundError } from '../errors.ts';
import { conditionsOf, recordAt, refTo, sortObjects, stringAt } from '../objects.ts';
import { listOf, outputOption, renderOutput, renderTable, truncate } from '../output.ts';
import { pollUntil } from '../poll.ts';
import type { GroupCommand } from '../program.ts';

const IMAGE_KINDS = [Kinds.ImageRepository, Kinds.ImagePolicy, Kinds.ImageUpdateAutomation];

/** What the row's LATEST column says for each kind. */
function latestOf(obj: KubeObject): string {
  if (obj.kind === Kinds.ImageRepository) {
    const count = recordAt(obj, 'status', 'lastScanResult').tagCount;
    return typeof count === 'number' ? `${count} tags` : '';
  }
  if (obj.kind === Kinds.ImagePolicy) return stringAt(obj, 'status', 'latestRef', 'tag') ?? '';
  return (stringAt(obj, 'status', 'lastPushCommit') ?? '').slice(0, 12);
}

export function renderImagesTable(items: readonly KubeObject[], allNamespaces: boolean): string {
  const header = [...(allNamespaces ? ['NAMESPACE'] : []), 'NAME', 'READY', 'LATEST', 'MESSAGE'];
  const rows = items.map((obj) => {
    const ready = conditionsOf(obj).find((c) => c.type === 'Ready');
    return [
      ...(allNamespaces ? [obj.metadata.namespace ?? ''] : []),
      `${obj.kind}/${obj.metadata.name ?? ''}`,
      ready?.status ?? 'Unknown',
      latestOf(obj),
      truncate(ready?.message ?? '', 80),
    ];
  });
  return renderTable(header, rows);
}

export function registerGetImagesCommand(get: GroupCommand, ctx: CliContext): void {
  get
    .command('images')
    .description('list image repositories, policies and update automations')
    .option('-A, --all-namespaces', 'list across all namespaces')
    .addOption(outputOption())
    .action(async (opts, cmd) => {
      const globals = cmd.optsWithGlobals();
      const kube = await connectWith(ctx, globals);
      const namespace = namespaceOf(globals);
      const all = Boolean(opts.allNamespaces);
      const items: KubeObject[] = [];
      for (const kind of IMAGE_KINDS) {
        const scope = all ? {} : { namespace };
        const listed = unwrapKube(await kube.list(API_GROUP_VERSION, kind, scope, ctx.signal));
        items.push(...sortObjects(listed.items));
      }
      if (opts.output === 'table' && items.length === 0) {
        ctx.stderr(`no image resources found${all ? '' : ` in namespace ${namespace}`}\n`);
        return;
      }
      ctx.stdout(renderOutput(opts.output, listOf(items), () => renderImagesTable(items, all)));
    });
}

type ReconcileTarget = {
  readonly sub: string;
  readonly kind: string;
  readonly description: string;
  /** What the request line says was asked for. */
  readonly asked: string;
  readonly waitFor: string;
};

const RECONCILE_TARGETS: readonly ReconcileTarget[] = [
  {
    sub: 'repository',
    kind: Kinds.ImageRepository,
    description: 'scan an ImageRepository now',
    asked: 'scan',
    waitFor: 'the scan is done',
  },
  {
    sub: 'policy',
    kind: Kinds.ImagePolicy,
    description: "choose an ImagePolicy's latest image again (its digest read anew)",
    asked: 'policy evaluation',
    waitFor: 'the policy has chosen',
  },
  {
    sub: 'update',
    kind: Kinds.ImageUpdateAutomation,
    description: 'run an ImageUpdateAutomation now (check out, update, commit, push)',
    asked: 'update run',
    waitFor: 'the run is done',
  },
];

/** Annotates the object with a reconcile request and, with --wait, waits for its Ready. */
async function requestReconcile(
  target: ReconcileTarget,
  name: string,
  opts: { wait?: boolean; timeout: string },
  globals: Parameters<typeof connectWith>[1],
  ctx: CliContext,
): Promise<void> {
  const timeout = (await loadApi()).safeParseDuration(opts.timeout);
  if (!timeout.ok) throw new CliError(`--timeout: ${timeout.error.message}`);
  const kube = await connectWith(ctx, globals);
  const ref = refTo(target.kind, namespaceOf(globals), name);
  if (!unwrapKube(await kube.get(ref, ctx.signal), ref)) throw notFoundError(ref);
  const requestedAt = ctx.clock.now().toISOString();
  const patch = {
    metadata: { annotations: { [Annotations.reconcileRequestedAt]: requestedAt } },
  };
  unwrapKube(await kube.mergePatch(ref, patch, ctx.signal), ref);
  ctx.stdout(`► ${target.asked} requested for ${formatSubject(ref)}\n`);
  if (!opts.wait) return;
  const done = await pollUntil(
    async () => {
      const obj = unwrapKube(await kube.get(ref, ctx.signal), ref);
      if (!obj || stringAt(obj, 'status', 'lastHandledReconcileAt') !== requestedAt)
        return undefined;
      return conditionsOf(obj).find((c) => c.type === 'Ready');
    },
    { timeoutMs: timeout.value, intervalMs: 500, signal: ctx.signal, clock: ctx.clock },
  );
  if (!done)
    throw new CliError(`timed out after ${opts.timeout} waiting for ${formatSubject(ref)}`);
  if (done.status !== 'True') throw new CliError(`${formatSubject(ref)}: ${done.message}`);
  ctx.stdout(`✔ ${formatSubject(ref)}: ${done.message}\n`);
}

export function registerReconcileImageCommands(reconcile: GroupCommand, ctx: CliContext): void {
  const image = reconcile.command('image').description('request a reconcile of image automation');
  for (const target of RECONCILE_TARGETS)
    image
      .command(target.sub)
      .description(target.description)
      .argument('<name>', `name of the ${target.kind}`)
      .option('--wait', `block until ${target.waitFor}`)
      .addOption(new Option('--timeout <duration>', 'how long --wait waits').default('5m'))
      .action((name, opts, cmd) =>
        requestReconcile(target, name, opts, cmd.optsWithGlobals(), ctx),
      );
}
