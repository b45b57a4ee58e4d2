// `moor create image repository|policy|update NAME …`: the image automation resources from flags.
import { API_GROUP_VERSION, Kinds, loadApi, type KubeObject } from '../parts.ts';
import { namespaceOf, type CliContext } from '../context.ts';
import { CliError, formatSubject } from '../errors.ts';
import type { GroupCommand } from '../program.ts';
import { applyOrExport } from './apply-or-export.ts';
import { requireValid, requireValidName } from './validate.ts';

const objectOf = (kind: string, name: string, namespace: string, spec: object): KubeObject => {
  requireValidName({ kind, namespace, name });
  return { apiVersion: API_GROUP_VERSION, kind, metadata: { name, namespace }, spec };
};

const optional = (key: string, value: unknown) => (value === undefined ? {} : { [key]: value });

type RepositoryFlags = {
  image: string;
  interval: string;
  timeout?: string;
  secretRef?: string;
  insecure?: true;
  exclude?: string[];
};

type PolicyFlags = {
  imageRef: string;
  semver?: string;
  prereleases?: true;
  alphabetical?: string;
  numerical?: string;
  filterRegex?: string;
  filterExtract?: string;
  digestReflection?: true;
};

function policyChoice(subject: string, flags: PolicyFlags): Record<string, unknown> {
  const given = (['semver', 'alphabetical', 'numerical'] as const).filter((k) => flags[k]);
  if (given.length !== 1)
    throw new CliError(`${subject}: give exactly one of --semver, --alphabetical, --numerical`);
  if (flags.semver)
    return { semver: { range: flags.semver, prereleases: Boolean(flags.prereleases) } };
  if (flags.alphabetical) return { alphabetical: { order: flags.alphabetical } };
  return { numerical: { order: flags.numerical } };
}

type UpdateFlags = {
  gitRepoRef: string;
  checkoutBranch?: string;
  pushBranch?: string;
  authorName: string;
  authorEmail: string;
  messageTemplate?: string;
  signingKey?: string;
  path: string;
  interval: string;
};

const collect = (value: string, previous: string[] = []) => [...previous, value];

function registerRepository(image: GroupCommand, ctx: CliContext): void {
  image
    .command('repository')
    .description('create or update an ImageRepository (a registry image whose tags are listed)')
    .argument('<name>')
    .requiredOption('--image <name>', 'the image without tag, e.g. ghcr.io/org/app')
    .option('--interval <duration>', 'how often to list the tags', '5m')
    .option('--timeout <duration>', 'limit for one scan (default: 30s)')
    .option('--secret-ref <name>', 'a dockerconfigjson Secret, or one with username/password')
    .option('--insecure', 'plain HTTP (loopback registries)')
    .option('--exclude <regex>', 'leave out tags matching this (repeatable)', collect)
    .option('--export', 'print the object as YAML instead of applying it')
    .action(async (name, opts: RepositoryFlags & { export?: true }, cmd) => {
      const globals = cmd.optsWithGlobals();
      const spec = {
        image: opts.image,
        interval: opts.interval,
        ...optional('timeout', opts.timeout),
        ...optional('secretRef', opts.secretRef && { name: opts.secretRef }),
        ...optional('insecure', opts.insecure),
        ...optional('exclusionList', opts.exclude),
      };
      const obj = objectOf(Kinds.ImageRepository, name, namespaceOf(globals), spec);
      requireValid((await loadApi()).parseImageRepository(obj), {
        'spec.image': '--image',
        'spec.interval': '--interval',
        'spec.exclusionList': '--exclude',
      });
      await applyOrExport(ctx, globals, obj, { exportOnly: opts.export });
    });
}

function registerPolicy(image: GroupCommand, ctx: CliContext): void {
  image
    .command('policy')
    .description('create or update an ImagePolicy (which tag is the latest)')
    .argument('<name>')
    .requiredOption('--image-ref <name>', 'the ImageRepository, in the same namespace')
    .option('--semver <range>', 'the highest version in this range')
    .option('--prereleases', 'with --semver: count prereleases')
    .option('--alphabetical <order>', 'asc (last is latest) or desc')
    .option('--numerical <order>', 'asc (highest is latest) or desc')
    .option('--filter-regex <regex>', 'only tags matching this')
    .option('--filter-extract <template>', 'compare this part, e.g. $ts for (?<ts>…)')
    .option('--digest-reflection', 'also record the digest and pin references by it')
    .option('--export', 'print the object as YAML instead of applying it')
    .action(async (name, opts: PolicyFlags & { export?: true }, cmd) => {
      const globals = cmd.optsWithGlobals();
      const namespace = namespaceOf(globals);
      const subject = formatSubject({ kind: Kinds.ImagePolicy, namespace, name });
      const filter = opts.filterRegex
        ? { filterTags: { pattern: opts.filterRegex, ...optional('extract', opts.filterExtract) } }
        : {};
      const spec = {
        imageRepositoryRef: { name: opts.imageRef },
        policy: policyChoice(subject, opts),
        ...filter,
        ...optional('digestReflection', opts.digestReflection),
      };
      const obj = objectOf(Kinds.ImagePolicy, name, namespace, spec);
      const flags = {
        'spec.policy.semver': '--semver',
        'spec.policy.alphabetical': '--alphabetical',
        'spec.policy.numerical': '--numerical',
        'spec.filterTags': '--filter-regex',
      };
      requireValid((await loadApi()).parseImagePolicy(obj), flags);
      await applyOrExport(ctx, globals, obj, { exportOnly: opts.export });
    });
}

function registerUpdate(image: GroupCommand, ctx: CliContext): void {
  image
    .command('update')
    .description('create or update an ImageUpdateAutomation (commit the latest images to Git)')
    .argument('<name>')
    .requiredOption('--git-repo-ref <name>', 'the GitRepository to commit to')
    .option('--checkout-branch <branch>', "the branch to edit (default: the GitRepository's)")
    .option('--push-branch <branch>', 'the branch to push to (default: the checkout branch)')
    .requiredOption('--author-name <name>', 'commit author name')
    .requiredOption('--author-email <email>', 'commit author email')
    .option('--message-template <text>', 'commit message; {{changes}}, {{automation}}')
    .option('--signing-key <secret>', 'sign commits with the key in this Secret (SSH or OpenPGP)')
    .option('--path <dir>', 'directory of the repository to update', './')
    .option('--interval <duration>', 'how often to look for values to update', '5m')
    .option('--export', 'print the object as YAML instead of applying it')
    .action(async (name, opts: UpdateFlags & { export?: true }, cmd) => {
      const globals = cmd.optsWithGlobals();
      const spec = {
        sourceRef: { kind: Kinds.GitRepository, name: opts.gitRepoRef },
        interval: opts.interval,
        git: {
          ...optional('checkout', opts.checkoutBranch && { branch: opts.checkoutBranch }),
          ...optional('push', opts.pushBranch && { branch: opts.pushBranch }),
          commit: {
            author: { name: opts.authorName, email: opts.authorEmail },
            ...optional('messageTemplate', opts.messageTemplate),
            ...optional('signingKey', opts.signingKey && { name: opts.signingKey }),
          },
        },
        update: { path: opts.path, strategy: 'Setters' },
      };
      const obj = objectOf(Kinds.ImageUpdateAutomation, name, namespaceOf(globals), spec);
      requireValid((await loadApi()).parseImageUpdateAutomation(obj), {
        'spec.interval': '--interval',
        'spec.git.commit.author': '--author-name/--author-email',
        'spec.git.commit.signingKey': '--signing-key',
      });
      await applyOrExport(ctx, globals, obj, { exportOnly: opts.export });
    });
}

export function registerCreateImageCommands(create: GroupCommand, ctx: CliContext): void {
  const image = create.command('image').description('create or update image automation resources');
  registerRepository(image, ctx);
  registerPolicy(image, ctx);
  registerUpdate(image, ctx);
}
