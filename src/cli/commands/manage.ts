// `moor delete sync|source|provider|alert|receiver NAME` and `moor export … NAME`: remove a
// resource, or print it as clean YAML for Git (no status, uid, resourceVersion, managedFields …).
import { Kinds, type KubeObject } from '../parts.ts';
import { connectWith, namespaceOf, unwrapKube, type CliContext } from '../context.ts';
import { formatSubject, notFoundError } from '../errors.ts';
import { refTo } from '../objects.ts';
import { formatYamlDocuments } from '../output.ts';
import type { GroupCommand } from '../program.ts';

const KINDS: readonly {
  readonly word: string;
  readonly aliases: string[];
  readonly kind: string;
}[] = [
  { word: 'sync', aliases: [], kind: Kinds.Sync },
  { word: 'source', aliases: ['gitrepository'], kind: Kinds.GitRepository },
  { word: 'provider', aliases: [], kind: Kinds.Provider },
  { word: 'alert', aliases: [], kind: Kinds.Alert },
  { word: 'receiver', aliases: [], kind: Kinds.Receiver },
];

/** Annotations the server or tools write, not the user: they do not belong in Git. */
const WRITTEN_BY_TOOLS = /^(kubectl\.kubernetes\.io\/|moor\.dev\/reconcile-requested-at$)/;

/** The object as it should be committed: apiVersion, kind, name, namespace, labels, annotations, spec. */
export function cleanForGit(obj: KubeObject): KubeObject {
  const { name, namespace, labels, annotations } = obj.metadata;
  const kept = Object.entries(annotations ?? {}).filter(([k]) => !WRITTEN_BY_TOOLS.test(k));
  const metadata = {
    ...(name ? { name } : {}),
    ...(namespace ? { namespace } : {}),
    ...(labels && Object.keys(labels).length > 0 ? { labels } : {}),
    ...(kept.length > 0 ? { annotations: Object.fromEntries(kept) } : {}),
  };
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    metadata,
    ...(obj.spec === undefined ? {} : { spec: obj.spec }),
  };
}

export function registerDeleteCommands(del: GroupCommand, ctx: CliContext): void {
  for (const k of KINDS) {
    del
      .command(k.word)
      .aliases(k.aliases)
      .description(`delete a ${k.kind}`)
      .argument('<name>', `name of the ${k.kind}`)
      .action(async (name, _opts, cmd) => {
        const globals = cmd.optsWithGlobals();
        const kube = await connectWith(ctx, globals);
        const ref = refTo(k.kind, namespaceOf(globals), name);
        const res = unwrapKube(
          await kube.delete(ref, { propagationPolicy: 'Background' }, ctx.signal),
          ref,
        );
        if (res === 'notFound') throw notFoundError(ref);
        ctx.stdout(`✔ ${formatSubject(ref)} deleted\n`);
      });
  }
}

export function registerExportCommands(exp: GroupCommand, ctx: CliContext): void {
  for (const k of KINDS) {
    exp
      .command(k.word)
      .aliases(k.aliases)
      .description(`print a ${k.kind} as clean YAML for Git`)
      .argument('<name>', `name of the ${k.kind}`)
      .action(async (name, _opts, cmd) => {
        const globals = cmd.optsWithGlobals();
        const kube = await connectWith(ctx, globals);
        const ref = refTo(k.kind, namespaceOf(globals), name);
        const obj = unwrapKube(await kube.get(ref, ctx.signal), ref);
        if (!obj) throw notFoundError(ref);
        ctx.stdout(formatYamlDocuments([cleanForGit(obj)]));
      });
  }
}
