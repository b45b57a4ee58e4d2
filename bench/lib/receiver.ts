// A generic Receiver (push webhook) as the benchmarks use it: created for one GitRepository,
// called right after a commit.
import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchContext } from './context.ts';
import { applyAs, MOOR_API } from './resources.ts';

const RECEIVER = 'bench-push';
const TOKEN = 'bench-webhook-token';

/** A generic Receiver for the GitRepository `source`; returns its webhook path. */
export async function createReceiver(
  ctx: BenchContext,
  namespace: string,
  source: string,
): Promise<string> {
  await applyAs(ctx, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: RECEIVER, namespace },
    stringData: { token: TOKEN },
  });
  await applyAs(ctx, {
    apiVersion: MOOR_API,
    kind: 'Receiver',
    metadata: { name: RECEIVER, namespace },
    spec: {
      type: 'generic',
      secretRef: { name: RECEIVER },
      resources: [{ kind: 'GitRepository', name: source }],
    },
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const got = await ctx.kube.get(
      { apiVersion: MOOR_API, kind: 'Receiver', namespace, name: RECEIVER },
      AbortSignal.timeout(10_000),
    );
    const path = got.ok
      ? (got.value?.status as { webhookPath?: string } | undefined)?.webhookPath
      : undefined;
    if (path) return path;
    await sleep(100);
  }
  throw new Error(`Receiver ${namespace}/${RECEIVER} got no status.webhookPath within 30 s`);
}

/** Calls the Receiver's webhook as a Git host would after a push. */
export async function callWebhook(url: string): Promise<void> {
  const body = JSON.stringify({ ref: 'refs/heads/main', source: 'moor-bench' });
  const signature = createHmac('sha256', TOKEN).update(body).digest('hex');
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Moor-Signature': `sha256=${signature}` },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`POST ${url}: HTTP ${res.status} ${await res.text()}`);
}
