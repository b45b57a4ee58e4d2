// `moor operator`: runs the controllers until SIGINT/SIGTERM.
import { InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { findKustomize } from '../kustomize-program.ts';
import { loadController, type OperatorOptions } from '../parts.ts';
import type { CliContext } from '../context.ts';
import type { RootCommand } from '../program.ts';

export const LogLevels = ['debug', 'info', 'warn', 'error'] as const;

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('must be a whole number of at least 1.');
  }
  return n;
}

export function registerOperatorCommand(root: RootCommand, ctx: CliContext): void {
  root
    .command('operator')
    .description('run the Moor controllers (all namespaces unless --namespace is given)')
    .addOption(
      new Option('--concurrency <n>', 'resources reconciled in parallel')
        .argParser(parsePositiveInt)
        .default(4),
    )
    .option('--http-addr <addr>', "metrics, health and receivers; '' disables", '127.0.0.1:9090')
    .option('--allow-file-urls', 'accept file:// GitRepository URLs', false)
    .option(
      '--kustomize <path>',
      "kustomize program (default: the set-up's pinned build, then kustomize on PATH)",
    )
    .option(
      '--allow-remote-bases',
      'let kustomizations refer to remote bases and resources (http(s), git)',
      false,
    )
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
      const kustomize = findKustomize({ flag: opts.kustomize, searchPath: process.env.PATH });
      if (!kustomize.path) {
        ctx.stderr(
          `warning: no kustomize program (looked for ${kustomize.lookedFor}); kustomizations will fail to build\n`,
        );
      }
      const options: OperatorOptions = {
        ...(globals.kubeconfig === undefined ? {} : { kubeconfig: globals.kubeconfig }),
        ...(globals.namespace === undefined ? {} : { namespace: globals.namespace }),
        concurrency: opts.concurrency,
        httpAddr: opts.httpAddr,
        allowFileUrls: opts.allowFileUrls,
        kustomize: { ...kustomize, allowRemote: opts.allowRemoteBases },
        ...(opts.storagePath === undefined ? {} : { storagePath: opts.storagePath }),
        clusterName: opts.clusterName,
        logLevel: opts.logLevel,
        signal: ctx.signal,
      };
      const { runOperator } = await loadController();
      await runOperator(options);
    });
}
