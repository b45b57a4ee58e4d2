// The V8 inspector of an operator started with NODE_OPTIONS=--inspect=127.0.0.1:0 (loopback
// only): full garbage collections and the heap used after them, read without changing the operator.
import { readFile } from 'node:fs/promises';
import { waitFor } from './operator.ts';

export type Inspector = {
  /** Collects garbage (twice, so that weakly held objects go too), then returns the heap used. */
  heapUsedAfterGc(): Promise<number>;
  close(): void;
};

type Reply = { id: number; result?: { result?: { value?: unknown } }; error?: { message: string } };

/** Finds the inspector's address in the operator's log (Node prints it on stderr) and connects. */
export async function connectInspector(logPath: string): Promise<Inspector> {
  let url = '';
  await waitFor('the operator to open its inspector', async () => {
    const m = /Debugger listening on (ws:\/\/127\.0\.0\.1:\d+\/[\w-]+)/.exec(
      await readFile(logPath, 'utf8'),
    );
    url = m?.[1] ?? '';
    return url !== '';
  });
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error(`inspector ${url}: not reachable`)), {
      once: true,
    });
  });
  const pending = new Map<number, (reply: Reply) => void>();
  socket.addEventListener('message', (e: { data: unknown }) => {
    const reply = JSON.parse(String(e.data)) as Reply;
    pending.get(reply.id)?.(reply);
    pending.delete(reply.id);
  });
  let next = 0;
  const call = (method: string, params: Record<string, unknown> = {}): Promise<Reply> => {
    const id = ++next;
    const replied = new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`inspector: ${method} timed out`)), 60_000);
      pending.set(id, (reply) => {
        clearTimeout(timer);
        if (reply.error) reject(new Error(`inspector: ${method}: ${reply.error.message}`));
        else resolve(reply);
      });
    });
    socket.send(JSON.stringify({ id, method, params }));
    return replied;
  };
  return {
    async heapUsedAfterGc() {
      await call('HeapProfiler.collectGarbage');
      await call('HeapProfiler.collectGarbage');
      const reply = await call('Runtime.evaluate', {
        expression: 'process.memoryUsage().heapUsed',
        returnByValue: true,
      });
      const value = reply.result?.result?.value;
      if (typeof value !== 'number') throw new Error('inspector: heapUsed is not a number');
      return value;
    },
    close: () => socket.close(),
  };
}
