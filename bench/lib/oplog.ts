// Reads the operator's JSON log (pino lines) to split a measured latency into the operator's
// own phases: when it had the new artifact, and when it had applied it.
import { readFile } from 'node:fs/promises';

type LogLine = { time?: number; msg?: string; revision?: string };

export type RevisionTimes = {
  /** Epoch ms of the `new artifact` line for the revision. */
  readonly artifactAt?: number;
  /** Epoch ms of the `applied` line for the revision. */
  readonly appliedAt?: number;
};

export async function readRevisionTimes(logPath: string): Promise<Map<string, RevisionTimes>> {
  const times = new Map<string, RevisionTimes>();
  for (const line of (await readFile(logPath, 'utf8')).split('\n')) {
    if (!line.startsWith('{')) continue;
    let parsed: LogLine;
    try {
      parsed = JSON.parse(line) as LogLine;
    } catch {
      continue;
    }
    const sha = parsed.revision?.split(':').pop();
    if (!sha || parsed.time === undefined) continue;
    const known = times.get(sha) ?? {};
    if (parsed.msg === 'new artifact' && known.artifactAt === undefined)
      times.set(sha, { ...known, artifactAt: parsed.time });
    if (parsed.msg === 'applied' && known.appliedAt === undefined)
      times.set(sha, { ...known, appliedAt: parsed.time });
  }
  return times;
}
