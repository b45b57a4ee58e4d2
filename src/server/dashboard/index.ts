// The dashboard's server side: its JSON API, live stream, access checks and static files.
export {
  createAccess,
  isLoopbackHost,
  LOCAL_IDENTITY,
  REVIEW_TTL_MS,
  type Access,
} from './access.ts';
export { noActions } from './actions.ts';
export { API_PREFIX, createDashboardApi, type DashboardDeps } from './api.ts';
export { MASK, redactObject } from './object-view.ts';
export { loadUiAssets, UI_PREFIX, type UiAssets } from './static.ts';
export { eventRowOf, shortRevision, summarizeSource, summarizeSync } from './summary.ts';
export type * from './types.ts';
export { mountDashboard, type Dashboard } from './mount.ts';
