// `moor get sources|syncs [NAME] [-A] [-o table|json|yaml]`: one row per resource.
import { API_GROUP_VERSION, Kinds, type KubeObject } from '../parts.ts';
import { connectWith, namespaceOf, unwrapKube, type CliContext } from '../context.ts';
import { notFoundError } from '../errors.ts';
import { refTo, sortObjects, summarize, type TargetKind } from '../objects.ts';
import {
  forDisplay,
  listOf,
  outputOption,
  renderOutput,
  renderTable,
  truncate,
} from '../output.ts';
import type { GroupCommand } from '../program.ts';

const MESSAGE_WIDTH = 80;

type Listing = {
  readonly kind: TargetKind;
  readonly name: string;
  readonly aliases: readonly string[];
  readonly plural: string;
};

const listings: readonly Listing[] = [
  {
    kind: Kinds.GitRepository,
    name: 'sources',
    aliases: ['source', 'gitrepositories', 'gitrepository', 'gitrepo'],
    plural: 'sources',
  },
  { kind: Kinds.Sync, name: 'syncs', aliases: ['sync'], plural: 'syncs' },
];

/** The `get` table: NAMESPACE only across namespaces, IN-SYNC only for syncs. */
export function renderSummaryTable(
  kind: TargetKind,
  items: readonly KubeObject[],
  allNamespaces: boolean,
): string {
  const withSync = kind === Kinds.Sync;
  const header = [
    ...(allNamespaces ? ['NAMESPACE'] : []),
    'NAME',
    'READY',
    'REVISION',
    ...(withSync ? ['IN-SYNC'] : []),
    'SUSPENDED',
    'MESSAGE',
  ];
  const rows = items.map((obj) => {
    const row = summarize(obj);
    return [
      ...(allNamespaces ? [row.namespace] : []),
      row.name,
      row.ready,
      row.revision,
      ...(withSync ? [row.inSync] : []),
      String(row.suspended),
      truncate(row.message, MESSAGE_WIDTH),
    ];
  });
  return renderTable(header, rows);
}

function registerListing(get: GroupCommand, ctx: CliContext, listing: Listing): void {
  get
    .command(listing.name)
    .aliases([...listing.aliases])
    .description(`list ${listing.plural}: ready, revision, message`)
    .argument('[name]', `only this one`)
    .option('-A, --all-namespaces', 'list across all namespaces')
    .addOption(outputOption())
    .action(async (name, opts, cmd) => {
      const globals = cmd.optsWithGlobals();
      const kube = await connectWith(ctx, globals);
      const namespace = namespaceOf(globals);
      if (name !== undefined) {
        const ref = refTo(listing.kind, namespace, name);
        const obj = unwrapKube(await kube.get(ref, ctx.signal), ref);
        if (!obj) throw notFoundError(ref);
        ctx.stdout(
          renderOutput(opts.output, forDisplay(obj), () =>
            renderSummaryTable(listing.kind, [obj], false),
          ),
        );
        return;
      }
      const all = Boolean(opts.allNamespaces);
      const listed = unwrapKube(
        await kube.list(API_GROUP_VERSION, listing.kind, all ? {} : { namespace }, ctx.signal),
      );
      const items = sortObjects(listed.items);
      if (opts.output === 'table' && items.length === 0) {
        ctx.stderr(`no ${listing.plural} found${all ? '' : ` in namespace ${namespace}`}\n`);
        return;
      }
      ctx.stdout(
        renderOutput(opts.output, listOf(items), () =>
          renderSummaryTable(listing.kind, items, all),
        ),
      );
    });
}

export function registerGetCommands(get: GroupCommand, ctx: CliContext): void {
  for (const listing of listings) registerListing(get, ctx, listing);
}
