/** Bounded polling of live objects: CRDs Established, deleted objects gone. */
import type { Clock, KubeObject } from '../core/index.ts';
import type { KubeClient, ObjectRef } from '../kube/index.ts';

export const refOf = (obj: KubeObject): ObjectRef => ({
  apiVersion: obj.apiVersion,
  kind: obj.kind,
  name: obj.metadata.name ?? '',
  ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
});

/** Deadlines on the clock's monotonic time, pauses with its sleep. */
export type WaitClock = Pick<Clock, 'monotonic' | 'sleep'>;

export async function pollUntil(
  check: () => Promise<boolean>,
  opts: {
    readonly timeoutMs: number;
    readonly intervalMs: number;
    readonly signal: AbortSignal;
    readonly clock: WaitClock;
  },
): Promise<boolean> {
  const { clock } = opts;
  const deadline = clock.monotonic() + opts.timeoutMs;
  let interval = Math.min(opts.intervalMs, 50);
  for (;;) {
    if (await check()) return true;
    if (clock.monotonic() >= deadline || opts.signal.aborted) return false;
    await clock.sleep(interval, opts.signal);
    interval = Math.min(interval * 2, opts.intervalMs);
  }
}

export function isEstablished(crd: KubeObject | undefined): boolean {
  const conditions = (
    crd?.status as { conditions?: { type: string; status: string }[] } | undefined
  )?.conditions;
  return conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
}

/**
 * Whether discovery serves the CRD's kind in every served version. The API server may mark a CRD
 * Established a moment before its discovery document lists the kind; a custom resource applied
 * in that gap would fail as an unknown kind.
 */
async function served(kube: KubeClient, crd: KubeObject, signal: AbortSignal): Promise<boolean> {
  const spec = crd.spec as
    | {
        group?: string;
        names?: { kind?: string };
        versions?: { name?: string; served?: boolean }[];
      }
    | undefined;
  const kind = spec?.names?.kind;
  if (!spec?.group || !kind) return true;
  for (const v of spec.versions ?? []) {
    if (!v.name || v.served === false) continue;
    const got = await kube.resolveKind(`${spec.group}/${v.name}`, kind, signal);
    if (!got.ok) return false;
  }
  return true;
}

/** Waits until each CRD is Established and its kind is served by discovery. */
export async function waitEstablished(
  kube: KubeClient,
  crds: readonly KubeObject[],
  opts: { readonly timeoutMs: number; readonly signal: AbortSignal; readonly clock: WaitClock },
): Promise<string[]> {
  const pending: string[] = [];
  await Promise.all(
    crds.map(async (crd) => {
      const ok = await pollUntil(
        async () => {
          const got = await kube.get(refOf(crd), opts.signal);
          return got.ok && isEstablished(got.value) && (await served(kube, crd, opts.signal));
        },
        { ...opts, intervalMs: 500 },
      );
      if (!ok) pending.push(crd.metadata.name ?? '');
    }),
  );
  return pending;
}

export async function waitGone(
  kube: KubeClient,
  obj: KubeObject,
  opts: { readonly timeoutMs: number; readonly signal: AbortSignal; readonly clock: WaitClock },
): Promise<boolean> {
  return pollUntil(
    async () => {
      const got = await kube.get(refOf(obj), opts.signal);
      return got.ok && got.value === undefined;
    },
    { ...opts, intervalMs: 500 },
  );
}
