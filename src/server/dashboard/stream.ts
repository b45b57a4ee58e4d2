/**
 * Live updates over Server-Sent Events: each change in the operator's caches goes out at once as
 * one small message (a row of the overview, an event), only to those allowed to read it. An open
 * stream asks again as often as answers are cached (ADR 0030): from then on it sends only what
 * the token may still read, and a token no longer valid gets a `denied` event and the stream ends.
 */
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Access } from './access.ts';
import { summarizeSource, summarizeSync } from './summary.ts';
import type { DashboardChange, DashboardData, Identity, StreamMessage } from './types.ts';
import { EVENTS, SOURCES, SYNCS, visibilityFor } from './visibility.ts';

/** A comment line now and then keeps proxies from closing a quiet stream. */
const KEEPALIVE_MS = 25_000;

function messageOf(change: DashboardChange): { message: StreamMessage; namespace: string } {
  if (change.kind === 'Event') {
    return { message: { event: 'event', data: change.row }, namespace: change.row.namespace };
  }
  const namespace = change.obj.metadata.namespace ?? '';
  const name = change.obj.metadata.name ?? '';
  if (change.type === 'deleted') {
    const event = change.kind === 'Sync' ? 'sync-deleted' : 'source-deleted';
    return { message: { event, data: { namespace, name } }, namespace };
  }
  const message: StreamMessage =
    change.kind === 'Sync'
      ? { event: 'sync', data: summarizeSync(change.obj) }
      : { event: 'source', data: summarizeSource(change.obj) };
  return { message, namespace };
}

export function streamChanges(
  c: Context,
  deps: { readonly data: DashboardData; readonly access: Access; readonly who: Identity },
): Response {
  const header = c.req.header('Authorization');
  return streamSSE(c, async (stream) => {
    const signal = c.req.raw.signal;
    const visibilities = () => ({
      Sync: visibilityFor(deps.access, deps.who, SYNCS, signal),
      GitRepository: visibilityFor(deps.access, deps.who, SOURCES, signal),
      Event: visibilityFor(deps.access, deps.who, EVENTS, signal),
    });
    let visible = visibilities();
    // One chain per connection keeps the messages in the order the changes happened.
    let chain: Promise<void> = stream.writeSSE({ event: 'hello', data: '{}' });
    const unsubscribe = deps.data.onChange((change) => {
      const { message, namespace } = messageOf(change);
      chain = chain
        .then(async () => {
          if (!(await visible[change.kind](namespace))) return;
          await stream.writeSSE({ event: message.event, data: JSON.stringify(message.data) });
        })
        .catch(() => stream.abort());
    });
    const keepalive = setInterval(() => {
      chain = chain.then(() => stream.write(': keepalive\n\n')).then(() => undefined);
    }, KEEPALIVE_MS);
    const recheck = setInterval(() => {
      chain = chain
        .then(async () => {
          const still = await deps.access.authenticate(header, signal);
          if (still?.user === deps.who.user) {
            visible = visibilities();
            return;
          }
          const error = 'the token is no longer valid: sign in again';
          await stream.writeSSE({ event: 'denied', data: JSON.stringify({ error }) });
          stream.abort();
        })
        .catch(() => stream.abort());
    }, deps.access.ttlMs);
    await new Promise<void>((resolve) => {
      stream.onAbort(resolve);
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    clearInterval(keepalive);
    clearInterval(recheck);
    unsubscribe();
  });
}
