/**
 * The health phase of spec.wait, decided without waiting: each reconcile assesses the desired
 * objects once, and this decides Healthy from that assessment and the wait recorded in status.
 * The wait belongs to one desired state (revision and generation); spec.timeout counts from its
 * start, across reconciles, so a new revision, a spec change or drift never waits behind it. Pure.
 */
import type { HealthWait } from '../../api/index.ts';
import { ConditionReasons, ConditionStatuses, type ConditionStatus } from '../../core/index.ts';

export type Health = {
  readonly status: ConditionStatus;
  readonly reason: string;
  readonly message: string;
};

export type HealthDecision = {
  readonly health: Health;
  /** The wait to keep in status; undefined once healthy. */
  readonly wait: HealthWait | undefined;
  /** While waiting: when to assess again (the timeout, at the latest). */
  readonly recheckInMs?: number;
};

export type HealthInput = {
  readonly previous: HealthWait | undefined;
  readonly revision: string;
  readonly generation: number | undefined;
  readonly now: Date;
  readonly timeoutMs: number;
  /** spec.timeout as written, for messages. */
  readonly timeout: string;
  readonly total: number;
  readonly failed: readonly { readonly message: string }[];
  readonly progressing: readonly { readonly message: string }[];
};

/** How often a pending wait looks again when no watch event wakes it first. */
export const HEALTH_RECHECK_MS = 2000;
const MAX_LISTED = 10;

const sameState = (w: HealthWait | undefined, revision: string, generation: number | undefined) =>
  w !== undefined && w.revision === revision && w.generation === generation;

export function decideHealth(input: HealthInput): HealthDecision {
  const { revision, generation, now } = input;
  const wait: HealthWait = sameState(input.previous, revision, generation)
    ? (input.previous as HealthWait)
    : {
        revision,
        ...(generation === undefined ? {} : { generation }),
        startedAt: now.toISOString(),
      };
  const open = [...input.failed, ...input.progressing].map((h) => h.message);
  const listed = open.slice(0, MAX_LISTED).join('; ');
  if (input.failed.length > 0) {
    const health = {
      status: ConditionStatuses.False,
      reason: ConditionReasons.HealthCheckFailed,
      message: listed,
    };
    return { health, wait };
  }
  if (input.progressing.length === 0) {
    const health = {
      status: ConditionStatuses.True,
      reason: ConditionReasons.Succeeded,
      message: `all ${input.total} objects are healthy`,
    };
    return { health, wait: undefined };
  }
  const elapsed = now.getTime() - Date.parse(wait.startedAt);
  if (elapsed >= input.timeoutMs) {
    const health = {
      status: ConditionStatuses.False,
      reason: ConditionReasons.HealthCheckTimeout,
      message: `${listed} (after ${input.timeout})`,
    };
    return { health, wait };
  }
  const health = {
    status: ConditionStatuses.Unknown,
    reason: ConditionReasons.Progressing,
    message: `waiting for ${open.length} of ${input.total} objects: ${listed}`,
  };
  return {
    health,
    wait,
    recheckInMs: Math.max(1, Math.min(HEALTH_RECHECK_MS, input.timeoutMs - elapsed)),
  };
}
