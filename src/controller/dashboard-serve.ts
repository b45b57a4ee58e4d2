/** The dashboard on the operator's HTTP server: its data, access checks and built files. */
import { fileURLToPath } from 'node:url';
import {
  createAccess,
  isLoopbackHost,
  loadUiAssets,
  parseListenAddress,
  type Dashboard,
} from '../server/index.ts';
import type { GitClient } from '../git/index.ts';
import type { KubeClient, LiveCache } from '../kube/index.ts';
import { dashboardActions } from './dashboard-actions.ts';
import { dashboardData, dashboardReviews, type DashboardHub } from './dashboard.ts';
import type { Connection } from './connect.ts';
import type { Informer } from './informer.ts';
import type { Leadership } from './leader/elector.ts';
import type { OperatorOptions } from './options.ts';
import type { Clock, Logger } from './types.ts';

/** `ui/dist` of this checkout, where the set-up builds the dashboard. */
export const DEFAULT_UI_DIR = fileURLToPath(new URL('../../ui/dist', import.meta.url));

export class DashboardAddressError extends Error {
  readonly code = 'InsecureUiNotLoopback';
}

/** `--ui-insecure-local` serves without tokens: only on a loopback address. */
export function checkDashboardAddress(
  opts: Pick<OperatorOptions, 'httpAddr' | 'uiInsecureLocal'>,
): void {
  if (opts.uiInsecureLocal !== true) return;
  const parsed = parseListenAddress(opts.httpAddr);
  const host = parsed.ok ? parsed.value.host : undefined;
  if (!opts.httpAddr || !isLoopbackHost(host)) {
    throw new DashboardAddressError(
      `--ui-insecure-local serves the dashboard without tokens: --http-addr must be a loopback address (127.0.0.1, [::1], localhost), not "${opts.httpAddr}"`,
    );
  }
}

export async function startDashboard(
  opts: Pick<
    OperatorOptions,
    'httpAddr' | 'uiInsecureLocal' | 'uiDir' | 'kustomize' | 'allowFileUrls'
  >,
  parts: {
    /** The write-gated client: the buttons' writes. */
    readonly kube: KubeClient;
    /** Its `reader`, without the gate: the reviews and reads a standby answers too (ADR 0030). */
    readonly conn: Pick<Connection, 'reader'>;
    readonly leadership: Pick<Leadership, 'isLeading'>;
    readonly git: GitClient;
    readonly live: Pick<LiveCache, 'get'>;
    readonly sources: { readonly informer: Informer };
    readonly syncs: { readonly informer: Informer };
    readonly hub: DashboardHub;
    readonly clock: Clock;
    readonly logger: Logger;
  },
): Promise<Dashboard | undefined> {
  if (!opts.httpAddr) return undefined;
  const { kube, clock, logger } = parts;
  const dir = opts.uiDir ?? DEFAULT_UI_DIR;
  const assets = await loadUiAssets(dir);
  if (assets === undefined)
    logger.warn({ dir }, 'dashboard not built (scripts/setup.sh builds it): serving its API only');
  const data = dashboardData({
    kube,
    live: parts.live,
    sources: parts.sources.informer,
    syncs: parts.syncs.informer,
    hub: parts.hub,
    clock,
    actions: dashboardActions({
      kube,
      reader: parts.conn.reader,
      syncs: parts.syncs.informer,
      leading: () => parts.leadership.isLeading(),
      preview: { git: parts.git, kustomize: opts.kustomize, allowFileUrls: opts.allowFileUrls },
    }),
  });
  const access = createAccess({
    reviews: dashboardReviews(parts.conn.reader),
    insecureLocal: opts.uiInsecureLocal === true,
    now: () => clock.monotonic(),
  });
  return { data, access, assets, logger };
}
