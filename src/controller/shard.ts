/**
 * Sharding (ADR 0026): the operator started with `--shard NAME` takes the Syncs and
 * GitRepositories labelled `moor.dev/shard=NAME`; the one without `--shard` takes the unlabelled
 * ones. The selector goes on the list+watch itself, so another shard's objects never reach this
 * process's caches.
 */
import { Labels } from '../core/index.ts';

export function shardSelector(shard: string | undefined): string {
  return shard === undefined ? `!${Labels.shard}` : `${Labels.shard}=${shard}`;
}
