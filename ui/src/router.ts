// Hash routes, so every view has a link and the browser's back and forward move between them:
// #/ overview (?q=&state=), #/syncs/NS/NAME (?object=ID), #/events.
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { readonly view: 'overview'; readonly params: URLSearchParams }
  | {
      readonly view: 'sync';
      readonly namespace: string;
      readonly name: string;
      readonly params: URLSearchParams;
    }
  | { readonly view: 'events'; readonly params: URLSearchParams };

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/';
  const [path = '/', query = ''] = raw.split('?', 2);
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'syncs' && parts.length === 3)
    return { view: 'sync', namespace: parts[1] ?? '', name: parts[2] ?? '', params };
  if (parts[0] === 'events') return { view: 'events', params };
  return { view: 'overview', params };
}

export function syncHref(namespace: string, name: string, object?: string): string {
  const base = `#/syncs/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
  return object ? `${base}?object=${encodeURIComponent(object)}` : base;
}

/** Replaces the query of the current route (a new history entry unless `replace`). */
export function setParams(path: string, params: URLSearchParams, replace = false): void {
  const q = params.toString();
  const url = `#${path}${q ? `?${q}` : ''}`;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  dispatchEvent(new HashChangeEvent('hashchange'));
}

export function useRoute(): Route {
  const [route, set] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => set(parseRoute(location.hash));
    addEventListener('hashchange', on);
    addEventListener('popstate', on);
    return () => {
      removeEventListener('hashchange', on);
      removeEventListener('popstate', on);
    };
  }, []);
  return route;
}
