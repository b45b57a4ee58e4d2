// The watch stream: line-delimited JSON events; `ERROR` events carry a `Status` (410 = Expired).
import { err, ok, type KubeObject, type Result } from '../core/index.ts';
import { KubeError, errorFromException, errorFromWatchStatus } from './errors.ts';
import type { StreamResponse } from './transport.ts';
import { WatchEventTypes, type WatchEvent, type WatchEventType } from './types.ts';

/** How long the server keeps a watch open unless asked otherwise (`timeoutSeconds`). */
export const WATCH_TIMEOUT_SECONDS = 240;

export type WatchLine = { readonly event: WatchEvent } | { readonly error: KubeError };

const isEventType = (t: unknown): t is WatchEventType =>
  WatchEventTypes.includes(t as WatchEventType);

/** Parses one line of a watch stream; `subject` names the watched collection in errors. */
export function parseWatchLine(line: string, subject: string): WatchLine {
  let parsed: { type?: unknown; object?: unknown };
  try {
    parsed = JSON.parse(line) as { type?: unknown; object?: unknown };
  } catch (e) {
    const message = `watch ${subject}: unreadable event ${JSON.stringify(line.slice(0, 200))}`;
    return { error: new KubeError('Failed', message, { verb: 'watch', subject }, { cause: e }) };
  }
  if (parsed.type === 'ERROR')
    return { error: errorFromWatchStatus('watch', subject, parsed.object) };
  const object = parsed.object;
  if (!isEventType(parsed.type) || !object || typeof object !== 'object') {
    const message = `watch ${subject}: unexpected event type ${JSON.stringify(parsed.type)}`;
    return { error: new KubeError('Failed', message, { verb: 'watch', subject }) };
  }
  return { event: { type: parsed.type, object: object as KubeObject } };
}

/**
 * Reads events until the stream ends (ok), `signal` aborts (ok), an `ERROR` event arrives, or
 * the connection fails. Closes the stream in every case.
 */
export async function consumeWatchStream(
  stream: StreamResponse,
  subject: string,
  onEvent: (e: WatchEvent) => void,
  signal: AbortSignal,
): Promise<Result<void, KubeError>> {
  const reader = stream.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return ok(undefined);
      const lines = (pending + value).split('\n');
      pending = lines.pop() ?? '';
      for (const raw of lines) {
        const line = raw.trim();
        if (!line) continue;
        const parsed = parseWatchLine(line, subject);
        if ('error' in parsed) return err(parsed.error);
        onEvent(parsed.event);
      }
    }
  } catch (e) {
    if (signal.aborted) return ok(undefined);
    return err(errorFromException('watch', subject, e, { aborted: false }));
  } finally {
    stream.close();
    reader.releaseLock();
  }
}
