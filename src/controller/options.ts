import type { InClusterOptions, WatchTiming } from '../kube/index.ts';
import type { HelmSettings, KustomizeSettings } from '../render/index.ts';
import type { LeaderElectionConfig } from './leader/elector.ts';

export type ProviderAddressOptions = {
  readonly allowHosts: readonly string[];
  /** CIDRs added to the default denied ranges. */
  readonly deniedRanges: readonly string[];
  /** Host names added to the default denied names. */
  readonly deniedHosts: readonly string[];
};

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
  /**
   * Where Providers may send (`--allow-provider-hosts`; empty: any host) and what they never may,
   * beyond the default deny-list of link-local and metadata ranges (`--deny-provider-hosts`).
   */
  readonly providerAddresses?: ProviderAddressOptions;
  /** The kustomize program and what kustomizations may refer to (remote bases: off by default). */
  readonly kustomize: KustomizeSettings;
  /** The helm program charts are rendered with (spec.helm); omitted: charts fail to render. */
  readonly helm?: HelmSettings;
  /** Directory for artifacts; default: a directory under the OS temp dir. */
  readonly storagePath?: string;
  /** Name used in commit-status contexts and tags. */
  readonly clusterName: string;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Reconcile and write only while holding this Lease (`--leader-elect`); omitted: always. */
  readonly leaderElection?: LeaderElectionConfig;
  /** How long each watch lasts and how long one may stay silent before it is cut and relisted (`--watch-timeout`, `--watch-stall-timeout`); omitted: 240 s and 90 s. */
  readonly watch?: WatchTiming;
  /** Named in every Sync status this process writes; default: the Lease identity, else random. */
  readonly operatorId?: string;
  /**
   * Without leader election: how long a Sync is left alone after another operator wrote its
   * status (ADR 0018). Default 5 minutes.
   */
  readonly otherOperatorYieldMs?: number;
  /** The dashboard on `httpAddr` without tokens, read-only, for demos (`--ui-insecure-local`): loopback only. */
  readonly uiInsecureLocal?: boolean;
  /** Where the built dashboard is; default: the checkout's `ui/dist`. */
  readonly uiDir?: string;
  readonly signal: AbortSignal;
  /** The package version, served at `/version` on the HTTP server. */
  readonly version?: string;
  /** `--shard`: reconcile only the Syncs and GitRepositories labelled `moor.dev/shard` with it; omitted: only the unlabelled ones. */
  readonly shard?: string;
  /** The pod's service account token and CA instead of a kubeconfig (`--service-account-dir`, or found in a pod). */
  readonly inCluster?: InClusterOptions;
};
