// `moor fleet status`, the pure part: which writeback tags (`moor/<cluster>/<ns>/<sync>`, ADR 0005)
// a remote has, and the rows and JSON that say, per cluster and Sync, the applied revision and how
// far it is behind the branch head. A tag name comes from the remote: one that does not name a
// cluster, namespace and Sync is counted as ignored, never printed.
import type { BranchComparison, CommitBehind, RemoteRef } from '../git/index.ts';
import { formatAge, renderTable } from './output.ts';

const TAG_PREFIX = 'refs/tags/moor/';
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN =
  /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** As a Provider's `spec.cluster` / `--cluster-name` may spell it. */
const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,252}$/;
const SHA = /^[0-9a-f]{40}$/;

export type ClusterTag = {
  readonly cluster: string;
  readonly namespace: string;
  readonly sync: string;
  readonly sha: string;
};

/** The writeback tags among `refs`, sorted by cluster, namespace and Sync; and how many were not. */
export function clusterTagsOf(refs: readonly RemoteRef[]): {
  tags: ClusterTag[];
  ignored: number;
} {
  const tags: ClusterTag[] = [];
  let ignored = 0;
  for (const ref of refs) {
    if (!ref.name.startsWith(TAG_PREFIX)) continue;
    const parts = ref.name.slice(TAG_PREFIX.length).split('/');
    const sync = parts.pop() ?? '';
    const namespace = parts.pop() ?? '';
    const cluster = parts.join('/');
    const valid =
      CLUSTER_NAME.test(cluster) &&
      DNS_LABEL.test(namespace) &&
      DNS_SUBDOMAIN.test(sync) &&
      SHA.test(ref.sha);
    if (valid) tags.push({ cluster, namespace, sync, sha: ref.sha });
    else ignored++;
  }
  tags.sort(
    (a, b) =>
      a.cluster.localeCompare(b.cluster) ||
      a.namespace.localeCompare(b.namespace) ||
      a.sync.localeCompare(b.sync),
  );
  return { tags, ignored };
}

export type FleetRow = ClusterTag & {
  /** `current`, `behind`, `diverged` (not on the branch) or `unknown` (older than the history read). */
  readonly state: 'current' | 'behind' | 'diverged' | 'unknown';
  readonly behind?: number;
  /** The commit time (RFC 3339) of the oldest commit on the branch the cluster lacks. */
  readonly behindSince?: string;
};

export type FleetStatus = {
  readonly url: string;
  readonly branch: string;
  readonly head: { readonly sha: string; readonly time: string };
  readonly depth: number;
  readonly syncs: readonly FleetRow[];
  readonly ignoredTags: number;
};

function rowOf(tag: ClusterTag, compared: CommitBehind | undefined): FleetRow {
  if (!compared || compared.state !== 'behind')
    return { ...tag, state: compared?.state ?? 'unknown' };
  if (compared.behind === 0) return { ...tag, state: 'current', behind: 0 };
  return {
    ...tag,
    state: 'behind',
    behind: compared.behind,
    ...(compared.since ? { behindSince: compared.since } : {}),
  };
}

export function fleetStatusOf(
  where: { url: string; branch: string; depth: number },
  tags: { tags: readonly ClusterTag[]; ignored: number },
  comparison: BranchComparison,
): FleetStatus {
  return {
    ...where,
    head: comparison.head,
    syncs: tags.tags.map((tag) => rowOf(tag, comparison.commits.get(tag.sha))),
    ignoredTags: tags.ignored,
  };
}

function behindText(row: FleetRow, depth: number): string {
  switch (row.state) {
    case 'current':
      return 'up to date';
    case 'behind':
      return `${row.behind ?? 0} commit${row.behind === 1 ? '' : 's'}`;
    case 'diverged':
      return 'not on the branch';
    case 'unknown':
      return `not in the last ${depth}`;
  }
}

/** The table: one row per cluster and Sync, then the head it was compared with. */
export function renderFleetTable(status: FleetStatus, now: Date): string {
  const lines: string[] = [];
  if (status.syncs.length === 0) {
    lines.push(
      `no writeback tags (refs/tags/moor/<cluster>/<namespace>/<sync>) in ${status.url}\n`,
    );
  } else {
    lines.push(
      renderTable(
        ['CLUSTER', 'SYNC', 'REVISION', 'BEHIND', 'SINCE'],
        status.syncs.map((row) => [
          row.cluster,
          `${row.namespace}/${row.sync}`,
          row.sha.slice(0, 12),
          behindText(row, status.depth),
          row.behindSince ? formatAge(row.behindSince, now) : '-',
        ]),
      ),
    );
  }
  lines.push(
    `${status.branch} is at ${status.head.sha.slice(0, 12)} (${formatAge(status.head.time, now)} ago)\n`,
  );
  if (status.ignoredTags > 0)
    lines.push(
      `${status.ignoredTags} tag(s) under refs/tags/moor/ name no cluster, namespace and Sync: ignored\n`,
    );
  return lines.join('');
}
