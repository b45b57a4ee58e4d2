/**
 * The dashboard's files under `/ui/`, built by the set-up (Vite: hashed file names). Read once at
 * start; each file is compressed (brotli, gzip) the first time a client asks for that encoding,
 * off the main thread, and kept (start-up does no compression: ADR 0039). Hashed assets are
 * cached for a year, index.html is revalidated every time so a new build is picked up at once.
 */
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
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

const Encodings = { br: 'br', gzip: 'gzip' } as const;
type Encoding = (typeof Encodings)[keyof typeof Encodings];

const compressBrotli = promisify(brotliCompress);
const compressGzip = promisify(gzip);

const COMPRESS: Readonly<Record<Encoding, (raw: Buffer) => Promise<Buffer>>> = {
  br: (raw) => compressBrotli(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
  gzip: (raw) => compressGzip(raw, { level: 9 }),
};

type Asset = {
  readonly type: string;
  readonly raw: Buffer;
  readonly compressible: boolean;
  /** Each encoding's body, compressed on the first request that accepts it. */
  readonly encoded: Map<Encoding, Promise<Buffer>>;
  readonly cache: string;
};

export type UiAssets = {
  /** Serves `/ui/...`; undefined when there is no such file (and it is not a page route). */
  serve(c: Context): Promise<Response | undefined>;
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
    compressible,
    encoded: new Map(),
    cache: path.endsWith('index.html') ? 'no-cache' : IMMUTABLE,
  };
}

/** The encoding to answer with: brotli, else gzip, when the client accepts it and it pays. */
function encodingFor(asset: Asset, accepts: string): Encoding | undefined {
  if (!asset.compressible) return undefined;
  if (/\bbr\b/.test(accepts)) return Encodings.br;
  if (/\bgzip\b/.test(accepts)) return Encodings.gzip;
  return undefined;
}

/** The asset's body in `encoding`, compressed once; concurrent first requests share the work. */
function encodedBody(asset: Asset, encoding: Encoding): Promise<Buffer> {
  let body = asset.encoded.get(encoding);
  if (body === undefined) {
    body = COMPRESS[encoding](asset.raw);
    // A failed compression is tried again by the next request, not remembered.
    body.catch(() => asset.encoded.delete(encoding));
    asset.encoded.set(encoding, body);
  }
  return body;
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
    async serve(c) {
      const rest = c.req.path.slice(UI_PREFIX.length);
      const asset = rest === '' ? index : assets.get(rest);
      if (asset === undefined) return rest.startsWith('assets/') ? undefined : respond(c, index);
      return respond(c, asset);
    },
  };
}

async function respond(c: Context, asset: Asset): Promise<Response> {
  const headers: Record<string, string> = {
    'Content-Type': asset.type,
    'Cache-Control': asset.cache,
    Vary: 'Accept-Encoding',
    'X-Content-Type-Options': 'nosniff',
  };
  const encoding = encodingFor(asset, c.req.header('Accept-Encoding') ?? '');
  let body = asset.raw;
  if (encoding !== undefined) {
    body = await encodedBody(asset, encoding);
    headers['Content-Encoding'] = encoding;
  }
  return new Response(new Uint8Array(body), { status: 200, headers });
}
