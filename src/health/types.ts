import type { KubeObject } from '../core/index.ts';

/** kstatus statuses: what `assessHealth` says about a live object. */
export const HealthStatus = {
  /** Reconciled and healthy: the object is what its spec asks for. */
  current: 'Current',
  /** Still converging (rolling out, scheduling, waiting for a controller). */
  inProgress: 'InProgress',
  /** Will not converge without a change (deadline exceeded, crash loop, stalled). */
  failed: 'Failed',
  /** Being deleted. */
  terminating: 'Terminating',
  /** The status could not be read. */
  unknown: 'Unknown',
} as const;
export type HealthStatus = (typeof HealthStatus)[keyof typeof HealthStatus];

/** An assessment; `message` names the object (`Deployment.apps/ns/web: 1 of 3 replicas updated`). */
export type Health = {
  readonly status: HealthStatus;
  readonly message: string;
};

/** What an assessment may depend on besides the object. */
export type AssessContext = {
  /** The current time; without it, time-based rules (unschedulable Pods) never fire. */
  readonly now?: Date | undefined;
};

/** A per-kind rule; returns a message without the object's name (the dispatcher adds it). */
export type KindRule = (obj: KubeObject, context: AssessContext) => Health;

export const current = (message: string): Health => ({ status: HealthStatus.current, message });
export const inProgress = (message: string): Health => ({
  status: HealthStatus.inProgress,
  message,
});
export const failed = (message: string): Health => ({ status: HealthStatus.failed, message });
