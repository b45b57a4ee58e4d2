// `moor create source git …` and `moor create sync …`.
import type { CliContext } from '../context.ts';
import type { RootCommand } from '../program.ts';
import { registerCreateSourceGitCommand } from './create-source-git.ts';
import { registerCreateSyncCommand } from './create-sync.ts';

export function registerCreateCommands(root: RootCommand, ctx: CliContext): void {
  const create = root.command('create').description('create or update resources from flags');
  const source = create.command('source').description('create or update a source');
  registerCreateSourceGitCommand(source, ctx);
  registerCreateSyncCommand(create, ctx);
}
