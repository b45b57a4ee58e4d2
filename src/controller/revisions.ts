/**
 * Artifacts of earlier commits for the Sync side (a pin, a rollback; ADR 0019): the
 * GitRepository as the informer holds it, its credentials and mirror, through source/.
 */
import { parseGitRepository } from '../api/index.ts';
import { err, type KubeObject } from '../core/index.ts';
import type { GitClient } from '../git/index.ts';
import {
  fetchRevisionArtifact,
  SourceError,
  SourceErrorCodes,
  type ArtifactStore,
} from '../source/index.ts';
import type { SecretReader } from './secrets.ts';
import type { SyncSources } from './sync/index.ts';

export type RevisionWiring = {
  readonly git: GitClient;
  readonly store: ArtifactStore;
  readonly readSecret: SecretReader;
  readonly allowFileUrls: boolean;
  readonly lookup: (namespace: string, name: string) => KubeObject | undefined;
};

export function revisionOf(w: RevisionWiring): SyncSources['revision'] {
  return async (source, sha, refName, signal) => {
    const { namespace, name } = source;
    const subject = `GitRepository/${namespace}/${name}`;
    const obj = w.lookup(namespace, name);
    const parsed = obj ? parseGitRepository(obj) : undefined;
    if (!parsed?.ok) {
      const message = `${subject}: ${parsed ? parsed.error.message : 'not found'}`;
      return err(new SourceError(SourceErrorCodes.storage, message, { source: subject }));
    }
    const deps = {
      git: w.git,
      store: w.store,
      readSecret: w.readSecret,
      allowFileUrls: w.allowFileUrls,
      signal,
    };
    const input = { namespace, name, spec: parsed.value.spec, sha, refName };
    return fetchRevisionArtifact(input, deps);
  };
}
