/**
 * A standby's watch on its Lease: each renewal is seen when it is written, not at the next poll,
 * so the lease duration counts from (just after) the real renewal and a dead leader is replaced
 * within the lease duration. The poll of `elector.ts` stays: it is what takes the Lease, and it
 * still works when the watch cannot (a role without `watch`, a broken stream).
 */
import type { KubeObject } from '../../core/index.ts';
import type { KubeClient } from '../../kube/index.ts';
import type { Clock, Logger } from '../types.ts';

/** How long the server keeps one watch open before the next one starts. */
const WATCH_SECONDS = 300;

export type LeaseWatchDeps = {
  readonly kube: KubeClient;
  readonly clock: Clock;
  readonly log: Logger;
  readonly ref: { readonly apiVersion: string; readonly kind: string } & {
    readonly namespace: string;
    readonly name: string;
  };
  /** The pause before watching again after the server closed or broke a watch. */
  readonly retryMs: number;
  /** Told each version of the Lease as it arrives. */
  readonly onLease: (lease: KubeObject) => void;
};

/** Watches until `signal` aborts; never rejects. */
export async function watchLease(deps: LeaseWatchDeps, signal: AbortSignal): Promise<void> {
  const { kube, ref, log } = deps;
  let lastFailure: string | undefined;
  while (!signal.aborted) {
    const res = await kube
      .watch(
        ref.apiVersion,
        ref.kind,
        { namespace: ref.namespace, timeoutSeconds: WATCH_SECONDS },
        (event) => {
          if (event.object.metadata.name !== ref.name) return;
          if (event.type === 'ADDED' || event.type === 'MODIFIED') deps.onLease(event.object);
        },
        signal,
      )
      .catch((error: unknown) => ({ ok: false as const, error: { message: String(error) } }));
    if (signal.aborted) return;
    if (!res.ok && res.error.message !== lastFailure) {
      lastFailure = res.error.message;
      log.warn({ err: lastFailure }, 'lease not watched: renewals are seen at each poll only');
    }
    await deps.clock.sleep(deps.retryMs, signal);
  }
}
