/**
 * Artifacts a GitRepository published before this process started, found again in the store on
 * disk: the Syncs keep rendering them from the first reconcile, with no fetch in between.
 */
import { type KubeObject, nameKey } from '../core/index.ts';
import type { ArtifactStore } from '../source/index.ts';
import type { ArtifactRegistry } from './git-repositories.ts';

type Published = { readonly revision?: string; readonly digest?: string };

/** Registers the source's published artifact when it is on disk and none is registered yet. */
export async function restoreArtifact(
  namespace: string,
  name: string,
  published: Published | undefined,
  store: Pick<ArtifactStore, 'find'>,
  artifacts: ArtifactRegistry,
): Promise<boolean> {
  const key = nameKey(namespace, name);
  const { revision, digest } = published ?? {};
  if (!revision || !digest || artifacts.has(key)) return false;
  const dir = await store.find(namespace, name, digest);
  // A fetch may have published a newer one meanwhile; it wins.
  if (!dir || artifacts.has(key)) return false;
  const sha = revision.slice(revision.lastIndexOf(':') + 1);
  artifacts.set(key, { revision, digest, sha, dir });
  return true;
}

/** Restores every listed GitRepository's artifact that is still on disk; returns how many. */
export async function restoreArtifacts(
  sources: readonly KubeObject[],
  store: Pick<ArtifactStore, 'find'>,
  artifacts: ArtifactRegistry,
): Promise<number> {
  const restored = await Promise.all(
    sources.map((s) =>
      restoreArtifact(
        s.metadata.namespace ?? '',
        s.metadata.name ?? '',
        (s.status as { artifact?: Published } | undefined)?.artifact,
        store,
        artifacts,
      ),
    ),
  );
  return restored.filter(Boolean).length;
}
