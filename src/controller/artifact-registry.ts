/**
 * The artifacts this process holds, per GitRepository, with an index of the Syncs that render each
 * source: a new artifact wakes only its Syncs. Keyed by objects that exist: a source's artifact is
 * forgotten when the source is deleted, a Sync's entry when the Sync is.
 */
import { type KubeObject, nameKey, nameKeyOf } from '../core/index.ts';
import type { StoredArtifact } from '../source/index.ts';
import type { ArtifactRegistry } from './git-repositories.ts';

export type ArtifactIndex = {
  /** The artifacts by `namespace/name` of their GitRepository (what the source reconciler fills). */
  readonly artifacts: ArtifactRegistry;
  artifact(namespace: string, name: string): StoredArtifact | undefined;
  /** The source is gone: so is its artifact. */
  forgetSource(sourceKey: string): void;
  /** Notes which source a Sync renders (again on every change of the Sync). */
  track(sync: KubeObject): void;
  forgetSync(syncKey: string): void;
  /** The Syncs rendering this source, by `namespace/name`. */
  syncsOf(namespace: string, name: string): string[];
  /** Syncs and sources remembered. */
  size(): { readonly syncs: number; readonly sources: number };
};

/** `namespace/name` of the GitRepository a Sync names; its namespace by default. */
export function sourceKeyOf(sync: KubeObject): string {
  const ref = (sync.spec as { sourceRef?: { name?: string; namespace?: string } } | undefined)
    ?.sourceRef;
  return nameKey(ref?.namespace ?? sync.metadata.namespace, ref?.name);
}

export function createArtifactIndex(): ArtifactIndex {
  const artifacts: ArtifactRegistry = new Map();
  const sourceOfSync = new Map<string, string>();
  const syncsOfSource = new Map<string, Set<string>>();
  const forgetSync = (syncKey: string): void => {
    const source = sourceOfSync.get(syncKey);
    if (source === undefined) return;
    sourceOfSync.delete(syncKey);
    const syncs = syncsOfSource.get(source);
    syncs?.delete(syncKey);
    if (syncs?.size === 0) syncsOfSource.delete(source);
  };
  return {
    artifacts,
    artifact: (namespace, name) => artifacts.get(nameKey(namespace, name)),
    forgetSource: (sourceKey) => artifacts.delete(sourceKey),
    track(sync) {
      const syncKey = nameKeyOf(sync);
      const source = sourceKeyOf(sync);
      if (sourceOfSync.get(syncKey) === source) return;
      forgetSync(syncKey);
      sourceOfSync.set(syncKey, source);
      syncsOfSource.set(source, (syncsOfSource.get(source) ?? new Set()).add(syncKey));
    },
    forgetSync,
    syncsOf: (namespace, name) => [...(syncsOfSource.get(nameKey(namespace, name)) ?? [])],
    size: () => ({ syncs: sourceOfSync.size, sources: syncsOfSource.size }),
  };
}
