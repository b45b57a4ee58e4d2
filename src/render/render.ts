import type { Result } from '../core/index.ts';
import { err } from '../core/index.ts';
import type { RenderError } from './errors.ts';
import type { FileMemo } from './file-memo.ts';
import type { KustomizeSettings } from './kustomize.ts';
import { loadManifestFiles } from './load.ts';
import { findDuplicate, parseManifests, type ParseMemo } from './parse.ts';
import type { IsNamespaced } from './scope.ts';
import { decryptManifests } from './sops.ts';
import { substituteObjects, type SubstituteOptions } from './substitute.ts';
import { transformObjects } from './transform.ts';
import type { RenderedObject } from './types.ts';

export type RenderSyncOptions = {
  /** Parsed files from earlier renders of the same Sync (see ParseMemo). */
  readonly memo?: ParseMemo | undefined;
  /** Files read by the Sync's last render (see FileMemo): unchanged ones are not read again. */
  readonly files?: FileMemo | undefined;
  /** The artifact: one commit's files on disk. */
  readonly artifactDir: string;
  /** The Sync's `spec.path`, relative to the artifact. */
  readonly path: string;
  readonly targetNamespace?: string | undefined;
  readonly syncName: string;
  readonly syncNamespace: string;
  /** The cluster's answer to "is this kind namespaced?" (undefined: unknown). */
  readonly isNamespaced: IsNamespaced;
  /** How kustomizations are built; without a program a kustomization is a render error. */
  readonly kustomize?: KustomizeSettings | undefined;
  /** Variables to substitute in string values (`spec.substitute`…); undefined: none. */
  readonly substitute?: SubstituteOptions | undefined;
  /**
   * age identities (`AGE-SECRET-KEY-1…`) for SOPS-encrypted files; undefined: the Sync decrypts
   * nothing, and an encrypted file is an error.
   */
  readonly identities?: readonly string[] | undefined;
  /** Filled with what the render read (see LoadOptions.reads). */
  readonly reads?: Set<string> | undefined;
  readonly signal: AbortSignal;
};

/**
 * Renders a Sync's desired objects from an artifact: reads the manifests under `path` (building
 * kustomizations), decrypts SOPS-encrypted documents in memory, parses them, substitutes variables, moves namespaced objects to `targetNamespace` and labels every
 * object with the Sync. Objects come sorted by file path, then document order.
 */
export async function renderSync(
  options: RenderSyncOptions,
): Promise<Result<RenderedObject[], RenderError>> {
  const files = await loadManifestFiles(options.artifactDir, options.path, options.signal, {
    kustomize: options.kustomize,
    reads: options.reads,
    identities: options.identities,
    files: options.files,
  });
  if (!files.ok) return files;
  const decrypted = decryptManifests(files.value, options.identities);
  if (!decrypted.ok) return decrypted;
  const parsed = parseManifests(decrypted.value, options.memo);
  if (!parsed.ok) return parsed;
  const substituted = options.substitute
    ? substituteObjects(parsed.value, options.substitute, decrypted.value)
    : parsed;
  if (!substituted.ok) return substituted;
  const transformed = transformObjects(substituted.value, options);
  if (!transformed.ok) return transformed;
  // targetNamespace can make two objects from different namespaces one.
  const duplicate = findDuplicate(transformed.value);
  return duplicate ? err(duplicate) : transformed;
}
