// Talks to the operator's /api/v1/: the bearer token from the login form, JSON reads, the one
// writes (reconcile, suspend/resume, rollback, unpin), and the live stream (Server-Sent Events read with fetch, so the token
// goes in a header, never in a URL).
import type { StreamMessage } from '../../src/server/dashboard/types.ts';

const TOKEN_KEY = 'moor.token';
export const API = '/api/v1';

export function token(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value: string | null): void {
  if (value === null) sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, value);
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function headers(): Record<string, string> {
  const t = token();
  return t ? { Authorization: `Bearer ${t}` } : {};
}

async function fail(res: Response): Promise<never> {
  const body = (await res.json().catch(() => ({}))) as { error?: string };
  throw new ApiError(res.status, body.error ?? `${res.status} ${res.statusText}`);
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(`${API}${path}`, { headers: headers(), signal: signal ?? null });
  if (!res.ok) return fail(res);
  return (await res.json()) as T;
}

export async function postJson<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${API}${path}`, {
    method: 'POST',
    headers: { ...headers(), 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) return fail(res);
  return (await res.json()) as T;
}

/** Parses SSE text into messages; returns what is left of an unfinished one. */
export function parseSse(buffer: string, emit: (event: string, data: string) => void): string {
  const blocks = buffer.split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length > 0) emit(event, data.join('\n'));
  }
  return rest;
}

/** Follows the stream until `signal` aborts, reconnecting after a pause when it drops. */
export async function follow(
  onMessage: (message: StreamMessage) => void,
  onState: (connected: boolean) => void,
  signal: AbortSignal,
): Promise<void> {
  let pause = 500;
  while (!signal.aborted) {
    try {
      const res = await fetch(`${API}/stream`, { headers: headers(), signal });
      if (!res.ok || res.body === null) throw new ApiError(res.status, 'stream refused');
      onState(true);
      pause = 500;
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer = parseSse(buffer + value, (event, data) => {
          if (event !== 'hello')
            onMessage({ event, data: JSON.parse(data) as unknown } as StreamMessage);
        });
      }
    } catch {
      // dropped or refused: try again after a pause
    }
    onState(false);
    if (signal.aborted) return;
    await new Promise((r) => setTimeout(r, pause));
    pause = Math.min(pause * 2, 10_000);
  }
}
