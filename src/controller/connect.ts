/**
 * The operator's connection to the API server: the client, leadership (a Lease with
 * `--leader-elect`, else always leading), and the client every part writes through (gated on
 * leadership, remembering status writes).
 */
import type { pino } from 'pino';
import { createKubeClient, gateWrites, type KubeClient } from '../kube/index.ts';
import type { Metrics } from '../server/index.ts';
import { trackApiReachability, type ApiReachability } from './api-reachability.ts';
import { alwaysLeading, startLeaderElection, type Leadership } from './leader/elector.ts';
import type { OperatorOptions } from './options.ts';
import { rememberStatusWrites, type StatusMemory } from './status-memory.ts';
import type { Clock, Logger } from './types.ts';

export type Connection = {
  readonly leadership: Leadership;
  /** The operator's signal, aborted also when the Lease is lost. */
  readonly signal: AbortSignal;
  readonly memory: StatusMemory;
  /** Whether the API server answers; its wakeups end reflectors' backoff pauses. */
  readonly reachability: ApiReachability;
  /** The client without the write gate, for what a standby may ask too (the dashboard's reviews). */
  readonly reader: KubeClient;
};

export function connect(
  opts: OperatorOptions,
  parts: { readonly root: pino.Logger; readonly clock: Clock },
  metrics: Pick<Metrics, 'setLeader' | 'setApiReachable'>,
): Connection {
  const { root, clock } = parts;
  const logger = root as unknown as Logger;
  const reachability = trackApiReachability({
    clock,
    logger: root.child({ part: 'api' }),
    setReachable: (reachable) => metrics.setApiReachable(reachable),
    // Any answer will do, a 403 included: only whether the server answers is asked.
    probe: (signal) => raw.get({ apiVersion: 'v1', kind: 'Namespace', name: 'default' }, signal),
    signal: opts.signal,
  });
  const raw = createKubeClient({
    ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}),
    ...(opts.inCluster ? { inCluster: opts.inCluster } : {}),
    env: opts.env,
    clock,
    logger: root.child({ part: 'kube' }),
    onContact: reachability.observe,
  });
  // Standbys keep their caches warm but neither reconcile nor write; a leader that loses its
  // Lease stops everything (signal) and the process exits.
  const leadership = opts.leaderElection
    ? startLeaderElection({
        kube: raw,
        clock,
        logger,
        random: Math.random,
        config: opts.leaderElection,
        onChange: (leading) => metrics.setLeader(leading),
      })
    : alwaysLeading('');
  if (!opts.leaderElection) metrics.setLeader(true);
  const signal = AbortSignal.any([opts.signal, leadership.lost]);
  const memory = rememberStatusWrites(
    gateWrites(raw, { mayWrite: () => leadership.isLeading(), identity: leadership.identity }),
  );
  return { leadership, signal, memory, reachability, reader: raw };
}
