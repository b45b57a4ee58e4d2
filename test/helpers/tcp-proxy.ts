// A TCP proxy on loopback for fault tests: forwards every connection to a target, and on
// `stall()` stops forwarding on the connections open at that moment while keeping their sockets
// open (as a broken network path does); connections made later are forwarded normally. `hang()`
// also accepts new connections without forwarding them (a stopped server); `refuse()` stops
// listening (a host that refuses) until `listen()` opens the same port again.
import { readFile, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';

export type TcpProxy = {
  /** `127.0.0.1:port` the proxy listens on. */
  readonly address: string;
  readonly port: number;
  /** Connections accepted so far. */
  connections(): number;
  /** Connections open now. */
  open(): number;
  /** Stops forwarding on every open connection; their sockets stay open. Returns how many. */
  stall(): number;
  /** Stalls every connection, open now or made later, until `listen()`. */
  hang(): void;
  /** Closes every connection and stops listening: the port refuses. */
  refuse(): Promise<void>;
  /** Forwards again, listening on the same port if it stopped. */
  listen(): Promise<void>;
  close(): Promise<void>;
};

type Pair = { readonly client: Socket; readonly upstream: Socket; stalled: boolean };

/** Forwards `from` to `to` until the pair stalls; then drops what arrives. */
function forward(pair: Pair, from: Socket, to: Socket): void {
  from.on('data', (chunk: Buffer) => {
    if (!pair.stalled && !to.destroyed) to.write(chunk);
  });
  from.on('end', () => {
    if (!pair.stalled) to.end();
  });
}

function listenOn(server: Server, port: number): Promise<number> {
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      if (address && typeof address === 'object') done(address.port);
      else fail(new Error('tcp proxy: no port'));
    });
  });
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let accepted = 0;
  let hanging = false;
  const server = createServer((client) => {
    accepted += 1;
    const upstream = connect(target.port, target.host);
    const pair: Pair = { client, upstream, stalled: hanging };
    pairs.add(pair);
    forward(pair, client, upstream);
    forward(pair, upstream, client);
    const drop = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on('error', drop);
      socket.on('close', drop);
    }
  });
  const port = await listenOn(server, 0);
  const closeAll = async (): Promise<void> => {
    for (const pair of pairs) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
    if (server.listening) await new Promise<void>((done) => server.close(() => done()));
  };
  return {
    address: `127.0.0.1:${port}`,
    port,
    connections: () => accepted,
    open: () => pairs.size,
    stall: () => {
      for (const pair of pairs) pair.stalled = true;
      return pairs.size;
    },
    hang: () => {
      hanging = true;
      for (const pair of pairs) pair.stalled = true;
    },
    refuse: closeAll,
    listen: async () => {
      hanging = false;
      if (!server.listening) await listenOn(server, port);
    },
    close: closeAll,
  };
}

/** The `127.0.0.1` port of the API server a kubeconfig (as the control plane writes it) names. */
export async function apiServerPort(kubeconfig: string): Promise<number> {
  const match = /server: https:\/\/127\.0\.0\.1:(\d+)/.exec(await readFile(kubeconfig, 'utf8'));
  if (!match?.[1]) throw new Error(`${kubeconfig}: no https://127.0.0.1 server`);
  return Number(match[1]);
}

/** Writes to `to` a copy of `kubeconfig` that reaches its API server through `proxy`. */
export async function kubeconfigThrough(
  kubeconfig: string,
  proxy: TcpProxy,
  to: string,
): Promise<string> {
  const text = await readFile(kubeconfig, 'utf8');
  const through = text.replace(
    /server: https:\/\/127\.0\.0\.1:\d+/,
    `server: https://${proxy.address}`,
  );
  await writeFile(to, through, { mode: 0o600 });
  return to;
}
