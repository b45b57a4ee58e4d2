// Looking for secret values where they must not be: in captured text, in the command lines and
// environments of an operator's child processes while they run, and in files left on disk.
import { readdir, readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A named secret value; the scan looks for it, and for its base64, everywhere. */
export type Needle = { readonly name: string; readonly value: string };

/** The forms a value may leak in: as it is, and base64 (what a Secret's `data` holds). */
export function formsOf(needles: readonly Needle[]): Needle[] {
  return needles.flatMap((n) => [
    n,
    { name: `${n.name} (base64)`, value: Buffer.from(n.value).toString('base64') },
  ]);
}

/** `where: needle` for every needle (in every form) found in `text`. */
export function findLeaks(where: string, text: string, needles: readonly Needle[]): string[] {
  return formsOf(needles)
    .filter((n) => text.includes(n.value))
    .map((n) => `${where}: ${n.name}`);
}

type ProcInfo = { readonly pid: number; readonly ppid: number; readonly comm: string };

async function readProc(pid: string): Promise<ProcInfo | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // `pid (comm) state ppid …`; comm may hold spaces and parentheses, so split at the last ')'.
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const comm = text.slice(text.indexOf('(') + 1, close);
  const ppid = Number(text.slice(close + 2).split(' ')[1]);
  return { pid: Number(pid), ppid, comm };
}

/** Every process below `root` (not `root` itself). */
async function descendantsOf(root: number): Promise<ProcInfo[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const all = (await Promise.all(pids.map(readProc))).filter((p) => p !== undefined);
  const children = new Map<number, ProcInfo[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const found: ProcInfo[] = [];
  const queue = [root];
  for (let i = 0; i < queue.length && i < 10_000; i++) {
    for (const child of children.get(queue[i] ?? -1) ?? []) {
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}

export type ProcessSampler = {
  /** Leaks seen so far (`comm pid cmdline|environ: needle`), once each. */
  readonly leaks: () => string[];
  /** How many samples saw a process whose name starts with `git` or `ssh`. */
  readonly gitSightings: () => number;
  readonly samples: () => number;
  stop(): Promise<void>;
};

/**
 * Reads `/proc/PID/cmdline` and `/proc/PID/environ` of every descendant of `root` every
 * `everyMs`, until stopped, and notes each needle found in them.
 */
export function sampleProcesses(
  root: number,
  needles: readonly Needle[],
  everyMs = 10,
): ProcessSampler {
  const leaks = new Set<string>();
  let sightings = 0;
  let samples = 0;
  let running = true;
  const one = async (): Promise<void> => {
    for (const p of await descendantsOf(root)) {
      const [cmdline, environ] = await Promise.all([
        readFile(`/proc/${p.pid}/cmdline`).catch(() => Buffer.alloc(0)),
        readFile(`/proc/${p.pid}/environ`).catch(() => Buffer.alloc(0)),
      ]);
      if (/^(git|ssh)/.test(p.comm) && cmdline.length > 0) sightings++;
      const where = `${p.comm} ${p.pid}`;
      for (const leak of findLeaks(`${where} cmdline`, cmdline.toString('latin1'), needles))
        leaks.add(leak);
      for (const leak of findLeaks(`${where} environ`, environ.toString('latin1'), needles))
        leaks.add(leak);
    }
  };
  const loop = (async () => {
    while (running) {
      await one().catch(() => undefined);
      samples++;
      await sleep(everyMs);
    }
  })();
  return {
    leaks: () => [...leaks],
    gitSightings: () => sightings,
    samples: () => samples,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

/**
 * Files under `dir` holding a needle, unless the file is 0600 and its directory 0700 (a private
 * credential file). Walks at most `limit` entries.
 */
export async function findLeaksOnDisk(
  dir: string,
  needles: readonly Needle[],
  limit = 50_000,
): Promise<string[]> {
  const leaks: string[] = [];
  const stack = [dir];
  let seen = 0;
  while (stack.length > 0 && seen < limit) {
    const current = stack.pop() ?? '';
    const entries = await readdir(current, { withFileTypes: true }).catch(() => []);
    const dirMode = (await stat(current).catch(() => undefined))?.mode ?? 0;
    for (const entry of entries) {
      seen++;
      const path = join(current, entry.name);
      if (entry.isDirectory()) {
        stack.push(path);
        continue;
      }
      if (!entry.isFile()) continue;
      const text = (await readFile(path).catch(() => Buffer.alloc(0))).toString('latin1');
      const found = findLeaks(path, text, needles);
      if (found.length === 0) continue;
      const mode = (await stat(path)).mode & 0o777;
      if (mode === 0o600 && (dirMode & 0o077) === 0) continue;
      leaks.push(...found.map((f) => `${f} (mode ${mode.toString(8)})`));
    }
  }
  return leaks;
}

export type WebhookReceiver = {
  readonly url: string;
  /** Each request as received: headers and body, as text. */
  readonly requests: string[];
  close(): Promise<void>;
};

/**
 * A loopback HTTP receiver that keeps every request's headers and body and answers 200, or with
 * `echo` 401 and the whole request back (as a careless server would, credentials included).
 */
export async function startWebhookReceiver(
  host = '127.0.0.1',
  options: { echo?: boolean } = {},
): Promise<WebhookReceiver> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const head = `${req.method ?? ''} ${req.url ?? ''}\n${JSON.stringify(req.headers)}\n`;
      const request = head + Buffer.concat(chunks).toString('utf8');
      requests.push(request);
      if (options.echo) res.writeHead(401).end(`unauthorized: ${request}`);
      else res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://${host}:${address.port}/hook`,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
