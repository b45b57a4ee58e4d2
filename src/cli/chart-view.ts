// How the CLI shows a Sync's chart (spec.helm): `name@version` from status.helm, else the chart
// asked for.
import type { KubeObject } from './parts.ts';
import { recordAt, stringAt } from './objects.ts';

/** `app@1.2.0` (rendered), `app (not rendered yet)`, or undefined for a Sync without spec.helm. */
export function chartOf(sync: KubeObject): string | undefined {
  const spec = recordAt(sync, 'spec', 'helm');
  if (Object.keys(spec).length === 0) return undefined;
  const chart = stringAt(sync, 'status', 'helm', 'chart');
  const version = stringAt(sync, 'status', 'helm', 'version');
  if (chart && version) return `${chart}@${version}`;
  const asked = typeof spec.chart === 'string' ? spec.chart : stringAt(sync, 'spec', 'path');
  return `${asked ?? '.'} (not rendered yet)`;
}
