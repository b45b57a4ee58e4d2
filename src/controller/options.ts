import type { KustomizeSettings } from '../render/index.ts';
import type { LeaderElectionConfig } from './leader/elector.ts';

/** What `moor operator` passes to the composition root. */
export type OperatorOptions = {
  /** Path of a kubeconfig; default: KUBECONFIG, in-cluster, ~/.kube/config. */
  readonly kubeconfig?: string;
  /** Watch only this namespace; default: all namespaces. */
  readonly namespace?: string;
  /** Resources reconciled in parallel. */
  readonly concurrency: number;
  /** API requests one Sync's apply keeps in flight (dry-runs, applies, prunes, health reads). */
  readonly applyConcurrency: number;
  /** Upper bound of each git run (a GitRepository's `spec.timeout` may cut it shorter). */
  readonly gitTimeoutMs: number;
  /** The process environment (PATH, proxies, CA bundles, KUBECONFIG, HOME), read once by the CLI. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Address of the HTTP server (metrics, health, receivers), e.g. `127.0.0.1:9090`; empty: none. */
  readonly httpAddr: string;
  readonly allowFileUrls: boolean;
  /** The kustomize program and what kustomizations may refer to (remote bases: off by default). */
  readonly kustomize: KustomizeSettings;
  /** Directory for artifacts; default: a directory under the OS temp dir. */
  readonly storagePath?: string;
  /** Name used in commit-status contexts and tags. */
  readonly clusterName: string;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Reconcile and write only while holding this Lease (`--leader-elect`); omitted: always. */
  readonly leaderElection?: LeaderElectionConfig;
  readonly signal: AbortSignal;
};
