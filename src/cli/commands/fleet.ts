// `moor fleet status --url REPO [--branch main] [--depth 200] [--secret-file FILE] [-o table|json]`:
// per cluster and Sync, the revision the cluster applied (its writeback tag
// `moor/<cluster>/<ns>/<sync>`, ADR 0005), how many commits it is behind the branch head and since
// when. Reads only the Git remote: no cluster credentials.
import { Option } from '@commander-js/extra-typings';
import { clusterTagsOf, fleetStatusOf, renderFleetTable } from '../fleet-view.ts';
import { gitAuthOf } from '../git-credentials.ts';
import { loadGit } from '../parts.ts';
import type { CliContext } from '../context.ts';
import { CliError } from '../errors.ts';
import { formatData } from '../output.ts';
import type { GroupCommand } from '../program.ts';

const GIT_TIMEOUT_MS = 120_000;
const MAX_DEPTH = 10_000;

function depthOf(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > MAX_DEPTH)
    throw new CliError(`--depth ${JSON.stringify(text)}: a whole number from 1 to ${MAX_DEPTH}`);
  return n;
}

export function registerFleetCommands(fleet: GroupCommand, ctx: CliContext): void {
  fleet
    .command('status')
    .description("each cluster's applied revision per Sync, from its writeback tags in Git")
    .requiredOption('--url <url>', 'the repository the clusters sync from (and tag)')
    .option('--branch <branch>', 'the branch the clusters follow', 'main')
    .option('--depth <n>', 'how many commits of the branch to read', '200')
    .option('--secret-file <file>', 'a Secret manifest with the Git credentials')
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['table', 'json'] as const)
        .default('table' as const),
    )
    .action(async (opts) => {
      const depth = depthOf(opts.depth);
      const git = await loadGit();
      if (!git.isValidRefName(opts.branch))
        throw new CliError(`--branch ${JSON.stringify(opts.branch)}: not a branch name`);
      const auth = await gitAuthOf(opts.secretFile, opts.url);
      const client = git.createGitClient({
        timeoutMs: GIT_TIMEOUT_MS,
        allowFileUrls: true,
        env: process.env,
      });
      const refs = await client.listRemoteRefs(opts.url, auth, ctx.signal);
      if (!refs.ok) throw new CliError(refs.error.message, { cause: refs.error });
      const tags = clusterTagsOf(refs.value);
      const target = { branch: opts.branch, shas: tags.tags.map((t) => t.sha), depth };
      const compared = await client.compareToBranch(opts.url, auth, target, ctx.signal);
      if (!compared.ok) throw new CliError(compared.error.message, { cause: compared.error });
      const where = { url: git.redactUrl(opts.url), branch: opts.branch, depth };
      const status = fleetStatusOf(where, tags, compared.value);
      if (opts.output === 'json') ctx.stdout(formatData(status, 'json'));
      else ctx.stdout(renderFleetTable(status, ctx.clock.now()));
    });
}
