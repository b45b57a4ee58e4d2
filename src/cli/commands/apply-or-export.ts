// What `moor create …` does with the object it built: print it, or apply it and say what changed.
import type { KubeObject, KubeClient } from '../parts.ts';
import { connectWith, unwrapKube, type CliContext, type GlobalOptions } from '../context.ts';
import { formatSubject } from '../errors.ts';
import { refTo, subjectOf } from '../objects.ts';
import { formatYamlDocuments } from '../output.ts';
import { reconcileNow, type Wait } from './reconcile.ts';

/** The field manager of objects the CLI creates (the operator applies as `moor`). */
export const CLI_FIELD_MANAGER = 'moor-cli';

/**
 * Prints the object (`exportOnly`), or applies it; given `wait`, then requests a reconcile and
 * blocks as `moor reconcile … --wait` does (a Sync's source is fetched first).
 */
export async function applyOrExport(
  ctx: CliContext,
  globals: GlobalOptions,
  obj: KubeObject,
  opts: { readonly exportOnly: boolean | undefined; readonly wait?: Wait | undefined },
): Promise<void> {
  if (opts.exportOnly) {
    ctx.stdout(formatYamlDocuments([obj]));
    return;
  }
  const kube = await connectWith(ctx, globals);
  const action = await applyObject(kube, obj, ctx.signal);
  const subject = subjectOf(obj);
  ctx.stdout(`✔ ${formatSubject(subject)} ${action}\n`);
  if (!opts.wait) return;
  const ref = refTo(subject.kind, subject.namespace ?? '', subject.name);
  await reconcileNow(kube, ref, { ctx, wait: opts.wait, withSource: true });
}

/** Server-side apply as `moor-cli`; says whether the object was created, changed, or already so. */
export async function applyObject(
  kube: KubeClient,
  obj: KubeObject,
  signal: AbortSignal,
): Promise<'created' | 'configured' | 'unchanged'> {
  const subject = subjectOf(obj);
  const ref = { ...subject, apiVersion: obj.apiVersion };
  const before = unwrapKube(await kube.get(ref, signal), subject);
  const after = unwrapKube(
    await kube.apply(obj, { fieldManager: CLI_FIELD_MANAGER, force: true }, signal),
    subject,
  );
  if (!before) return 'created';
  return before.metadata.resourceVersion === after.metadata.resourceVersion
    ? 'unchanged'
    : 'configured';
}
