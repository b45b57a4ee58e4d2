/** Puts the dashboard on the operator's HTTP server: `/api/v1/…`, `/ui/…`, and `/` → `/ui/`. */
import type { Hono } from 'hono';
import { API_PREFIX, createDashboardApi, type DashboardDeps } from './api.ts';
import { UI_PREFIX, type UiAssets } from './static.ts';

export type Dashboard = DashboardDeps & {
  /** The built files; undefined when the set-up did not build them (the API still answers). */
  readonly assets?: UiAssets | undefined;
};

const PAGE_SECURITY = {
  'Content-Security-Policy':
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- mounted on any app's environment
export function mountDashboard(app: Hono<any>, dashboard: Dashboard): void {
  app.route(API_PREFIX, createDashboardApi(dashboard));
  const { assets } = dashboard;
  app.get('/', (c) => c.redirect(UI_PREFIX));
  app.get('/ui', (c) => c.redirect(UI_PREFIX));
  app.get(`${UI_PREFIX}*`, async (c) => {
    if (assets === undefined)
      return c.text('the dashboard was not built: run scripts/setup.sh', 404);
    const response = await assets.serve(c);
    if (response === undefined) return c.json({ error: 'not found' }, 404);
    if (response.headers.get('Content-Type')?.startsWith('text/html'))
      for (const [k, v] of Object.entries(PAGE_SECURITY)) response.headers.set(k, v);
    return response;
  });
}
