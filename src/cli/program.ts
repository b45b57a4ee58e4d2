// The command tree. Each command lives in commands/<name>.ts and registers itself here.
import { Command } from '@commander-js/extra-typings';
import { registerCreateCommands } from './commands/create.ts';
import { registerEventsCommand } from './commands/events.ts';
import { registerGetCommands } from './commands/get.ts';
import { registerInstallCommand } from './commands/install.ts';
import { registerOperatorCommand } from './commands/operator.ts';
import { registerReconcileCommands } from './commands/reconcile.ts';
import { registerStatusCommands } from './commands/status.ts';
import { registerSuspendCommands } from './commands/suspend.ts';
import type { CliContext } from './context.ts';

function createRootCommand(ctx: CliContext) {
  return new Command('moor')
    .description('Moor keeps Kubernetes clusters converged to Git.')
    .version(ctx.version, '--version')
    .option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('-n, --namespace <namespace>', 'namespace of the resources (default: "default")')
    .exitOverride()
    .configureOutput({ writeOut: ctx.stdout, writeErr: ctx.stderr })
    .showHelpAfterError('(run with --help for usage)');
}

export type RootCommand = ReturnType<typeof createRootCommand>;

/** The `moor` program; `parseAsync` rejects with CommanderError or CliError (see main.ts). */
export function createProgram(ctx: CliContext): RootCommand {
  const program = createRootCommand(ctx);
  registerInstallCommand(program, ctx);
  registerOperatorCommand(program, ctx);
  registerCreateCommands(program, ctx);
  registerGetCommands(program, ctx);
  registerStatusCommands(program, ctx);
  registerReconcileCommands(program, ctx);
  registerSuspendCommands(program, ctx);
  registerEventsCommand(program, ctx);
  return program;
}

/** Options of the root (`--kubeconfig`, `--namespace`) as subcommands see them. */
export type RootOptions = ReturnType<RootCommand['opts']>;

/** A command group (`create`, `get`, …) under which subcommands register. */
export type GroupCommand = Command<[], Record<never, never>, RootOptions>;
