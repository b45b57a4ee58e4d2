// `moor events [-A] [--for sync/NAME] [--type Warning] [--since 1h] [--limit 50] [--watch] [-o]`:
// recent Events about Moor resources.
import { InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { Kinds, loadApi, type KubeObject } from '../parts.ts';
import { connectWith, namespaceOf, type CliContext, type GlobalOptions } from '../context.ts';
import { CliError } from '../errors.ts';
import {
  eventObjectOf,
  eventTimeOf,
  listMoorEventsAt,
  recentEvents,
  watchMoorEvents,
  type EventFilter,
} from '../events.ts';
import { stringAt } from '../objects.ts';
import {
  forDisplay,
  formatAge,
  formatData,
  listOf,
  outputOption,
  renderOutput,
  renderTable,
  truncate,
  type OutputFormat,
} from '../output.ts';
import type { GroupCommand } from '../program.ts';

const MESSAGE_WIDTH = 100;

const kindWords: Readonly<Record<string, string>> = {
  sync: Kinds.Sync,
  syncs: Kinds.Sync,
  source: Kinds.GitRepository,
  sources: Kinds.GitRepository,
  gitrepository: Kinds.GitRepository,
  gitrepositories: Kinds.GitRepository,
  gitrepo: Kinds.GitRepository,
  provider: Kinds.Provider,
  alert: Kinds.Alert,
  receiver: Kinds.Receiver,
};

/** `sync/web` → `{ kind: 'Sync', name: 'web' }`. */
export function parseEventSubject(text: string): { kind: string; name: string } {
  const slash = text.indexOf('/');
  const kind = slash < 0 ? undefined : kindWords[text.slice(0, slash).toLowerCase()];
  const name = text.slice(slash + 1);
  if (!kind || !name || name.includes('/')) {
    throw new CliError(
      `--for ${JSON.stringify(text)}: expected sync/NAME or source/NAME (also provider/, alert/, receiver/)`,
    );
  }
  return { kind, name };
}

export function renderEventsTable(
  events: readonly KubeObject[],
  now: Date,
  allNamespaces: boolean,
): string {
  const header = [
    ...(allNamespaces ? ['NAMESPACE'] : []),
    'LAST SEEN',
    'TYPE',
    'REASON',
    'OBJECT',
    'MESSAGE',
  ];
  const rows = events.map((ev) => [
    ...(allNamespaces ? [ev.metadata.namespace ?? ''] : []),
    formatAge(eventTimeOf(ev), now),
    stringAt(ev, 'type') ?? '-',
    stringAt(ev, 'reason') ?? '-',
    eventObjectOf(ev),
    truncate(stringAt(ev, 'message') ?? '', MESSAGE_WIDTH),
  ]);
  return renderTable(header, rows);
}

/** Events a listing shows unless told otherwise (`--limit 0`: all). */
export const DEFAULT_EVENT_LIMIT = 50;

export function parseLimit(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError('must be a whole number (0: no limit).');
  }
  return Number(value);
}

type EventsOptions = {
  readonly allNamespaces?: true | undefined;
  readonly for?: string | undefined;
  readonly type?: string | undefined;
  readonly since?: string | undefined;
  readonly limit: number;
  readonly watch?: true | undefined;
  readonly output: OutputFormat;
};

async function sinceOf(text: string | undefined, now: Date): Promise<Date | undefined> {
  if (text === undefined) return undefined;
  const { safeParseDuration } = await loadApi();
  const ms = safeParseDuration(text);
  if (!ms.ok) throw new CliError(`--since: ${ms.error.message}`);
  return new Date(now.getTime() - ms.value);
}

async function runEvents(ctx: CliContext, opts: EventsOptions, globals: GlobalOptions) {
  const filter: EventFilter = {
    ...(opts.for === undefined ? {} : parseEventSubject(opts.for)),
    type: opts.type,
  };
  const since = await sinceOf(opts.since, ctx.clock.now());
  const kube = await connectWith(ctx, globals);
  const all = Boolean(opts.allNamespaces);
  const namespace = all ? undefined : namespaceOf(globals);
  const listed = await listMoorEventsAt(kube, namespace, filter, ctx.signal);
  const events = recentEvents(listed.events, { since, limit: opts.limit });
  const table = opts.output === 'table';
  if (table && events.length === 0 && !opts.watch) {
    ctx.stderr(`no events found${namespace === undefined ? '' : ` in namespace ${namespace}`}\n`);
    return;
  }
  if (opts.watch && !table) {
    for (const ev of events) ctx.stdout(formatData(forDisplay(ev), opts.output));
  } else {
    ctx.stdout(
      renderOutput(opts.output, listOf(events), () =>
        renderEventsTable(events, ctx.clock.now(), all),
      ),
    );
  }
  const recent =
    since === undefined
      ? listed.events.length
      : recentEvents(listed.events, { since, limit: 0 }).length;
  if (table && events.length < recent) {
    ctx.stderr(`(the newest ${events.length} of ${recent}; --limit 0 shows all)\n`);
  }
  if (!opts.watch) return;
  const print = (ev: KubeObject) =>
    ctx.stdout(
      table
        ? renderEventsTable([ev], ctx.clock.now(), all).split('\n').slice(1).join('\n')
        : formatData(forDisplay(ev), opts.output),
    );
  await watchMoorEvents(
    kube,
    { namespace, resourceVersion: listed.resourceVersion },
    filter,
    print,
    ctx.signal,
  );
}

export function registerEventsCommand(events: GroupCommand, ctx: CliContext): void {
  events
    .option('-A, --all-namespaces', 'across all namespaces')
    .option('--for <kind/name>', 'only events about this resource: sync/NAME or source/NAME')
    .addOption(
      new Option('--type <type>', 'only Normal or Warning events').choices(['Normal', 'Warning']),
    )
    .option('--since <duration>', 'only events of the last DURATION (e.g. 10m, 2h)')
    .addOption(
      new Option('--limit <n>', 'the newest N events (0: all)')
        .argParser(parseLimit)
        .default(DEFAULT_EVENT_LIMIT),
    )
    .option('-w, --watch', 'then print new events as they happen (Ctrl-C stops)')
    .addOption(outputOption())
    .action(async (opts, cmd) => {
      await runEvents(ctx, opts, cmd.optsWithGlobals());
    });
}
