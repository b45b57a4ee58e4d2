// `moor bootstrap git --url URL --path clusters/NAME [--branch main] [--secret-file FILE]`:
// commits the install manifests and Moor's own GitRepository and Sync under the path (one commit
// on the branch, none when they are there already), then installs the same objects, so that from
// then on the cluster's Moor applies that path to itself: a new image tag committed there rolls
// its Deployment. An object a Sync already applies (Moor's own, on a later bootstrap) is left to
// that Sync, so that its ownership labels and inventory stay as they are.
import { lstat, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Option } from '@commander-js/extra-typings';
import type { KubeClient, KubeObject } from '../parts.ts';
import { safeParseDuration } from '../parts-api.ts';
import { loadGit } from '../parts.ts';
import {
  bootstrapFiles,
  bootstrapPathOf,
  buildSelfManagement,
  BOOTSTRAP_SECRET,
  SELF_NAME,
  type BootstrapOptions,
} from '../bootstrap-manifests.ts';
import { connectWith, type CliContext } from '../context.ts';
import { CliError } from '../errors.ts';
import { gitAuthFrom, readSecretFile } from '../git-credentials.ts';
import { buildInstallManifests, INSTALL_NAMESPACE } from '../install-manifests.ts';
import type { GroupCommand } from '../program.ts';
import { installCrds } from './install.ts';
import { installRest } from './install-all.ts';

const GIT_TIMEOUT_MS = 120_000;
const PUSH_ATTEMPTS = 3;
const CRD_TIMEOUT_MS = 60_000;

/**
 * Refuses a file whose directories are anything but directories, or which is anything but a
 * regular file: a symlink in the repository could lead the write out of the checkout.
 */
async function assertPlainPath(root: string, path: string): Promise<void> {
  let at = root;
  for (const segment of dirname(path).split('/')) {
    at = join(at, segment);
    const info = await lstat(at).catch(() => undefined);
    if (!info) return;
    if (!info.isDirectory() || info.isSymbolicLink())
      throw new CliError(
        `--path: ${at.slice(root.length + 1)} in the repository is not a directory`,
      );
  }
  const file = await lstat(join(root, path)).catch(() => undefined);
  if (file && !file.isFile())
    throw new CliError(`--path: ${path} in the repository is not a regular file`);
}

/** Writes the files into the checked-out tree; the commit message, or undefined if unchanged. */
function editFor(files: { path: string; text: string }[], where: string) {
  return async (dir: string): Promise<string | undefined> => {
    let changed = false;
    for (const file of files) {
      await assertPlainPath(dir, file.path);
      const target = join(dir, file.path);
      const before = await readFile(target, 'utf8').catch(() => undefined);
      if (before === file.text) continue;
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, file.text);
      changed = true;
    }
    return changed ? `Moor: bootstrap ${where}` : undefined;
  };
}

/**
 * The CRDs (Established), then everything else: install manifests, Secret, Moor's own Sync;
 * each object that a Sync already applies is left to it.
 */
async function installSelf(
  kube: KubeClient,
  ctx: CliContext,
  options: BootstrapOptions,
  secret: Record<string, string> | undefined,
): Promise<void> {
  await installCrds(kube, ctx, CRD_TIMEOUT_MS, { leaveSyncOwned: true });
  const objects: KubeObject[] = [
    ...buildInstallManifests(ctx.version, { clusterAdmin: options.clusterAdmin }),
    ...(secret
      ? [
          {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: BOOTSTRAP_SECRET, namespace: INSTALL_NAMESPACE },
            stringData: secret,
          },
        ]
      : []),
    ...buildSelfManagement(options),
  ];
  await installRest(kube, ctx, objects, { leaveSyncOwned: true });
}

export function registerBootstrapCommands(bootstrap: GroupCommand, ctx: CliContext): void {
  bootstrap
    .command('git')
    .description(
      "commit the install manifests and Moor's own Sync to a repository, then install them",
    )
    .requiredOption('--url <url>', 'https://, http://, ssh://, git@host:path or file:// URL')
    .requiredOption('--path <path>', "the cluster's directory in the repository (clusters/NAME)")
    .option('--branch <branch>', 'the branch to commit to and follow (it must exist)', 'main')
    .option(
      '--secret-file <file>',
      'a Secret manifest with the Git credentials (installed, not committed)',
    )
    .option('--interval <duration>', 'how often Moor looks for a new revision of itself', '1m')
    .option(
      '--cluster-admin',
      'let the operator itself apply any kind (see install --cluster-admin)',
    )
    .option('--author <author>', 'the commit author', 'Moor bootstrap <moor@bootstrap.invalid>')
    .addOption(new Option('--no-install', 'only commit; install nothing'))
    .action(async (opts, cmd) => {
      const git = await loadGit();
      const path = bootstrapPathOf(opts.path);
      if (!path)
        throw new CliError(
          `--path ${JSON.stringify(opts.path)}: a relative directory like clusters/NAME, without ..`,
        );
      if (!git.isValidRefName(opts.branch))
        throw new CliError(`--branch ${JSON.stringify(opts.branch)}: not a branch name`);
      if (!safeParseDuration(opts.interval).ok)
        throw new CliError(`--interval ${JSON.stringify(opts.interval)}: not a duration`);
      const author = /^\s*(.+?)\s*<([^<>\s]+)>\s*$/.exec(opts.author);
      if (!author?.[1] || !author[2])
        throw new CliError(`--author ${JSON.stringify(opts.author)}: expected "Name <email>"`);
      const secret =
        opts.secretFile === undefined ? undefined : await readSecretFile(opts.secretFile);
      const auth = await gitAuthFrom(secret, opts.secretFile ?? '', opts.url);
      const options: BootstrapOptions = {
        version: ctx.version,
        url: opts.url,
        branch: opts.branch,
        path,
        interval: opts.interval,
        withSecret: secret !== undefined,
        clusterAdmin: opts.clusterAdmin === true,
      };
      const where = `${path} on ${opts.branch} of ${git.redactUrl(opts.url)}`;
      ctx.stdout(`► committing ${where}\n`);
      const client = git.createGitClient({
        timeoutMs: GIT_TIMEOUT_MS,
        allowFileUrls: true,
        env: process.env,
      });
      const update = {
        checkoutBranch: opts.branch,
        pushBranch: opts.branch,
        author: { name: author[1], email: author[2] },
        edit: editFor(bootstrapFiles(options), path),
        attempts: PUSH_ATTEMPTS,
      };
      const pushed = await client.updateBranch(opts.url, auth, update, ctx.signal);
      if (!pushed.ok)
        throw new CliError(`${where}: ${pushed.error.message}`, { cause: pushed.error });
      ctx.stdout(
        pushed.value.pushed
          ? `✔ pushed ${pushed.value.head}\n`
          : `✔ ${path} is up to date at ${pushed.value.head}\n`,
      );
      if (opts.install === false) return;

      const kube = await connectWith(ctx, cmd.optsWithGlobals());
      await installSelf(kube, ctx, options, secret);
      ctx.stdout(`✔ Moor manages itself from ${where} (Sync ${INSTALL_NAMESPACE}/${SELF_NAME})\n`);
    });
}
