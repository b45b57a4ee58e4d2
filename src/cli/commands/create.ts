// `moor create source git …` and `moor create sync …`.
import type { CliContext } from '../context.ts';
import type { GroupCommand } from '../program.ts';
import { registerCreateSourceGitCommand } from './create-source-git.ts';
import { registerCreateSyncCommand } from './create-sync.ts';
import { registerCreateNotificationCommands } from './create-notification.ts';
import { registerCreateImageCommands } from './image-create.ts';

export function registerCreateCommands(create: GroupCommand, ctx: CliContext): void {
  const source = create.command('source').description('create or update a source');
  registerCreateSourceGitCommand(source, ctx);
  registerCreateSyncCommand(create, ctx);
  registerCreateNotificationCommands(create, ctx);
  registerCreateImageCommands(create, ctx);
}
