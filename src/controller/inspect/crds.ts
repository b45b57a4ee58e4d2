/**
 * Whether Moor's CRDs are installed, Established and current: each generated CRD dry-run applied
 * as `moor` (nothing written) and compared with the live one, so "current" means `moor install`
 * would change nothing.
 */
import { generateCrds } from '../../api/index.ts';
import { wouldChange } from '../../apply/index.ts';
import { FIELD_MANAGER, getCondition, type Condition } from '../../core/index.ts';
import type { KubeClient } from '../../kube/index.ts';

export type CrdState = {
  readonly name: string;
  readonly installed: boolean;
  readonly established: boolean;
  /** `moor install` would change nothing. */
  readonly current: boolean;
  /** The versions the live CRD serves. */
  readonly served: readonly string[];
  readonly message?: string;
};

export async function checkCrds(kube: KubeClient, signal: AbortSignal): Promise<CrdState[]> {
  return Promise.all(
    generateCrds().map(async (crd): Promise<CrdState> => {
      const name = crd.metadata.name ?? '';
      const got = await kube.get({ apiVersion: crd.apiVersion, kind: crd.kind, name }, signal);
      if (!got.ok) {
        const message = got.error.message;
        return { name, installed: false, established: false, current: false, served: [], message };
      }
      const live = got.value;
      if (!live) return { name, installed: false, established: false, current: false, served: [] };
      const conditions = (live.status as { conditions?: Condition[] } | undefined)?.conditions;
      const established = getCondition(conditions, 'Established')?.status === 'True';
      const versions = (live.spec as { versions?: { name: string; served?: boolean }[] }).versions;
      const served = (versions ?? []).filter((v) => v.served).map((v) => v.name);
      const dry = await kube.apply(
        crd,
        { fieldManager: FIELD_MANAGER, dryRun: true, force: true },
        signal,
      );
      const current = dry.ok && !wouldChange(dry.value, live);
      return { name, installed: true, established, current, served };
    }),
  );
}
