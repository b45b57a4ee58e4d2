// `moor create source git NAME --url URL --branch B …`: a GitRepository from flags.
import { API_GROUP_VERSION, Kinds, type KubeObject } from '../parts.ts';
import { parseGitRepository } from '../parts-api.ts';
import { namespaceOf, type CliContext } from '../context.ts';
import { CliError, formatSubject } from '../errors.ts';
import type { GroupCommand } from '../program.ts';
import { applyOrExport } from './apply-or-export.ts';
import { waitOptions } from './reconcile.ts';
import { requireGitUrl, requireValid, requireValidName } from './validate.ts';

export type GitSourceFlags = {
  readonly url: string;
  readonly branch?: string | undefined;
  readonly tag?: string | undefined;
  readonly semver?: string | undefined;
  readonly commit?: string | undefined;
  readonly interval?: string | undefined;
  readonly timeout?: string | undefined;
  readonly secretRef?: string | undefined;
  readonly ignore?: string | undefined;
};

const REF_FLAGS = ['branch', 'tag', 'semver', 'commit'] as const;

const flagOfField = {
  'spec.url': '--url',
  'spec.ref': '--branch/--tag/--semver/--commit',
  'spec.ref.branch': '--branch',
  'spec.ref.tag': '--tag',
  'spec.ref.semver': '--semver',
  'spec.ref.commit': '--commit',
  'spec.interval': '--interval',
  'spec.timeout': '--timeout',
  'spec.secretRef': '--secret-ref',
  'spec.ignore': '--ignore',
  'metadata.name': 'NAME',
};

/** The GitRepository the flags describe, validated as the operator will read it. */
export function buildGitRepository(
  name: string,
  namespace: string,
  flags: GitSourceFlags,
): KubeObject {
  const subject = { kind: Kinds.GitRepository, namespace, name };
  requireValidName(subject);
  const refs = REF_FLAGS.filter((k) => flags[k] !== undefined);
  if (refs.length !== 1) {
    const got = refs.length === 0 ? 'none' : refs.map((k) => `--${k}`).join(', ');
    throw new CliError(
      `${formatSubject(subject)}: give exactly one of --branch, --tag, --semver, --commit (got ${got})`,
    );
  }
  const ref = Object.fromEntries(refs.map((k) => [k, flags[k]]));
  const obj: KubeObject = {
    apiVersion: API_GROUP_VERSION,
    kind: Kinds.GitRepository,
    metadata: { name, namespace },
    spec: {
      url: flags.url,
      ref,
      ...(flags.interval === undefined ? {} : { interval: flags.interval }),
      ...(flags.timeout === undefined ? {} : { timeout: flags.timeout }),
      ...(flags.secretRef === undefined ? {} : { secretRef: { name: flags.secretRef } }),
      ...(flags.ignore === undefined ? {} : { ignore: flags.ignore }),
    },
  };
  requireValid(parseGitRepository(obj), flagOfField);
  requireGitUrl(subject, flags.url);
  return obj;
}

export function registerCreateSourceGitCommand(source: GroupCommand, ctx: CliContext): void {
  source
    .command('git')
    .description('create or update a GitRepository')
    .argument('<name>', 'name of the GitRepository')
    .requiredOption('--url <url>', 'https://, http://, ssh://, git@host:path or file:// URL')
    .option('--branch <branch>', 'follow the head of this branch')
    .option('--tag <tag>', 'check out this tag')
    .option('--semver <range>', 'the highest tag matching this semver range')
    .option('--commit <sha>', 'exactly this commit (full hash)')
    .option('--interval <duration>', 'how often to look for a new revision', '1m')
    .option('--timeout <duration>', 'limit for one Git operation (default: 60s)')
    .option('--secret-ref <name>', 'Secret with the credentials, in the same namespace')
    .option('--ignore <patterns>', 'paths to leave out, in .gitignore syntax')
    .option('--export', 'print the object as YAML instead of applying it')
    .option('--wait', 'then block until the source has fetched its revision')
    .option('--wait-timeout <duration>', 'how long --wait waits', '5m')
    .action(async (name, opts, cmd) => {
      const globals = cmd.optsWithGlobals();
      const obj = buildGitRepository(name, namespaceOf(globals), opts);
      const wait = opts.wait
        ? await waitOptions(ctx, opts.waitTimeout, '--wait-timeout')
        : undefined;
      await applyOrExport(ctx, globals, obj, { exportOnly: opts.export, wait });
    });
}
