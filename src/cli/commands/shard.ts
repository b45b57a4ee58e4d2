// `moor operator --shard NAME`: the label value it takes, and the Lease its replicas share.
import { InvalidArgumentError } from '@commander-js/extra-typings';
import { DEFAULT_LEASE_NAME } from '../install-manifests.ts';
import type { LeaderElectionConfig } from '../parts.ts';
import { leaderElectionConfig, type LeaderElectionFlags } from './leader-election.ts';

// A label value: at most 63 characters, alphanumerics with - _ . inside.
const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

export function parseShard(value: string): string {
  if (!LABEL_VALUE.test(value))
    throw new InvalidArgumentError(
      `shard ${JSON.stringify(value)} is not a label value (at most 63 characters: letters, digits, - _ . inside).`,
    );
  return value;
}

/** Each shard elects its own leader: the default Lease name gains the shard's name. */
export function shardLeaseName(leaseName: string, shard: string | undefined): string {
  if (shard === undefined || leaseName !== DEFAULT_LEASE_NAME) return leaseName;
  return `${leaseName}-${shard}`.slice(0, 253).toLowerCase().replace(/[_]/g, '-');
}

/** With `--leader-elect`, the election of this shard's replicas; else none. */
export function shardElection(
  opts: LeaderElectionFlags & { readonly leaderElect?: boolean; readonly shard?: string },
  namespace: string | undefined,
): LeaderElectionConfig | undefined {
  if (!opts.leaderElect) return undefined;
  const leaderElectLeaseName = shardLeaseName(opts.leaderElectLeaseName, opts.shard);
  return leaderElectionConfig({ ...opts, leaderElectLeaseName }, namespace);
}
