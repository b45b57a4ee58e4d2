// `moor create provider|alert|receiver NAME …`: feedback and webhook resources from flags. A
// receiver's webhook path (where to point the Git host) is printed once it is created.
import { Option } from '@commander-js/extra-typings';
import { API_GROUP_VERSION, Kinds, loadController, type KubeObject } from '../parts.ts';
import { parseAlert, parseProvider, parseReceiver } from '../parts-api.ts';
import { connectWith, namespaceOf, unwrapKube, type CliContext } from '../context.ts';
import { CliError } from '../errors.ts';
import type { GroupCommand } from '../program.ts';
import { applyOrExport } from './apply-or-export.ts';
import { requireValid, requireValidName } from './validate.ts';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function moorObject(kind: string, namespace: string, name: string, spec: object): KubeObject {
  requireValidName({ kind, namespace, name });
  return { apiVersion: API_GROUP_VERSION, kind, metadata: { name, namespace }, spec };
}

function registerProvider(create: GroupCommand, ctx: CliContext): void {
  create
    .command('provider')
    .description('create or update a Provider (where feedback goes)')
    .argument('<name>', 'name of the Provider')
    .addOption(
      new Option('--type <type>', 'kind of receiver')
        .choices(['webhook', 'slack', 'github', 'gitlab', 'gitea', 'gittag'] as const)
        .makeOptionMandatory(),
    )
    .option('--address <url>', 'URL (webhook, Slack) or repository URL (github, gitlab, gitea)')
    .option('--secret-ref <name>', 'Secret with token / hmacKey, in the same namespace')
    .option('--source-ref <name>', 'GitRepository to tag (gittag)')
    .option('--cluster <name>', "name in commit-status contexts and tags (default: the operator's)")
    .option('--export', 'print the object as YAML instead of applying it')
    .action(async (name, opts, cmd) => {
      const globals = cmd.optsWithGlobals();
      const obj = moorObject(Kinds.Provider, namespaceOf(globals), name, {
        type: opts.type,
        ...(opts.address === undefined ? {} : { address: opts.address }),
        ...(opts.secretRef === undefined ? {} : { secretRef: { name: opts.secretRef } }),
        ...(opts.sourceRef === undefined ? {} : { sourceRef: { name: opts.sourceRef } }),
        ...(opts.cluster === undefined ? {} : { cluster: opts.cluster }),
      });
      requireValid(parseProvider(obj), { 'spec.address': '--address', 'spec.type': '--type' });
      await applyOrExport(ctx, globals, obj, { exportOnly: opts.export });
    });
}

function parseSource(text: string): { kind: string; name: string } {
  const [kind, name, extra] = text.split('/');
  if (!kind || !name || extra !== undefined || (kind !== 'Sync' && kind !== 'GitRepository'))
    throw new CliError(
      `--source ${text}: expected Sync/NAME or GitRepository/NAME (NAME may be *)`,
    );
  return { kind, name };
}

function registerAlert(create: GroupCommand, ctx: CliContext): void {
  create
    .command('alert')
    .description('create or update an Alert (which events go to a Provider)')
    .argument('<name>', 'name of the Alert')
    .requiredOption('--provider <name>', 'the Provider, in the same namespace')
    .option('--event <name>', 'an event to send (repeat; default: all)', collect)
    .option('--source <kind/name>', 'Sync/NAME or GitRepository/NAME, * for all (repeat)', collect)
    .addOption(
      new Option('--severity <level>', 'minimum severity').choices(['info', 'error'] as const),
    )
    .option('--export', 'print the object as YAML instead of applying it')
    .action(async (name, opts, cmd) => {
      const globals = cmd.optsWithGlobals();
      const obj = moorObject(Kinds.Alert, namespaceOf(globals), name, {
        providerRef: { name: opts.provider },
        ...(opts.event ? { events: opts.event } : {}),
        ...(opts.source ? { sources: opts.source.map(parseSource) } : {}),
        ...(opts.severity ? { severity: opts.severity } : {}),
      });
      requireValid(parseAlert(obj), { 'spec.events': '--event', 'spec.sources': '--source' });
      await applyOrExport(ctx, globals, obj, { exportOnly: opts.export });
    });
}

function registerReceiver(create: GroupCommand, ctx: CliContext): void {
  create
    .command('receiver')
    .description(
      'create or update a Receiver (push webhooks that trigger a fetch); prints its webhook path',
    )
    .argument('<name>', 'name of the Receiver')
    .addOption(
      new Option('--type <type>', 'the Git host that sends')
        .choices(['github', 'gitlab', 'gitea', 'generic'] as const)
        .makeOptionMandatory(),
    )
    .requiredOption('--secret-ref <name>', 'Secret whose key token the host signs with')
    .requiredOption('--resource <name>', 'a GitRepository to fetch on a push (repeat)', collect)
    .option('--event <name>', 'a host event type to act on (repeat; default: push)', collect)
    .option('--export', 'print the object as YAML instead of applying it')
    .action(async (name, opts, cmd) => {
      const globals = cmd.optsWithGlobals();
      const namespace = namespaceOf(globals);
      const obj = moorObject(Kinds.Receiver, namespace, name, {
        type: opts.type,
        secretRef: { name: opts.secretRef },
        resources: opts.resource.map((r) => ({ kind: Kinds.GitRepository, name: r })),
        ...(opts.event ? { events: opts.event } : {}),
      });
      requireValid(parseReceiver(obj), {
        'spec.resources': '--resource',
        'spec.events': '--event',
      });
      await applyOrExport(ctx, globals, obj, { exportOnly: opts.export });
      if (opts.export) return;
      const kube = await connectWith(ctx, globals);
      const ref = { apiVersion: 'v1', kind: 'Secret', namespace, name: opts.secretRef };
      const secret = unwrapKube(await kube.get(ref, ctx.signal));
      const token = (secret?.data as Record<string, string> | undefined)?.token;
      if (!token) {
        ctx.stderr(
          `warning: Secret ${namespace}/${opts.secretRef} has no key token: the Receiver will not be Ready\n`,
        );
        return;
      }
      const { webhookPathFor } = await loadController();
      const path = webhookPathFor(
        { namespace, name },
        Buffer.from(token, 'base64').toString('utf8'),
      );
      ctx.stdout(`webhook path: ${path}\n`);
    });
}

export function registerCreateNotificationCommands(create: GroupCommand, ctx: CliContext): void {
  registerProvider(create, ctx);
  registerAlert(create, ctx);
  registerReceiver(create, ctx);
}
