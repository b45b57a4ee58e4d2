// Which revision `moor rollback` goes back to, and the commit message it writes: pure.
import type { HistoryRecord } from '../controller/index.ts';
import { CliError } from './errors.ts';

const SHA = /@sha1:([0-9a-f]{40})$/;

/** The full sha of a revision (`main@sha1:<sha>` or a bare sha). */
export function shaOf(revision: string): string | undefined {
  if (/^[0-9a-f]{40}$/.test(revision)) return revision;
  return SHA.exec(revision)?.[1];
}

export type RollbackTarget = { readonly revision: string; readonly record?: HistoryRecord };

type Known = {
  readonly subject: string;
  readonly current: string | undefined;
  readonly records: readonly HistoryRecord[];
  /** `status.lastHealthyRevision`, for a Sync with no history yet. */
  readonly lastHealthy: string | undefined;
};

/** `--to` (a revision, a sha or a prefix of 7 or more) resolved against the history. */
function resolveTo(to: string, k: Known): RollbackTarget {
  const wanted = (shaOf(to) ?? to).toLowerCase();
  if (!/^[0-9a-f]{7,40}$/.test(wanted))
    throw new CliError(
      `--to ${JSON.stringify(to)}: expected a revision, a commit sha or a prefix of one (7+ hex digits)`,
    );
  const record = k.records.find((r) => shaOf(r.revision)?.startsWith(wanted));
  if (record) return { revision: record.revision, record };
  if (wanted.length === 40) return { revision: wanted };
  throw new CliError(`${k.subject}: no apply of ${to} in its history; give the full commit sha`);
}

/** The target: `--to`, else the last revision that converged healthy before the current one. */
export function rollbackTarget(to: string | undefined, k: Known): RollbackTarget {
  const target = to === undefined ? lastHealthyTarget(k) : resolveTo(to, k);
  if (k.current !== undefined && shaOf(target.revision) === shaOf(k.current))
    throw new CliError(`${k.subject}: ${target.revision} is the revision applied now`);
  return target;
}

function lastHealthyTarget(k: Known): RollbackTarget {
  const current = k.current === undefined ? undefined : shaOf(k.current);
  const record = k.records.find(
    (r) => r.result === 'Succeeded' && r.health !== 'Unhealthy' && shaOf(r.revision) !== current,
  );
  if (record) return { revision: record.revision, record };
  if (k.lastHealthy !== undefined && shaOf(k.lastHealthy) !== current)
    return { revision: k.lastHealthy };
  throw new CliError(`${k.subject}: no earlier revision converged healthy; name one with --to`);
}

export type MessageInput = {
  readonly subject: string;
  readonly target: RollbackTarget;
  readonly current: string | undefined;
  readonly path: string;
  readonly reason: string | undefined;
};

const short = (revision: string | undefined): string => {
  if (revision === undefined) return 'none';
  const sha = shaOf(revision);
  return sha ? sha.slice(0, 12) : revision;
};

/** The rollback commit's message: what is rolled back, to what, and why. */
export function rollbackMessage(m: MessageInput): string {
  const sha = shaOf(m.target.revision) ?? m.target.revision;
  const was = m.target.record?.commit?.message;
  return [
    `Roll back ${m.subject} to ${short(m.target.revision)}`,
    '',
    `Restores ${m.path === '' ? 'the whole tree' : m.path} as it was at ${sha}${was ? ` ("${was}")` : ''},`,
    `undoing what ${short(m.current)} applied.`,
    `Reason: ${m.reason ?? 'rollback requested with moor rollback'}.`,
    '',
  ].join('\n');
}

export type PinWait =
  | { readonly phase: 'waiting'; readonly message: string }
  | { readonly phase: 'done'; readonly message: string }
  | { readonly phase: 'failed'; readonly message: string };

type SyncView = {
  readonly generation: number | undefined;
  readonly observedGeneration: number | undefined;
  readonly applied: string | undefined;
  readonly ready: { status: string; reason: string; message: string } | undefined;
};

/** Whether a pinned (or unpinned) Sync has applied `sha` and is Ready. */
export function assessPinWait(s: SyncView, sha: string): PinWait {
  if (s.generation !== undefined && (s.observedGeneration ?? 0) < s.generation)
    return { phase: 'waiting', message: `generation ${s.generation} not yet observed` };
  if (shaOf(s.applied ?? '') !== sha)
    return {
      phase: 'waiting',
      message: `waiting for ${sha.slice(0, 12)} (applied: ${s.applied ?? 'none'})`,
    };
  if (s.ready?.status === 'True')
    return { phase: 'done', message: `applied revision ${s.applied ?? ''}` };
  if (s.ready?.status === 'False' && s.ready.reason !== 'Progressing')
    return { phase: 'failed', message: `${s.ready.reason}: ${s.ready.message}` };
  return {
    phase: 'waiting',
    message: s.ready ? `${s.ready.reason}: ${s.ready.message}` : 'no Ready condition yet',
  };
}
