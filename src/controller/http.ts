/** The operator's HTTP server: liveness and readiness now; metrics and receivers plug in here. */
import { createServer, type Server } from 'node:http';
import type { Logger } from './types.ts';

export type HttpServer = { readonly address: string; close(): Promise<void> };

export async function startHttpServer(
  addr: string,
  deps: { ready: () => boolean; logger: Logger },
): Promise<HttpServer> {
  const colon = addr.lastIndexOf(':');
  const host = colon > 0 ? addr.slice(0, colon) : '127.0.0.1';
  const port = Number(colon >= 0 ? addr.slice(colon + 1) : addr);
  const server: Server = createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    } else if (req.url === '/readyz') {
      const ready = deps.ready();
      res
        .writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' })
        .end(ready ? 'ok' : 'not ready');
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = server.address();
  const address = bound && typeof bound === 'object' ? `${bound.address}:${bound.port}` : addr;
  deps.logger.info({ address }, 'http server listening');
  return {
    address,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
