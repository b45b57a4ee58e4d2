// `moor operator`: runs the controllers until SIGINT/SIGTERM.
import { InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { findKustomize } from '../kustomize-program.ts';
import { loadController, type OperatorOptions } from '../parts.ts';
import { DEFAULT_LEASE_NAME, leaderElectionConfig, parseDurationMs } from './leader-election.ts';
import type { CliContext } from '../context.ts';
import { CliError } from '../errors.ts';
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
    .addOption(
      new Option('--apply-concurrency <n>', 'API requests in flight per Sync while applying')
        .argParser(parsePositiveInt)
        .default(32),
    )
    .addOption(
      new Option('--git-timeout <duration>', 'upper bound of each git run')
        .argParser(parseDurationMs)
        .default(120_000, '2m'),
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
    .option(
      '--leader-elect',
      'reconcile and write only while holding a Lease; others stand by',
      false,
    )
    .option('--leader-elect-lease-name <name>', 'name of the Lease', DEFAULT_LEASE_NAME)
    .option(
      '--leader-elect-namespace <namespace>',
      'namespace of the Lease (default: --namespace, else moor-system)',
    )
    .option(
      '--leader-elect-identity <id>',
      'this process in the Lease (default: the hostname and a random suffix)',
    )
    .addOption(
      new Option(
        '--leader-elect-lease-duration <duration>',
        'how long a standby waits on an unrenewed Lease',
      )
        .argParser(parseDurationMs)
        .default(15_000, '15s'),
    )
    .addOption(
      new Option(
        '--leader-elect-renew-deadline <duration>',
        'how long a leader leads without a renew',
      )
        .argParser(parseDurationMs)
        .default(10_000, '10s'),
    )
    .addOption(
      new Option('--leader-elect-retry-period <duration>', 'time between tries to acquire or renew')
        .argParser(parseDurationMs)
        .default(2_000, '2s'),
    )
    .option('--storage-path <dir>', 'directory for artifacts (default: under the OS temp dir)')
    .option('--cluster-name <name>', 'name used in commit-status contexts and tags', 'local')
    .addOption(new Option('--log-level <level>', 'log level').choices(LogLevels).default('info'))
    .action(async (opts, cmd) => {
      const globals = cmd.optsWithGlobals();
      const { runOperator, checkLeaseTimings } = await loadController();
      const election = opts.leaderElect ? leaderElectionConfig(opts, globals.namespace) : undefined;
      if (election) {
        const checked = checkLeaseTimings(election.timings);
        if (!checked.ok) throw new CliError(checked.error.message, { cause: checked.error });
      }
      // The environment is read here, once; the operator's parts are handed what they need of it.
      const env = process.env;
      const kustomize = findKustomize({ flag: opts.kustomize, searchPath: env.PATH });
      if (!kustomize.path) {
        ctx.stderr(
          `warning: no kustomize program (looked for ${kustomize.lookedFor}); kustomizations will fail to build\n`,
        );
      }
      const options: OperatorOptions = {
        ...(globals.kubeconfig === undefined ? {} : { kubeconfig: globals.kubeconfig }),
        ...(globals.namespace === undefined ? {} : { namespace: globals.namespace }),
        concurrency: opts.concurrency,
        applyConcurrency: opts.applyConcurrency,
        gitTimeoutMs: opts.gitTimeout,
        env,
        httpAddr: opts.httpAddr,
        allowFileUrls: opts.allowFileUrls,
        kustomize: { ...kustomize, allowRemote: opts.allowRemoteBases },
        ...(opts.storagePath === undefined ? {} : { storagePath: opts.storagePath }),
        clusterName: opts.clusterName,
        logLevel: opts.logLevel,
        ...(election ? { leaderElection: election } : {}),
        signal: ctx.signal,
      };
      await runOperator(options);
    });
}
