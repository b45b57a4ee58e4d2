// `moor diff sync NAME (--ref REF | --path DIR) [-o table|json|markdown]`: what would change live
// if that Git ref or local directory were the Sync's desired state. Nothing is written to the
// cluster (server-side dry-run). Exit 0: no changes; 1: changes; 2: error.
import { Option } from '@commander-js/extra-typings';
import { loadController, loadGit } from '../parts.ts';
import { connectWith, namespaceOf, type CliContext } from '../context.ts';
import { CliError, ExitCodes } from '../errors.ts';
import { findKustomize } from '../kustomize-program.ts';
import { formatData } from '../output.ts';
import type { GroupCommand } from '../program.ts';

const GIT_TIMEOUT_MS = 120_000;
const DiffFormats = ['table', 'json', 'markdown'] as const;

type DiffOptions = {
  readonly ref?: string | undefined;
  readonly path?: string | undefined;
  readonly output: (typeof DiffFormats)[number];
};

function stateOf(opts: DiffOptions): { ref: string } | { dir: string } {
  if (opts.ref !== undefined && opts.path !== undefined)
    throw new CliError('give either --ref or --path, not both');
  if (opts.ref !== undefined) return { ref: opts.ref };
  if (opts.path !== undefined) return { dir: opts.path };
  throw new CliError('give --ref REF (a branch, tag or commit of the source) or --path DIR');
}

export function registerDiffCommands(diff: GroupCommand, ctx: CliContext): void {
  diff
    .command('sync')
    .description('what would change live if a Git ref or a local directory were desired')
    .argument('<name>', 'name of the Sync')
    .option('--ref <ref>', "a branch, tag or commit of the Sync's GitRepository")
    .option('--path <dir>', "a local directory holding the Sync's manifests")
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(DiffFormats)
        .default('table' as const),
    )
    .action(async (name, opts, cmd) => {
      const globals = cmd.optsWithGlobals();
      const state = stateOf(opts);
      const kube = await connectWith(ctx, globals);
      const controller = await loadController();
      const { createGitClient } = await loadGit();
      // The environment is read here, once (PATH for git and kustomize, proxies, CA bundles).
      const env = process.env;
      const git = createGitClient({ timeoutMs: GIT_TIMEOUT_MS, allowFileUrls: true, env });
      const kustomize = { path: findKustomize({ searchPath: env.PATH }).path, allowRemote: false };
      const deps = { kube, git, kustomize, allowFileUrls: true, signal: ctx.signal };
      const request = { namespace: namespaceOf(globals), name, state };
      const preview = await controller.previewSync(deps, request);
      if (!preview.ok) throw new CliError(preview.error.message, { cause: preview.error });
      const p = preview.value;
      if (opts.output === 'json') ctx.stdout(formatData(p, 'json'));
      else if (opts.output === 'markdown') ctx.stdout(controller.formatPreviewMarkdown(p));
      else ctx.stdout(controller.formatPreviewText(p));
      if (p.failed.length > 0) throw new CliError('', { exitCode: ExitCodes.Error });
      if (controller.hasChanges(p)) throw new CliError('', { exitCode: ExitCodes.Differences });
    });
}
