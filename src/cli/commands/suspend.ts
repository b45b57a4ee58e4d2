// `moor suspend|resume sync|source NAME`: flips spec.suspend.
import { Kinds, suspendPatch } from '../parts.ts';
import { connectWith, namespaceOf, unwrapKube, type CliContext } from '../context.ts';
import { formatSubject } from '../errors.ts';
import { refTo, type TargetKind } from '../objects.ts';
import type { GroupCommand } from '../program.ts';

const targets: readonly { readonly word: string; readonly kind: TargetKind }[] = [
  { word: 'sync', kind: Kinds.Sync },
  { word: 'source', kind: Kinds.GitRepository },
];

function registerTarget(
  group: GroupCommand,
  ctx: CliContext,
  target: (typeof targets)[number],
  suspend: boolean,
): void {
  group
    .command(target.word)
    .description(`${suspend ? 'stop' : 'start'} reconciling a ${target.kind}`)
    .argument('<name>', `name of the ${target.kind}`)
    .action(async (name, _opts, cmd) => {
      const globals = cmd.optsWithGlobals();
      const kube = await connectWith(ctx, globals);
      const ref = refTo(target.kind, namespaceOf(globals), name);
      unwrapKube(await kube.mergePatch(ref, suspendPatch(suspend), ctx.signal), ref);
      ctx.stdout(`✔ ${formatSubject(ref)} ${suspend ? 'suspended' : 'resumed'}\n`);
    });
}

export function registerSuspendCommands(suspend: GroupCommand, ctx: CliContext): void {
  for (const target of targets) registerTarget(suspend, ctx, target, true);
}

export function registerResumeCommands(resume: GroupCommand, ctx: CliContext): void {
  for (const target of targets) registerTarget(resume, ctx, target, false);
}
