import type { KubeObject, Result } from '../core/index.ts';
import { err, formatObjectId, Labels, objectIdOf, ok } from '../core/index.ts';
import { RenderError, RenderErrorCode } from './errors.ts';
import type { IsNamespaced } from './scope.ts';
import { resolveScopes } from './scope.ts';
import type { RenderedObject } from './types.ts';

export type TransformOptions = {
  /** Namespace every namespaced object is moved to (overrides the one written in Git). */
  readonly targetNamespace?: string | undefined;
  readonly syncName: string;
  readonly syncNamespace: string;
  /** The cluster's answer (discovery); see resolveScopes for the fallbacks. */
  readonly isNamespaced: IsNamespaced;
};

/**
 * Makes rendered objects ready to apply, without changing the input: namespaced objects move to
 * `targetNamespace` when one is set; cluster-scoped objects lose any `metadata.namespace` (the
 * API server ignores it, and identity must not depend on it); every object gets the Sync's labels.
 * A namespaced object left without a namespace is an error: applying it would fail, and its
 * identity would not match the inventory (pruning the object it replaces).
 */
export function transformObjects(
  objects: readonly RenderedObject[],
  options: TransformOptions,
): Result<RenderedObject[], RenderError> {
  const namespaced = resolveScopes(
    objects.map((o) => o.object),
    options.isNamespaced,
  );
  const out: RenderedObject[] = [];
  for (const { object, source } of objects) {
    const isNamespaced = namespaced(object.apiVersion, object.kind);
    const transformed = transformObject(object, isNamespaced, options);
    if (isNamespaced && !transformed.metadata.namespace) {
      const id = formatObjectId(objectIdOf(transformed));
      return err(
        new RenderError(
          RenderErrorCode.namespaceMissing,
          `${source.path}:${source.line}: ${id} has no namespace: set metadata.namespace or the Sync's spec.targetNamespace`,
          { file: source.path, line: source.line },
        ),
      );
    }
    out.push({ object: transformed, source });
  }
  return ok(out);
}

function transformObject(
  original: KubeObject,
  namespaced: boolean,
  options: TransformOptions,
): KubeObject {
  const object = structuredClone(original);
  const metadata = object.metadata;
  if (!namespaced) delete metadata.namespace;
  else if (options.targetNamespace) metadata.namespace = options.targetNamespace;
  metadata.labels = {
    ...metadata.labels,
    [Labels.syncName]: options.syncName,
    [Labels.syncNamespace]: options.syncNamespace,
  };
  return object;
}
