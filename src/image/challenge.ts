// The `WWW-Authenticate` challenge a registry answers 401 with, and the `Link` header it pages
// tag lists with (pure).

export type Challenge =
  | {
      readonly scheme: 'bearer';
      readonly realm: string;
      readonly service?: string;
      readonly scope?: string;
    }
  | { readonly scheme: 'basic' }
  | { readonly scheme: 'unknown'; readonly text: string };

/** `Bearer realm="https://auth/token",service="registry",scope="repository:app:pull"`. */
export function parseChallenge(header: string | null): Challenge {
  const text = (header ?? '').trim();
  const [scheme = '', ...rest] = text.split(/\s+/);
  if (/^basic$/i.test(scheme)) return { scheme: 'basic' };
  if (!/^bearer$/i.test(scheme)) return { scheme: 'unknown', text };
  const params = new Map<string, string>();
  for (const match of rest.join(' ').matchAll(/([A-Za-z]+)="([^"]*)"/g)) {
    params.set((match[1] ?? '').toLowerCase(), match[2] ?? '');
  }
  const realm = params.get('realm');
  if (!realm) return { scheme: 'unknown', text };
  const service = params.get('service');
  const scope = params.get('scope');
  return {
    scheme: 'bearer',
    realm,
    ...(service === undefined ? {} : { service }),
    ...(scope === undefined ? {} : { scope }),
  };
}

/** The `rel="next"` target of a Link header, resolved against the request's URL. */
export function nextLink(header: string | null, base: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const match = /<([^>]*)>\s*;(.*)$/.exec(part.trim());
    if (match && /rel="?next"?/.test(match[2] ?? '')) return new URL(match[1] ?? '', base).href;
  }
  return undefined;
}

/** Retry-After in seconds or as an HTTP date, in ms from `now`. */
export function retryAfterMs(header: string | null, now: Date): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}
