// `moor status sync NAME [-o json|yaml]`: everything known about one Sync.
import { Kinds } from '../parts.ts';
import { connectWith, namespaceOf, unwrapKube, type CliContext } from '../context.ts';
import { notFoundError } from '../errors.ts';
import { listMoorEvents } from '../events.ts';
import { refTo } from '../objects.ts';
import { forDisplay, formatData, outputOption } from '../output.ts';
import type { GroupCommand } from '../program.ts';
import { renderSyncStatus } from '../status-view.ts';

export function registerStatusCommands(status: GroupCommand, ctx: CliContext): void {
  status
    .command('sync')
    .description('conditions, revisions, inventory, drift, history and recent events of a Sync')
    .argument('<name>', 'name of the Sync')
    .addOption(outputOption())
    .action(async (name, opts, cmd) => {
      const globals = cmd.optsWithGlobals();
      const kube = await connectWith(ctx, globals);
      const ref = refTo(Kinds.Sync, namespaceOf(globals), name);
      const sync = unwrapKube(await kube.get(ref, ctx.signal), ref);
      if (!sync) throw notFoundError(ref);
      if (opts.output !== 'table') {
        ctx.stdout(formatData(forDisplay(sync), opts.output));
        return;
      }
      const events = await listMoorEvents(
        kube,
        ref.namespace,
        { kind: Kinds.Sync, name },
        ctx.signal,
      );
      ctx.stdout(renderSyncStatus(sync, events, ctx.clock.now()));
    });
}
