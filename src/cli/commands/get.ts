// `moor get sources|syncs|helmrepositories [NAME] [-A] [-o table|json|yaml]`: one row per resource.
import { API_GROUP_VERSION, Kinds, type KubeObject } from '../parts.ts';
import {
  connectWith,
  namespaceOf,
  unwrapKube,
  type CliContext,
  type GlobalOptions,
} from '../context.ts';
import { notFoundError } from '../errors.ts';
import { chartOf } from '../chart-view.ts';
import { refTo, sortObjects, summarize, type TargetKind } from '../objects.ts';
import {
  forDisplay,
  listOf,
  outputOption,
  renderOutput,
  renderTable,
  truncate,
  type OutputFormat,
} from '../output.ts';
import type { GroupCommand } from '../program.ts';
import { registerGetImagesCommand } from './image.ts';

const MESSAGE_WIDTH = 80;

type Listing = {
  readonly kind: TargetKind | NotificationKind | typeof Kinds.HelmRepository;
  readonly name: string;
  readonly aliases: readonly string[];
  readonly plural: string;
  /** Source types that name the same listing, the Flux habit: `get sources git`. */
  readonly types?: readonly string[];
};

const listings: readonly Listing[] = [
  {
    kind: Kinds.GitRepository,
    name: 'sources',
    aliases: ['source', 'gitrepositories', 'gitrepository', 'gitrepo'],
    plural: 'sources',
    types: ['git'],
  },
  { kind: Kinds.Sync, name: 'syncs', aliases: ['sync'], plural: 'syncs' },
  { kind: Kinds.Provider, name: 'providers', aliases: ['provider'], plural: 'providers' },
  { kind: Kinds.Alert, name: 'alerts', aliases: ['alert'], plural: 'alerts' },
  { kind: Kinds.Receiver, name: 'receivers', aliases: ['receiver'], plural: 'receivers' },
  {
    kind: Kinds.HelmRepository,
    name: 'helmrepositories',
    aliases: ['helmrepository', 'helmrepo'],
    plural: 'helmrepositories',
  },
];

type NotificationKind = typeof Kinds.Provider | typeof Kinds.Alert | typeof Kinds.Receiver;

/** The `get` table: NAMESPACE only across namespaces, IN-SYNC only for syncs. */
export function renderSummaryTable(
  kind: Listing['kind'],
  items: readonly KubeObject[],
  allNamespaces: boolean,
): string {
  const withSync = kind === Kinds.Sync;
  // CHART only when a listed Sync renders a chart (spec.helm).
  const withChart = withSync && items.some((obj) => chartOf(obj) !== undefined);
  const header = [
    ...(allNamespaces ? ['NAMESPACE'] : []),
    'NAME',
    'READY',
    'REVISION',
    ...(withSync ? ['IN-SYNC'] : []),
    ...(withChart ? ['CHART'] : []),
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
      ...(withChart ? [chartOf(obj) ?? '-'] : []),
      String(row.suspended),
      truncate(row.message, MESSAGE_WIDTH),
    ];
  });
  return renderTable(header, rows);
}

type ListingOptions = { readonly allNamespaces?: true | undefined; readonly output: OutputFormat };

function registerListing(get: GroupCommand, ctx: CliContext, listing: Listing): void {
  const command = get
    .command(listing.name)
    .aliases([...listing.aliases])
    .description(`list ${listing.plural}: ready, revision, message`)
    .argument('[name]', `only this one`)
    .option('-A, --all-namespaces', 'list across all namespaces')
    .addOption(outputOption())
    .action(async (name, opts, cmd) => {
      await printListing(ctx, listing, name, opts, cmd.optsWithGlobals());
    });
  // `get sources git [NAME]`: the options, wherever they are written, are the listing's own.
  for (const type of listing.types ?? []) {
    command
      .command(type)
      .description(`the same as \`get ${listing.name}\` (takes its options)`)
      .argument('[name]', `only this one`)
      .action(async (name, _opts, cmd) => {
        await printListing(ctx, listing, name, command.opts(), cmd.optsWithGlobals());
      });
  }
}

async function printListing(
  ctx: CliContext,
  listing: Listing,
  name: string | undefined,
  opts: ListingOptions,
  globals: GlobalOptions,
): Promise<void> {
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
    renderOutput(opts.output, listOf(items), () => renderSummaryTable(listing.kind, items, all)),
  );
}

export function registerGetCommands(get: GroupCommand, ctx: CliContext): void {
  for (const listing of listings) registerListing(get, ctx, listing);
  get
    .command('all')
    .description(
      'every Moor resource: sources, syncs, providers, alerts, receivers, helmrepositories',
    )
    .option('-A, --all-namespaces', 'list across all namespaces')
    .addOption(outputOption())
    .action(async (opts, cmd) => {
      await printAll(ctx, opts, cmd.optsWithGlobals());
    });
  registerGetImagesCommand(get, ctx);
}

/** `get all`: one table per kind that has objects (JSON/YAML: one List of them all). */
async function printAll(ctx: CliContext, opts: ListingOptions, globals: GlobalOptions) {
  const kube = await connectWith(ctx, globals);
  const namespace = namespaceOf(globals);
  const all = Boolean(opts.allNamespaces);
  const scope = all ? {} : { namespace };
  const found = await Promise.all(
    listings.map(async (listing) => {
      const res = await kube.list(API_GROUP_VERSION, listing.kind, scope, ctx.signal);
      return { listing, items: sortObjects(unwrapKube(res).items) };
    }),
  );
  if (opts.output !== 'table') {
    ctx.stdout(renderOutput(opts.output, listOf(found.flatMap((f) => f.items)), () => ''));
    return;
  }
  const tables = found
    .filter((f) => f.items.length > 0)
    .map((f) => `${f.listing.plural}:\n${renderSummaryTable(f.listing.kind, f.items, all)}`);
  if (tables.length === 0)
    ctx.stderr(`no Moor resources found${all ? '' : ` in namespace ${namespace}`}\n`);
  else ctx.stdout(tables.join('\n'));
}
