// `moor tree sync NAME [-o table|json|yaml]`: the Sync's objects and what they own, with health
// and drift per row. `moor trace KIND/NAME [-n NS] [-o …]`: which Sync, source and revision
// applied an object, and when.
import { Kinds, loadApi, loadController } from '../parts.ts';
import { connectWith, namespaceOf, unwrapKube, type CliContext } from '../context.ts';
import { CliError, notFoundError } from '../errors.ts';
import { refTo } from '../objects.ts';
import { formatData, outputOption, renderTable, truncate } from '../output.ts';
import type { GroupCommand } from '../program.ts';

type Node = Awaited<ReturnType<Awaited<ReturnType<typeof loadController>>['buildTree']>>[number];

const MESSAGE_WIDTH = 70;

function objectName(n: Node): string {
  const kind = n.group ? `${n.kind}.${n.group}` : n.kind;
  return n.namespace ? `${kind}/${n.namespace}/${n.name}` : `${kind}/${n.name}`;
}

function treeRows(nodes: readonly Node[], indent: string, out: string[][]): void {
  nodes.forEach((n, i) => {
    const last = i === nodes.length - 1;
    const branch = indent === '' ? '' : `${indent.slice(0, -3)}${last ? '└─ ' : '├─ '}`;
    out.push([
      `${branch}${objectName(n)}`,
      n.health,
      n.drift ?? '',
      truncate(n.message, MESSAGE_WIDTH),
    ]);
    treeRows(n.children, `${indent}${last || indent === '' ? '   ' : '│  '}`, out);
  });
}

/** The tree as a table: one row per object, owned objects indented below their owner. */
export function renderTree(nodes: readonly Node[]): string {
  const rows: string[][] = [];
  for (const n of nodes) treeRows([n], '', rows);
  return renderTable(['OBJECT', 'HEALTH', 'DRIFT', 'MESSAGE'], rows);
}

export function registerTreeCommands(tree: GroupCommand, ctx: CliContext): void {
  tree
    .command('sync')
    .description("the Sync's objects and what they own, with health and drift")
    .argument('<name>', 'name of the Sync')
    .addOption(outputOption())
    .action(async (name, opts, cmd) => {
      const globals = cmd.optsWithGlobals();
      const kube = await connectWith(ctx, globals);
      const ref = refTo(Kinds.Sync, namespaceOf(globals), name);
      const obj = unwrapKube(await kube.get(ref, ctx.signal), ref);
      if (!obj) throw notFoundError(ref);
      const { parseSync } = await loadApi();
      const sync = parseSync(obj);
      if (!sync.ok) throw new CliError(sync.error.message);
      const { gatherTree } = await loadController();
      const deps = { kube, now: ctx.clock.now(), signal: ctx.signal };
      const nodes = unwrapKube(await gatherTree(deps, sync.value));
      if (opts.output === 'table') {
        if (nodes.length === 0)
          ctx.stderr(`Sync ${ref.namespace}/${name} has applied nothing yet\n`);
        else ctx.stdout(renderTree(nodes));
      } else {
        ctx.stdout(
          formatData({ sync: { namespace: ref.namespace, name }, objects: nodes }, opts.output),
        );
      }
    });
}

export function registerTraceCommand(trace: GroupCommand, ctx: CliContext): void {
  trace
    .argument('<object>', 'KIND/NAME, e.g. deployment/web or Deployment.apps/web')
    .addOption(outputOption())
    .action(async (text, opts, cmd) => {
      const globals = cmd.optsWithGlobals();
      const { parseTraceQuery, traceObject } = await loadController();
      const query = parseTraceQuery(text, namespaceOf(globals));
      if (!query) throw new CliError(`${text}: expected KIND/NAME, e.g. deployment/web`);
      const kube = await connectWith(ctx, globals);
      const traced = await traceObject(kube, query, ctx.signal);
      if (!traced.ok) throw new CliError(traced.error.message, { cause: traced.error });
      const t = traced.value;
      if (opts.output !== 'table') {
        ctx.stdout(formatData(t, opts.output));
        return;
      }
      const lines = [
        ['Object', objectName({ ...t.object, health: '', message: '', children: [] })],
        ['Sync', `${t.sync.namespace}/${t.sync.name}`],
        [
          'Source',
          `${t.source.kind} ${t.source.namespace}/${t.source.name}${t.source.url ? ` (${t.source.url})` : ''}`,
        ],
        ['Revision', t.revision ?? '(none applied yet)'],
        ['Applied at', t.appliedAt ?? (t.live ? '(unknown)' : '(not live)')],
        ['Drift', t.drift],
      ];
      if (!t.labelsAgree && t.live)
        lines.push(['Warning', `its labels do not name Sync ${t.sync.namespace}/${t.sync.name}`]);
      const width = Math.max(...lines.map(([k]) => (k ?? '').length)) + 2;
      ctx.stdout(lines.map(([k, v]) => `${`${k}:`.padEnd(width)}${v}\n`).join(''));
    });
}
