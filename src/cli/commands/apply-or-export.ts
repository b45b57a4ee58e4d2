// What `moor create …` does with the object it built: print it, or apply it and say what changed.
import type { KubeObject, KubeClient } from '../parts.ts';
import { connectWith, unwrapKube, type CliContext, type GlobalOptions } from '../context.ts';
import { formatSubject } from '../errors.ts';
import { subjectOf } from '../objects.ts';
import { formatYamlDocuments } from '../output.ts';

/** The field manager of objects the CLI creates (the operator applies as `moor`). */
export const CLI_FIELD_MANAGER = 'moor-cli';

export async function applyOrExport(
  ctx: CliContext,
  globals: GlobalOptions,
  obj: KubeObject,
  exportOnly: boolean | undefined,
): Promise<void> {
  if (exportOnly) {
    ctx.stdout(formatYamlDocuments([obj]));
    return;
  }
  const kube = await connectWith(ctx, globals);
  const action = await applyObject(kube, obj, ctx.signal);
  ctx.stdout(`✔ ${formatSubject(subjectOf(obj))} ${action}\n`);
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
