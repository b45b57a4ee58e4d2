// `moor history sync NAME [--at TIME] [--limit N] [-o table|json|yaml]`: the Sync's applies,
// newest first, from its durable history (ADR 0019); `--at` says what was applied at a moment.
import { Option } from '@commander-js/extra-typings';
import { Kinds, loadController } from '../parts.ts';
import { connectWith, namespaceOf, unwrapKube, type CliContext } from '../context.ts';
import { CliError, notFoundError } from '../errors.ts';
import { refTo } from '../objects.ts';
import { formatData, outputOption, renderTable, truncate, type OutputFormat } from '../output.ts';
import type { GroupCommand } from '../program.ts';
import { parseLimit } from './events.ts';

type Applied = Awaited<ReturnType<typeof loadHistory>>['records'][number];

const shortRevision = (revision: string): string =>
  revision.replace(/@sha1:([0-9a-f]{12})[0-9a-f]{28}$/, '@$1');

const changesOf = (r: Applied): string => `+${r.created} ~${r.configured} -${r.deleted}`;

const durationOf = (r: Applied): string => {
  if (!r.finishedAt) return '-';
  const ms = Date.parse(r.finishedAt) - Date.parse(r.startedAt);
  return Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)}s` : '-';
};

export function renderHistoryTable(records: readonly Applied[]): string {
  const header = [
    'STARTED',
    'REVISION',
    'RESULT',
    'HEALTH',
    'CHANGES',
    'DURATION',
    'AUTHOR',
    'MESSAGE',
  ];
  const rows = records.map((r) => [
    r.startedAt,
    shortRevision(r.revision),
    r.result,
    r.health ?? '-',
    changesOf(r),
    durationOf(r),
    truncate(r.commit?.author ?? '-', 30),
    truncate(r.commit?.message ?? r.message ?? '', 60),
  ]);
  return renderTable(header, rows);
}

type Kube = Awaited<ReturnType<typeof connectWith>>;

async function loadHistory(ctx: CliContext, kube: Kube, namespace: string, name: string) {
  const ref = refTo(Kinds.Sync, namespace, name);
  const sync = unwrapKube(await kube.get(ref, ctx.signal), ref);
  if (!sync) throw notFoundError(ref);
  const controller = await loadController();
  const ring = unwrapKube(await controller.readHistory(kube, { namespace, name }, ctx.signal));
  return { ...ring, controller };
}

function parseAt(text: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(text))
    throw new CliError(
      `--at ${JSON.stringify(text)}: expected an RFC 3339 time, e.g. 2026-12-01T12:00:00Z`,
    );
  const at = new Date(text);
  if (Number.isNaN(at.getTime()))
    throw new CliError(`--at ${JSON.stringify(text)}: not a valid time`);
  return at;
}

type HistoryOptions = {
  readonly at?: string | undefined;
  readonly limit: number;
  readonly output: OutputFormat;
};

async function runHistory(
  ctx: CliContext,
  name: string,
  opts: HistoryOptions,
  namespace: string,
  kube: Kube,
) {
  const at = opts.at === undefined ? undefined : parseAt(opts.at);
  const history = await loadHistory(ctx, kube, namespace, name);
  const subject = `Sync ${namespace}/${name}`;
  if (at) {
    const found = history.controller.recordAt(history, at);
    if (!found)
      throw new CliError(`${subject}: nothing was applied at or before ${at.toISOString()}`);
    const answer = { at: at.toISOString(), ...found.record, objects: found.inventory };
    const { added: _a, removed: _r, ...shown } = answer;
    if (opts.output !== 'table') return ctx.stdout(formatData(shown, opts.output));
    const lines = [
      `At ${at.toISOString()} ${subject} had revision ${found.record.revision} applied`,
      `  applied ${found.record.startedAt}${found.record.finishedAt ? ` – ${found.record.finishedAt}` : ''}: ${found.record.result}, health ${found.record.health ?? '-'}`,
      ...(found.record.commit
        ? [`  commit by ${found.record.commit.author}: ${found.record.commit.message}`]
        : []),
      `  ${found.inventory.length} objects:`,
      ...found.inventory.map((id) => `    ${id}`),
    ];
    return ctx.stdout(`${lines.join('\n')}\n`);
  }
  const records = opts.limit === 0 ? history.records : history.records.slice(0, opts.limit);
  if (opts.output !== 'table') {
    const inventories = history.controller.inventories(history);
    const items = records.map((r, i) => {
      const { added: _a, removed: _r, ...rest } = r;
      return { ...rest, inventory: inventories[i] ?? [] };
    });
    return ctx.stdout(formatData({ sync: `${namespace}/${name}`, items }, opts.output));
  }
  if (records.length === 0) return ctx.stderr(`${subject} has no applies recorded yet\n`);
  ctx.stdout(renderHistoryTable(records));
  if (records.length < history.records.length)
    ctx.stderr(
      `(the newest ${records.length} of ${history.records.length}; --limit 0 shows all)\n`,
    );
}

export function registerHistoryCommands(history: GroupCommand, ctx: CliContext): void {
  history
    .command('sync')
    .description(`the applies of a ${Kinds.Sync}, newest first`)
    .argument('<name>', `name of the ${Kinds.Sync}`)
    .option('--at <time>', 'what was applied at this moment (RFC 3339) and the objects it held')
    .addOption(
      new Option('--limit <n>', 'the newest N applies (0: all)').argParser(parseLimit).default(20),
    )
    .addOption(outputOption())
    .action(async (name, opts, command) => {
      const globals = command.optsWithGlobals();
      const kube = await connectWith(ctx, globals);
      await runHistory(ctx, name, opts, namespaceOf(globals), kube);
    });
}
