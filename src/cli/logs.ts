// The operator's JSON log lines (pino), filtered by resource and level, for `moor logs`.
import { isRecord } from '../core/index.ts';

export const LOG_LEVELS = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
} as const;
export type LogLevelName = keyof typeof LOG_LEVELS;

/** Bindings that name the resource a line is about, by the kind users type. */
const RESOURCE_FIELDS: Readonly<Record<string, string>> = {
  sync: 'sync',
  source: 'gitrepository',
  gitrepository: 'gitrepository',
  receiver: 'receiver',
};

export type LogFilter = {
  readonly minLevel: number;
  /** `sync/NAMESPACE/NAME` style: kind word and `namespace/name`. */
  readonly resource?: { readonly field: string; readonly key: string } | undefined;
};

export type LogLine = {
  readonly time: string;
  readonly level: string;
  readonly resource: string;
  readonly msg: string;
  readonly fields: Record<string, unknown>;
};

/** `sync/NS/NAME` or `sync/NAME` (in `namespace`); undefined when the kind is not one logs name. */
export function parseResourceFilter(text: string, namespace: string): LogFilter['resource'] {
  const [kind = '', ...rest] = text.split('/');
  const field = RESOURCE_FIELDS[kind.toLowerCase()];
  if (!field || rest.length < 1 || rest.length > 2 || rest.some((p) => !p)) return undefined;
  const key = rest.length === 2 ? rest.join('/') : `${namespace}/${rest[0] ?? ''}`;
  return { field, key };
}

function levelName(level: unknown): string {
  const found = Object.entries(LOG_LEVELS).find(([, n]) => n === level);
  return found ? found[0] : String(level);
}

function resourceOf(entry: Record<string, unknown>): string {
  for (const field of ['sync', 'gitrepository', 'receiver']) {
    const value = entry[field];
    if (typeof value === 'string') return `${field}/${value}`;
  }
  return '';
}

/** The lines of `text` that pass the filter, in order; lines that are not JSON objects are skipped. */
export function filterLogLines(text: string, filter: LogFilter): LogLine[] {
  const out: LogLine[] = [];
  for (const raw of text.split('\n')) {
    if (!raw.trim().startsWith('{')) continue;
    let entry: unknown;
    try {
      entry = JSON.parse(raw);
    } catch {
      continue;
    }
    if (!isRecord(entry) || typeof entry.level !== 'number' || entry.level < filter.minLevel)
      continue;
    if (filter.resource && entry[filter.resource.field] !== filter.resource.key) continue;
    const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString() : '';
    const { level, time: _t, msg, pid: _p, hostname: _h, component: _c, ...fields } = entry;
    out.push({
      time,
      level: levelName(level),
      resource: resourceOf(entry),
      msg: typeof msg === 'string' ? msg : '',
      fields,
    });
  }
  return out;
}
