/**
 * Sharding (ADR 0026): the operator started with `--shard NAME` takes the Syncs and
 * GitRepositories labelled `moor.dev/shard=NAME`; the one without `--shard` takes the unlabelled
 * ones. The selector goes on the list+watch itself, so another shard's objects never reach this
 * process's caches; a sharded operator's live cache holds only the objects it applied (ADR 0032).
 */
import { Labels, type KubeObject } from '../core/index.ts';

export function shardSelector(shard: string | undefined): string {
  return shard === undefined ? `!${Labels.shard}` : `${Labels.shard}=${shard}`;
}

/**
 * The live cache's selector (ADR 0032): with `--shard NAME` only the objects this shard applied
 * (stamped `moor.dev/shard=NAME`); without, every Moor-labelled object, so that the cache can
 * tell an object is absent without asking.
 */
export function liveSelector(shard: string | undefined): string {
  return shard === undefined ? Labels.syncName : `${Labels.syncName},${Labels.shard}=${shard}`;
}

/** An object as a sharded operator applies it: stamped with its shard; unchanged without one. */
export function stampShard(obj: KubeObject, shard: string | undefined): KubeObject {
  if (shard === undefined) return obj;
  const labels = { ...obj.metadata.labels, [Labels.shard]: shard };
  return { ...obj, metadata: { ...obj.metadata, labels } };
}
