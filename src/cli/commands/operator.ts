// `moor operator`: runs the controllers until SIGINT/SIGTERM.
import { InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { loadController, type OperatorOptions } from '../parts.ts';
import type { CliContext } from '../context.ts';
import type { GroupCommand } from '../program.ts';

export const LogLevels = ['debug', 'info', 'warn', 'error'] as const;

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('must be a whole number of at least 1.');
  }
  return n;
}

export function registerOperatorCommand(operator: GroupCommand, ctx: CliContext): void {
  operator
    .addOption(
      new Option('--concurrency <n>', 'resources reconciled in parallel')
        .argParser(parsePositiveInt)
        .default(4),
    )
    .option('--http-addr <addr>', "metrics, health and receivers; '' disables", '127.0.0.1:9090')
    .option('--allow-file-urls', 'accept file:// GitRepository URLs', false)
    .option('--leader-elect', 'elect a leader among replicas (not implemented yet)', false)
    .option('--storage-path <dir>', 'directory for artifacts (default: under the OS temp dir)')
    .option('--cluster-name <name>', 'name used in commit-status contexts and tags', 'local')
    .addOption(new Option('--log-level <level>', 'log level').choices(LogLevels).default('info'))
    .action(async (opts, cmd) => {
      const globals = cmd.optsWithGlobals();
      if (opts.leaderElect) {
        ctx.stderr(
          'warning: --leader-elect is not implemented yet; running without leader election\n',
        );
      }
      const options: OperatorOptions = {
        ...(globals.kubeconfig === undefined ? {} : { kubeconfig: globals.kubeconfig }),
        ...(globals.namespace === undefined ? {} : { namespace: globals.namespace }),
        concurrency: opts.concurrency,
        httpAddr: opts.httpAddr,
        allowFileUrls: opts.allowFileUrls,
        ...(opts.storagePath === undefined ? {} : { storagePath: opts.storagePath }),
        clusterName: opts.clusterName,
        logLevel: opts.logLevel,
        signal: ctx.signal,
      };
      const { runOperator } = await loadController();
      await runOperator(options);
    });
}
