/**
 * Which revision a Sync applies when it is not the newest of its source (ADR 0019), pure: the
 * pinned one (`spec.pin`), or the last healthy one while a rollback after a health failure lasts
 * (`status.rolledBack`, until the source moves past the revision that failed).
 */
import type { Sync } from '../../api/index.ts';
import type { SyncStatus } from './status.ts';

export type Target = {
  readonly kind: 'pin' | 'rollback';
  /** The commit applied instead. */
  readonly sha: string;
  /** The newest revision of the source, which is not applied. */
  readonly branchRevision: string;
};

const SHA = /([0-9a-f]{40})$/;

export const shaOfRevision = (revision: string): string | undefined => SHA.exec(revision)?.[1];

/** `main` of `main@sha1:<sha>`; '' when the revision names no ref. */
export const refNameOf = (revision: string): string => {
  const at = revision.indexOf('@');
  return at < 0 ? '' : revision.slice(0, at);
};

export function targetOf(sync: Sync, status: SyncStatus, current: string): Target | undefined {
  const pinned = sync.spec.pin ? shaOfRevision(sync.spec.pin.revision) : undefined;
  if (pinned) return { kind: 'pin', sha: pinned, branchRevision: current };
  const back = status.rolledBack;
  const to = back ? shaOfRevision(back.to) : undefined;
  if (back?.from === current && to) return { kind: 'rollback', sha: to, branchRevision: current };
  return undefined;
}
