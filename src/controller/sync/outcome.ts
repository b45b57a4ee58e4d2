/**
 * What the Sync reconciler's shell hands to `decide` (the outcome of render, apply and health) and
 * what it gets back (the decision it then writes). Data only.
 */
import type { Sync } from '../../api/index.ts';
import type { ApplyOutcome, HealthReport } from '../../apply/index.ts';
import type { ConditionStatus } from '../../core/index.ts';
import type { EventInput } from '../../notify/index.ts';
import type { ChangeCounts, InventoryEntry } from '../../plan/index.ts';
import type { EventType } from '../events.ts';
import type { DriftCheck } from './drift-check.ts';
import type { SyncStatus } from './status.ts';
import type { Target } from './target.ts';

/** A condition to set, without its time. */
export type ConditionUpdate = {
  readonly type: string;
  readonly status: ConditionStatus;
  readonly reason: string;
  readonly message: string;
};

/**
 * The typed error behind a failure, as data: its code and where it happened (a render error's
 * file, line and column; the object and HTTP status the API server answered for). Logged with
 * the reason.
 */
export type FailureCause = {
  readonly code: string;
  readonly data?: Readonly<Record<string, string | number>>;
};

/** A reconcile that failed before or during apply: Ready=False with the reason, retry with backoff. */
export type Failed = {
  readonly kind: 'failed';
  readonly reason: string;
  readonly message: string;
  readonly cause?: FailureCause;
  /** Retrying will not help (the spec or the source must change). */
  readonly stalled?: boolean;
  readonly extra?: Partial<SyncStatus>;
  /** Further conditions to set (InSync when objects are known to be missing). */
  readonly conditions?: readonly ConditionUpdate[];
  /** Sent to Alerts the first time this failure is seen. */
  readonly announce?: Pick<EventInput, 'event' | 'revision' | 'objects'>;
  /** An apply that ran and failed: its revision, start and counts go into the history. */
  readonly attempt?: {
    readonly revision: string;
    readonly startedAt: Date;
    readonly counts: ChangeCounts;
  };
};

/** A revision applied (the apply succeeded); health may still be pending or failed. */
export type Applied = {
  readonly kind: 'applied';
  readonly revision: string;
  /** A new revision or spec: applied whole, drift does not apply. */
  readonly newRevision: boolean;
  readonly inventory: InventoryEntry[];
  readonly outcome: ApplyOutcome;
  readonly counts: ChangeCounts;
  /** One assessment of every desired object's health; undefined without spec.wait. */
  readonly health: HealthReport | undefined;
  /** Drift left in place: by choice (Alert, Ignore) or not yet correctable (Correct). */
  readonly drift: DriftCheck | undefined;
  /** Drifted objects that were re-applied (mode Correct). */
  readonly corrected: readonly string[];
  readonly desiredCount: number;
  /** `status.finishedJobs`: Jobs done for their rendered spec. */
  readonly finishedJobs: NonNullable<SyncStatus['finishedJobs']>;
  /** When the apply began (the history entry's start). */
  readonly startedAt: Date;
  /** How long rendering and applying took, for the log. */
  readonly timings: { readonly renderMs: number; readonly applyMs: number };
  /** Digest of what the render read from the cluster ('' or undefined: nothing). */
  readonly inputs?: string;
};

export type SyncOutcome = Failed | Applied;

export type DecideInput = {
  readonly sync: Sync;
  /** The status as this reconcile last read or wrote it. */
  readonly status: SyncStatus;
  /** When the reconcile began: drift's grace period counts to it. */
  readonly startedAt: Date;
  /** Now: conditions change, the history entry ends, and failures happen at this time. */
  readonly now: Date;
  /** Consecutive failures before this reconcile. */
  readonly failures: number;
  /** A random number in [0, 1) to spread the next interval. */
  readonly draw: number;
  readonly outcome: SyncOutcome;
  /** A pinned or rolled-back revision applied instead of the source's newest. */
  readonly target?: Target | undefined;
};

/** A Kubernetes Event about the Sync. */
export type EventNote = {
  readonly type: EventType;
  readonly reason: string;
  readonly message: string;
  readonly annotations?: Record<string, string>;
};

/** Feedback for Alerts and Providers; the shell adds the source. */
export type Announcement = Pick<EventInput, 'event' | 'revision' | 'message' | 'objects'>;

export type LogNote = {
  readonly level: 'info' | 'warn';
  readonly fields: Record<string, unknown>;
  readonly message: string;
};

export type Decision = {
  readonly result: 'success' | 'failure';
  readonly status: SyncStatus;
  readonly events: readonly EventNote[];
  readonly announcements: readonly Announcement[];
  readonly logs: readonly LogNote[];
  readonly requeueMs: number;
  /** Consecutive failures after this reconcile (0: the backoff starts over). */
  readonly failures: number;
  /** The revision the Sync converged on now (for the commit-to-converged metric). */
  readonly converged?: string;
  /** Desired objects matching and differing live (for the objects metric). */
  readonly objects?: { readonly inSync: number; readonly drifted: number };
};
