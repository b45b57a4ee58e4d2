// `moor operator`: runs the controllers until SIGINT/SIGTERM.
import { isIP } from 'node:net';
import {
  InvalidArgumentError,
  Option,
  type Command,
  type OptionValues,
} from '@commander-js/extra-typings';
import { findHelm } from '../helm-program.ts';
import { findKustomize, type FoundKustomize } from '../kustomize-program.ts';
import { loadController, type OperatorOptions } from '../parts.ts';
import type { leaderElectionConfig } from './leader-election.ts';
import { DEFAULT_LEASE_NAME, parseDurationMs } from './leader-election.ts';
import type { CliContext } from '../context.ts';
import { CliError } from '../errors.ts';
import type { GroupCommand } from '../program.ts';
import { placementOf } from './in-cluster.ts';
import { parseShard, shardElection } from './shard.ts';

export const LogLevels = ['debug', 'info', 'warn', 'error'] as const;

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('must be a whole number of at least 1.');
  }
  return n;
}

type Controller = Awaited<ReturnType<typeof loadController>>;

/** Refuses Lease timings that would let two processes lead at once. */
function checkTimings(
  election: ReturnType<typeof leaderElectionConfig>,
  check: Controller['checkLeaseTimings'],
): void {
  const checked = check(election.timings);
  if (!checked.ok) throw new CliError(checked.error.message, { cause: checked.error });
}

/** The Lease configuration (checked), after `--ui-insecure-local` was checked against the address. */
function checkedElection(
  opts: Parameters<typeof leaderElectionConfig>[0] & {
    leaderElect: boolean;
    httpAddr: string;
    uiInsecureLocal: boolean;
    shard?: string;
  },
  namespace: string | undefined,
  controller: Controller,
) {
  checkUiAddress(opts, controller.checkDashboardAddress);
  const election = shardElection(opts, namespace);
  if (election) checkTimings(election, controller.checkLeaseTimings);
  return election;
}

/** `--ui-insecure-local` only on a loopback `--http-addr`. */
function checkUiAddress(
  opts: { httpAddr: string; uiInsecureLocal: boolean },
  check: Controller['checkDashboardAddress'],
): void {
  try {
    check(opts);
  } catch (error) {
    throw new CliError((error as Error).message, { cause: error });
  }
}

/** The kustomize program to run; a warning when there is none (kustomizations will fail). */
function findKustomizeOrWarn(
  flag: string | undefined,
  searchPath: string | undefined,
  ctx: CliContext,
): FoundKustomize {
  const kustomize = findKustomize({ flag, searchPath });
  if (!kustomize.path) {
    ctx.stderr(
      `warning: no kustomize program (looked for ${kustomize.lookedFor}); kustomizations will fail to build\n`,
    );
  }
  return kustomize;
}

/** The watches' timings from the flags; the server takes whole seconds (at least 1). */
export function watchTiming(timeoutMs: number, stallMs: number | undefined) {
  const watchTimeoutSeconds = Math.max(1, Math.round(timeoutMs / 1000));
  return { watchTimeoutSeconds, ...(stallMs === undefined ? {} : { noProgressMs: stallMs }) };
}

/** Comma-separated values, accumulated over repeated flags. */
export function collectList(value: string, previous: readonly string[] = []): string[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0) throw new InvalidArgumentError('names no host.');
  return [...previous, ...items];
}

/** `--deny-provider-hosts` entries: CIDRs (a bare IP is its own /32 or /128) and host names. */
export function splitDenied(entries: readonly string[]): {
  deniedRanges: string[];
  deniedHosts: string[];
} {
  const deniedRanges: string[] = [];
  const deniedHosts: string[] = [];
  for (const entry of entries) {
    const family = isIP(entry);
    if (family !== 0) deniedRanges.push(`${entry}/${family === 6 ? 128 : 32}`);
    else if (entry.includes('/')) deniedRanges.push(entry);
    else deniedHosts.push(entry);
  }
  return { deniedRanges, deniedHosts };
}

/** The Lease flags of `moor operator`. */
function leaderElectionFlags<O extends OptionValues, G extends OptionValues>(c: Command<[], O, G>) {
  return c
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
    );
}

/** The tuning flags of `moor operator`: requests in flight, timeouts, watches, other writers. */
function tuningFlags<O extends OptionValues, G extends OptionValues>(c: Command<[], O, G>) {
  return dashboardFlags(c)
    .option('--helm <path>', "helm program (default: the set-up's pinned build, then helm on PATH)")
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
    .addOption(
      new Option('--watch-timeout <duration>', 'how long the API server keeps each watch open')
        .argParser(parseDurationMs)
        .default(240_000, '240s'),
    )
    .addOption(
      new Option(
        '--watch-stall-timeout <duration>',
        'cut and list again a watch silent this long (not even a bookmark); default: 90s, or the watch timeout plus 30s when shorter',
      ).argParser(parseDurationMs),
    )
    .option(
      '--operator-id <id>',
      'this process in the Syncs it writes (default: the Lease identity, else the hostname and a random suffix)',
    )
    .addOption(
      new Option(
        '--other-operator-yield <duration>',
        'without --leader-elect: how long to leave a Sync alone after another operator wrote it',
      )
        .argParser(parseDurationMs)
        .default(300_000, '5m'),
    )
    .addOption(
      new Option(
        '--shard <name>',
        'reconcile only Syncs and GitRepositories labelled moor.dev/shard=<name> (default: only the unlabelled ones)',
      ).argParser(parseShard),
    )
    .option(
      '--service-account-dir <dir>',
      'connect with the service account token and ca.crt in this directory and KUBERNETES_SERVICE_HOST/PORT (in a pod: found by itself)',
    );
}

/** The dashboard's flags of `moor operator`. */
function dashboardFlags<O extends OptionValues, G extends OptionValues>(c: Command<[], O, G>) {
  return c.option(
    '--ui-insecure-local',
    'serve the dashboard read-only without tokens (loopback --http-addr only; demos)',
    false,
  );
}

/** `--allow-provider-hosts` and `--deny-provider-hosts` as the address policy's options. */
function providerAddressesOf(opts: {
  readonly allowProviderHosts: string[];
  readonly denyProviderHosts: string[];
}) {
  return { allowHosts: opts.allowProviderHosts, ...splitDenied(opts.denyProviderHosts) };
}

export function registerOperatorCommand(operator: GroupCommand, ctx: CliContext): void {
  tuningFlags(
    leaderElectionFlags(
      operator
        .addOption(
          new Option('--concurrency <n>', 'resources reconciled in parallel')
            .argParser(parsePositiveInt)
            .default(4),
        )
        .option(
          '--http-addr <addr>',
          "metrics, health, receivers and the dashboard (/ui/); '' disables",
          '127.0.0.1:9090',
        )
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
        .addOption(
          new Option(
            '--allow-provider-hosts <hosts>',
            'hosts Providers may send to (comma-separated; *.example.com for subdomains; default: any)',
          )
            .argParser(collectList)
            .default([] as string[]),
        )
        .addOption(
          new Option(
            '--deny-provider-hosts <ranges>',
            'CIDRs, addresses or host names Providers never send to, beyond link-local and metadata',
          )
            .argParser(collectList)
            .default([] as string[]),
        ),
    ),
  )
    .option('--storage-path <dir>', 'directory for artifacts (default: under the OS temp dir)')
    .option('--cluster-name <name>', 'name used in commit-status contexts and tags', 'local')
    .addOption(new Option('--log-level <level>', 'log level').choices(LogLevels).default('info'))
    .action(async (opts, cmd) => {
      const globals = cmd.optsWithGlobals();
      const controller = await loadController();
      const election = checkedElection(opts, globals.namespace, controller);
      // The environment is read here, once; the operator's parts are handed what they need of it.
      const env = process.env;
      const kustomize = findKustomizeOrWarn(opts.kustomize, env.PATH, ctx);
      const options: OperatorOptions = {
        ...(globals.kubeconfig === undefined ? {} : { kubeconfig: globals.kubeconfig }),
        ...(globals.namespace === undefined ? {} : { namespace: globals.namespace }),
        concurrency: opts.concurrency,
        applyConcurrency: opts.applyConcurrency,
        gitTimeoutMs: opts.gitTimeout,
        env,
        httpAddr: opts.httpAddr,
        allowFileUrls: opts.allowFileUrls,
        providerAddresses: providerAddressesOf(opts),
        kustomize: { ...kustomize, allowRemote: opts.allowRemoteBases },
        helm: findHelm({ flag: opts.helm, searchPath: env.PATH }),
        ...(opts.storagePath === undefined ? {} : { storagePath: opts.storagePath }),
        clusterName: opts.clusterName,
        logLevel: opts.logLevel,
        ...(election ? { leaderElection: election } : {}),
        watch: watchTiming(opts.watchTimeout, opts.watchStallTimeout),
        ...(opts.operatorId === undefined ? {} : { operatorId: opts.operatorId }),
        otherOperatorYieldMs: opts.otherOperatorYield,
        uiInsecureLocal: opts.uiInsecureLocal,
        signal: ctx.signal,
        version: ctx.version,
        ...placementOf(opts, globals.kubeconfig, env),
      };
      await controller.runOperator(options);
    });
}
