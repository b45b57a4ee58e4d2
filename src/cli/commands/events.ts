// `moor events [-A] [--for sync/NAME] [--type Warning] [-o]`: recent Events about Moor resources.
import { Option } from '@commander-js/extra-typings';
import { Kinds, type KubeObject } from '../parts.ts';
import { connectWith, namespaceOf, type CliContext } from '../context.ts';
import { CliError } from '../errors.ts';
import { eventObjectOf, eventTimeOf, listMoorEvents, type EventFilter } from '../events.ts';
import { stringAt } from '../objects.ts';
import { formatAge, listOf, outputOption, renderOutput, renderTable, truncate } from '../output.ts';
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

export function registerEventsCommand(events: GroupCommand, ctx: CliContext): void {
  events
    .option('-A, --all-namespaces', 'across all namespaces')
    .option('--for <kind/name>', 'only events about this resource: sync/NAME or source/NAME')
    .addOption(
      new Option('--type <type>', 'only Normal or Warning events').choices(['Normal', 'Warning']),
    )
    .addOption(outputOption())
    .action(async (opts, cmd) => {
      const globals = cmd.optsWithGlobals();
      const filter: EventFilter = {
        ...(opts.for === undefined ? {} : parseEventSubject(opts.for)),
        type: opts.type,
      };
      const kube = await connectWith(ctx, globals);
      const all = Boolean(opts.allNamespaces);
      const namespace = namespaceOf(globals);
      const events = await listMoorEvents(kube, all ? undefined : namespace, filter, ctx.signal);
      if (opts.output === 'table' && events.length === 0) {
        ctx.stderr(`no events found${all ? '' : ` in namespace ${namespace}`}\n`);
        return;
      }
      ctx.stdout(
        renderOutput(opts.output, listOf(events), () => renderEventsTable(events, ctx.now(), all)),
      );
    });
}
