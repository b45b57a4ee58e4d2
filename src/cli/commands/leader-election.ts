// `moor operator`'s leader election flags, and the configuration they make.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { InvalidArgumentError } from '@commander-js/extra-typings';
import type { LeaderElectionConfig } from '../parts.ts';
import { safeParseDuration } from '../parts-api.ts';
import { DEFAULT_LEASE_NAME, INSTALL_NAMESPACE } from '../install-manifests.ts';

export { DEFAULT_LEASE_NAME };

export function parseDurationMs(value: string): number {
  const parsed = safeParseDuration(value);
  if (!parsed.ok) throw new InvalidArgumentError(`${parsed.error.message}.`);
  return parsed.value;
}

export type LeaderElectionFlags = {
  readonly leaderElectLeaseName: string;
  readonly leaderElectNamespace?: string | undefined;
  readonly leaderElectIdentity?: string | undefined;
  readonly leaderElectLeaseDuration: number;
  readonly leaderElectRenewDeadline: number;
  readonly leaderElectRetryPeriod: number;
};

/** Client-go's default identity: the hostname, made unique with a random suffix. */
export function defaultIdentity(): string {
  return `${hostname()}_${randomBytes(4).toString('hex')}`;
}

/** The Lease to hold: by default in the namespace the operator watches, else Moor's own. */
export function leaderElectionConfig(
  flags: LeaderElectionFlags,
  scope: string | undefined,
): LeaderElectionConfig {
  return {
    leaseName: flags.leaderElectLeaseName,
    leaseNamespace: flags.leaderElectNamespace ?? scope ?? INSTALL_NAMESPACE,
    identity: flags.leaderElectIdentity ?? defaultIdentity(),
    timings: {
      leaseDurationMs: flags.leaderElectLeaseDuration,
      renewDeadlineMs: flags.leaderElectRenewDeadline,
      retryPeriodMs: flags.leaderElectRetryPeriod,
    },
  };
}
