/**
 * The dashboard's files under `/ui/`, built by the set-up (Vite: hashed file names). Read once at
 * start and compressed once (brotli, gzip); hashed assets are cached for a year, index.html is
 * revalidated every time so a new build is picked up at once.
 */
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Context } from 'hono';

export const UI_PREFIX = '/ui/';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json']);
const IMMUTABLE = 'public, max-age=31536000, immutable';

type Asset = {
  readonly type: string;
  readonly raw: Buffer;
  readonly gzip?: Buffer | undefined;
  readonly br?: Buffer | undefined;
  readonly cache: string;
};

export type UiAssets = {
  /** Serves `/ui/...`; undefined when there is no such file (and it is not a page route). */
  serve(c: Context): Response | undefined;
  readonly files: number;
};

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)])),
  );
  return nested.flat();
}

function assetOf(path: string, raw: Buffer): Asset {
  const ext = extname(path);
  const compressible = COMPRESSIBLE.has(ext) && raw.length > 512;
  return {
    type: TYPES[ext] ?? 'application/octet-stream',
    raw,
    gzip: compressible ? gzipSync(raw, { level: 9 }) : undefined,
    br: compressible
      ? brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } })
      : undefined,
    cache: path.endsWith('index.html') ? 'no-cache' : IMMUTABLE,
  };
}

/** Loads the built dashboard from `dir` (ui/dist); undefined when it was not built. */
export async function loadUiAssets(dir: string): Promise<UiAssets | undefined> {
  let paths: string[];
  try {
    paths = await walk(dir);
  } catch {
    return undefined;
  }
  const assets = new Map<string, Asset>();
  for (const path of paths) {
    const url = relative(dir, path).split(sep).join('/');
    assets.set(url, assetOf(path, await readFile(path)));
  }
  const index = assets.get('index.html');
  if (index === undefined) return undefined;
  return {
    files: assets.size,
    serve(c) {
      const rest = c.req.path.slice(UI_PREFIX.length);
      const asset = rest === '' ? index : assets.get(rest);
      if (asset === undefined) return rest.startsWith('assets/') ? undefined : respond(c, index);
      return respond(c, asset);
    },
  };
}

function respond(c: Context, asset: Asset): Response {
  const accepts = c.req.header('Accept-Encoding') ?? '';
  const headers: Record<string, string> = {
    'Content-Type': asset.type,
    'Cache-Control': asset.cache,
    Vary: 'Accept-Encoding',
    'X-Content-Type-Options': 'nosniff',
  };
  let body = asset.raw;
  if (asset.br && /\bbr\b/.test(accepts)) {
    body = asset.br;
    headers['Content-Encoding'] = 'br';
  } else if (asset.gzip && /\bgzip\b/.test(accepts)) {
    body = asset.gzip;
    headers['Content-Encoding'] = 'gzip';
  }
  return new Response(new Uint8Array(body), { status: 200, headers });
}
