// Shared by this part's tests against the local control plane (not part of the public API).
import { setTimeout as sleep } from 'node:timers/promises';

import { testCluster } from '../../test/helpers/cluster.ts';
import { createKubeClient, type KubeClientOptions } from './client.ts';
import type { Result } from '../core/index.ts';
import type { KubeClient } from './types.ts';

/** A client for the run's control plane. */
export function testClient(opts: Omit<KubeClientOptions, 'kubeconfig'> = {}): KubeClient {
  return createKubeClient({ kubeconfig: testCluster().kubeconfig, ...opts });
}

/** A signal for one test step: long enough for a slow machine, bounded all the same. */
export const stepSignal = (): AbortSignal => AbortSignal.timeout(30_000);

/** Polls `probe` until it returns a value, or fails naming `what` after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline)
      throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await sleep(200);
  }
}

/** Unwraps a Result in a test, failing with the error's message. */
export function must<T>(res: Result<T, Error>): T {
  if (!res.ok) throw res.error;
  return res.value;
}
