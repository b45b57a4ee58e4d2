// `moor logs [--file PATH] [--resource sync/NAME] [--level warn] [-o json]`: the operator's log
// (the JSON lines `moor operator` writes), filtered by resource and level.
import { readFile } from 'node:fs/promises';
import { Option } from '@commander-js/extra-typings';
import { namespaceOf, type CliContext } from '../context.ts';
import { CliError } from '../errors.ts';
import { filterLogLines, LOG_LEVELS, parseResourceFilter, type LogLevelName } from '../logs.ts';
import { formatData, outputOption, renderTable, truncate } from '../output.ts';
import type { GroupCommand } from '../program.ts';

const MESSAGE_WIDTH = 100;

export function registerLogsCommand(logs: GroupCommand, ctx: CliContext): void {
  logs
    .option('--file <path>', "the operator's log file (default: $MOOR_OPERATOR_LOG)")
    .option(
      '--resource <kind/name>',
      'only lines about sync/NAME, source/NAME or receiver/NAME (NAMESPACE/NAME too)',
    )
    .addOption(
      new Option('--level <level>', 'minimum level')
        .choices(Object.keys(LOG_LEVELS) as LogLevelName[])
        .default('info'),
    )
    .option('--limit <n>', 'only the last N lines', (v) => Number.parseInt(v, 10))
    .addOption(outputOption())
    .action(async (opts, cmd) => {
      const globals = cmd.optsWithGlobals();
      const file = opts.file ?? process.env.MOOR_OPERATOR_LOG;
      if (!file)
        throw new CliError("give --file PATH (or set MOOR_OPERATOR_LOG) to the operator's log");
      const resource =
        opts.resource === undefined
          ? undefined
          : parseResourceFilter(opts.resource, namespaceOf(globals));
      if (opts.resource !== undefined && !resource)
        throw new CliError(
          `--resource ${opts.resource}: expected sync/NAME, source/NAME or receiver/NAME`,
        );
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        throw new CliError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
      }
      let lines = filterLogLines(text, { minLevel: LOG_LEVELS[opts.level], resource });
      if (opts.limit !== undefined && opts.limit >= 0) lines = lines.slice(-opts.limit);
      if (opts.output !== 'table') return void ctx.stdout(formatData(lines, opts.output));
      const rows = lines.map((l) => [
        l.time,
        l.level.toUpperCase(),
        l.resource,
        truncate(l.msg, MESSAGE_WIDTH),
      ]);
      ctx.stdout(renderTable(['TIME', 'LEVEL', 'RESOURCE', 'MESSAGE'], rows));
    });
}
