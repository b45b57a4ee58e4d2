// `moor create sync NAME --source NAME …`: a Sync from flags.
import { Option } from '@commander-js/extra-typings';
import { API_GROUP_VERSION, Kinds, type KubeObject } from '../parts.ts';
import { DriftModes, parseSync } from '../parts-api.ts';
import { namespaceOf, type CliContext } from '../context.ts';
import { CliError, formatSubject, type Subject } from '../errors.ts';
import type { GroupCommand } from '../program.ts';
import { applyOrExport } from './apply-or-export.ts';
import {
  collect,
  renderFlagOfField,
  renderSpecOf,
  type SyncRenderFlags,
} from './create-sync-render.ts';
import { helmFlagOfField, helmOptions, helmSpecOf } from './create-sync-helm.ts';
import { waitOptions } from './reconcile.ts';
import { requireSyncPath, requireValid, requireValidName } from './validate.ts';

export type SyncFlags = SyncRenderFlags & {
  readonly source: string;
  readonly path?: string | undefined;
  readonly interval?: string | undefined;
  readonly retryInterval?: string | undefined;
  readonly timeout?: string | undefined;
  readonly prune?: boolean | undefined;
  readonly wait?: boolean | undefined;
  readonly dependsOn?: readonly string[] | undefined;
  readonly targetNamespace?: string | undefined;
  readonly serviceAccount?: string | undefined;
  readonly force?: boolean | undefined;
  readonly driftMode?: string | undefined;
  readonly driftAlertAfter?: string | undefined;
  /** spec.helm (create-sync-helm.ts). */
  readonly helm?: Record<string, unknown> | undefined;
};

const sourceKindWords = new Set(['gitrepository', 'gitrepositories', 'gitrepo', 'source', 'git']);

const flagOfField = {
  'spec.sourceRef': '--source',
  'spec.path': '--path',
  'spec.interval': '--interval',
  'spec.retryInterval': '--retry-interval',
  'spec.timeout': '--timeout',
  'spec.dependsOn': '--depends-on',
  'spec.targetNamespace': '--target-namespace',
  'spec.serviceAccountName': '--service-account',
  'spec.drift.mode': '--drift-mode',
  'spec.drift.alertAfter': '--drift-alert-after',
  ...helmFlagOfField,
  'metadata.name': 'NAME',
  ...renderFlagOfField,
};

/** `NAME`, `GitRepository/NAME`, `ns/NAME` or `GitRepository/ns/NAME` → `spec.sourceRef`. */
export function parseSourceRef(
  text: string,
  subject: Subject,
): { kind: 'GitRepository'; name: string; namespace?: string } {
  const parts = text.split('/');
  const isKind = (word: string | undefined) =>
    word !== undefined && sourceKindWords.has(word.toLowerCase());
  let rest = parts;
  if (parts.length === 3 || (parts.length === 2 && isKind(parts[0]))) {
    if (!isKind(parts[0])) {
      throw new CliError(
        `${formatSubject(subject)}: --source ${text}: only GitRepository sources are supported`,
      );
    }
    rest = parts.slice(1);
  }
  const [first, second] = rest;
  if (rest.length > 2 || !first || (rest.length === 2 && !second)) {
    throw new CliError(
      `${formatSubject(subject)}: --source ${JSON.stringify(text)}: expected NAME, GitRepository/NAME or NAMESPACE/NAME`,
    );
  }
  return second === undefined
    ? { kind: Kinds.GitRepository, name: first }
    : { kind: Kinds.GitRepository, namespace: first, name: second };
}

function parseDependency(text: string): { name: string; namespace?: string } {
  const slash = text.indexOf('/');
  return slash < 0
    ? { name: text }
    : { namespace: text.slice(0, slash), name: text.slice(slash + 1) };
}

function buildDrift(flags: SyncFlags): Record<string, string> | undefined {
  if (flags.driftMode === undefined && flags.driftAlertAfter === undefined) return undefined;
  return {
    ...(flags.driftMode === undefined ? {} : { mode: flags.driftMode }),
    ...(flags.driftAlertAfter === undefined ? {} : { alertAfter: flags.driftAlertAfter }),
  };
}

function buildSyncSpec(flags: SyncFlags, subject: Subject): Record<string, unknown> {
  const drift = buildDrift(flags);
  const optional: Record<string, unknown> = {
    interval: flags.interval,
    retryInterval: flags.retryInterval,
    timeout: flags.timeout,
    wait: flags.wait ? true : undefined,
    dependsOn: flags.dependsOn?.length ? flags.dependsOn.map(parseDependency) : undefined,
    targetNamespace: flags.targetNamespace,
    serviceAccountName: flags.serviceAccount,
    force: flags.force ? true : undefined,
    drift,
    helm: flags.helm,
  };
  return {
    sourceRef: parseSourceRef(flags.source, subject),
    path: flags.path ?? './',
    prune: flags.prune ?? false,
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
    ...renderSpecOf(flags, subject),
  };
}

/** The Sync the flags describe, validated as the operator will read it. */
export function buildSync(name: string, namespace: string, flags: SyncFlags): KubeObject {
  const subject = { kind: Kinds.Sync, namespace, name };
  requireValidName(subject);
  const obj: KubeObject = {
    apiVersion: API_GROUP_VERSION,
    kind: Kinds.Sync,
    metadata: { name, namespace },
    spec: buildSyncSpec(flags, subject),
  };
  requireValid(parseSync(obj), flagOfField);
  requireSyncPath(subject, flags.path ?? './');
  return obj;
}

export function registerCreateSyncCommand(create: GroupCommand, ctx: CliContext): void {
  const command = create
    .command('sync')
    .description('create or update a Sync')
    .argument('<name>', 'name of the Sync')
    .requiredOption(
      '--source <source>',
      'the GitRepository: NAME, GitRepository/NAME or NAMESPACE/NAME',
    )
    .option('--path <path>', 'directory inside the source to apply', './')
    .option('--interval <duration>', 'full re-verification period (default: 10m)')
    .option('--retry-interval <duration>', 'wait before retrying a failed apply')
    .option('--timeout <duration>', 'limit for one apply, including the wait (default: 5m)')
    .option('--prune', 'delete objects removed from Git')
    .option(
      '--wait',
      'wait for everything applied to be healthy (spec.wait), and block until it is applied and healthy',
    )
    .option('--wait-timeout <duration>', 'how long --wait blocks', '5m')
    .option('--depends-on <sync...>', 'Syncs that must be Ready first: NAME or NAMESPACE/NAME')
    .option('--target-namespace <namespace>', 'namespace for namespaced objects that name none')
    .option('--service-account <name>', 'apply as this service account')
    .option('--force', 'recreate objects whose immutable fields changed')
    .addOption(
      new Option('--drift-mode <mode>', 'what to do about drift (default: Correct)').choices([
        DriftModes.Correct,
        DriftModes.Alert,
        DriftModes.Ignore,
      ]),
    )
    .option('--drift-alert-after <duration>', 'grace period before Diverged (default: 5m)')
    .option(
      '--substitute <name=value>',
      'a variable for ${NAME} in manifests (repeatable)',
      collect,
    )
    .option(
      '--substitute-from <kind/name>',
      'variables from configmap/NAME or secret/NAME, later ones override (repeatable; NAME? if optional)',
      collect,
    )
    .option('--substitute-strict', 'an undefined variable without a default is an error')
    .option('--decryption-secret <name>', 'decrypt SOPS files with the age keys of this Secret')
    .option('--export', 'print the object as YAML instead of applying it');
  helmOptions(command).action(async (name, opts, cmd) => {
    const globals = cmd.optsWithGlobals();
    const obj = buildSync(name, namespaceOf(globals), { ...opts, helm: helmSpecOf(opts) });
    const wait = opts.wait ? await waitOptions(ctx, opts.waitTimeout, '--wait-timeout') : undefined;
    await applyOrExport(ctx, globals, obj, { exportOnly: opts.export, wait });
  });
}
