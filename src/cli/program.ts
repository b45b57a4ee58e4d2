// The command tree. Each top-level command lives in commands/<name>.ts and is loaded only when it
// is the one being run: `moor --version`, `moor --help` and every other command load nothing
// they do not use (the table below gives the names and descriptions the root help lists).
import { Command } from '@commander-js/extra-typings';
import type { CliContext } from './context.ts';

function createRootCommand(ctx: CliContext) {
  return new Command('moor')
    .description('Moor keeps Kubernetes clusters converged to Git.')
    .option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('-n, --namespace <namespace>', 'namespace of the resources (default: "default")')
    .exitOverride()
    .configureOutput({ writeOut: ctx.stdout, writeErr: ctx.stderr })
    .showHelpAfterError('(run with --help for usage)');
}

export type RootCommand = ReturnType<typeof createRootCommand>;

/** Options of the root (`--kubeconfig`, `--namespace`) as subcommands see them. */
export type RootOptions = ReturnType<RootCommand['opts']>;

/** A command (`create`, `get`, `install`, …) to which its module adds options, subcommands, an action. */
export type GroupCommand = Command<[], Record<never, never>, RootOptions>;

type Register = (command: GroupCommand, ctx: CliContext) => void;

type TopLevel = {
  readonly name: string;
  readonly description: string;
  readonly load: () => Promise<Register>;
};

const topLevel: readonly TopLevel[] = [
  {
    name: 'install',
    description: 'install (or upgrade) the Moor CRDs',
    load: async () => (await import('./commands/install.ts')).registerInstallCommand,
  },
  {
    name: 'operator',
    description: 'run the Moor controllers (all namespaces unless --namespace is given)',
    load: async () => (await import('./commands/operator.ts')).registerOperatorCommand,
  },
  {
    name: 'create',
    description: 'create or update resources from flags',
    load: async () => (await import('./commands/create.ts')).registerCreateCommands,
  },
  {
    name: 'get',
    description: 'list sources or syncs',
    load: async () => (await import('./commands/get.ts')).registerGetCommands,
  },
  {
    name: 'status',
    description: 'show the state of one resource',
    load: async () => (await import('./commands/status.ts')).registerStatusCommands,
  },
  {
    name: 'reconcile',
    description: 'request a reconcile now',
    load: async () => (await import('./commands/reconcile.ts')).registerReconcileCommands,
  },
  {
    name: 'suspend',
    description: 'stop reconciling a resource',
    load: async () => (await import('./commands/suspend.ts')).registerSuspendCommands,
  },
  {
    name: 'resume',
    description: 'start reconciling a resource again',
    load: async () => (await import('./commands/suspend.ts')).registerResumeCommands,
  },
  {
    name: 'events',
    description: 'recent Kubernetes Events about Moor resources, newest last',
    load: async () => (await import('./commands/events.ts')).registerEventsCommand,
  },
  {
    name: 'history',
    description: 'past applies of a sync, and what was applied at a moment',
    load: async () => (await import('./commands/history.ts')).registerHistoryCommands,
  },
  {
    name: 'rollback',
    description: 'converge a sync to an earlier revision (a commit on its branch, or a pin)',
    load: async () => (await import('./commands/rollback.ts')).registerRollbackCommands,
  },
  {
    name: 'diff',
    description: 'what would change live if a Git ref or a local directory were desired',
    load: async () => (await import('./commands/diff.ts')).registerDiffCommands,
  },
  {
    name: 'tree',
    description: "a Sync's objects and what they own, with health and drift",
    load: async () => (await import('./commands/tree.ts')).registerTreeCommands,
  },
  {
    name: 'trace',
    description: 'which Sync, source and revision applied an object, and when',
    load: async () => (await import('./commands/tree.ts')).registerTraceCommand,
  },
  {
    name: 'version',
    description: 'versions of the client, the CRDs and the operator',
    load: async () => (await import('./commands/version.ts')).registerVersionCommand,
  },
  {
    name: 'check',
    description: 'control plane reachable, CRDs installed and current, operator reachable',
    load: async () => (await import('./commands/version.ts')).registerCheckCommand,
  },
  {
    name: 'delete',
    description: 'delete a sync, source, provider, alert or receiver',
    load: async () => (await import('./commands/manage.ts')).registerDeleteCommands,
  },
  {
    name: 'export',
    description: 'print a resource as clean YAML for Git',
    load: async () => (await import('./commands/manage.ts')).registerExportCommands,
  },
  {
    name: 'logs',
    description: "the operator's log lines, filtered by resource and level",
    load: async () => (await import('./commands/logs.ts')).registerLogsCommand,
  },
  {
    name: 'uninstall',
    description: 'remove what install --all installed, except the CRDs; says what it leaves',
    load: async () => (await import('./commands/uninstall.ts')).registerUninstallCommand,
  },
  {
    name: 'fleet',
    description: "each cluster's applied revision per Sync, from the writeback tags in Git",
    load: async () => (await import('./commands/fleet.ts')).registerFleetCommands,
  },
  {
    name: 'bootstrap',
    description: "commit the install manifests and Moor's own Sync to Git, then install them",
    load: async () => (await import('./commands/bootstrap.ts')).registerBootstrapCommands,
  },
];

/** Root options that take a value: their value is not the command's name. */
const ROOT_VALUE_OPTIONS: ReadonlySet<string> = new Set(['--kubeconfig', '-n', '--namespace']);

/** The top-level command `args` run (`help get` runs `get`'s help), if any. */
export function commandNameOf(args: readonly string[]): string | undefined {
  const operands: string[] = [];
  for (let i = 0; i < args.length && operands.length < 2; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') break;
    if (ROOT_VALUE_OPTIONS.has(arg)) i++;
    else if (!arg.startsWith('-')) operands.push(arg);
  }
  return operands[0] === 'help' ? operands[1] : operands[0];
}

/**
 * The `moor` program for `args`: the command they name fully registered, the others by name and
 * description only. `parseAsync` rejects with CommanderError or CliError (see run.ts).
 */
export async function createProgram(
  ctx: CliContext,
  args: readonly string[],
): Promise<RootCommand> {
  const program = createRootCommand(ctx);
  const wanted = commandNameOf(args);
  // `moor --version` prints the version; after a command, `--version` is that command's own
  // (`moor create sync … --version RANGE`): the root's would take it wherever it stands.
  if (wanted === undefined) program.version(ctx.version, '--version');
  for (const entry of topLevel) {
    const command = program.command(entry.name).description(entry.description);
    if (entry.name === wanted) (await entry.load())(command, ctx);
  }
  return program;
}
